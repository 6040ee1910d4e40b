/**
 * Vocabulary-free approximation of OpenAI's o200k_base token count.
 *
 * One pass over the characters cuts the text into roughly the same "pieces" as o200k's pre-tokenizer (a word with
 * its leading space, a group of up to three digits, a punctuation run, a whitespace or newline run). Byte-pair
 * merges never cross a piece, and for common English and code almost every piece is exactly one token, so the count
 * of pieces is most of the answer. A hand-written scanner instead of the pre-tokenizer's Unicode regex: it is several
 * times faster, smaller in the bundle, and keeps its state between pushes, so any chunking gives the same answer.
 * Each piece then pays extra by script: long Latin words (more in languages o200k knows less well, judged from the
 * text seen so far), CJK / kana / Hangul per character, other alphabets per letter, emoji per code point.
 * Measured against the real tokenizer by bench figure 11 (tests/bench/text-corpus) and the unit tests'
 * fixtures (tests/fixtures/wire/estimator). Runs in the page: never throws.
 */

export interface Estimator {
  /** Feed the next piece of text (any chunking). */
  push(text: string): void;
  /** Estimated tokens of everything pushed so far. */
  total(): number;
}

/* Tuned constants (bench figure 11 and the unit tests' fixtures). */
const EN_FREE = 7.8; // letters an English-like word gets for one token
const EN_PER = 3.76; // letters per extra token beyond that
const HARD_PER = 4.26; // letters per token in "hard" Latin (Polish, Czech, ... words)
const D1 = 0.15; // extra per Latin-1 letter (é, ñ)
const D2 = 1; // extra per Latin Extended letter (ł, ą, č, ő)
const W1 = 1; // hardness per Latin-1 letter share (acute, grave, cedilla: French, Spanish)
const WU = 21; // hardness per ä ö ü ß share (German, Finnish, Hungarian)
const WN = 30; // hardness per å æ ø share (Nordic)
const HMAX = 1.2; // hardness at most
const W2 = 100; // hardness per Latin Extended share
const WV = 2.4; // hardness per share of words ending in a vowel beyond V0 (Italian, Portuguese)
const V0 = 0.45;
const LEAD = 0.27; // punctuation glued in front of a word ("(foo", ".bar")
const EMOJI = 2.5; // an emoji code point
const SYM = 1.5; // U+2600..27BF symbols and dingbats
const VS = 0.48; // variation selector 16 after an emoji
const ZWJ = 0.6; // zero-width joiner inside an emoji sequence
const HAN = 0.82; // per CJK ideograph
const KANA = 0.79; // per hiragana / katakana
const HANGUL = 0.73; // per Hangul syllable
const CJKP = 0.3; // CJK punctuation and quotes
const PUNCT_FREE = 2.5; // ASCII punctuation chars in one token
const PUNCT_PER = 0.4; // extra per further char

/** Per-character cost of scripts that are not Latin or symbols: [first code point, last, cost, kind]. */
// kind 0: adds to the piece directly (CJK, Hangul, Thai...); kind 1: alphabet letter (word minimum of one token)
const SCRIPTS: readonly (readonly [number, number, number, number])[] = [
  [0x400, 0x52f, 0.24, 1], // Cyrillic
  [0x370, 0x5ff, 0.44, 1], // Greek, Armenian, Hebrew
  [0x600, 0xdff, 0.33, 1], // Arabic, Syriac, Thaana, Indic scripts
  [0xe00, 0xeff, 0.43, 0], // Thai, Lao (no spaces between words)
  [0x3040, 0x30ff, KANA, 0], // Hiragana, Katakana
  [0x4e00, 0x9fff, HAN, 0], // CJK ideographs (rarer ones and the rest of the BMP: one token each)
  [0xac00, 0xd7af, HANGUL, 0], // Hangul syllables
];

/* What a piece is: nothing yet, a word, digits, punctuation / symbols, spaces, newlines. */
const NONE = 0;
const WORD = 1;
const DIGITS = 2;
const PUNCT = 3;
const SPACE = 4;
const NEWLINE = 5;

