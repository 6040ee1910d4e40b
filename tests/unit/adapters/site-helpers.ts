/**
 * Helpers for the site adapters' fixture tests (tests/fixtures/<site>/): reading fixtures, a ConversationContext that
 * records what the adapters add, and feeding a body whole, one character at a time, or in random chunk sizes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { ConversationContext, SiteAdapter, SocketParser, TrafficMeta } from '@/utils/adapters/types';
import type { SiteTurn } from '@/utils/adapters/shared';
import type { BodyParser } from '@/utils/parsers/types';
import { rng } from '../../bench/corpus';

const FIXTURES = new URL('../../fixtures/', import.meta.url);

export function siteFixture(site: string, file: string): string {
  return readFileSync(new URL(`${site}/${file}`, FIXTURES), 'utf8');
}

/** The reply fixtures of a site (request bodies, named `*.request.*`, are left out). */
export function replyFixtures(site: string): string[] {
  return readdirSync(new URL(`${site}/`, FIXTURES))
    .filter((f) => !f.includes('.request.'))
    .sort();
}

/** A ConversationContext over a Map, like the hook's: estimated tokens per conversation. */
export function fakeContext(initial: Record<string, number> = {}): ConversationContext & {
  added: [string, number][];
} {
  const m = new Map(Object.entries(initial));
  const added: [string, number][] = [];
  return {
    added,
    tokensSoFar: (id) => m.get(id) ?? 0,
    add(id, tokens) {
      added.push([id, tokens]);
      m.set(id, (m.get(id) ?? 0) + tokens);
    },
  };
}

/** A small seeded PRNG, so random chunkings are reproducible: the bench corpus's. */
export { rng };

export type Chunking = 'whole' | 'char' | { seed: number; max: number };

export function chunks(body: string, how: Chunking): string[] {
  if (how === 'whole') return [body];
  if (how === 'char') return [...body.split('')]; // UTF-16 units: surrogate pairs split too
  const r = rng(how.seed);
  const out: string[] = [];
  for (let i = 0; i < body.length;) {
    const n = 1 + Math.floor(r() * how.max);
    out.push(body.slice(i, i + n));
    i += n;
  }
  return out;
}

export interface Run {
  turns: SiteTurn[];
  recognised: boolean;
}

/** One response body through a fresh parser. */
export function runBody(
  adapter: SiteAdapter,
  meta: TrafficMeta,
  body: string,
  opts: { how?: Chunking; context?: ConversationContext; aborted?: boolean } = {},
): Run {
  const p: BodyParser = adapter.createParser(meta, opts.context ?? fakeContext());
  for (const c of chunks(body, opts.how ?? 'whole')) p.push(c);
  return { turns: p.finish(opts.aborted ?? false), recognised: p.recognised };
}

/** A `.jsonl` socket recording: each line `[direction, frame]`, the frame an object (sent as JSON) or a string. */
export function runSocket(
  adapter: SiteAdapter,
  url: string,
  recording: string,
  opts: { context?: ConversationContext; close?: boolean } = {},
): Run & { perFrame: number[] } {
  const p: SocketParser = adapter.createSocketParser!(url, opts.context ?? fakeContext());
  const turns: SiteTurn[] = [];
  const perFrame: number[] = [];
  for (const line of recording.split('\n')) {
    if (!line.trim()) continue;
    const [dir, frame] = JSON.parse(line) as ['sent' | 'received', unknown];
    const got = p.frame(dir, typeof frame === 'string' ? frame : JSON.stringify(frame));
    perFrame.push(got.length);
    turns.push(...got);
  }
  if (opts.close ?? true) turns.push(...p.close());
  return { turns, recognised: p.recognised, perFrame };
}

/** The path and query a `traffic` regex is tested against. */
export function matchesTraffic(adapter: SiteAdapter, url: string): boolean {
  const u = new URL(url);
  return adapter.traffic.some((re) => re.test(u.pathname + u.search));
}
