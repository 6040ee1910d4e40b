/**
 * The estimator against real o200k_base counts (tests/fixtures/wire/estimator/counts.json, produced with the
 * gpt-tokenizer package on these exact files). Calibration data, not a mirror of the code.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEstimator, estimateRequestInputTokens, estimateTokens } from '@/utils/parsers/estimate';
import { WIRE } from './fixtures';

const DIR = new URL('estimator/', WIRE);
const counts = JSON.parse(readFileSync(new URL('counts.json', DIR), 'utf8')) as {
  samples: Record<string, { category: string; o200k: number }>;
};
const samples = Object.entries(counts.samples).map(([file, s]) => ({
  file,
  ...s,
  text: readFileSync(new URL(file, DIR), 'utf8'),
}));
const categories = [...new Set(samples.map((s) => s.category))];

describe('estimateTokens vs o200k_base', () => {
  it('has calibration samples for every required category', () => {
    expect(categories).toEqual(
      expect.arrayContaining(['english', 'code', 'json', 'chinese', 'japanese', 'emoji', 'european']),
    );
  });

  it.each(categories)('%s: mean absolute error ≤ 10%%', (category) => {
    const rows = samples.filter((s) => s.category === category);
    const errors = rows.map((s) => Math.abs(estimateTokens(s.text) - s.o200k) / s.o200k);
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    expect(mean).toBeLessThanOrEqual(0.1);
  });

  it.each(samples.map((s) => [s.file, s] as const))('%s is within 30%%', (_f, s) => {
    const e = estimateTokens(s.text);
    expect(Math.abs(e - s.o200k) / s.o200k).toBeLessThanOrEqual(0.3);
  });

  it('is not characters / 4', () => {
    const zh = samples.find((s) => s.file === 'chinese-1.txt')!;
    expect(Math.abs(estimateTokens(zh.text) - zh.text.length / 4)).toBeGreaterThan(zh.o200k / 2);
  });

  it.each([
    ['', 0],
    ['Hello', 1],
    ['Hello world', 2],
    ['1234567', 3], // digits go in groups of three
    ['\n\n', 1],
  ])('small cases: %j → %i', (text, n) => {
    expect(estimateTokens(text)).toBe(n);
  });

  it('gives the whole-text answer however the text is chunked', () => {
    for (const s of samples) {
      const whole = estimateTokens(s.text);
      const one = createEstimator();
      for (const ch of s.text) one.push(ch);
      expect(one.total(), s.file).toBe(whole);
      const odd = createEstimator();
      for (let i = 0; i < s.text.length; i += 7) odd.push(s.text.slice(i, i + 7));
      expect(odd.total(), s.file).toBe(whole);
    }
  });

  it.each(['german', 'italian', 'polish', 'french', 'spanish'])(
    '%s paragraphs are each within a fifth of their o200k count (long words in other languages cost more)',
    (lang) => {
      const rows = samples.filter((s) => s.file.startsWith(`${lang}-`));
      expect(rows.length).toBeGreaterThan(0);
      for (const s of rows) expect(Math.abs(estimateTokens(s.text) - s.o200k) / s.o200k, s.file).toBeLessThan(0.2);
    },
  );

  it('counts a non-English text of the same letters as more tokens than English', () => {
    // same length, same script: o200k knows English words better, so Italian / Polish cost more per letter
    const en = samples.find((s) => s.file === 'english-1.txt')!;
    for (const file of ['italian-1.txt', 'polish-1.txt']) {
      const s = samples.find((x) => x.file === file)!;
      const perChar = (t: string) => estimateTokens(t) / t.length;
      expect(perChar(s.text), file).toBeGreaterThan(perChar(en.text));
    }
  });

  it('never goes down when more text is appended, and is never negative', () => {
    for (const a of samples) {
      const base = estimateTokens(a.text);
      expect(base).toBeGreaterThan(0);
      for (const b of samples.slice(0, 12)) {
        expect(estimateTokens(`${a.text}\n\n${b.text}`), `${a.file} + ${b.file}`).toBeGreaterThanOrEqual(base);
        expect(estimateTokens(`${a.text} ${b.text}`), `${a.file} + ${b.file}`).toBeGreaterThanOrEqual(base);
      }
    }
  });

  it('keeps an emoji whole when a chunk ends inside its surrogate pair, and survives lone surrogates', () => {
    const e = createEstimator();
    e.push('ok \uD83D');
    e.push('\uDE00 done');
    expect(e.total()).toBe(estimateTokens('ok \uD83D\uDE00 done'));
    for (const t of ['\uDE00', '\uD83D', 'a\uD83Db', '\uDE00\uD83D\uD83D']) {
      expect(estimateTokens(t)).toBeGreaterThan(0);
      const c = createEstimator();
      c.push(t);
      expect(c.total()).toBeGreaterThan(0);
    }
  });

  it('counts a large input (8 MB of mixed text) in proportion to its size', () => {
    const unit = samples.map((s) => s.text).join('\n\n');
    const one = estimateTokens(unit);
    const times = Math.ceil(8e6 / unit.length);
    const big = estimateTokens(Array.from({ length: times }, () => unit).join('\n\n'));
    expect(big / (one * times)).toBeGreaterThan(0.9);
    expect(big / (one * times)).toBeLessThan(1.1);
  });

  it('never throws and stays linear on pathological input', () => {
    const t0 = performance.now();
    expect(estimateTokens(' '.repeat(200_000) + 'x')).toBeGreaterThan(0);
    expect(estimateTokens('A'.repeat(200_000))).toBeGreaterThan(10_000);
    expect(estimateTokens('\uD83D'.repeat(1000) + '\uDE00'.repeat(1000))).toBeGreaterThan(0);
    const e = createEstimator();
    for (let i = 0; i < 100_000; i++) e.push('你');
    expect(e.total()).toBeGreaterThan(70_000);
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});

describe('estimateRequestInputTokens', () => {
  const msg = 'Summarize the Q3 variance report in three bullet points.'; // 13 o200k tokens

  it('returns undefined for bodies it cannot read', () => {
    expect(estimateRequestInputTokens('')).toBeUndefined();
    expect(estimateRequestInputTokens('not json')).toBeUndefined();
    expect(estimateRequestInputTokens('{"messages": [')).toBeUndefined();
    expect(estimateRequestInputTokens('[1,2]')).toBeUndefined();
    expect(estimateRequestInputTokens('{"query":"users","page":2}')).toBeUndefined();
  });

  it('Chat Completions: string content and text parts cost the same, plus framing', () => {
    const a = estimateRequestInputTokens(
      JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: msg }] }),
    );
    const b = estimateRequestInputTokens(
      JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: [{ type: 'text', text: msg }] }] }),
    );
    expect(a).toBe(b);
    // real API: 13 text tokens + 3 framing + 3 priming = 19 prompt tokens
    expect(a).toBeGreaterThanOrEqual(17);
    expect(a).toBeLessThanOrEqual(21);
  });

  it('Anthropic system + messages, Responses instructions + input, legacy prompt', () => {
    const anth = estimateRequestInputTokens(
      JSON.stringify({
        model: 'claude-sonnet-4-20250514',
        max_tokens: 1024,
        system: [{ type: 'text', text: 'Be brief.' }],
        messages: [{ role: 'user', content: msg }],
      }),
    )!;
    const resp = estimateRequestInputTokens(
      JSON.stringify({ model: 'gpt-4.1', instructions: 'Be brief.', input: msg }),
    )!;
    const items = estimateRequestInputTokens(
      JSON.stringify({ model: 'gpt-4.1', input: [{ role: 'user', content: [{ type: 'input_text', text: msg }] }] }),
    )!;
    const prompt = estimateRequestInputTokens(JSON.stringify({ model: 'gpt-3.5-turbo-instruct', prompt: msg }))!;
    for (const n of [anth, resp, items, prompt]) {
      expect(n).toBeGreaterThanOrEqual(14);
      expect(n).toBeLessThanOrEqual(28);
    }
    expect(anth).toBeGreaterThan(items); // the system prompt adds tokens
  });

  it('counts images as a flat amount instead of their base64 text', () => {
    const img = 'data:image/png;base64,' + 'iVBORw0KGgo'.repeat(50_000);
    const n = estimateRequestInputTokens(
      JSON.stringify({
        model: 'gpt-4o',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: msg },
              { type: 'image_url', image_url: { url: img } },
            ],
          },
        ],
      }),
    )!;
    expect(n).toBeGreaterThan(500);
    expect(n).toBeLessThan(1500);
  });

  it('counts a long multi-turn conversation close to its text', () => {
    const text = samples.find((s) => s.file === 'english-1.txt')!;
    const body = {
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'You are helpful.' },
        { role: 'user', content: text.text },
        { role: 'assistant', content: text.text },
        { role: 'user', content: 'Shorter please.' },
      ],
    };
    const n = estimateRequestInputTokens(JSON.stringify(body))!;
    const truth = 4 + 2 * text.o200k + 4 + 4 * 3 + 3; // "You are helpful." 4, "Shorter please." 4, framing, priming
    expect(Math.abs(n - truth) / truth).toBeLessThan(0.1);
  });
});
