/**
 * The "demo internal AI tool": a small local chat app ("Acme Assist") standing in for a company's
 * own AI chat. It is both what a new Tokenwise user sees first and the end-to-end fixture server.
 *
 * Two HTTP servers, both bound to 127.0.0.1 only:
 *  - chat server  http://127.0.0.1:PORT/      UI (tests/demo/public) + same-origin API + /__demo/*
 *  - API server   http://localhost:APIPORT    the same API routes with CORS (a different origin)
 *
 * API routes (POST, JSON body; all accept ?bytes=N, ?delayMs=N, ?error=STATUS and x-demo-replay):
 *  - /v1/chat/completions  OpenAI Chat Completions (JSON, or SSE with optional include_usage)
 *  - /v1/responses         OpenAI Responses API (SSE, or JSON when stream is not true)
 *  - /v1/messages          Anthropic Messages (SSE, or JSON when stream is not true)
 *
 * Run directly: `npx tsx tests/demo/server.ts [--port 5566] [--api-port 5567] [--quiet]`.
 * Node built-ins only.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { countInputTokens, demoReply, demoReplyOfSize, fnv1a, hex8, splitPieces, type Piece } from './replies.ts';

export type DemoWireFormat = 'openai-chat' | 'openai-responses' | 'anthropic-messages';

export interface UsageLogEntry {
  /** Date.now() when the entry was logged (response finished or client disconnect detected). */
  at: number;
  /** Request path without query, e.g. "/v1/chat/completions". */
  route: string;
  format: DemoWireFormat;
  /** The response id put on the wire (chatcmpl-…, resp_…, msg_…). */
  id: string;
  model: string;
  inputTokens: number;
  /** Output tokens actually written (fewer than the full reply when aborted). */
  outputTokens: number;
  /** True when the final usage object was written on the wire. */
  usageSent: boolean;
  /** True when the client disconnected before the response was complete. */
  aborted: boolean;
  /** 'same' = served by the chat server, 'cross' = served by the CORS API server. */
  origin: 'same' | 'cross';
}

export interface DemoOptions {
  /** Chat UI server port on 127.0.0.1; 0 (default) picks a free port. */
  port?: number;
  /** Cross-origin API server port on 127.0.0.1 (reached as http://localhost:PORT); 0 = free port. */
  apiPort?: number;
  /** Do not print usage log lines to stdout. */
  quiet?: boolean;
}

export interface DemoServer {
  /** http://127.0.0.1:PORT/ */
  chatUrl: string;
  /** http://localhost:APIPORT (no trailing slash) */
  apiOrigin: string;
  /** Live usage log (same array for the server's lifetime; cleared in place). */
  log: UsageLogEntry[];
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'public');
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const MAX_REPLY_BYTES = 64 * 1024 * 1024;
const DEFAULT_DELAY_MS = 15;

const STATIC_FILES: Record<string, { file: string; type: string; inject?: boolean }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8', inject: true },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8', inject: true },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
  '/bench': { file: 'bench.html', type: 'text/html; charset=utf-8', inject: true },
  '/bench.js': { file: 'bench.js', type: 'text/javascript; charset=utf-8' },
  '/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
};

const API_ROUTES: Record<string, DemoWireFormat> = {
  '/v1/chat/completions': 'openai-chat',
  '/v1/responses': 'openai-responses',
  '/v1/messages': 'anthropic-messages',
};

const CORS_HEADERS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Allow-Headers':
    'Content-Type, Authorization, x-demo-replay, x-api-key, anthropic-version, openai-organization',
  'Access-Control-Expose-Headers': 'x-request-id, request-id',
  'Access-Control-Max-Age': '600',
};

// ---------------------------------------------------------------------------------------------
// Request normalisation

interface Normalized {
  model: string;
  /** Text of every message (system/instructions included), for input token counting. */
  texts: string[];
  lastUser: string;
  stream: boolean;
  includeUsage: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Text of a message content: a string, or an array of parts with a `text` field. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) => (isRecord(p) && typeof p.text === 'string' ? p.text : typeof p === 'string' ? p : ''))
      .filter((t) => t !== '')
      .join('\n');
  }
  return '';
}

