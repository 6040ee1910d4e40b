/**
 * Fixture server for the public AI apps' end-to-end tests: one HTTPS server on 127.0.0.1 that answers for
 * every app's real hostname (Chromium maps them here with `--host-resolver-rules` and accepts the
 * self-signed certificate with `--ignore-certificate-errors`), so the extension's real content scripts run
 * on `https://chatgpt.com/` etc. and the page replays each site's recorded traffic shapes
 * (tests/fixtures/<id>/) through the real wrapped fetch / XHR.
 *
 * - GET any page → a tiny app page with `window.tw.fetch(path, fixture, body)`, `window.tw.xhr(...)` and
 *   `window.tw.ws(path, frames)`;
 * - any request with the header `x-fixture: <id>/<file>` → that fixture, streamed in small pieces
 *   (`e2e/<file>`: tests/e2e/fixtures/public-apps/<file>, where `__IN_2H__` / `__IN_3D__` become the Unix
 *   seconds two hours / three days from now, so a fixture's reset times are always ahead);
 * - a WebSocket upgrade with `?fixture=<id>/<file>.jsonl` (Copilot's chat socket): the fixture is a list of
 *   `["sent", …]` / `["received", …]` frames; the page sends the `sent` ones, and after the n-th frame it sent
 *   the server answers with the `received` frames that follow the n-th `sent` one, then closes after the last.
 *   A minimal RFC 6455 server: the handshake, masked client frames in, unmasked text frames out.
 *
 * The certificate is generated at start with `openssl req -x509` into a temporary folder. Node built-ins only.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
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
const E2E_FIXTURES = new URL('../e2e/fixtures/public-apps/', import.meta.url);

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
  ws(path, frames) {
    return new Promise((resolve, reject) => {
      const got = [];
      const s = new WebSocket('wss://' + location.host + path);
      s.onopen = () => frames.forEach((f) => s.send(f));
      s.onmessage = (e) => got.push(e.data);
      s.onerror = () => reject(new Error('socket error'));
      s.onclose = () => resolve(got);
    });
  },
};
</script></body></html>`;

/** A fixture's text by its id (`<site>/<file>` or `e2e/<file>`); undefined when there is no such file. */
function readFixture(id: string): string | undefined {
  if (!/^[a-z0-9]+\/[\w.-]+$/.test(id)) return undefined;
  try {
    if (!id.startsWith('e2e/')) return readFileSync(new URL(id, FIXTURES), 'utf8');
    const now = Math.floor(Date.now() / 1000);
    return readFileSync(new URL(id.slice(4), E2E_FIXTURES), 'utf8')
      .replaceAll('__IN_2H__', String(now + 2 * 3600))
      .replaceAll('__IN_3D__', String(now + 3 * 86_400));
  } catch {
    return undefined;
  }
}

/** One unmasked server frame (RFC 6455 §5.2): FIN + opcode, the length, the payload. */
function wsFrame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  const head =
    n < 126
      ? Buffer.from([0x80 | opcode, n])
      : n < 65_536
        ? Buffer.from([0x80 | opcode, 126, n >> 8, n & 0xff])
        : Buffer.concat([
            Buffer.from([0x80 | opcode, 127]),
            Buffer.alloc(4),
            Buffer.from([n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]),
          ]);
  return Buffer.concat([head, payload]);
}

/**
 * Reads the masked frames a browser sends (RFC 6455 §5.3) as they arrive in pieces; calls `onText` with each text
 * message and `onClose` at a close frame. Browsers do not fragment messages this small, so FIN is not tracked.
 */
function wsReader(onText: (text: string) => void, onClose: () => void): (chunk: Buffer) => void {
  let buf = Buffer.alloc(0);
  return (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (buf.length < 2) return;
      const opcode = buf[0]! & 0x0f;
      let len = buf[1]! & 0x7f;
      let at = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (buf.length < 10) return;
        len = Number(buf.readBigUInt64BE(2));
        at = 10;
      }
      const masked = (buf[1]! & 0x80) !== 0;
      const end = at + (masked ? 4 : 0) + len;
      if (buf.length < end) return;
      const payload = Buffer.from(buf.subarray(end - len, end));
      if (masked) for (let i = 0; i < len; i++) payload[i]! ^= buf[at + (i & 3)]!;
      buf = buf.subarray(end);
      if (opcode === 0x1) onText(payload.toString('utf8'));
      else if (opcode === 0x8) return onClose();
    }
  };
}

/** Copilot's chat socket over a `.jsonl` fixture of `["sent" | "received", event]` lines (see the header). */
function serveSocket(socket: Socket, key: string, fixture: string): void {
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
  const lines = fixture
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as ['sent' | 'received', unknown]);
  // The received frames after each sent one, in order; those before the first sent one go out at once.
  const groups: unknown[][] = [[]];
  for (const [dir, event] of lines) {
    if (dir === 'sent') groups.push([]);
    else groups[groups.length - 1]!.push(event);
  }
  let queue = Promise.resolve();
  let answered = 0;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    socket.end(wsFrame(0x8, Buffer.from([0x03, 0xe8]))); // 1000: normal closure
  };
  const answer = (events: unknown[], last: boolean) => {
    queue = queue.then(async () => {
      for (const e of events) {
        if (closed) return;
        socket.write(wsFrame(0x1, Buffer.from(JSON.stringify(e))));
        await new Promise((r) => setTimeout(r, 5)); // a few milliseconds apart, as a reply arrives
      }
      if (last) close();
    });
  };
  socket.on(
    'data',
    wsReader(() => {
      answered++;
      if (answered < groups.length) answer(groups[answered]!, answered === groups.length - 1);
    }, close),
  );
  socket.on('error', () => {});
  answer(groups[0]!, groups.length === 1);
}

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
      const body = readFixture(fixture);
      if (body === undefined) return void res.writeHead(404).end();
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
  const sockets = new Set<Socket>();
  server.on('upgrade', (req, socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const key = req.headers['sec-websocket-key'];
    const id = new URL(req.url ?? '/', 'https://x').searchParams.get('fixture');
    const fixture = id ? readFixture(id) : undefined;
    if (typeof key !== 'string' || fixture === undefined) return void socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
    serveSocket(socket, key, fixture);
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
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        server.close(() => r());
        rmSync(dir, { recursive: true, force: true });
      }),
  };
}
