/**
 * Helpers shared by the reliability, security, bad-input, egress and start tests: small loopback servers,
 * waking and identifying the service worker, evaluating in the content script's isolated world, checking
 * stored rows against the product's own schemas, and watching extension targets' network traffic over CDP.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { DailyTotal, SiteHealth, Turn } from '@/utils/records';
import { findChromium, HOW_TO_GET_CHROMIUM, QUIET_FLAGS, ROOT_FLAGS } from '../launch/find-browser';
import { readTable, type ExtBrowser } from './harness';

// ---------------------------------------------------------------------------------------------
// Loopback fixture servers

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

export interface FixtureServer {
  /** http://127.0.0.1:PORT (no trailing slash) */
  origin: string;
  port: number;
  close(): Promise<void>;
}

/** A tiny http server on 127.0.0.1 (never any other address). Unhandled paths answer 404. */
export async function startFixtureServer(handler: Handler): Promise<FixtureServer> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    Promise.resolve(handler(req, res, url)).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 2_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** Reads a request body (the fixture pages send small JSON). */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A free TCP port on 127.0.0.1 (closed again before returning). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// The service worker

declare const chrome: {
  runtime: { sendMessage(msg: unknown): Promise<unknown>; getManifest(): { name: string } };
  storage: {
    local: { get(k: null): Promise<Record<string, unknown>>; set(items: Record<string, unknown>): Promise<void> };
  };
};

/** Sends a UI message from an extension page; wakes a stopped worker (which drains the outbox on start). */
export async function sendFromExtensionPage(ext: Page, msg: unknown): Promise<unknown> {
  return ext.evaluate((m) => chrome.runtime.sendMessage(m), msg);
}

/** Marks the running worker's global scope; `workerMarked` is false once a new worker instance runs. */
export async function markWorker(b: ExtBrowser): Promise<void> {
  const w = await b.worker();
  await w.evaluate(() => {
    (self as unknown as { __tokenwiseTestMark?: boolean }).__tokenwiseTestMark = true;
  });
}

export async function workerMarked(b: ExtBrowser): Promise<boolean> {
  const w = await b.worker();
  return w.evaluate(() => (self as unknown as { __tokenwiseTestMark?: boolean }).__tokenwiseTestMark === true);
}

/** Outbox entries (storage.local keys) of one site. */
export async function outboxFor(ext: Page, site: string): Promise<string[]> {
  return ext.evaluate(
    async (s) => Object.keys(await chrome.storage.local.get(null)).filter((k) => k.startsWith(`outbox:${s}|`)),
    site,
  );
}

// ---------------------------------------------------------------------------------------------
// Stored rows

export async function turnsOf(ext: Page, site: string): Promise<Turn[]> {
  return (await readTable<Turn>(ext, 'turns')).filter((t) => t.site === site);
}

export async function dailyOf(ext: Page, site: string): Promise<DailyTotal[]> {
  return (await readTable<DailyTotal>(ext, 'daily')).filter((d) => d.site === site);
}

export async function healthOf(ext: Page, site: string): Promise<SiteHealth | undefined> {
  return (await readTable<SiteHealth>(ext, 'health')).find((h) => h.site === site);
}

const MAX_TOKENS = 50_000_000;

/** Problems with a stored turn: the product's own row schema plus the bounds the message schema promises. */
export function turnProblems(t: unknown): string[] {
  const problems: string[] = [];
  const parsed = Turn.safeParse(t);
  if (!parsed.success) problems.push(`schema: ${parsed.error.message}`);
  const row = t as Partial<Turn>;
  for (const k of ['inputTokens', 'outputTokens'] as const) {
    const n = row[k];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_TOKENS) problems.push(`${k}=${String(n)}`);
  }
  for (const k of ['durationMs', 'firstByteMs'] as const) {
    const n = row[k];
    if (n !== undefined && (typeof n !== 'number' || n < 0 || n > 86_400_000)) problems.push(`${k}=${String(n)}`);
  }
  if (typeof row.id !== 'string' || row.id.length > 600) problems.push('id');
  if (row.id && row.site && !row.id.startsWith(`${row.site}|`)) problems.push('id does not start with its site');
  return problems;
}

export function sumTurns(daily: DailyTotal[]): number {
  return daily.reduce((s, d) => s + d.turns, 0);
}

