import { describe, expect, it } from 'vitest';
import { isLuhnValid, redact, redactionTotal } from '@/utils/redact';

// Fake secrets with the real shapes (none of them is a live credential).
const OPENAI = 'sk-abcdefghijklmnopqrstuvwxyz0123456789ABCD';
const OPENAI_PROJ = 'sk-proj-Ab3dEf6hIj9lMn2pQr5tUv8xYz1_bC4eF7hJ0kM';
const ANTHROPIC = 'sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd';
const AWS = 'AKIAIOSFODNN7EXAMPLE';
const GITHUB = 'ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
const GITHUB_PAT = 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz';
const SLACK = 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx';
const GOOGLE = 'AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
const VISA = '4111 1111 1111 1111';
const MASTERCARD = '5555-5555-5555-4444';
const AMEX = '378282246310005';

describe('redact', () => {
  it.each([
    ['OpenAI key', `my key is ${OPENAI} ok`, 'my key is [redacted api-key] ok', { 'api-key': 1 }],
    ['OpenAI project key', `OPENAI_API_KEY=${OPENAI_PROJ}`, 'OPENAI_API_KEY=[redacted api-key]', { 'api-key': 1 }],
    ['Anthropic key', `use ${ANTHROPIC}`, 'use [redacted api-key]', { 'api-key': 1 }],
    ['AWS access key id', `aws ${AWS} here`, 'aws [redacted api-key] here', { 'api-key': 1 }],
    ['GitHub token', `token ${GITHUB}`, 'token [redacted api-key]', { 'api-key': 1 }],
    ['GitHub fine-grained token', GITHUB_PAT, '[redacted api-key]', { 'api-key': 1 }],
    ['Slack token', `slack: ${SLACK}.`, 'slack: [redacted api-key].', { 'api-key': 1 }],
    ['Google API key', `key=${GOOGLE}`, 'key=[redacted api-key]', { 'api-key': 1 }],
    [
      'generic api_key=',
      'curl ?api_key=9f8e7d6c5b4a3f2e1d0c9b8a',
      'curl ?api_key=[redacted api-key]',
      { 'api-key': 1 },
    ],
    ['generic JSON token', '{"token": "a1B2c3D4e5F6g7H8i9J0"}', '{"token": "[redacted api-key]"}', { 'api-key': 1 }],
    ['client_secret', 'client_secret: Zx9-Qw8_Er7.Ty6+Ui5', 'client_secret: [redacted api-key]', { 'api-key': 1 }],
    [
      'Bearer JWT',
      `Authorization: Bearer ${JWT}`,
      'Authorization: Bearer [redacted bearer-token]',
      { 'bearer-token': 1 },
    ],
    [
      'lower-case bearer',
      'authorization: bearer abc123def456',
      'authorization: bearer [redacted bearer-token]',
      { 'bearer-token': 1 },
    ],
    [
      'password in a URL',
      'db at postgres://admin:hunter2@db.internal:5432/app',
      'db at postgres://admin:[redacted url-password]@db.internal:5432/app',
      { 'url-password': 1 },
    ],
    ['e-mail address', 'write to jane.doe+ai@example.co.uk today', 'write to [redacted email] today', { email: 1 }],
    ['Visa with spaces', `card ${VISA} exp`, 'card [redacted card-number] exp', { 'card-number': 1 }],
    ['Mastercard with dashes', `card ${MASTERCARD}`, 'card [redacted card-number]', { 'card-number': 1 }],
    ['Amex, no separators', `amex ${AMEX}.`, 'amex [redacted card-number].', { 'card-number': 1 }],
    [
      'several kinds at once',
      `mail bob@corp.example with ${OPENAI} and ${AWS}`,
      'mail [redacted email] with [redacted api-key] and [redacted api-key]',
      { email: 1, 'api-key': 2 },
    ],
  ])('removes %s', (_name, input, expected, counts) => {
    const out = redact(input);
    expect(out.text).toBe(expected);
    expect(out.counts).toEqual(counts);
  });

  it.each([
    ['plain prose', 'The quick brown fox jumps over the lazy dog.'],
    ['an order number that fails Luhn', 'Your order 4111111111111112 has shipped'],
    ['a phone number', 'Call +1 415-555-0132 or 020 7946 0958'],
    ['a date and time', 'Meet on 2026-11-25 at 12:30'],
    ['a short number run', 'ids 123456789012 and 1234'],
    ['a 20-digit reference', 'ref 41111111111111111111'],
    ['token counts', 'max_tokens: 1024, tokens: 5000, input_tokens=12'],
    ['a plain word after password', 'password: secret'],
    ['a prose "bearer"', 'The bearer instruments were signed.'],
    ['sk- words', 'use sk-learn and risk-free sk-8 models'],
    ['a URL without a password', 'see https://user@example.com/path and https://example.com:8080/x'],
    ['a code sample', 'const token = getToken(); if (token) fetch(url, { headers });'],
    ['an at-mention', 'ping @alice about it'],
    ['a UUID', 'id 123e4567-e89b-12d3-a456-426614174000'],
  ])('keeps %s', (_name, input) => {
    // A URL with a user but no password still has an address-like part: only that is in question.
    const out = redact(input);
    if (input.includes('user@example.com')) {
      expect(out.text).toContain('https://example.com:8080/x');
      return;
    }
    expect(out).toEqual({ text: input, counts: {} });
  });

  it('counts every find', () => {
    const out = redact(`${OPENAI} ${OPENAI} a@b.io c@d.io e@f.io`);
    expect(out.counts).toEqual({ 'api-key': 2, email: 3 });
    expect(redactionTotal(out.counts)).toBe(5);
  });

  it('keeps the empty string and survives non-strings', () => {
    expect(redact('')).toEqual({ text: '', counts: {} });
    expect(redact(undefined as unknown as string)).toEqual({ text: '', counts: {} });
  });

  it('is fast on a long reply', () => {
    const long = 'word 12345 a@b '.repeat(20_000);
    const t0 = performance.now();
    redact(long);
    expect(performance.now() - t0).toBeLessThan(2_000);
  });
});

