/**
 * API-equivalent cost of a model call, from the price table vendored in `prices.json` (generated from
 * `@pydantic/genai-prices` by `npm run update-prices`; see tests/tools/update-prices.ts). Pure: no browser APIs,
 * no network — the table ships inside the extension. Unknown models get no price at all rather than a guess.
 */
import table from './prices.json';

/** The package's model-name rule, kept as its clause tree. Text clauses compare case-insensitively. */
export type MatchClause =
  | { readonly equals: string }
  | { readonly starts_with: string }
  | { readonly ends_with: string }
  | { readonly contains: string }
  | { readonly regex: string }
  | { readonly or: readonly MatchClause[] }
  | { readonly and: readonly MatchClause[] };

/** USD per million tokens. A missing rate means the package lists no price for that kind of token. */
export interface TokenRates {
  readonly input?: number;
  readonly output?: number;
  readonly cacheRead?: number;
  readonly cacheWrite?: number;
}

export interface ModelEntry {
  readonly id: string;
  readonly match: MatchClause;
  /** Absent when the model is billed only in units we do not count (audio hours, pages, requests). */
  readonly price?: TokenRates;
}

export interface ProviderEntry {
  readonly id: string;
  readonly name: string;
  /** Regex source the package matches, anchored at the start, against an API URL. */
  /** Matches the host of the provider's API origin (the package's api_pattern without its scheme). */
  readonly hostPattern: string;
  /** Model names this provider is the first-party owner of. */
  readonly modelMatch?: MatchClause;
  /** Providers whose models this one also serves (Azure → OpenAI, Vertex → Anthropic). */
  readonly fallbacks?: readonly string[];
  /** In the package's order: the first entry whose rule matches wins. */
  readonly models: readonly ModelEntry[];
}

export interface PriceTable {
  readonly source: string;
  readonly asOf: string;
  readonly unit: string;
  readonly providers: readonly ProviderEntry[];
}

export interface PriceMatch {
  readonly provider: string;
  readonly providerName: string;
  /** The table's model id, e.g. `gpt-4o-mini` for the wire's `gpt-4o-mini-2024-07-18`. */
  readonly modelId: string;
  readonly rates: TokenRates;
}

export interface TokenUsage {
  readonly model: string;
  /** All input tokens, cached ones included (as Tokenwise's parsers and the package count them). */
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Of `inputTokens`, those read from the prompt cache. */
  readonly cacheReadTokens?: number;
  /** Of `inputTokens`, those written to the prompt cache. */
  readonly cacheWriteTokens?: number;
}

export interface Cost {
  readonly usd: number;
  readonly provider: string;
  readonly modelId: string;
}

// Typed here so a generator change that breaks the shape fails `tsc`, not the popup.
const TABLE: PriceTable = table;

export const PRICES_AS_OF: string = TABLE.asOf;
export const PRICES_SOURCE: string = TABLE.source;

/**
 * Search order when the API origin names no provider. First-party labs first; Bedrock before Google because
 * Vertex's Claude rows match by `contains` and would otherwise claim Bedrock's `anthropic.claude-…` ids.
 */
const PREFERRED = ['openai', 'anthropic', 'aws', 'google', 'azure', 'mistral', 'deepseek'];

const BY_ID = new Map(TABLE.providers.map((p) => [p.id, p]));
const SEARCH_ORDER: readonly ProviderEntry[] = [
  ...PREFERRED.flatMap((id) => BY_ID.get(id) ?? []),
  ...TABLE.providers.filter((p) => !PREFERRED.includes(p.id)),
];

const regexCache = new Map<string, RegExp>();
function cachedRegex(source: string): RegExp {
  let re = regexCache.get(source);
  if (!re) {
    re = new RegExp(source);
    regexCache.set(source, re);
  }
  return re;
}

/** Evaluates a clause against a lower-cased model id, as the package does (regexes see the lower-cased id too). */
function matches(clause: MatchClause, id: string): boolean {
  if ('or' in clause) return clause.or.some((c) => matches(c, id));
  if ('and' in clause) return clause.and.every((c) => matches(c, id));
  if ('equals' in clause) return id === clause.equals.toLowerCase();
  if ('starts_with' in clause) return id.startsWith(clause.starts_with.toLowerCase());
  if ('ends_with' in clause) return id.endsWith(clause.ends_with.toLowerCase());
  if ('contains' in clause) return id.includes(clause.contains.toLowerCase());
  return cachedRegex(clause.regex).test(id);
}

