/**
 * Vocabulary-free approximation of OpenAI's o200k_base token count.
 *
 * The text is cut into the same "pieces" as o200k's pre-tokenizer regex (a word with its leading space, a group of up
 * to three digits, a punctuation run, a newline run...). Byte-pair merges never cross a piece, and for common English
 * and code almost every piece is exactly one token, so the count of pieces is most of the answer. Each piece then pays
 * extra by script: long Latin words (more for languages with rarer diacritics, learnt from the text seen so far), CJK /
 * kana / Hangul per character, other alphabets per letter, emoji per code point (ZWJ sequences, skin tones, flags).
 * Calibrated on tests/fixtures/wire/estimator (see counts.json there). Runs in the page: never throws.
 */

export interface Estimator {
  /** Feed the next piece of text (any chunking). */
  push(text: string): void;
  /** Estimated tokens of everything pushed so far. */
  total(): number;
}

/* Tuned constants (see the calibration fixtures). */
const EN_FREE = 7.8; // letters an English-like word gets for one token
const EN_PER = 4.3; // letters per extra token beyond that
const HARD_PER = 3.55; // letters per token in "hard" Latin (Polish, Czech, ... words)
const D1 = 0.15; // extra per Latin-1 letter (é, ä, ñ)
const D2 = 0.95; // extra per Latin Extended letter (ł, ą, č, ő)
const W1 = 60; // hardness gained per Latin-1 letter share (1 % of letters → 0.6)
const W2 = 100; // hardness per Latin Extended share (1 % → 1)
const W1_MAX = 0.2;
const LEAD = 0.2; // punctuation glued in front of a word ("(foo", ".bar")
const EMOJI = 2.5; // an emoji code point
const SYM = 1.5; // U+2600..27BF symbols and dingbats
const VS = 0.6; // variation selector 16 after an emoji
const ZWJ = 0.5; // zero-width joiner inside an emoji sequence
const HAN = 0.82; // per CJK ideograph
const KANA = 0.73; // per hiragana / katakana
const HANGUL = 0.68; // per Hangul syllable
const CJKP = 0.5; // CJK punctuation and quotes
const PUNCT_FREE = 2.5; // ASCII punctuation chars in one token
const PUNCT_PER = 0.4; // extra per further char

let pieceRe: RegExp | null | undefined;

function getRe(): RegExp | null {
  if (pieceRe === undefined) {
    try {
      const up = '[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]';
      const lo = '[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]';
      const lead = '[^\\r\\n\\p{L}\\p{N}]?';
      const tail = "(?:'(?:[sStTmMdD]|[lL][lL]|[rRvV][eE]))?";
      pieceRe = new RegExp(
        `${lead}${up}*${lo}+${tail}|${lead}${up}+${lo}*${tail}|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`,
        'gu',
      );
    } catch {
      pieceRe = null; // engine without Unicode property escapes: fall back to length / 4
    }
  }
  return pieceRe;
}

/** Per-character cost of scripts that are not Latin or symbols: [first code point, last, cost, kind]. */
// kind 0: adds to the piece directly (CJK, Hangul, Thai...); kind 1: alphabet letter (word minimum of one token)
const SCRIPTS: readonly (readonly [number, number, number, number])[] = [
  [0x370, 0x3ff, 0.44, 1], // Greek
  [0x400, 0x52f, 0.24, 1], // Cyrillic
  [0x530, 0x58f, 0.45, 1], // Armenian
  [0x590, 0x5ff, 0.43, 1], // Hebrew
  [0x600, 0x6ff, 0.33, 1], // Arabic
  [0x700, 0x8ff, 0.4, 1], // Syriac, Thaana, Arabic ext.
  [0x900, 0xdff, 0.33, 1], // Indic scripts
  [0xe00, 0xeff, 0.43, 0], // Thai, Lao (no spaces between words)
  [0xf00, 0x10ff, 0.6, 1], // Tibetan, Myanmar, Georgian
  [0x1100, 0x11ff, 0.7, 0], // Hangul jamo
  [0x3040, 0x30ff, KANA, 0], // Hiragana, Katakana
  [0x3400, 0x4dbf, 1.2, 0], // CJK ext A
  [0x4e00, 0x9fff, HAN, 0], // CJK ideographs
  [0xac00, 0xd7af, HANGUL, 0], // Hangul syllables
  [0xf900, 0xfaff, 1, 0], // CJK compatibility
  [0x20000, 0x3ffff, 1.5, 0], // rare CJK
];

interface Stats {
  /** Latin letters seen so far, and how many were Latin-1 / Latin Extended (drives "hardness"). */
  lat: number;
  n1: number;
  n2: number;
}

