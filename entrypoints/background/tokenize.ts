/**
 * The real tokenizer for the public apps whose adapters say 'tokenized' (ChatGPT: o200k_base), in the
 * background only: the page shows the hook's estimate first, then this re-counts the turn's text and updates
 * the same row (same key) to 'tokenized', adjusting the daily, conversation and task rollups through
 * ingestFacts (the one writer of turns).
 *
 * Loading: Chrome forbids `import()` in a service worker, and WXT builds the worker as one classic script,
 * so a lazily imported chunk is not possible there. The encoder's code (≈ 22 KB) is bundled; its 2.4 MB
 * rank table is not: the build writes it as a data file (`o200k_base.json`, see wxt.config.ts) which is
 * fetched and parsed on the first count only, so the worker's start-up never pays for it and the page and
 * content scripts never see it. Text that contains special-token strings ("<|endoftext|>") is counted as
 * plain text, never rejected.
 */
import { browser } from '#imports';
import { GptEncoding } from 'gpt-tokenizer/esm/GptEncoding';
import type { TokenwiseDB } from '@/utils/db';
import type { ContentMessage, SiteFact } from '@/utils/messages';
import { ingestFacts } from './ingest';
import { getTurn } from '@/utils/turn-store';

/** Output path of the rank table in the extension (written by wxt.config.ts). */
export const O200K_RANKS_PATH = '/o200k_base.json';
/** Per-message framing of a chat prompt (role, separators): the hook's estimate adds the same. */
const PER_MESSAGE = 4;

type Ranks = (string | number[])[];
type Counter = (text: string) => number;

const fetchRanks = async (): Promise<Ranks> => {
  // A file inside the extension's own package (chrome-extension://…/o200k_base.json): no network.
  // eslint-disable-next-line no-restricted-globals -- reads the packaged rank table, never a remote address
  const res = await fetch(browser.runtime.getURL(O200K_RANKS_PATH as '/popup.html'));
  if (!res.ok) throw new Error(`o200k ranks: HTTP ${res.status}`);
  return (await res.json()) as Ranks;
};

let loadRanks: () => Promise<Ranks> = fetchRanks;
let counter: Promise<Counter> | undefined;
/** Figures of the first load, for the benchmark: ms to fetch + parse the table, and to build the encoder. */
export const loadStats: { fetchMs?: number; buildMs?: number } = {};

/** Tests pass the table from node_modules; resets the loaded encoder. */
export function setRanksLoader(load?: () => Promise<Ranks>): void {
  loadRanks = load ?? fetchRanks;
  counter = undefined;
}

/** The o200k counter, loaded on first use (a failed load is retried next time). */
export function o200k(): Promise<Counter> {
  counter ??= (async () => {
    const t0 = performance.now();
    const ranks = await loadRanks();
    const t1 = performance.now();
    const api = GptEncoding.getEncodingApi('o200k_base', () => ranks);
    // Special tokens are never allowed: "<|endoftext|>" in a user's text is counted as the text it is.
    const options = { allowedSpecial: new Set<string>(), disallowedSpecial: new Set<string>() };
    const count: Counter = (text) => (text ? api.countTokens(text, options) : 0);
    count('warm up');
    loadStats.fetchMs = t1 - t0;
    loadStats.buildMs = performance.now() - t1;
    return count;
  })().catch((e: unknown) => {
    counter = undefined;
    throw e;
  });
  return counter;
}

type CountMessage = Extract<ContentMessage, { type: 'count' }>;
interface Counts {
  inputTokens: number;
  outputTokens: number;
  at: number;
}

/**
 * Counts that arrived before their fact (the count goes straight to the worker, the fact through the
 * relay's outbox, so the count usually wins the race). Applied when the fact is delivered; in memory only
 * (a worker stopped in between leaves that turn estimated, which it still honestly says).
 */
const pending = new Map<string, Counts>();
const PENDING_LIMIT = 500;
const PENDING_TTL_MS = 5 * 60_000;

/** Re-counts one turn's text; updates its row now, or when its fact arrives. Resolves true when updated. */
export async function tokenizeTurn(db: TokenwiseDB, msg: CountMessage, now = Date.now()): Promise<boolean> {
  const count = await o200k();
  const prompt = msg.prompt ? count(msg.prompt) + PER_MESSAGE : 0;
  const counts: Counts = {
    inputTokens: msg.contextTokens + prompt,
    outputTokens: msg.reply ? count(msg.reply) : 0,
    at: now,
  };
  const id = `${msg.site}|${msg.key}`;
  if (await upgrade(db, id, msg.site, msg.key, counts)) return true;
  if (!(await getTurn(db, id))) {
    for (const [k, c] of pending) if (now - c.at > PENDING_TTL_MS || pending.size >= PENDING_LIMIT) pending.delete(k);
    pending.set(id, counts);
  }
  return false;
}

/** After a delivery: applies counts that were waiting for these facts. */
export async function applyPendingCounts(db: TokenwiseDB, facts: readonly SiteFact[]): Promise<number> {
  let n = 0;
  for (const f of facts) {
    const id = `${f.site}|${f.fact.key}`;
    const c = pending.get(id);
    if (!c) continue;
    pending.delete(id);
    if (await upgrade(db, id, f.site, f.fact.key, c)) n++;
  }
  return n;
}

/** Replaces an estimated turn's counts with the tokenizer's, through ingest (rollups follow). */
async function upgrade(db: TokenwiseDB, id: string, site: string, key: string, c: Counts): Promise<boolean> {
  const t = await getTurn(db, id);
  if (!t || t.source !== 'estimated') return false;
  const sf: SiteFact = {
    site,
    fact: {
      key,
      format: t.format,
      transport: t.transport,
      ...(t.model ? { model: t.model } : {}),
      inputTokens: c.inputTokens,
      outputTokens: c.outputTokens,
      source: 'tokenized',
      status: t.status,
      startedAt: t.at,
      ...(t.durationMs !== undefined ? { durationMs: t.durationMs } : {}),
      ...(t.firstByteMs !== undefined ? { firstByteMs: t.firstByteMs } : {}),
      apiOrigin: t.apiOrigin,
      ...(t.background ? { background: true } : {}),
    },
  };
  const r = await ingestFacts(db, [sf]);
  return r.updated > 0;
}

/** Forgets waiting counts (tests). */
export function resetPendingCounts(): void {
  pending.clear();
}
