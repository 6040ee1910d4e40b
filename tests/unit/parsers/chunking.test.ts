/**
 * Chunk boundaries: every fixture, split in two at every position and fed one character at a time (and with CRLF /
 * CR line endings), must give exactly what the whole body gives.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createBodyParser } from '@/utils/parsers/index';
import { fixture, WIRE } from './fixtures';

const CT: Record<string, string> = {
  sse: 'text/event-stream',
  json: 'application/json',
  ndjson: 'application/x-ndjson',
};

const files = ['openai-chat', 'openai-responses', 'anthropic-messages', 'misc'].flatMap((dir) =>
  readdirSync(new URL(`${dir}/`, WIRE)).map((f) => `${dir}/${f}`),
);

function run(contentType: string, chunks: string[], aborted = false) {
  const p = createBodyParser(contentType)!;
  for (const c of chunks) p.push(c);
  return { turns: p.finish(aborted), recognised: p.recognised };
}

describe.each(files)('%s', (file) => {
  const ct = CT[file.split('.').pop()!]!;
  const body = fixture(file);
  const whole = run(ct, [body]);

  it('gives the same turns when split in two at every position', () => {
    for (let i = 1; i < body.length; i++) {
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