/* Bit masks over Latin-1 letters (lower-cased, minus 0xe0): ä ö ü ß, and å æ ø. */
const UMLAUTS = (1 << 4) | (1 << 22) | (1 << 28) | (1 << 31);
const NORDIC = (1 << 5) | (1 << 6) | (1 << 24);

/** Incremental estimator: feeding text in any chunks gives exactly the whole-text estimate. */
export function createEstimator(): Estimator {
  let sum = 0;
  // Latin letters seen so far, how many were Latin-1 / umlauts / Latin Extended, and words ending in a vowel
  let lat = 0;
  let n1 = 0;
  let nu = 0;
  let nn = 0;
  let n2 = 0;
  let words = 0;
  let vowelEnds = 0;
  // the open piece
  let kind = NONE;
  let len = 0; // characters (digits, spaces, punctuation)
  let latin = 0;
  let d1 = 0;
  let d2 = 0;
  let alpha = 0; // other alphabets, weighted
  let extra = 0; // CJK, symbols, emoji
  let punct = 0; // ASCII punctuation in a punctuation run
  let lead = 0; // the word has a punctuation character in front
  let lower = false; // last letter was lower case (an upper-case letter after it starts a new word)
  let ending = 0; // the word's last ASCII letter, lower-cased (0 after any other letter): a vowel ending?
  let shut = false; // a punctuation run took its newlines: the next character starts a new piece
  let afterNewline = false; // spaces that follow a newline run (one piece with it if another newline comes)
  let high = ''; // a high surrogate that ended the last push: its pair may start the next one

  const cost = (): number => {
    if (kind === WORD) {
      let c = extra + lead * LEAD;
      if (latin) {
        const en = 1 + Math.max(0, latin - EN_FREE) / EN_PER;
        const hd = latin / HARD_PER;
        c += en + d1 * D1 + d2 * D2;
        // Only long words pay for hardness (most words are short: skip the divisions for them).
        // Hardness: English and code 0, French / Spanish a little, German / Italian more, Polish / Nordic most.
        if (hd > en)
          c +=
            (hd - en) *
            Math.min(
              HMAX,
              (n1 * W1 + nu * WU + nn * WN + n2 * W2) / (lat + latin) +
                Math.max(0, (words ? vowelEnds / words : 0) - V0) * WV,
            );
      }
      if (alpha) c += Math.max(1, alpha);
      return Math.max(1, c);
    }
    if (kind === PUNCT) return Math.max(1, extra + (extra ? punct : Math.max(0, punct - PUNCT_FREE) * PUNCT_PER));
    return kind ? 1 : 0;
  };
  const close = (next: number): void => {
    if (kind === WORD && latin) {
      lat += latin;
      words++;
      if (ending === 97 || ending === 101 || ending === 105 || ending === 111 || ending === 117) vowelEnds++;
    }
    sum += cost();
    afterNewline = kind === NEWLINE && next === SPACE;
    kind = next;
    len = latin = d1 = d2 = alpha = extra = punct = lead = 0;
    lower = shut = false;
    ending = 0;
  };
  /** A letter arrives: continue the word, or start one (taking a lone space or punctuation mark as its lead). */
  const letter = (upper: boolean): void => {
    if (kind === WORD) {
      if (upper && lower) close(WORD);
    } else if (kind === PUNCT && len === 1 && !shut) {
      kind = WORD; // "(foo", "'s", ".bar": one piece with the mark in front
      lead = 1;
      if (extra <= 1) extra = 0;
    } else if (kind === SPACE) {
      if (len > 1) sum++; // the spaces before the last one are a piece of their own
      kind = WORD;
      len = 0;
    } else close(WORD);
    lower = !upper;
  };
  /** A punctuation mark or symbol arrives. */
  const mark = (ascii: number): void => {
    if (kind === PUNCT && !shut) {
      len++;
    } else if (kind === SPACE && !afterNewline) {
      if (len > 1) sum++;
      kind = PUNCT; // " (" : a space in front of punctuation is part of it (and then no word's lead)
      len = 2;
    } else {
      close(PUNCT);
      len = 1;
    }
    punct += ascii;
  };

  return {
    push(chunk: string): void {
      try {
        const text = high + chunk;
        let n = text.length;
        const last = text.charCodeAt(n - 1);
        high = last >= 0xd800 && last < 0xdc00 ? text.charAt(--n) : '';
        for (let i = 0; i < n; i++) {
          let c = text.charCodeAt(i);
          if (c < 128) {
            const l = c | 32;
            if (l >= 97 && l <= 122) {
              letter(c < 97);
              latin++;
              ending = l;
            } else if (c >= 48 && c <= 57) {
              if (kind !== DIGITS || len === 3 || shut) close(DIGITS);
              len++;
            } else if (c === 10 || c === 13) {
              if (kind === PUNCT)
                shut = true; // "{\n", ";\n": the run takes its line end
              else if (kind === SPACE) {
                if (afterNewline) sum--; // "\n  \n" is one piece with the newline before it
                kind = NEWLINE;
              } else if (kind !== NEWLINE) close(NEWLINE);
            } else if (c === 32 || c === 9) {
              if (kind !== SPACE) close(SPACE);
              len++;
            } else mark(1);
            continue;
          }
          if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
            const d = text.charCodeAt(i + 1);
            if (d >= 0xdc00 && d < 0xe000) {
              c = ((c - 0xd800) << 10) + d - 0xdc00 + 0x10000;
              i++;
            }
          }
          if (c >= 0xc0 && c < 0x250 && c !== 0xd7 && c !== 0xf7) {
            letter(c < 0xdf);
            latin++;
            if (c < 0x100) {
              const b = (c | 32) - 0xe0;
              if ((NORDIC >>> b) & 1) nn++;
              else if ((UMLAUTS >>> b) & 1) nu++;
              else n1++;
              d1++;
            } else {
              n2++;
              d2++;
            }
            ending = 0;
          } else if (c >= 0x1e00 && c < 0x1f00) {
            letter(false);
            latin++;
            n2++;
            d2++;
          } else if (c >= 0x300 && c < 0x370) {
            if (kind !== WORD) letter(false);
            extra += 0.5; // combining accent
          } else {
            let s = 1;
            let k = -1; // -1: a symbol (ends a word), 0: a letter adding to the piece directly, 1: alphabet letter
            if (c === 0xfe0f) s = VS;
            else if (c === 0x200d) s = ZWJ;
            else if (c >= 0x1f3fb && c <= 0x1f3ff)
              s = 1; // skin tone
            else if (c >= 0x1f1e6 && c <= 0x1f1ff)
              s = 2; // flag letters
            else if (c >= 0x1f000 && c < 0x20000) s = EMOJI;
            else if (c >= 0x2600 && c < 0x27c0) s = SYM;
            else if ((c >= 0x3000 && c < 0x3040) || (c >= 0xff00 && c < 0xff66) || c === 0x201c || c === 0x201d)
              s = CJKP;
            else if (c >= 0x370)
              for (const r of SCRIPTS) {
                if (c >= r[0] && c <= r[1]) {
                  s = r[2];
                  k = r[3];
                  break;
                }
              }
            if (k < 0) {
              mark(0);
              extra += s;
            } else {
              letter(false);
              if (k) alpha += s;
              else extra += s;
            }
          }
        }
      } catch {
        // never throw in the page
      }
    },
    total(): number {
      return Math.round(sum + cost() + (high ? 1 : 0));
    },
  };
}