describe('isLuhnValid', () => {
  it.each([
    ['4111111111111111', true],
    ['5555555555554444', true],
    ['378282246310005', true],
    ['4111111111111112', false],
    ['1234567890123', false],
  ])('%s → %s', (digits, valid) => expect(isLuhnValid(digits)).toBe(valid));
});

describe('redact (property)', () => {
  // A small seeded generator (no fast-check in the project): strings built from pieces that sit near the
  // patterns' edges, so the test explores overlaps, adjacency and partial matches.
  const PIECES = [
    ' ',
    '\n',
    'a',
    'Z',
    '9',
    '0',
    '-',
    '_',
    '.',
    '@',
    ':',
    '/',
    '=',
    '"',
    '[',
    ']',
    'sk-',
    'sk-ant-',
    'proj-',
    'AKIA',
    'ghp_',
    'xoxb-',
    'AIza',
    'Bearer ',
    'token=',
    'api_key: ',
    'https://',
    'user:pw@',
    'x.io',
    'example.com',
    '4111 1111 1111 1111',
    '5555-5555-5555-4444',
    '12345678',
    'abcdefghijklmnop',
    'Q1w2E3r4T5y6U7i8',
    '[redacted api-key]',
    '\u00e9',
    '\u{1F600}',
  ];
  let seed = 0x2545f491;
  const rand = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  const sample = () =>
    Array.from({ length: 1 + Math.floor(rand() * 40) }, () => PIECES[Math.floor(rand() * PIECES.length)]).join('');

  it('never throws, and redacting twice changes nothing', () => {
    for (let i = 0; i < 3000; i++) {
      const input = sample();
      const once = redact(input);
      const twice = redact(once.text);
      expect(twice.text, JSON.stringify(input)).toBe(once.text);
      expect(twice.counts, JSON.stringify(input)).toEqual({});
    }
  });

  it('leaves no seeded secret behind', () => {
    for (const secret of [OPENAI, OPENAI_PROJ, ANTHROPIC, AWS, GITHUB, GITHUB_PAT, SLACK, GOOGLE, JWT]) {
      for (let i = 0; i < 50; i++) {
        const input = `${sample()} ${secret} ${sample()}`;
        expect(redact(input).text).not.toContain(secret.slice(-12));
      }
    }
  });
});
