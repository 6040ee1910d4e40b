/**
 * `npm run update-prices`: regenerates utils/prices.json from the installed (exactly pinned)
 * `@pydantic/genai-prices`. The extension never fetches prices, so the table is committed; bump the package,
 * run this, and review the diff. tests/unit/cost.test.ts fails if the file and the package disagree.
 *
 * What is kept: the providers in VENDORED_PROVIDERS, each model's match rule (the package's clause tree,
 * regexes as strings, in the package's order — the first match wins) and its text-token prices in USD per
 * million tokens. Simplifications, all to keep the table small and the runtime trivial:
 * - tiered prices (e.g. dearer past 200k input tokens) keep only the base tier;
 * - date-conditional prices keep the one in force on `asOf`; time-of-day windows (DeepSeek's peak hours) are
 *   ignored, so those models get the package's unconstrained price, which is its off-peak rate;
 * - image, audio, video, page, search and per-request prices, and the 1-hour cache-write rate, are dropped.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForUpdate } from '@pydantic/genai-prices';
import type { MatchLogic, ModelInfo, ModelPrice, Provider } from '@pydantic/genai-prices';
import type { MatchClause, ModelEntry, PriceTable, ProviderEntry, TokenRates } from '@/utils/cost';

export const PACKAGE = '@pydantic/genai-prices';
export const OUT_FILE = fileURLToPath(new URL('../../utils/prices.json', import.meta.url));

/**
 * The providers behind the wire formats Tokenwise reads (OpenAI, Anthropic, Gemini/Vertex, Bedrock, Azure OpenAI)
 * plus two labs often reached through OpenAI-compatible gateways; that fills the size budget (the popup and
 * dashboard load the table). Resellers (OpenRouter, Together, Groq, Hugging Face…) are left out: they would
 * multiply the size and price open models at someone's markup. xAI was next in line (3.5 KB).
 */
export const VENDORED_PROVIDERS = ['anthropic', 'aws', 'azure', 'deepseek', 'google', 'mistral', 'openai'];

const RATE_KEYS = [
  ['input', 'input_mtok'],
  ['output', 'output_mtok'],
  ['cacheRead', 'cache_read_mtok'],
  ['cacheWrite', 'cache_write_mtok'],
] as const satisfies readonly (readonly [keyof TokenRates, string])[];

export interface InstalledPrices {
  readonly version: string;
  readonly providers: readonly Provider[];
}

/** The package's bundled data (what `calcPrice` uses when never auto-updated) and its version. */
export async function loadInstalled(): Promise<InstalledPrices> {
  const entry = createRequire(import.meta.url).resolve(PACKAGE);
  const manifest: unknown = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8'));
  const version = (manifest as { version?: unknown }).version;
  if (typeof version !== 'string') throw new Error(`${PACKAGE}: no version in its package.json`);
  const providers = await waitForUpdate();
  if (!providers) throw new Error(`${PACKAGE}: no bundled provider data`);
  return { version, providers };
}

/**
 * The date the prices are "as of". 0.1.x carries no data date of its own, so this is the day the installed
 * version was published, asked of the registry (here only; the extension never does).
 */
export function publishDate(version: string): string {
  const out = execFileSync('npm', ['view', `${PACKAGE}@${version}`, 'time', '--json'], { encoding: 'utf8' });
  const times = JSON.parse(out) as Record<string, unknown>;
  const at = times[version];
  if (typeof at !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(at)) throw new Error(`no publish time for ${version}`);
  return at.slice(0, 10);
}

function copyClause(clause: MatchLogic): MatchClause {
  if ('or' in clause) return { or: clause.or.map(copyClause) };
  if ('and' in clause) return { and: clause.and.map(copyClause) };
  if ('regex' in clause) {
    new RegExp(clause.regex); // fail here, not in the popup, on a pattern JavaScript cannot compile
    return { regex: clause.regex };
  }
  if ('equals' in clause) return { equals: clause.equals };
  if ('starts_with' in clause) return { starts_with: clause.starts_with };
  if ('ends_with' in clause) return { ends_with: clause.ends_with };
  if ('contains' in clause) return { contains: clause.contains };
  throw new Error(`unknown match clause ${JSON.stringify(clause)}`);
}