function pieceCost(p: string, st: Stats, commit: boolean): number {
  let latin = 0; // Latin letters
  let d1 = 0; // Latin-1 letters
  let d2 = 0; // Latin Extended letters
  let alpha = 0; // other alphabets, weighted
  let punct = 0; // ASCII punctuation
  let lead = 0;
  let extra = 0; // CJK, symbols, emoji
  const n = p.length;
  for (let i = 0; i < n; i++) {
    let c = p.charCodeAt(i);
    if (c < 128) {
      const l = c | 32;
      if (l >= 97 && l <= 122) latin++;
      else if (c > 32 && (c < 48 || c > 57)) {
        if (!i) lead = 1;
        punct++;
      }
      continue;
    }
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) c = ((c - 0xd800) << 10) + p.charCodeAt(++i) - 0xdc00 + 0x10000;
    if (c >= 0xc0 && c < 0x250 && c !== 0xd7 && c !== 0xf7) {
      latin++;
      if (c < 0x100) d1++;
      else d2++;
    } else if (c >= 0x1e00 && c < 0x1f00) {
      latin++;
      d2++;
    } else if (c >= 0x300 && c < 0x370)
      extra += 0.5; // combining accent
    else if (c === 0xfe0f || c === 0xfe0e)
      extra += VS; // emoji variation selector
    else if (c === 0x200d)
      extra += ZWJ; // zero-width joiner
    else if (c >= 0x1f3fb && c <= 0x1f3ff)
      extra += 1; // skin tone
    else if (c >= 0x1f1e6 && c <= 0x1f1ff)
      extra += 2; // flag letters
    else if (c >= 0x1f000 && c < 0x20000) extra += EMOJI;
    else if (c >= 0x2600 && c < 0x27c0)
      extra += SYM; // misc symbols, dingbats
    else if ((c >= 0x3000 && c < 0x3040) || (c >= 0xff00 && c < 0xff66) || c === 0x201c || c === 0x201d) extra += CJKP;
    else {
      let s = 1;
      let k = 0;
      for (const r of SCRIPTS) {
        if (c >= r[0] && c <= r[1]) {
          s = r[2];
          k = r[3];
          break;
        }
      }
      if (k) alpha += s;
      else extra += s;
    }
  }
  let cost = extra;
  if (latin) {
    const lat = st.lat + latin;
    const n1 = st.n1 + d1;
    const n2 = st.n2 + d2;
    if (commit) {
      st.lat = lat;
      st.n1 = n1;
      st.n2 = n2;
    }
    // hardness 0..1 from the share of diacritics in the Latin text so far: English 0, German/French ~0.4, Polish 1
    const hard = Math.min(1, Math.min(W1_MAX, (n1 * W1) / lat) + (n2 * W2) / lat);
    const en = 1 + Math.max(0, latin - EN_FREE) / EN_PER;
    const hd = Math.max(1, latin / HARD_PER);
    cost += en + (hd > en ? (hd - en) * hard : 0) + d1 * D1 + d2 * D2;
  }
  if (alpha) cost += Math.max(1, alpha);
  if (punct)
    cost += latin || alpha || extra ? lead * LEAD + punct - lead : 1 + Math.max(0, punct - PUNCT_FREE) * PUNCT_PER;
  return Math.max(1, cost);
}

/** Incremental estimator: feeding text in any chunks gives (almost always exactly) the whole-text estimate. */
export function createEstimator(): Estimator {
  const st: Stats = { lat: 0, n1: 0, n2: 0 };
  let sum = 0;
  let carry = '';
  let chars = 0; // fallback when the piece regex is unavailable
  return {
    push(text: string): void {
      try {
        if (!text) return;
        const re = getRe();
        if (!re) {
          chars += text.length;
          return;
        }
        const s = carry + text;
        // The last two pieces may still grow ("it" + "'s", "\n" + "  " + "\n"): keep them back for the next push.
        let a: string | undefined;
        let aAt = 0;
        let b = '';
        let bAt = 0;
        let m: RegExpExecArray | null;
        re.lastIndex = 0;
        while ((m = re.exec(s))) {
          if (a !== undefined) sum += pieceCost(a, st, true);
          a = b ? b : undefined;
          aAt = bAt;
          b = m[0];
          bAt = m.index;
        }
        let keep = a !== undefined ? aAt : bAt;
        if (s.length - keep > 128) {
          // a very long piece (base64, a CJK sentence): count it now, the error is at most one token
          if (a !== undefined) sum += pieceCost(a, st, true);
          keep = bAt;
          if (b.length > 64) {
            sum += pieceCost(b, st, true);
            keep = s.length;
          }
        }
        carry = s.slice(keep);
      } catch {
        chars += text.length;
      }
    },
    total(): number {
      try {
        let tail = 0;
        const re = getRe();
        if (carry && re) {
          // the kept-back tail is complete for now: count it on a copy of the stats
          const copy = { ...st };
          re.lastIndex = 0;
          let m: RegExpExecArray | null;
          while ((m = re.exec(carry))) tail += pieceCost(m[0], copy, true);
        }
        return Math.round(sum + tail + chars / 4);
      } catch {
        return 0;
      }
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
