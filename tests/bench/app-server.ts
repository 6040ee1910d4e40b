/**
 * The app-traffic bench page's own server (figure 1b), on 127.0.0.1 and a free port: the demo build's
 * content scripts run on every http://127.0.0.1/* page, so the extension hooks this page like any tracked
 * site. Node built-ins only.
 *
 *  GET  /app                 the page (app-page/app.html); /app.js its script
 *  GET  /isolated            an empty cross-origin-isolated page (fine performance.now()) for figure 1c
 *  GET  /api/customers?page  a paginated list of records { data: [...], meta, links }
 *  GET  /api/activity?page   a bare top-level array of records
 *  POST /api/search          search results
 *  POST /graphql             a GraphQL reply (application/graphql-response+json)
 * Every API reply is about `kb` KB of JSON that matches no model-API format, generated once per
 * (route, page mod 25) and served from memory, with no artificial latency (the CPU-bound worst case).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arrayBody, graphqlBody, listBody, searchBody } from './corpus';

const PAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'app-page');
const VARIANTS = 25;

export interface AppServer {
  /** http://127.0.0.1:PORT (no trailing slash) */
  origin: string;
  /** Requests served by the API routes (for a sanity check). */
  apiRequests(): number;
  close(): Promise<void>;
}

const ISOLATED_HTML = '<!doctype html><meta charset="utf-8"><title>isolated</title><p>detector bench</p>';

export async function startAppServer(kb = 50): Promise<AppServer> {
  const cache = new Map<string, string>();
  let served = 0;
  const body = (route: string, page: number): string => {
    const v = Math.abs(Math.floor(page)) % VARIANTS;
    const key = `${route}:${v}`;
    let b = cache.get(key);
    if (b === undefined) {
      const seed = 1000 + v + VARIANTS * ['customers', 'activity', 'search', 'graphql'].indexOf(route);
      const bytes = kb * 1024;
      b =
        route === 'customers'
          ? listBody(seed, bytes)
          : route === 'activity'
            ? arrayBody(seed, bytes)
            : route === 'search'
              ? searchBody(seed, bytes)
              : graphqlBody(seed, bytes);
      cache.set(key, b);
    }
    return b;
  };
  // Generate every body up front: no generation work on the server during a timed run.
  for (const r of ['customers', 'activity', 'search', 'graphql']) for (let v = 0; v < VARIANTS; v++) body(r, v);

  const send = (res: ServerResponse, status: number, type: string, text: string, extra = {}) => {
    res.writeHead(status, {
      'Content-Type': type,
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
      ...extra,
    });
    res.end(text);
  };

  const readBody = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const page = Number(url.searchParams.get('page') ?? 0) || 0;
      const json = 'application/json; charset=utf-8';
      switch (`${req.method} ${url.pathname}`) {
        case 'GET /app':
          return send(res, 200, 'text/html; charset=utf-8', await readFile(join(PAGE_DIR, 'app.html'), 'utf8'));
        case 'GET /app.js':
          return send(res, 200, 'text/javascript; charset=utf-8', await readFile(join(PAGE_DIR, 'app.js'), 'utf8'));
        case 'GET /isolated':
          return send(res, 200, 'text/html; charset=utf-8', ISOLATED_HTML, {
            'Cross-Origin-Opener-Policy': 'same-origin',
            'Cross-Origin-Embedder-Policy': 'require-corp',
          });
        case 'GET /api/customers':
          served++;
          return send(res, 200, json, body('customers', page));
        case 'GET /api/activity':
          served++;
          return send(res, 200, json, body('activity', page));
        case 'POST /api/search': {
          const q = JSON.parse((await readBody(req)) || '{}') as { page?: number };
          served++;
          return send(res, 200, json, body('search', q.page ?? 0));
        }
        case 'POST /graphql': {
          const q = JSON.parse((await readBody(req)) || '{}') as { variables?: { page?: number } };
          served++;
          return send(
            res,
            200,
            'application/graphql-response+json; charset=utf-8',
            body('graphql', q.variables?.page ?? 0),
          );
        }
        case 'GET /favicon.ico':
          res.writeHead(204).end();
          return;
        default:
          return send(res, 404, json, '{"error":"not found"}');
      }
    })().catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', String(e));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    apiRequests: () => served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
