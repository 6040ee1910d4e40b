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