function normalize(format: DemoWireFormat, body: Record<string, unknown>): Normalized {
  const defaultModel = format === 'anthropic-messages' ? 'demo-claude' : 'demo-gpt-4o';
  const model = typeof body.model === 'string' && body.model !== '' ? body.model : defaultModel;
  const texts: string[] = [];
  let lastUser = '';
  const addMessages = (list: unknown): void => {
    if (!Array.isArray(list)) return;
    for (const m of list) {
      if (!isRecord(m)) continue;
      const text = contentText(m.content);
      texts.push(text);
      if (m.role === 'user') lastUser = text;
    }
  };
  if (format === 'openai-chat') {
    addMessages(body.messages);
  } else if (format === 'openai-responses') {
    if (typeof body.instructions === 'string') texts.push(body.instructions);
    if (typeof body.input === 'string') {
      texts.push(body.input);
      lastUser = body.input;
    } else {
      addMessages(body.input);
    }
  } else {
    if (body.system !== undefined) texts.push(contentText(body.system));
    addMessages(body.messages);
  }
  const so = body.stream_options;
  return {
    model,
    texts,
    lastUser,
    stream: body.stream === true,
    includeUsage: isRecord(so) && so.include_usage === true,
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    // A client that goes away mid-upload never sends 'end' (no-op once resolved).
    req.on('close', () => reject(new Error('client closed the connection')));
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(text);
}

function apiError(
  res: ServerResponse,
  format: DemoWireFormat,
  status: number,
  message: string,
  extra: Record<string, string>,
): void {
  if (format === 'anthropic-messages') {
    const type =
      status === 400
        ? 'invalid_request_error'
        : status === 429
          ? 'rate_limit_error'
          : status === 529
            ? 'overloaded_error'
            : 'api_error';
    sendJson(res, status, { type: 'error', error: { type, message } }, extra);
  } else {
    const type = status === 400 ? 'invalid_request_error' : status === 429 ? 'rate_limit_exceeded' : 'server_error';
    sendJson(res, status, { error: { message, type, param: null, code: null } }, extra);
  }
}

function intParam(url: URL, name: string, max: number): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) return undefined;
  return Math.min(Math.floor(n), max);
}

// ---------------------------------------------------------------------------------------------
// The server