// ---------------------------------------------------------------------------------------------
// A browser without the extension, for side-by-side comparisons

export async function launchPlain(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(HOW_TO_GET_CHROMIUM);
  return chromium.launch({ executablePath, headless: true, args: ['--disable-gpu', ...QUIET_FLAGS, ...ROOT_FLAGS] });
}

// ---------------------------------------------------------------------------------------------
// The content script's isolated world

interface ExecutionContext {
  id: number;
  name: string;
  origin: string;
  auxData?: { type?: string; isDefault?: boolean; frameId?: string };
}

/**
 * Evaluates `expression` (awaiting a returned promise) in the extension's isolated world of `page`, the
 * world the relay runs in, as a compromised content script could.
 */
export async function evaluateInIsolatedWorld(
  page: Page,
  b: ExtBrowser,
  expression: string,
): Promise<{ value?: unknown; exception?: string }> {
  const cdp: CDPSession = await b.ctx.newCDPSession(page);
  const contexts: ExecutionContext[] = [];
  cdp.on('Runtime.executionContextCreated', (e: { context: ExecutionContext }) => contexts.push(e.context));
  try {
    await cdp.send('Runtime.enable');
    const extName = await page
      .context()
      .serviceWorkers()[0]
      ?.evaluate(() => chrome.runtime.getManifest().name);
    const ctx = contexts.find(
      (c) =>
        c.auxData?.type === 'isolated' &&
        (c.origin === `chrome-extension://${b.extId}` || (extName !== undefined && c.name === extName)),
    );
    if (!ctx) throw new Error(`no isolated world of the extension in ${page.url()}: ${JSON.stringify(contexts)}`);
    const r = (await cdp.send('Runtime.evaluate', {
      expression,
      contextId: ctx.id,
      awaitPromise: true,
      returnByValue: true,
    })) as { result: { value?: unknown }; exceptionDetails?: { text: string; exception?: { description?: string } } };
    if (r.exceptionDetails) {
      return { exception: r.exceptionDetails.exception?.description ?? r.exceptionDetails.text };
    }
    return { value: r.result.value };
  } finally {
    await cdp.detach().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------
// CDP network monitor for the extension's own targets (service worker, extension pages)

export interface ExtRequest {
  target: string;
  url: string;
}

/**
 * Attaches (non-flattened sessions through a browser-level CDP session) to every target whose URL is on the
 * extension's origin — the service worker and each extension page, also ones created later — enables the
 * Network domain and records every request they send.
 */
export async function watchExtensionNetwork(
  b: ExtBrowser,
): Promise<{ requests: ExtRequest[]; attached: string[]; stop(): Promise<void> }> {
  const browser = b.ctx.browser();
  if (!browser) throw new Error('no browser object for this context');
  const bs = await browser.newBrowserCDPSession();
  const prefix = `chrome-extension://${b.extId}/`;
  const requests: ExtRequest[] = [];
  const attached: string[] = [];
  const seen = new Set<string>();
  const sessions = new Map<string, string>();
  let id = 1;
  const send = (sessionId: string, method: string) =>
    bs
      .send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: id++, method, params: {} }) })
      .catch(() => {});
  const consider = (t: { targetId: string; type: string; url: string }) => {
    if (!t.url.startsWith(prefix) || seen.has(t.targetId)) return;
    seen.add(t.targetId);
    void bs
      .send('Target.attachToTarget', { targetId: t.targetId, flatten: false })
      .then(({ sessionId }) => {
        sessions.set(sessionId, `${t.type} ${t.url}`);
        attached.push(`${t.type} ${t.url}`);
        return send(sessionId, 'Network.enable');
      })
      .catch(() => {});
  };
  bs.on('Target.targetCreated', (e) => consider(e.targetInfo));
  bs.on('Target.targetInfoChanged', (e) => consider(e.targetInfo));
  bs.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message) as { method?: string; params?: { request?: { url: string } } };
    if (m.method === 'Network.requestWillBeSent' && m.params?.request) {
      requests.push({ target: sessions.get(e.sessionId) ?? '?', url: m.params.request.url });
    }
  });
  await bs.send('Target.setDiscoverTargets', { discover: true });
  const { targetInfos } = await bs.send('Target.getTargets');
  for (const t of targetInfos) consider(t);
  return {
    requests,
    attached,
    async stop() {
      await bs.detach().catch(() => {});
    },
  };
}