/** Estimated o200k_base tokens of `text`. */
export function estimateTokens(text: string): number {
  if (!text) return 0;
  const e = createEstimator();
  e.push(text);
  return e.total();
}

/** Tokens an image input costs when its size is unknown (OpenAI: 85 + 170 per 512 px tile; Anthropic: w*h/750). */
const IMAGE = 800;
/** Per-message framing (role, separators) in chat formats; and the reply priming. */
const PER_MESSAGE = 4;
const PRIMING = 3;

/**
 * Estimated input tokens of a request body for the supported APIs: Chat Completions `messages` (content as a string or
 * parts), Anthropic `system` + `messages` (text / tool_use / tool_result blocks), Responses `instructions` + `input`
 * (string or items), legacy `prompt`; tool definitions count as their JSON text. Images count a flat IMAGE each.
 * Undefined when the body is not JSON with any of those fields.
 */
export function estimateRequestInputTokens(requestBody: string): number | undefined {
  try {
    if (typeof requestBody !== 'string' || requestBody.length > 32 << 20 || !/^\s*\{/.test(requestBody))
      return undefined;
    const j = JSON.parse(requestBody) as unknown;
    if (!isRecord(j)) return undefined;
    const e = createEstimator();
    let fixed = 0;
    let found = false;

    const add = (v: unknown): void => {
      if (typeof v === 'string') {
        e.push(v);
        e.push('\n'); // keeps separate strings from merging into one piece
      } else if (Array.isArray(v)) for (const x of v) add(x);
      else if (isRecord(v)) {
        const type = typeof v.type === 'string' ? v.type : '';
        if (/image/.test(type) || 'image_url' in v) fixed += IMAGE;
        else if (typeof v.text === 'string') add(v.text);
        else if (type === 'tool_use' || type === 'function_call') add(JSON.stringify(v.input ?? v.arguments ?? ''));
        else if ('content' in v)
          message(v); // tool_result, nested message items
        else if ('output' in v)
          add(v.output); // function_call_output
        else if (isRecord(v.function)) add(v.function.arguments);
      }
    };
    const message = (m: Record<string, unknown>): void => {
      fixed += PER_MESSAGE;
      add(m.content);
      add(m.tool_calls);
    };

    for (const key of ['system', 'instructions', 'prompt', 'input']) {
      const v = j[key];
      if (v === undefined || v === null) continue;
      found = true;
      if (typeof v === 'string') fixed += PER_MESSAGE;
      if (Array.isArray(v) && key === 'input') {
        for (const item of v) {
          if (isRecord(item) && 'role' in item) message(item);
          else add(item);
        }
      } else add(v);
    }
    if (Array.isArray(j.messages)) {
      found = true;
      for (const m of j.messages) if (isRecord(m)) message(m);
    }
    if (!found) return undefined;
    if (Array.isArray(j.tools) && j.tools.length) add(JSON.stringify(j.tools));
    return e.total() + fixed + PRIMING;
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The text of the last user message in a request body, for the opt-in text storage (the hook calls it only
 * where the person turned text on). Reads the same shapes as the estimator: Chat Completions / Anthropic /
 * Ollama / Bedrock / AI SDK `messages`, Responses `input`, Gemini `contents`, a legacy or Ollama `prompt`;
 * text parts are joined with newlines, images and tool results skipped. Undefined when there is none.
 */
export function lastUserMessageText(requestBody: string | undefined, max = 65536): string | undefined {
  try {
    if (typeof requestBody !== 'string' || requestBody.length > 32 << 20 || !/^\s*\{/.test(requestBody))
      return undefined;
    const j = JSON.parse(requestBody) as unknown;
    if (!isRecord(j)) return undefined;
    const textOf = (v: unknown): string =>
      typeof v === 'string'
        ? v
        : Array.isArray(v)
          ? v
              .map((p) =>
                typeof p === 'string'
                  ? p
                  : isRecord(p) && typeof p.text === 'string' && !/tool|image/.test(String(p.type ?? ''))
                    ? p.text
                    : '',
              )
              .filter(Boolean)
              .join('\n')
          : '';
    const lastUser = (list: unknown): string | undefined => {
      if (!Array.isArray(list)) return undefined;
      for (let i = list.length - 1; i >= 0; i--) {
        const m: unknown = list[i];
        if (isRecord(m) && m.role === 'user') return textOf(m.content ?? m.parts) || undefined;
      }
      return undefined;
    };
    const found =
      lastUser(j.messages) ??
      (typeof j.input === 'string' ? j.input : lastUser(j.input)) ??
      lastUser(j.contents) ??
      (typeof j.prompt === 'string' ? j.prompt : undefined);
    return found ? found.slice(0, max) : undefined;
  } catch {
    return undefined;
  }
}