export async function startDemo(opts: DemoOptions = {}): Promise<DemoServer> {
  const log: UsageLogEntry[] = [];
  const quiet = opts.quiet ?? false;
  let counter = 0;
  let apiOrigin = '';
  let chatOrigin = '';

  const record = (entry: UsageLogEntry): void => {
    log.push(entry);
    if (!quiet) process.stdout.write(JSON.stringify(entry) + '\n');
  };

  const makeId = (format: DemoWireFormat, seed: string): string => {
    counter += 1;
    const n = counter.toString(16).padStart(6, '0');
    const h = hex8(fnv1a(`${counter}|${seed}`)) + hex8(fnv1a(seed, counter));
    if (format === 'openai-chat') return `chatcmpl-demo${n}${h}`;
    if (format === 'openai-responses') return `resp_demo${n}${h}`;
    return `msg_demo${n}${h}`;
  };

  async function serveStatic(res: ServerResponse, path: string, method: string): Promise<boolean> {
    const entry = STATIC_FILES[path];
    if (!entry) return false;
    let content: string | Buffer;
    try {
      content = await readFile(join(PUBLIC_DIR, entry.file));
    } catch {
      sendJson(res, 500, { error: `missing ${entry.file}` });
      return true;
    }
    if (entry.inject) {
      const config = JSON.stringify({ apiOrigin, chatOrigin });
      content = content
        .toString('utf8')
        .replace('<!--DEMO_CONFIG-->', `<script>window.__DEMO_CONFIG__ = ${config};</script>`);
    }
    res.writeHead(200, {
      'Content-Type': entry.type,
      'Content-Length': Buffer.byteLength(content),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(method === 'HEAD' ? undefined : content);
    return true;
  }

  async function handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    format: DemoWireFormat,
    origin: 'same' | 'cross',
  ): Promise<void> {
    const cors = origin === 'cross' ? CORS_HEADERS : {};
    if (req.method !== 'POST') {
      apiError(res, format, 405, `Method ${req.method ?? ''} not allowed; use POST`, {
        ...cors,
        Allow: 'POST, OPTIONS',
      });
      return;
    }
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(await readBody(req));
      if (!isRecord(parsed)) throw new Error('body must be a JSON object');
      body = parsed;
    } catch (e) {
      apiError(res, format, 400, `Invalid JSON body: ${(e as Error).message}`, cors);
      return;
    }
    const forced = intParam(url, 'error', 599);
    if (forced !== undefined && forced >= 400) {
      apiError(res, format, forced, `Demo error ${forced} (requested with ?error=${forced})`, cors);
      return;
    }

    const n = normalize(format, body);
    const bytes = intParam(url, 'bytes', MAX_REPLY_BYTES);
    const bulk = bytes !== undefined;
    const delayMs = intParam(url, 'delayMs', 60_000) ?? (bulk ? 0 : DEFAULT_DELAY_MS);
    const reply = bulk ? demoReplyOfSize(n.lastUser, bytes) : demoReply(n.lastUser);
    const pieces = splitPieces(reply, bulk);
    const totalOut = pieces.reduce((s, p) => s + p.tokens, 0);
    const inputTokens = countInputTokens(n.texts);
    const replay = req.headers['x-demo-replay'];
    const replayId = typeof replay === 'string' && replay.trim() !== '' ? replay.trim() : undefined;
    const id = replayId ?? makeId(format, `${format}|${n.model}|${n.lastUser}`);
    const created = Math.floor(Date.now() / 1000);
    const route = url.pathname;

    // Bookkeeping shared by the JSON and SSE paths: log exactly once, on completion or disconnect.
    let outputTokens = 0;
    let usageSent = false;
    let closed = false;
    let logged = false;
    const finish = (aborted: boolean): void => {
      if (logged) return;
      logged = true;
      record({
        at: Date.now(),
        route,
        format,
        id,
        model: n.model,
        inputTokens,
        outputTokens,
        usageSent,
        aborted,
        origin,
      });
    };
    res.on('close', () => {
      if (!res.writableFinished) {
        closed = true;
        finish(true);
      }
    });
    const idHeader: Record<string, string> =
      format === 'anthropic-messages' ? { 'request-id': `req_${id}` } : { 'x-request-id': `req_${id}` };

    if (!n.stream) {
      // Non-streamed: wait roughly as long as generating the reply would take, then send it at once.
      const wait = bulk ? delayMs : Math.min(delayMs * pieces.length, 3000);
      if (wait > 0) await sleep(wait);
      if (closed) return;
      const usageIn = inputTokens;
      let payload: unknown;
      if (format === 'openai-chat') {
        payload = {
          id,
          object: 'chat.completion',
          created,
          model: n.model,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: reply, refusal: null },
              logprobs: null,
              finish_reason: 'stop',
            },
          ],
          usage: {
            prompt_tokens: usageIn,
            completion_tokens: totalOut,
            total_tokens: usageIn + totalOut,
            prompt_tokens_details: { cached_tokens: 0 },
            completion_tokens_details: { reasoning_tokens: 0 },
          },
          system_fingerprint: 'fp_demo',
        };
      } else if (format === 'openai-responses') {
        payload = responseObject(id, created, n.model, 'completed', reply, usageIn, totalOut);
      } else {
        payload = {
          id,
          type: 'message',
          role: 'assistant',
          model: n.model,
          content: [{ type: 'text', text: reply }],
          stop_reason: 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: usageIn, output_tokens: totalOut },
        };
      }
      outputTokens = totalOut;
      usageSent = true;
      sendJson(res, 200, payload, { ...cors, ...idHeader });
      finish(false);
      return;
    }

    // Streamed (SSE).
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
      ...cors,
      ...idHeader,
    });
    res.flushHeaders();
    res.socket?.setNoDelay(true);

    let sinceYield = 0;
    const waitDrain = (): Promise<void> =>
      new Promise<void>((resolve) => {
        const done = (): void => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    /** Write one SSE event, honouring back-pressure; false once the client has gone (then stop). */
    const write = async (text: string): Promise<boolean> => {
      if (closed) return false;
      if (!res.write(text)) await waitDrain();
      else if (++sinceYield >= 64) {
        sinceYield = 0;
        await tick(); // let a disconnect be noticed even when the client keeps up
      }
      return !closed;
    };
    /** Write one content delta (after the configured delay) and count its tokens once written. */
    const writePiece = async (piece: Piece, text: string): Promise<boolean> => {
      if (delayMs > 0) await sleep(delayMs);
      if (closed) return false;
      outputTokens += piece.tokens;
      return write(text);
    };

    if (format === 'openai-chat') {
      await streamChat(write, writePiece, {
        id,
        created,
        model: n.model,
        pieces,
        includeUsage: n.includeUsage,
        inputTokens,
        totalOut,
        onUsage: () => (usageSent = true),
      });
    } else if (format === 'openai-responses') {
      await streamResponses(write, writePiece, {
        id,
        created,
        model: n.model,
        pieces,
        reply,
        inputTokens,
        totalOut,
        onUsage: () => (usageSent = true),
      });
    } else {
      await streamAnthropic(write, writePiece, {
        id,
        model: n.model,
        pieces,
        inputTokens,
        totalOut,
        onUsage: () => (usageSent = true),
      });
    }
    if (closed) return;
    res.end();
    finish(false);
  }

  const handler =
    (origin: 'same' | 'cross') =>
    async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = url.pathname;
      const method = req.method ?? 'GET';
      const format = API_ROUTES[path];
      try {
        if (origin === 'cross') {
          if (method === 'OPTIONS') {
            res.writeHead(204, { ...CORS_HEADERS, 'Content-Length': '0' });
            res.end();
            return;
          }
          if (format) return await handleApi(req, res, url, format, 'cross');
          if (path === '/' && (method === 'GET' || method === 'HEAD')) {
            sendJson(
              res,
              200,
              { name: 'Acme Assist demo API (Tokenwise)', routes: Object.keys(API_ROUTES) },
              CORS_HEADERS,
            );
            return;
          }
          sendJson(res, 404, { error: { message: `No route ${method} ${path}`, type: 'not_found' } }, CORS_HEADERS);
          return;
        }
        if (format) return await handleApi(req, res, url, format, 'same');
        if (path === '/__demo/log' && method === 'GET') return sendJson(res, 200, log);
        if (path === '/__demo/log/clear' && method === 'POST') {
          log.length = 0;
          return sendJson(res, 200, { ok: true });
        }
        if (path === '/__demo/config' && method === 'GET') return sendJson(res, 200, { apiOrigin, chatOrigin });
        if ((method === 'GET' || method === 'HEAD') && (await serveStatic(res, path, method))) return;
        sendJson(res, 404, { error: { message: `No route ${method} ${path}`, type: 'not_found' } });
      } catch (e) {
        if (!res.headersSent) sendJson(res, 500, { error: { message: (e as Error).message, type: 'server_error' } });
        else res.destroy();
      }
    };

  const chatServer = createServer((req, res) => void handler('same')(req, res));
  const apiServer = createServer((req, res) => void handler('cross')(req, res));
  for (const s of [chatServer, apiServer]) {
    s.keepAliveTimeout = 5_000;
    s.requestTimeout = 0; // long benchmark streams
  }

  const listen = (server: Server, port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      server.once('error', onError);
      server.listen(port, HOST, () => {
        server.off('error', onError);
        resolve((server.address() as AddressInfo).port);
      });
    });

  const closeServer = (server: Server): Promise<void> =>
    new Promise((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });

  let chatPort: number;
  let apiPort: number;
  try {
    chatPort = await listen(chatServer, opts.port ?? 0);
    apiPort = await listen(apiServer, opts.apiPort ?? 0);
  } catch (e) {
    await Promise.all([closeServer(chatServer), closeServer(apiServer)]);
    throw e;
  }
  chatOrigin = `http://${HOST}:${chatPort}`;
  apiOrigin = `http://localhost:${apiPort}`;

  return {
    chatUrl: `${chatOrigin}/`,
    apiOrigin,
    log,
    close: async () => {
      await Promise.all([closeServer(chatServer), closeServer(apiServer)]);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Wire formats

type Write = (text: string) => Promise<boolean>;
type WritePiece = (piece: Piece, text: string) => Promise<boolean>;

const sseData = (obj: unknown): string => `data: ${JSON.stringify(obj)}\n\n`;
const sseEvent = (event: string, obj: unknown): string => `event: ${event}\ndata: ${JSON.stringify(obj)}\n\n`;

async function streamChat(
  write: Write,
  writePiece: WritePiece,
  o: {
    id: string;
    created: number;
    model: string;
    pieces: Piece[];
    includeUsage: boolean;
    inputTokens: number;
    totalOut: number;
    onUsage: () => void;
  },
): Promise<void> {
  const chunk = (choices: unknown[], usage?: unknown): Record<string, unknown> => {
    const c: Record<string, unknown> = {
      id: o.id,
      object: 'chat.completion.chunk',
      created: o.created,
      model: o.model,
      system_fingerprint: 'fp_demo',
      choices,
    };
    if (o.includeUsage) c.usage = usage ?? null;
    return c;
  };
  const choice = (delta: Record<string, unknown>, finish: string | null): Record<string, unknown> => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: finish,
  });
  if (!(await write(sseData(chunk([choice({ role: 'assistant', content: '', refusal: null }, null)]))))) return;
  for (const p of o.pieces) {
    if (!(await writePiece(p, sseData(chunk([choice({ content: p.text }, null)]))))) return;
  }
  if (!(await write(sseData(chunk([choice({}, 'stop')]))))) return;
  if (o.includeUsage) {
    const usage = {
      prompt_tokens: o.inputTokens,
      completion_tokens: o.totalOut,
      total_tokens: o.inputTokens + o.totalOut,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    };
    if (!(await write(sseData(chunk([], usage))))) return;
    o.onUsage();
  }
  await write('data: [DONE]\n\n');
}