function providerOfOrigin(apiOrigin: string | undefined): ProviderEntry | undefined {
  if (!apiOrigin) return undefined;
  const host = apiOrigin.replace(/^https?:\/\//, '');
  return TABLE.providers.find((p) => cachedRegex(`^(?:${p.hostPattern})`).test(host));
}

// The package's fallback for compact dates: `…-20250929` also tries `…-2025-09-29` (how OpenAI spells dates).
const COMPACT_DATE = /-(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=-|:|$)/g;
function dashDates(id: string): string {
  return id.replace(COMPACT_DATE, (whole, y: string, m: string, d: string) => {
    const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
    return date.getUTCMonth() === Number(m) - 1 ? `-${y}-${m}-${d}` : whole;
  });
}

function findIn(provider: ProviderEntry, ids: readonly string[]): ModelEntry | undefined {
  for (const id of ids) {
    const entry = provider.models.find((m) => matches(m.match, id));
    if (entry) return entry;
  }
  return undefined;
}

interface Candidate {
  /** Whose model list to search. */
  readonly table: ProviderEntry;
  /** Who bills for it: the origin's provider when searching the ones it serves (Azure selling OpenAI models). */
  readonly billedBy: ProviderEntry;
}

/** Where to look, best first: the origin's provider and those it serves, then name owners, then everyone. */
function candidates(id: string, apiOrigin: string | undefined): Candidate[] {
  const origin = providerOfOrigin(apiOrigin);
  const served = origin ? [origin, ...(origin.fallbacks ?? []).flatMap((f) => BY_ID.get(f) ?? [])] : [];
  const owners = SEARCH_ORDER.filter((p) => p.modelMatch && matches(p.modelMatch, id));
  const seen = new Set<ProviderEntry>();
  const list: Candidate[] = [];
  for (const table of [...served, ...owners, ...SEARCH_ORDER]) {
    if (seen.has(table)) continue;
    seen.add(table);
    list.push({ table, billedBy: origin && served.includes(table) ? origin : table });
  }
  return list;
}

/**
 * The price entry for a model name as the wire shows it (`gpt-4o-mini-2024-07-18`, `claude-sonnet-4-5-20250929`,
 * `anthropic.claude-3-5-sonnet-20240620-v1:0`). `apiOrigin` (e.g. `https://api.openai.com`) picks the provider
 * whose prices apply when its host identifies one. Undefined when no entry matches, or when the matching entry
 * has no token prices (audio- or page-billed models): the caller then shows tokens only.
 */
export function priceFor(model: string, apiOrigin?: string): PriceMatch | undefined {
  // Views price every stored row, but a history holds only a handful of distinct models: look each up once.
  const key = `${apiOrigin ?? ''} ${model}`;
  if (memo.has(key)) return memo.get(key);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  const found = lookUp(model, apiOrigin);
  memo.set(key, found);
  return found;
}

const MEMO_LIMIT = 1000;
const memo = new Map<string, PriceMatch | undefined>();

function lookUp(model: string, apiOrigin: string | undefined): PriceMatch | undefined {
  const id = model.trim().toLowerCase();
  if (!id) return undefined;
  const ids = [...new Set([id, dashDates(id)])];
  for (const { table, billedBy } of candidates(id, apiOrigin)) {
    const entry = findIn(table, ids);
    if (!entry) continue;
    if (!entry.price) return undefined;
    return { provider: billedBy.id, providerName: billedBy.name, modelId: entry.id, rates: entry.price };
  }
  return undefined;
}

/** Dollars for one kind of token; undefined when tokens were used but no rate is listed for them. */
function part(tokens: number, rate: number | undefined): number | undefined {
  if (tokens <= 0) return 0;
  return rate === undefined ? undefined : tokens * rate;
}

function usdOf(usage: TokenUsage, rates: TokenRates): number | undefined {
  const input = Math.max(0, usage.inputTokens);
  // Cache counts are parts of the input; clamp so inconsistent counts can never price tokens twice.
  const cacheRead = Math.min(Math.max(0, usage.cacheReadTokens ?? 0), input);
  const cacheWrite = Math.min(Math.max(0, usage.cacheWriteTokens ?? 0), input - cacheRead);
  const parts = [
    part(input - cacheRead - cacheWrite, rates.input),
    // Without a cache rate the package bills cached tokens as ordinary input; so do we.
    part(cacheRead, rates.cacheRead ?? rates.input),
    part(cacheWrite, rates.cacheWrite ?? rates.input),
    part(usage.outputTokens, rates.output),
  ];
  let micro = 0;
  for (const p of parts) {
    if (p === undefined) return undefined;
    micro += p;
  }
  return micro / 1e6;
}

/**
 * API-equivalent cost in USD of one call, or undefined when the model is unknown or a token kind it used has
 * no listed rate (never a guess). Tiered and time-of-day prices are flattened to one rate by the generator.
 */
export function costOf(usage: TokenUsage, apiOrigin?: string): Cost | undefined {
  const match = priceFor(usage.model, apiOrigin);
  if (!match) return undefined;
  const usd = usdOf(usage, match.rates);
  return usd === undefined ? undefined : { usd, provider: match.provider, modelId: match.modelId };
}
