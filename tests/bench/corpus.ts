/**
 * Realistic response bodies that match no model-API format, generated deterministically (seeded PRNG, no
 * files): what an ordinary web app fetches all day. Shared by the app-traffic page's server (figure 1b) and
 * the detector micro-benchmark (figure 1c).
 *
 * Field names are the ones real apps use (id, name, email, status, created_at, message, …) and never a
 * model-usage shape (no `usage` object with token counts, no `choices`, no `candidates`).
 */

/** Mulberry32: small, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const hex = (r: Rand, n: number) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');

const FIRST = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Alan', 'Radia', 'Tim'];
const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen', 'Kay'];
const CITIES = ['Lisbon', 'Oslo', 'Austin', 'Osaka', 'Nairobi', 'Lyon', 'Denver', 'Porto', 'Gdansk', 'Recife'];
const STATUSES = ['active', 'pending', 'archived', 'suspended', 'invited'];
const TAGS = ['vip', 'beta', 'churn-risk', 'enterprise', 'trial', 'partner', 'eu', 'us', 'apac', 'self-serve'];
const WORDS = (
  'the quarterly report shows steady growth across regions while support tickets fell after the new ' +
  'onboarding flow shipped; engineering closed the migration and the dashboard now loads faster for ' +
  'every team that relies on weekly exports invoices and shared calendars'
).split(' ');

const words = (r: Rand, n: number) => Array.from({ length: n }, () => pick(r, WORDS)).join(' ');
const isoDate = (r: Rand) => new Date(1_700_000_000_000 + Math.floor(r() * 5e10)).toISOString();

/** One customer / CRM-style record (~450 bytes of JSON). */
export function record(r: Rand, id: number) {
  const first = pick(r, FIRST);
  const last = pick(r, LAST);
  return {
    id,
    uuid: `${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)}`,
    name: `${first} ${last}`,
    email: `${first}.${last}${id}@example.com`.toLowerCase(),
    status: pick(r, STATUSES),
    plan: pick(r, ['free', 'team', 'business', 'enterprise']),
    seats: int(r, 1, 500),
    mrr_cents: int(r, 0, 2_000_000),
    created_at: isoDate(r),
    updated_at: isoDate(r),
    address: { city: pick(r, CITIES), postcode: String(int(r, 10000, 99999)), country: pick(r, ['PT', 'NO', 'US']) },
    tags: [pick(r, TAGS), pick(r, TAGS)],
    notes: words(r, int(r, 4, 16)),
    owner: { id: int(r, 1, 90), name: `${pick(r, FIRST)} ${pick(r, LAST)}` },
    flags: { verified: r() < 0.8, twofa: r() < 0.5, newsletter: r() < 0.3 },
  };
}

/** A search hit (~400 bytes). */
function hit(r: Rand, i: number) {
  const title = words(r, int(r, 3, 8));
  return {
    id: `doc_${hex(r, 10)}`,
    rank: i + 1,
    score: Math.round(r() * 1e4) / 1e4,
    title,
    url: `https://wiki.example.com/${title.replace(/ /g, '-').slice(0, 40)}`,
    snippet: words(r, int(r, 18, 40)),
    highlights: [words(r, 3), words(r, 2)],
    author: `${pick(r, FIRST)} ${pick(r, LAST)}`,
    updated_at: isoDate(r),
  };
}

/** Fills a list until its JSON is about `bytes` long. */
function fill<T>(bytes: number, make: (i: number) => T, overhead = 200): T[] {
  const out: T[] = [];
  let size = overhead;
  for (let i = 0; size < bytes; i++) {
    const x = make(i);
    size += JSON.stringify(x).length + 1;
    out.push(x);
  }
  return out;
}

/** A paginated list `{ data: [...], meta, links }`. */
export function listBody(seed: number, bytes: number): string {
  const r = rng(seed);
  const base = seed * 1000;
  const data = fill(bytes, (i) => record(r, base + i));
  return JSON.stringify({
    data,
    meta: { page: seed, per_page: data.length, total: 12_840, took_ms: int(r, 3, 90) },
    links: { self: `/api/customers?page=${seed}`, next: `/api/customers?page=${seed + 1}` },
  });
}

/** A bare top-level array of records (read element by element by the JSON parser). */
export function arrayBody(seed: number, bytes: number): string {
  const r = rng(seed);
  return JSON.stringify(fill(bytes, (i) => record(r, seed * 1000 + i), 2));
}

/** Search results. */
export function searchBody(seed: number, bytes: number, query = 'quarterly report'): string {
  const r = rng(seed);
  const hits = fill(bytes, (i) => hit(r, i));
  return JSON.stringify({
    query,
    took_ms: int(r, 4, 120),
    total: { value: int(r, hits.length, 9999), relation: 'eq' },
    facets: { type: { page: int(r, 1, 500), file: int(r, 1, 200) }, space: { eng: int(r, 1, 90), ops: 12 } },
    hits,
  });
}