function messageItem(
  itemId: string,
  status: 'in_progress' | 'completed',
  text: string | null,
): Record<string, unknown> {
  return {
    id: itemId,
    type: 'message',
    status,
    content: text === null ? [] : [{ type: 'output_text', annotations: [], logprobs: [], text }],
    role: 'assistant',
  };
}

function responseObject(
  id: string,
  created: number,
  model: string,
  status: 'in_progress' | 'completed',
  text: string | null,
  inputTokens: number,
  outputTokens: number,
): Record<string, unknown> {
  const itemId = `msg_${id.replace(/^resp_/, '')}`;
  return {
    id,
    object: 'response',
    created_at: created,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model,
    output: status === 'completed' ? [messageItem(itemId, 'completed', text ?? '')] : [],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage:
      status === 'completed'
        ? {
            input_tokens: inputTokens,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens: outputTokens,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: inputTokens + outputTokens,
          }
        : null,
    user: null,
    metadata: {},
  };
}

async function streamResponses(
  write: Write,
  writePiece: WritePiece,
  o: {
    id: string;
    created: number;
    model: string;
    pieces: Piece[];
    reply: string;
    inputTokens: number;
    totalOut: number;
    onUsage: () => void;
  },
): Promise<void> {
  let seq = 0;
  const ev = (type: string, fields: Record<string, unknown>): string =>
    sseEvent(type, { type, sequence_number: seq++, ...fields });
  const itemId = `msg_${o.id.replace(/^resp_/, '')}`;
  const inProgress = responseObject(o.id, o.created, o.model, 'in_progress', null, 0, 0);
  const loc = { item_id: itemId, output_index: 0, content_index: 0 };

  if (!(await write(ev('response.created', { response: inProgress })))) return;
  if (!(await write(ev('response.in_progress', { response: inProgress })))) return;
  if (
    !(await write(
      ev('response.output_item.added', { output_index: 0, item: messageItem(itemId, 'in_progress', null) }),
    ))
  )
    return;
  if (
    !(await write(
      ev('response.content_part.added', {
        ...loc,
        part: { type: 'output_text', annotations: [], logprobs: [], text: '' },
      }),
    ))
  )
    return;
  for (const p of o.pieces) {
    if (!(await writePiece(p, ev('response.output_text.delta', { ...loc, delta: p.text, logprobs: [] })))) return;
  }
  if (!(await write(ev('response.output_text.done', { ...loc, text: o.reply, logprobs: [] })))) return;
  if (
    !(await write(
      ev('response.content_part.done', {
        ...loc,
        part: { type: 'output_text', annotations: [], logprobs: [], text: o.reply },
      }),
    ))
  )
    return;
  if (
    !(await write(
      ev('response.output_item.done', { output_index: 0, item: messageItem(itemId, 'completed', o.reply) }),
    ))
  )
    return;
  const done = responseObject(o.id, o.created, o.model, 'completed', o.reply, o.inputTokens, o.totalOut);
  if (!(await write(ev('response.completed', { response: done })))) return;
  o.onUsage();
}

