/**
 * Incremental line splitting (LF, CRLF or CR; a chunk may end anywhere, including between CR and LF) and an NDJSON
 * decoder on top of it. Only the incomplete trailing line is buffered, as a list of pieces joined once when the line
 * ends, so feeding a long line one character at a time stays linear.
 */
import { parseJson } from '@/utils/parsers/common';

export interface LineSplitter {
  push(chunk: string): void;
  /** Flushes a last line that has no line ending. */
  end(): void;
}

/** Longest line kept (characters); a longer one is dropped whole. */
export const MAX_LINE = 8 << 20;

const EOL = /[\r\n]/g;

export function createLineSplitter(onLine: (line: string) => void, maxLine = MAX_LINE): LineSplitter {
  let parts: string[] = [];
  let len = 0;
  let skipLf = false; // the previous chunk ended with CR: a leading LF belongs to it
  let over = false; // the current line grew past maxLine: drop it

  const keep = (s: string): void => {
    if (!s || over) return;
    len += s.length;
    if (len > maxLine) {
      over = true;
      parts = [];
    } else parts.push(s);
  };
  const emit = (last: string): void => {
    keep(last);
    const line = over ? undefined : parts.join('');
    parts = [];
    len = 0;
    over = false;
    if (line !== undefined) onLine(line);
  };

  return {
    push(chunk: string): void {
      const n = chunk.length;
      if (!n) return;
      let i = 0;
      if (skipLf && chunk.charCodeAt(0) === 10) i = 1;
      skipLf = false;
      while (i < n) {
        EOL.lastIndex = i;
        const m = EOL.exec(chunk);
        if (!m) {
          keep(chunk.slice(i));
          return;
        }
        const j = m.index;
        emit(chunk.slice(i, j));
        i = j + 1;
        if (chunk.charCodeAt(j) === 13) {
          if (i === n) skipLf = true;
          else if (chunk.charCodeAt(i) === 10) i++;
        }
      }
    },
    end(): void {
      if (parts.length || over) emit('');
    },
  };
}

export interface NdjsonDecoder {
  push(chunk: string): void;
  end(): void;
}

/** Calls `onValue` with each line that parses as JSON (blank and malformed lines are skipped). */
export function createNdjsonDecoder(onValue: (value: unknown, line: string) => void): NdjsonDecoder {
  return createLineSplitter((line) => {
    const v = parseJson(line);
    if (v !== undefined) onValue(v, line);
  });
}

/**
 * Splits a JSON array that arrives in pieces (`[{…},\r\n{…}]`, Gemini's streamGenerateContent without SSE) into the
 * text of each top-level object element, as soon as it is complete. One pass over the characters, strings and
 * escapes respected; only the element being read is buffered (dropped whole past maxLen). Non-object elements and
 * anything malformed are skipped. `onItem` returns true to stop: the rest of the array, even the rest of the chunk at
 * hand, is then skipped unread (an app's array of records can be given up after its first elements).
 */
export function createArraySplitter(
  onItem: (text: string) => boolean | undefined,
  maxLen = MAX_LINE,
): (chunk: string) => void {
  let stopped = false;
  let depth = 0;
  let inStr = false;
  let esc = false;
  let item = false; // inside an object element
  let parts: string[] = [];
  let len = 0;

  const keep = (s: string): void => {
    len += s.length;
    if (len <= maxLen) parts.push(s);
    else parts = [];
  };

  return (chunk) => {
    if (stopped) return;
    // Locals, written back at the end: closure variables are several times slower in a hot loop.
    let d = depth;
    let str = inStr;
    let e = esc;
    let it = item;
    let from = 0;
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (str) {
        if (e) {
          e = false;
          i++;
          continue;
        }
        // Jump over the string's content to its closing quote: one not escaped by an odd run of backslashes.
        let q = chunk.indexOf('"', i);
        while (q >= 0 && oddBackslashesBefore(chunk, q, i)) q = chunk.indexOf('"', q + 1);
        if (q < 0) {
          // The string goes on in the next chunk; a trailing odd run of backslashes escapes its first character.
          e = oddBackslashesBefore(chunk, n, i);
          break;
        }
        str = false;
        i = q + 1;
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (c === 34) str = true;
      else if (c === 123 || c === 91) {
        if (++d === 2 && c === 123) {
          it = true;
          from = i;
        }
      } else if ((c === 125 || c === 93) && d > 0 && --d === 1 && it) {
        keep(chunk.slice(from, i + 1));
        const text = len <= maxLen ? parts.join('') : '';
        it = false;
        parts = [];
        len = 0;
        if (text && onItem(text) === true) {
          stopped = true;
          return;
        }
      }
      i++;
    }
    depth = d;
    inStr = str;
    esc = e;
    item = it;
    if (it) keep(chunk.slice(from));
  };
}

/** Whether the characters just before `at` (not before `from`) are an odd run of backslashes. */
function oddBackslashesBefore(s: string, at: number, from: number): boolean {
  let b = at - 1;
  while (b >= from && s.charCodeAt(b) === 92) b--;
  return (at - 1 - b) % 2 === 1;
}
