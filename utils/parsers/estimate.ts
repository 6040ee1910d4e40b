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
const EN_FREE = 7.2; // letters an English-like word gets for one token
const EN_PER = 4.3; // letters per extra token beyond that
const HARD_PER = 3.1; // letters per token in "hard" Latin (Polish, Czech, ... words)
const D1 = 0.4; // extra per Latin-1 letter (é, ä, ñ)
const D2 = 0.35; // extra per Latin Extended letter (ł, ą, č, ő)
const W1 = 60; // hardness gained per Latin-1 letter share (1 % of letters → 0.6)
const W2 = 100; // hardness per Latin Extended share (1 % → 1)
const W1_MAX = 0.4;
const LEAD = 0.2; // punctuation glued in front of a word ("(foo", ".bar")
const PUNCT_FREE = 2.5; // ASCII punctuation chars in one token
const PUNCT_PER = 0.45; // extra per further char

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
  [0x370, 0x3ff, 0.38, 1], // Greek
  [0x400, 0x52f, 0.25, 1], // Cyrillic
  [0x530, 0x58f, 0.45, 1], // Armenian
  [0x590, 0x5ff, 0.37, 1], // Hebrew
  [0x600, 0x6ff, 0.3, 1], // Arabic
  [0x700, 0x8ff, 0.4, 1], // Syriac, Thaana, Arabic ext.
  [0x900, 0xdff, 0.3, 1], // Indic scripts
  [0xe00, 0xeff, 0.4, 0], // Thai, Lao (no spaces between words)
  [0xf00, 0x10ff, 0.6, 1], // Tibetan, Myanmar, Georgian
  [0x1100, 0x11ff, 0.7, 0], // Hangul jamo
  [0x3040, 0x30ff, 0.7, 0], // Hiragana, Katakana
  [0x3400, 0x4dbf, 1.2, 0], // CJK ext A
  [0x4e00, 0x9fff, 0.8, 0], // CJK ideographs
  [0xac00, 0xd7af, 0.68, 0], // Hangul syllables
  [0xf900, 0xfaff, 1, 0], // CJK compatibility
  [0x20000, 0x3ffff, 1.5, 0], // rare CJK
];

interface Stats {
  /** Latin letters seen, and their weighted diacritic count (for "hardness"). */
  lat: number;
  dia: number;
}

function pieceCost(p: string, st: Stats, commit: boolean): number {
  let latin = 0; // Latin letters
  let d1 = 0; // Latin-1 letters
  let d2 = 0; // Latin Extended letters
  let alpha = 0; // other alphabets, weighted
  let punct = 0; // ASCII punctuation
  let leadPunct = 0;
  let extra = 0; // CJK, symbols, emoji
  const n = p.length;
  for (let i = 0; i < n; i++) {
    let c = p.charCodeAt(i);
    if (c < 128) {
      if ((c | 32) >= 97 && (c | 32) <= 122) latin++;
      else if (c > 32 && (c < 48 || c > 57)) {
        if (i === 0) leadPunct = 1;
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
    } else if (c >= 0x300 && c < 0x370) extra += 0.5; // combining accent
    else if (c === 0xfe0f || c === 0xfe0e) extra += 0.6; // emoji variation selector
    else if (c === 0x200d) extra += 0.5; // zero-width joiner
    else if (c >= 0x1f3fb && c <= 0x1f3ff) extra += 1; // skin tone
    else if (c >= 0x1f1e6 && c <= 0x1f1ff) extra += 2; // flag letters
    else if (c >= 0x1f000 && c < 0x20000) extra += 1.6; // emoji
    else if (c >= 0x2600 && c < 0x27c0) extra += 1.5; // misc symbols, dingbats
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
    let lat = st.lat + latin;
    let dia = st.dia + d1 * W1 + d2 * W2;
    if (commit) {
      st.lat = lat;
      st.dia = dia;
    }
    // hardness 0..1: share of diacritics in the Latin text so far (English 0, French/German ~0.4, Polish ~1)
    const h = Math.min(1, Math.min(W1_MAX, (dia - d2 * W2) / lat) + (d2 * 0 + (dia - (dia - d2 * W2)) * 0) + 0);
    void h;
    const w1 = Math.min(W1_MAX, ((st.dia + (commit ? 0 : d1 * W1)) * 0) / lat);
    void w1;
    cost += wordCost(latin, Math.min(1, dia / lat), d1, d2);
    void lat;
    lat = 0;
    dia = 0;
  }
  if (alpha) cost += Math.max(1, alpha);
  if (punct) cost += latin || alpha || extra ? leadPunct * LEAD + (punct - leadPunct) : 1 + Math.max(0, punct - PUNCT_FREE) * PUNCT_PER;
  return Math.max(1, cost);
}

function wordCost(len: number, hard: number, d1: number, d2: number): number {
  const en = 1 + Math.max(0, len - EN_FREE) / EN_PER;
  const hd = Math.max(1, len / HARD_PER);
  return en + (hd > en ? (hd - en) * hard : 0) + d1 * D1 + d2 * D2;
}

/** Incremental estimator: feeding text in any chunks gives (almost always exactly) the whole-text estimate. */
export function createEstimator(): Estimator {
  const st: Stats = { lat: 0, dia: 0 };
  let sum = 0;
  let carry = '';
  let chars = 0;
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
        re.lastIndex = 0;
        let last = 0; // start of the piece kept back (it may continue in the next chunk)
        let prev = 0;
        let m: RegExpExecArray | null;
        while ((m = re.exec(s))) {
          const end = re.lastIndex;
          if (end >= s.length) {
            // keep the last piece (and a whitespace piece before it) for the next push
            if (end - m.index > 64) {
              sum += pieceCost(m[0], st, true);
              last = end;
            } else last = /^\s+$/.test(m[0]) && prev < m.index && /\s$/.test(s.slice(prev, m.index)) ? prev : m.index;
            if (last < m.index) sum -= pieceCost(s.slice(prev, m.index), st, false);
            break;
          }
          sum += pieceCost(m[0], st, true);
          prev = m.index;
          last = end;
        }
        carry = s.slice(last);
      } catch {
        chars += text.length;
      }
    },
    total(): number {
      try {
        const re = getRe();
        const tail = carry && re ? pieceCost(carry, { ...st }, false) : 0;
        return Math.round(sum + tail + chars / 4);
      } catch {
        return 0;
      }
    },
  };
}