async function streamAnthropic(
  write: Write,
  writePiece: WritePiece,
  o: { id: string; model: string; pieces: Piece[]; inputTokens: number; totalOut: number; onUsage: () => void },
): Promise<void> {
  const message = {
    id: o.id,
    type: 'message',
    role: 'assistant',
    model: o.model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: o.inputTokens, output_tokens: 1 },
  };
  if (!(await write(sseEvent('message_start', { type: 'message_start', message })))) return;
  if (
    !(await write(
      sseEvent('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      }),
    ))
  )
    return;
  if (!(await write(sseEvent('ping', { type: 'ping' })))) return;
  for (const p of o.pieces) {
    const data = { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: p.text } };
    if (!(await writePiece(p, sseEvent('content_block_delta', data)))) return;
  }
  if (!(await write(sseEvent('content_block_stop', { type: 'content_block_stop', index: 0 })))) return;
  const delta = {
    type: 'message_delta',
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { output_tokens: o.totalOut },
  };
  if (!(await write(sseEvent('message_delta', delta)))) return;
  o.onUsage();
  await write(sseEvent('message_stop', { type: 'message_stop' }));
}

// ---------------------------------------------------------------------------------------------
// CLI

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const pref = args.find((a) => a.startsWith(`${name}=`));
  return pref?.slice(name.length + 1);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const port = Number(argValue(args, '--port') ?? 5566);
  const apiPort = Number(argValue(args, '--api-port') ?? 5567);
  const demo = await startDemo({ port, apiPort, quiet: args.includes('--quiet') });
  const chat = demo.chatUrl.replace(/\/$/, '');
  process.stdout.write(
    [
      'Acme Assist - the Tokenwise demo internal AI tool (replies are canned)',
      `  chat UI:          ${demo.chatUrl}`,
      `  cross-origin API: ${demo.apiOrigin}`,
      `  benchmark page:   ${chat}/bench?bytes=5000000`,
      `  usage log:        ${chat}/__demo/log`,
      'Usage entries follow, one JSON line each. Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  const stop = (): void => {
    void demo.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(invokedPath).href) {
  main().catch((e: unknown) => {
    process.stderr.write(`demo server failed to start: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
