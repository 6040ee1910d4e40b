/**
 * Removes secrets and personal identifiers from prompt and reply text before it is stored (issue 5; the
 * per-site "store text" opt-in; reliability test 27). Runs in the background only, on text the person chose
 * to keep, so it favours catching a secret over keeping a look-alike: the one deliberate exception is card
 * numbers, which must pass the Luhn check so order and ticket numbers stay readable.
 *
 * Each find is replaced by a marker such as `[redacted api-key]`; no pattern matches a marker, so redacting
 * twice changes nothing.
 */

export type RedactionKind = 'api-key' | 'bearer-token' | 'url-password' | 'email' | 'card-number';

export interface Redacted {
  text: string;
  /** How many finds of each kind were replaced (kinds with none are absent). */
  counts: Partial<Record<RedactionKind, number>>;
}

const marker = (kind: RedactionKind) => `[redacted ${kind}]`;

/** Characters of a token value after `api_key=`, `token:` and the like (never `[`, so markers are left alone). */
const VALUE = '[A-Za-z0-9_\\-./+=~]';

/** Shannon entropy in bits per character. */
function entropy(s: string): number {
  const freq = new Map<string, number>();
  for (const c of s) freq.set(c, (freq.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of freq.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** A value that looks generated rather than written: long, varied, not a plain word or number. */
function looksRandom(v: string): boolean {
  return v.length >= 16 && entropy(v) >= 3 && /[A-Za-z]/.test(v) && /[0-9_\-./+=~]/.test(v);
}

/** Luhn checksum over a string of digits. */
export function isLuhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

interface Rule {
  kind: RedactionKind;
  re: RegExp;
  /** The replacement for one match; return the match itself to keep it (not counted). */
  replace: (match: string, ...groups: string[]) => string;
}

const whole = (kind: RedactionKind) => () => marker(kind);

/** Applied in order: URL passwords before e-mails (`user:pass@host.com` is not an address), keys before both. */
const RULES: readonly Rule[] = [
  // Provider keys with a recognisable prefix.
  { kind: 'api-key', re: /\bsk-ant-[A-Za-z0-9_-]{16,}/g, replace: whole('api-key') }, // Anthropic
  { kind: 'api-key', re: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g, replace: whole('api-key') }, // OpenAI
  { kind: 'api-key', re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, replace: whole('api-key') }, // AWS access key id
  { kind: 'api-key', re: /\bgh[pousr]_[A-Za-z0-9]{30,}/g, replace: whole('api-key') }, // GitHub classic tokens
  { kind: 'api-key', re: /\bgithub_pat_[A-Za-z0-9_]{22,}/g, replace: whole('api-key') }, // GitHub fine-grained
  { kind: 'api-key', re: /\bxox[abpr]-[A-Za-z0-9-]{10,}/g, replace: whole('api-key') }, // Slack
  { kind: 'api-key', re: /\bAIza[0-9A-Za-z_-]{35}/g, replace: whole('api-key') }, // Google API key
  // A JSON Web Token anywhere (session and bearer tokens are mostly JWTs).
  {
    kind: 'bearer-token',
    re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
    replace: whole('bearer-token'),
  },
  // `Authorization: Bearer …` (any scheme-less bearer credential).
  {
    kind: 'bearer-token',
    re: /\b(Bearer\s+)([A-Za-z0-9\-._~+/]{8,}=*)/gi,
    // A credential has a digit or a separator in it; "bearer instruments" in prose has neither.
    replace: (m, lead: string, value: string) => (/[0-9._~+/=-]/.test(value) ? `${lead}${marker('bearer-token')}` : m),
  },
  // Generic `api_key=…`, `"token": "…"`, `secret: …` with a generated-looking value.
  {
    kind: 'api-key',
    re: new RegExp(
      `\\b((?:api[_-]?key|apikey|access[_-]?key|access[_-]?token|auth[_-]?token|refresh[_-]?token|client[_-]?secret|secret[_-]?key|secret|token|password|passwd|pwd)["']?\\s*[=:]\\s*["']?)(${VALUE}+)`,
      'gi',
    ),
    replace: (m, lead: string, value: string) => (looksRandom(value) ? `${lead}${marker('api-key')}` : m),
  },
  // `scheme://user:password@host`: the user and host stay, the password goes.
  {
    kind: 'url-password',
    re: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@[\]]+):([^\s@/[\]]+)@/gi,
    replace: (m, lead: string) => `${lead}:${marker('url-password')}@`,
  },
  {
    kind: 'email',
    re: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g,
    replace: whole('email'),
  },
  // 13-19 digits, optionally grouped by single spaces or dashes; only Luhn-valid runs are card numbers.
  {
    kind: 'card-number',
    re: /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d])/g,
    replace: (m) => (isLuhnValid(m.replace(/\D/g, '')) ? marker('card-number') : m),
  },
];

const MAX_ROUNDS = 4;

/**
 * Returns `text` with API keys, bearer tokens, passwords in URLs, e-mail addresses and card numbers replaced
 * by `[redacted <kind>]` markers, and how many of each were replaced. Never throws; idempotent.
 *
 * @example redact('mail me at a@b.io') // { text: 'mail me at [redacted email]', counts: { email: 1 } }
 */
export function redact(text: string): Redacted {
  const counts: Partial<Record<RedactionKind, number>> = {};
  if (typeof text !== 'string' || text === '') return { text: typeof text === 'string' ? text : '', counts };
  let out = text;
  // A replacement can expose a match a rule before it could not see (a card number glued to "Bearer …"
  // leaves a word boundary behind), so the rules run until nothing changes; two rounds almost always.
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const before = out;
    for (const rule of RULES) {
      out = out.replace(rule.re, (match: string, ...rest: unknown[]) => {
        // The capture groups come first (then the offset and the whole input, which no rule reads).
        const next = rule.replace(match, ...(rest as string[]));
        if (next !== match) counts[rule.kind] = (counts[rule.kind] ?? 0) + 1;
        return next;
      });
    }
    if (out === before) break;
  }
  return { text: out, counts };
}

/** Total finds over every kind. */
export const redactionTotal = (counts: Partial<Record<RedactionKind, number>>): number =>
  Object.values(counts).reduce<number>((s, n) => s + (n ?? 0), 0);