/** The price set in force on `asOf`, ignoring time-of-day windows (see the file comment). */
function pricesOn(model: ModelInfo, asOf: string): ModelPrice {
  if (!Array.isArray(model.prices)) return model.prices;
  let best: { from: string; prices: ModelPrice } | undefined;
  for (const { constraint, prices } of model.prices) {
    const from = constraint === undefined ? '' : 'start_date' in constraint ? constraint.start_date : undefined;
    if (from === undefined || from > asOf) continue;
    if (!best || from >= best.from) best = { from, prices };
  }
  if (!best) throw new Error(`${model.id}: no price in force on ${asOf}`);
  return best.prices;
}

function baseRate(value: ModelPrice[string]): number | undefined {
  return typeof value === 'object' ? value.base : value;
}

/**
 * Text-token rates, or undefined when the model is billed only in other units. An empty price set is how the
 * package marks a free model (`…:free`, moderation), so it becomes explicit zeros.
 */
function textRates(prices: ModelPrice): TokenRates | undefined {
  if (Object.values(prices).every((v) => v === undefined)) return { input: 0, output: 0 };
  const rates: Record<string, number> = {};
  for (const [ours, theirs] of RATE_KEYS) {
    const rate = baseRate(prices[theirs]);
    if (rate !== undefined) rates[ours] = rate;
  }
  return rates.input === undefined && rates.output === undefined ? undefined : rates;
}

function modelEntry(model: ModelInfo, asOf: string): ModelEntry {
  const price = textRates(pricesOn(model, asOf));
  // Unpriced models stay (without a price) so their names are not claimed by a later, looser rule.
  return { id: model.id, match: copyClause(model.match), ...(price && { price }) };
}

function providerEntry(provider: Provider, asOf: string): ProviderEntry {
  new RegExp(provider.api_pattern);
  const fallbacks = provider.fallback_model_providers?.filter((id) => VENDORED_PROVIDERS.includes(id));
  return {
    id: provider.id,
    name: provider.name,
    // Without its scheme: the pattern is matched against an origin's host, and a table full of https://
    // addresses would read as (and be scanned as) places the extension talks to. It never fetches them.
    hostPattern: provider.api_pattern.replace(/^\(https\?:\/\/\)\?|^https?:\/\//, ''),
    ...(provider.model_match && { modelMatch: copyClause(provider.model_match) }),
    ...(fallbacks?.length ? { fallbacks } : {}),
    models: provider.models.map((m) => modelEntry(m, asOf)),
  };
}

/** The table for `prices.json`, a pure function of the package data, its version and the `asOf` date. */
export function buildPriceTable(installed: InstalledPrices, asOf: string): PriceTable {
  const providers = VENDORED_PROVIDERS.map((id) => {
    const provider = installed.providers.find((p) => p.id === id);
    if (!provider) throw new Error(`${PACKAGE} ${installed.version} has no provider "${id}"`);
    return providerEntry(provider, asOf);
  });
  return { source: `${PACKAGE} ${installed.version}`, asOf, unit: 'USD per million tokens', providers };
}

/**
 * One line per model, so a price change is a one-line diff and the file stays small (it is listed in
 * .prettierignore: Prettier would spread every model over five lines).
 */
function layout(table: PriceTable): string {
  const providers = table.providers.map(({ models, ...head }) => {
    const fields = Object.entries(head).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)},`);
    return `{\n${fields.join('\n')}\n"models": [\n${models.map((m) => JSON.stringify(m)).join(',\n')}\n]}`;
  });
  const { providers: _, ...head } = table;
  const fields = Object.entries(head).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  return `{\n${fields.join('\n')}\n"providers": [\n${providers.join(',\n')}\n]}\n`;
}

export function renderPriceTable(table: PriceTable): string {
  return layout(table);
}

async function main(): Promise<void> {
  const installed = await loadInstalled();
  const table = buildPriceTable(installed, publishDate(installed.version));
  const text = renderPriceTable(table);
  writeFileSync(OUT_FILE, text);
  const models = table.providers.reduce((n, p) => n + p.models.length, 0);
  console.log(`${OUT_FILE}: ${table.source}, as of ${table.asOf}, ${models} models, ${Buffer.byteLength(text)} bytes`);
}

const invokedAs = process.argv[1];
if (invokedAs && realpathSync(resolve(invokedAs)) === realpathSync(fileURLToPath(import.meta.url))) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