/** A GraphQL response `{ data: { viewer: { projects: { edges: [...] } } } }`. */
export function graphqlBody(seed: number, bytes: number): string {
  const r = rng(seed);
  const edges = fill(bytes, (i) => ({
    cursor: hex(r, 16),
    node: {
      __typename: 'Project',
      id: `UHJvamVjdDo${hex(r, 8)}`,
      name: words(r, 3),
      number: i + 1,
      state: pick(r, ['OPEN', 'CLOSED']),
      issues: { totalCount: int(r, 0, 900) },
      owner: { login: pick(r, FIRST).toLowerCase(), avatarUrl: `https://avatars.example.com/u/${int(r, 1, 1e6)}` },
      updatedAt: isoDate(r),
    },
  }));
  return JSON.stringify({ data: { viewer: { login: 'ada', projects: { totalCount: edges.length * 7, edges } } } });
}

/** App configuration / feature flags (nested objects, no arrays of records). */
export function configBody(seed: number, bytes: number): string {
  const r = rng(seed);
  const flags: Record<string, unknown> = {};
  for (let i = 0; JSON.stringify(flags).length < bytes - 300; i++) {
    flags[`feature_${words(r, 2).replace(/ /g, '_')}_${i}`] = {
      enabled: r() < 0.5,
      rollout: int(r, 0, 100),
      variants: { control: int(r, 0, 50), treatment: int(r, 0, 50) },
      rules: [{ attribute: pick(r, ['country', 'plan', 'seats']), op: 'in', values: [pick(r, TAGS)] }],
    };
  }
  return JSON.stringify({
    version: `2024.${int(r, 1, 12)}.${int(r, 0, 30)}`,
    env: 'production',
    locale: { default: 'en-US', supported: ['en-US', 'pt-PT', 'nb-NO', 'ja-JP'] },
    limits: { upload_mb: 250, api_rate_per_minute: 600 },
    flags,
  });
}

/** Plain text (a document / help article). */
export function textBody(seed: number, bytes: number): string {
  const r = rng(seed);
  const lines: string[] = [];
  let size = 0;
  while (size < bytes) {
    const l = r() < 0.15 ? '' : `${words(r, int(r, 6, 18))}.`;
    lines.push(l);
    size += l.length + 1;
  }
  return lines.join('\n');
}

/** NDJSON log lines (application/x-ndjson). */
export function logBody(seed: number, bytes: number): string {
  const r = rng(seed);
  const lines: string[] = [];
  let size = 0;
  while (size < bytes) {
    const l = JSON.stringify({
      ts: isoDate(r),
      level: pick(r, ['info', 'info', 'info', 'warn', 'error', 'debug']),
      service: pick(r, ['billing', 'auth', 'search', 'export']),
      message: words(r, int(r, 4, 12)),
      req_id: hex(r, 16),
      duration_ms: int(r, 1, 4000),
      http: { method: pick(r, ['GET', 'POST']), path: `/api/${pick(r, ['orders', 'users', 'files'])}`, status: 200 },
    });
    lines.push(l);
    size += l.length + 1;
  }
  return lines.join('\n') + '\n';
}

/** A non-model event stream: app notifications / presence / job progress (text/event-stream). */
export function notifyBody(seed: number, bytes: number): string {
  const r = rng(seed);
  const out: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const type = pick(r, ['notification', 'presence', 'progress']);
    const data =
      type === 'progress'
        ? { job: `export_${hex(r, 6)}`, done: int(r, 0, 100), total: 100 }
        : type === 'presence'
          ? { user: pick(r, FIRST), state: pick(r, ['online', 'away']), at: isoDate(r) }
          : { id: i, title: words(r, 4), body: words(r, 12), read: false, created_at: isoDate(r) };
    const e = `event: ${type}\nid: ${i}\ndata: ${JSON.stringify(data)}\n\n`;
    out.push(e);
    size += e.length;
  }
  return out.join('');
}

export interface CorpusItem {
  kind: string;
  contentType: string;
  body: string;
}

/**
 * The detector corpus: 1–50 KB bodies of each kind, one per size and kind (53 bodies, about 0.8 MB in all). Sizes are
 * spread the way app traffic is: many small bodies, some large ones.
 */
export function detectorCorpus(): CorpusItem[] {
  const KB = 1024;
  const sizes = [1, 2, 4, 8, 16, 32, 50].map((s) => s * KB);
  const items: CorpusItem[] = [];
  const json = 'application/json; charset=utf-8';
  sizes.forEach((b, i) => {
    items.push({ kind: 'json: list of records', contentType: json, body: listBody(11 + i, b) });
    items.push({ kind: 'json: top-level array', contentType: json, body: arrayBody(21 + i, b) });
    items.push({ kind: 'json: search results', contentType: json, body: searchBody(31 + i, b) });
    items.push({
      kind: 'json: graphql',
      contentType: 'application/graphql-response+json',
      body: graphqlBody(41 + i, b),
    });
    if (b <= 16 * KB) items.push({ kind: 'json: config / flags', contentType: json, body: configBody(51 + i, b) });
    items.push({ kind: 'text/plain', contentType: 'text/plain; charset=utf-8', body: textBody(61 + i, b) });
    items.push({ kind: 'ndjson: log lines', contentType: 'application/x-ndjson', body: logBody(71 + i, b) });
    if (b <= 32 * KB) {
      items.push({ kind: 'sse: app notifications', contentType: 'text/event-stream', body: notifyBody(81 + i, b) });
    }
  });
  return items;
}
