/**
 * Fixture server for the public AI apps' end-to-end tests: one HTTPS server on 127.0.0.1 that answers for
 * every app's real hostname (Chromium maps them here with `--host-resolver-rules` and accepts the
 * self-signed certificate with `--ignore-certificate-errors`), so the extension's real content scripts run
 * on `https://chatgpt.com/` etc. and the page replays each site's recorded traffic shapes
 * (tests/fixtures/<id>/) through the real wrapped fetch / XHR.
 *
 * - GET any page → a tiny app page with `window.tw.fetch(path, fixture, body)` and `window.tw.xhr(...)`;
 * - any request with the header `x-fixture: <id>/<file>` → that fixture, streamed in small pieces.
 *
 * The certificate is generated at start with `openssl req -x509` into a temporary folder. Node built-ins only.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PUBLIC_HOSTS = [
  'chatgpt.com',
  'chat.openai.com',
  'claude.ai',
  'gemini.google.com',
  'copilot.microsoft.com',
  'www.perplexity.ai',
];

export interface PublicAppsServer {
  port: number;
  /** Chromium flags that send the apps' hostnames to this server and accept its certificate. */
  chromiumArgs: string[];
  close(): Promise<void>;
}

const FIXTURES = new URL('../fixtures/', import.meta.url);

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Fixture app</title></head><body>
<main id="app">fixture app</main>
<script>
window.tw = {
  async fetch(path, fixture, body) {
    const r = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-fixture': fixture }, body });
    return r.text();
  },
  xhr(path, fixture, body, type) {
    return new Promise((resolve) => {
      const x = new XMLHttpRequest();
      x.open('POST', path);
      x.setRequestHeader('content-type', type || 'application/x-www-form-urlencoded;charset=UTF-8');
      x.setRequestHeader('x-fixture', fixture);
      x.onloadend = () => resolve(x.responseText);
      x.send(body);
    });
  },
};
</script></body></html>`;

function contentTypeOf(file: string): string {
  if (file.endsWith('.sse')) return 'text/event-stream; charset=utf-8';
  if (file.endsWith('.json')) return 'application/json';
  return 'text/plain; charset=utf-8';
}

export async function startPublicApps(): Promise<PublicAppsServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tokenwise-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=tokenwise-fixtures',
      '-keyout',
      key,
      '-out',
      cert,
      '-addext',
      `subjectAltName=${PUBLIC_HOSTS.map((h) => `DNS:${h}`).join(',')}`,
    ],
    { stdio: 'ignore' },
  );
  const server: Server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    const fixture = req.headers['x-fixture'];
    if (typeof fixture !== 'string') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(PAGE);
    }
    req.resume();
    req.on('end', () => {
      if (!/^[a-z]+\/[\w.-]+$/.test(fixture)) return void res.writeHead(400).end();
      let body: string;
      try {
        body = readFileSync(new URL(fixture, FIXTURES), 'utf8');
      } catch {
        return void res.writeHead(404).end();
      }
      res.writeHead(200, { 'content-type': contentTypeOf(fixture), 'cache-control': 'no-store' });
      // Streamed in pieces, a few milliseconds apart, as a reply arrives.
      let i = 0;
      const step = () => {
        if (i >= body.length) return void res.end();
        res.write(body.slice(i, i + 200));
        i += 200;
        setTimeout(step, 5);
      };
      step();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    chromiumArgs: [
      `--host-resolver-rules=${PUBLIC_HOSTS.map((h) => `MAP ${h} 127.0.0.1:${port}`).join(', ')}`,
      '--ignore-certificate-errors',
    ],
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
        rmSync(dir, { recursive: true, force: true });
      }),
  };
}
