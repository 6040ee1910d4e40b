/**
 * Chunk boundaries: every fixture, split in two at every position (for larger fixtures: around every line ending of a
 * line-framed body and every non-ASCII character, and at ~300 evenly spread positions) and fed one character at a
 * time (and with CRLF / CR line endings), must give exactly what the whole body gives.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createBodyParser } from '@/utils/parsers/index';
import { fixture, WIRE } from './fixtures';

const CT: Record<string, string> = {
  sse: 'text/event-stream',
  json: 'application/json',
  ndjson: 'application/x-ndjson',
  txt: 'text/plain; charset=utf-8',
};

const DIRS = [
  'openai-chat',
  'openai-responses',
  'anthropic-messages',
  'bedrock-converse',
  'gemini',
  'ollama',
  'ai-sdk',
  'usage-json',
  'misc',
];
const files = DIRS.flatMap((dir) => readdirSync(new URL(`${dir}/`, WIRE)).map((f) => `${dir}/${f}`));

/** Fixtures up to this size are split at every position; larger ones at the positions most likely to matter. */
const EVERY = 1000;

function positions(body: string, lineFramed: boolean): number[] {
  const n = body.length;
  if (n <= EVERY) return Array.from({ length: n - 1 }, (_, i) => i + 1);
  const at = new Set<number>();
  const step = Math.ceil(n / 300);
  for (let i = 1; i < n; i += step) at.add(i);
  for (let i = 0; i < n; i++) {
    const c = body.charCodeAt(i);
    if ((lineFramed && (c === 10 || c === 13)) || c > 127) for (let d = -1; d <= 1; d++) at.add(i + d);
  }
  return [...at].filter((i) => i > 0 && i < n).sort((a, b) => a - b);
}

function run(contentType: string, chunks: string[], aborted = false) {
  const p = createBodyParser(contentType)!;
  for (const c of chunks) p.push(c);
  return { turns: p.finish(aborted), recognised: p.recognised };
}

describe.each(files)('%s', (file) => {
  const ct = CT[file.split('.').pop()!]!;
  const body = fixture(file);
  const whole = run(ct, [body]);

  it('gives the same turns when split in two at every position (sampled when large)', () => {
    for (const i of positions(body, !file.endsWith('.json'))) {
      const got = run(ct, [body.slice(0, i), body.slice(i)]);
      if (JSON.stringify(got) !== JSON.stringify(whole)) expect({ split: i, ...got }).toEqual({ split: i, ...whole });
    }
  });

  it('gives the same turns fed one character (or surrogate half) at a time', () => {
    expect(run(ct, body.split(''))).toEqual(whole);
  });
});

// Line endings matter only to line-framed bodies (SSE, NDJSON); a JSON body is parsed whole.
describe.each(files.filter((f) => !f.endsWith('.json')))('%s', (file) => {
  const ct = CT[file.split('.').pop()!]!;
  const body = fixture(file);
  const whole = run(ct, [body]);

  it('gives the same turns with CRLF and CR line endings', () => {
    expect(run(ct, [body.replace(/\n/g, '\r\n')])).toEqual(whole);
    expect(run(ct, [body.replace(/\n/g, '\r')])).toEqual(whole);
    const crlf = body.replace(/\n/g, '\r\n');
    for (let i = 1; i < crlf.length; i += 7) expect(run(ct, [crlf.slice(0, i), crlf.slice(i)])).toEqual(whole);
  });
});
