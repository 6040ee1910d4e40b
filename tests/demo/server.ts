/**
 * The "demo internal AI tool": a small local chat app ("Acme Assist") standing in for a company's
 * own AI chat. It is both what a new Tokenwise user sees first and the end-to-end fixture server.
 *
 * Three HTTP servers, all bound to 127.0.0.1 only:
 *  - chat server   http://127.0.0.1:PORT/       chat UI (tests/demo/public) + same-origin API + /__demo/*
 *  - API server    http://localhost:APIPORT     the same model API routes + the job API, with CORS
 *  - agent server  http://127.0.0.1:AGENTPORT/  "Acme Agents" console (agents.html) + the job API
 *
 * Model API routes (POST, JSON body; all accept ?bytes=N, ?delayMs=N, ?error=STATUS and x-demo-replay):
 *  - /v1/chat/completions  OpenAI Chat Completions (JSON, or SSE with optional include_usage)
 *  - /v1/responses         OpenAI Responses API (SSE, or JSON when stream is not true)
 *  - /v1/messages          Anthropic Messages (SSE, or JSON when stream is not true)
 *  - /api/chat             Ollama chat (NDJSON stream unless stream: false)
 *  - /api/generate         Ollama generate (NDJSON stream unless stream: false)
 *  - /api/ai-sdk/chat      Vercel AI SDK v4 data stream (?steps=2: a tool-call step, then the answer)
 * A request with header `x-demo-kind: title` (or body `metadata.kind: "title"`) is a hidden
 * "auto-title" call: the reply is a 3-5 word title and the log entry has kind 'title'.
 *
 * Job API (agent and API servers): POST /api/jobs, GET /api/jobs, GET /api/jobs/:id,
 * POST /api/jobs/:id/cancel (see agents.ts). One log entry per job, updated in place.
 *
 * Run directly: `npx tsx tests/demo/server.ts [--port 5566] [--api-port 5567] [--agent-port 5568] [--quiet]`.
 * Node built-ins only.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import {
  countInputTokens,
  demoReply,
  demoReplyOfSize,
  demoTitle,
  fnv1a,
  hex8,
  splitPieces,
  type Piece,
} from './replies.ts';
import {
  AGENT_TEMPLATES,
  createJobStore,
  isTerminal,
  toolCallCounts,
  toolCallTokens,
  toolResultTokens,
  type AgentJob,
  type AgentJobStatus,
  type AgentSpeed,
  type CreateJobRequest,
} from './agents.ts';

export type DemoWireFormat = 'openai-chat' | 'openai-responses' | 'anthropic-messages' | 'ollama' | 'ai-sdk';

/** Every `format` a log entry can have: a model wire format, or one agent job. */
export type DemoLogFormat = DemoWireFormat | 'agent-job';

export interface UsageLogEntry {
  /** Date.now() when the entry was logged (response finished or client disconnect detected). */
  at: number;
  /** Request path without query, e.g. "/v1/chat/completions". */
  route: string;
  format: DemoLogFormat;
  /**
   * The response id put on the wire (chatcmpl-…, resp_…, msg_…; AI SDK: the `f:` messageId msg-…;
   * agent jobs: job_…). Ollama has no id on the wire: it is only in the `x-demo-response-id` header.
   */
  id: string;
  model: string;
  inputTokens: number;
  /** Output tokens actually written (fewer than the full reply when aborted). */
  outputTokens: number;
  /** True when the final usage object was written on the wire. */
  usageSent: boolean;
  /** True when the client disconnected before the response was complete. */
  aborted: boolean;
  /**
   * 'same' = served by the page's own server (the chat server; for agent jobs, the agent console's
   * server), 'cross' = served by the CORS API server.
   */
  origin: 'same' | 'cross';
  /** Model calls only: 'chat' for a visible turn, 'title' for the hidden auto-title call. */
  kind?: 'chat' | 'title' | 'agent-step';
  /** Agent jobs: the job id (same as `id`). */
  jobId?: string;
  /** Agent jobs: the job status when last updated. */
  status?: AgentJobStatus;
  /** Agent jobs and multi-step AI SDK responses: tool name -> number of calls. */
  toolCalls?: Record<string, number>;
  /** Agent jobs and AI SDK responses: number of model calls (steps) made so far. */
  steps?: number;
  /** Agent jobs: the job's name. */
  name?: string;
}

export interface DemoOptions {
  /** Chat UI server port on 127.0.0.1; 0 (default) picks a free port. */
  port?: number;
  /** Cross-origin API server port on 127.0.0.1 (reached as http://localhost:PORT); 0 = free port. */
  apiPort?: number;
  /** Agent console server port on 127.0.0.1; 0 (default) = free port. */
  agentPort?: number;
  /** Default agent job speed ('fast' runs a job in about 1 s); a request can still ask for either. */
  agentSpeed?: AgentSpeed;
  /** Do not print usage log lines to stdout. */
  quiet?: boolean;
}

export interface DemoServer {
  /** http://127.0.0.1:PORT/ */
  chatUrl: string;
  /** http://localhost:APIPORT (no trailing slash) */
  apiOrigin: string;
  /** http://127.0.0.1:AGENTPORT/ (the "Acme Agents" console) */
  agentUrl: string;
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

const AGENT_STATIC_FILES: Record<string, { file: string; type: string; inject?: boolean }> = {
  '/': { file: 'agents.html', type: 'text/html; charset=utf-8', inject: true },
  '/index.html': { file: 'agents.html', type: 'text/html; charset=utf-8', inject: true },
  '/agents.js': { file: 'agents.js', type: 'text/javascript; charset=utf-8' },
  '/agents.css': { file: 'agents.css', type: 'text/css; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
  '/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
};

const API_ROUTES: Record<string, DemoWireFormat> = {
  '/v1/chat/completions': 'openai-chat',
  '/v1/responses': 'openai-responses',
  '/v1/messages': 'anthropic-messages',
  '/api/chat': 'ollama',
  '/api/generate': 'ollama',
  '/api/ai-sdk/chat': 'ai-sdk',
};

const CORS_HEADERS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Allow-Headers':
    'Content-Type, Authorization, x-demo-replay, x-demo-kind, x-api-key, anthropic-version, openai-organization',
  'Access-Control-Expose-Headers': 'x-request-id, request-id, x-demo-response-id, x-vercel-ai-data-stream',
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

const DEFAULT_MODELS: Record<DemoWireFormat, string> = {
  'openai-chat': 'demo-gpt-4o',
  'openai-responses': 'demo-gpt-4o',
  'anthropic-messages': 'demo-claude',
  ollama: 'demo-llama3.2:3b',
  'ai-sdk': 'demo-gpt-4o',
};

function normalize(format: DemoWireFormat, body: Record<string, unknown>, route: string): Normalized {
  const model = typeof body.model === 'string' && body.model !== '' ? body.model : DEFAULT_MODELS[format];
  const texts: string[] = [];
  let lastUser = '';
  const addMessages = (list: unknown): void => {
    if (!Array.isArray(list)) return;
    for (const m of list) {
      if (!isRecord(m)) continue;
      // AI SDK UI messages may carry `parts` instead of (or next to an empty) `content`.
      let text = contentText(m.content);
      if (text === '' && format === 'ai-sdk') text = contentText(m.parts);
      texts.push(text);
      if (m.role === 'user') lastUser = text;
    }
  };
  if (format === 'openai-chat') {
    addMessages(body.messages);
  } else if (format === 'ollama') {
    if (route === '/api/generate') {
      if (typeof body.system === 'string' && body.system !== '') texts.push(body.system);
      lastUser = typeof body.prompt === 'string' ? body.prompt : '';
      texts.push(lastUser);
    } else {
      addMessages(body.messages);
    }
  } else if (format === 'ai-sdk') {
    if (typeof body.system === 'string' && body.system !== '') texts.push(body.system);
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
    // Ollama streams unless told not to; the AI SDK data stream is always a stream.
    stream: format === 'ollama' ? body.stream !== false : format === 'ai-sdk' ? true : body.stream === true,
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
  if (format === 'ollama') {
    sendJson(res, status, { error: message }, extra);
  } else if (format === 'anthropic-messages') {
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
  let agentOrigin = '';

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
    if (format === 'ollama') return `ollama-demo${n}${h}`;
    if (format === 'ai-sdk') return `msg-demo${n}${h}`;
    return `msg_demo${n}${h}`;
  };

  // Agent jobs: one log entry per job, pushed when the job is created and updated in place after.
  const jobEntries = new Map<string, UsageLogEntry>();
  let creatingOrigin: 'same' | 'cross' = 'same';
  const jobs = createJobStore(
    (job: AgentJob, created: boolean) => {
      let e = jobEntries.get(job.id);
      if (!e || created) {
        e = {
          at: Date.now(),
          route: '/api/jobs',
          format: 'agent-job',
          id: job.id,
          model: job.model,
          inputTokens: 0,
          outputTokens: 0,
          usageSent: true,
          aborted: false,
          origin: creatingOrigin,
          jobId: job.id,
          status: job.status,
          toolCalls: {},
          steps: 0,
          name: job.name,
        };
        jobEntries.set(job.id, e);
        log.push(e);
      }
      e.at = Date.now();
      e.inputTokens = job.usage.input_tokens;
      e.outputTokens = job.usage.output_tokens;
      e.status = job.status;
      e.toolCalls = toolCallCounts(job);
      e.steps = job.steps.length;
      if (isTerminal(job.status) && !quiet) process.stdout.write(JSON.stringify(e) + '\n');
    },
    { speed: opts.agentSpeed },
  );

  async function serveStatic(
    res: ServerResponse,
    path: string,
    method: string,
    files: Record<string, { file: string; type: string; inject?: boolean }> = STATIC_FILES,
  ): Promise<boolean> {
    const entry = files[path];
    if (!entry) return false;
    let content: string | Buffer;
    try {
      content = await readFile(join(PUBLIC_DIR, entry.file));
    } catch {
      sendJson(res, 500, { error: `missing ${entry.file}` });
      return true;
    }
    if (entry.inject) {
      const config = JSON.stringify(demoConfig());
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

  const demoConfig = (): Record<string, string> => ({
    apiOrigin,
    chatOrigin,
    agentOrigin,
    chatUrl: `${chatOrigin}/`,
    agentUrl: `${agentOrigin}/`,
  });

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

    const route = url.pathname;
    const n = normalize(format, body, route);
    const kindHeader = req.headers['x-demo-kind'];
    const isTitle =
      (typeof kindHeader === 'string' && kindHeader.trim().toLowerCase() === 'title') ||
      (isRecord(body.metadata) && body.metadata.kind === 'title');
    const bytes = isTitle ? undefined : intParam(url, 'bytes', MAX_REPLY_BYTES);
    const bulk = bytes !== undefined;
    const delayMs = intParam(url, 'delayMs', 60_000) ?? (bulk ? 0 : DEFAULT_DELAY_MS);
    const reply = isTitle ? demoTitle(n.lastUser) : bulk ? demoReplyOfSize(n.lastUser, bytes) : demoReply(n.lastUser);
    const pieces = splitPieces(reply, bulk);
    const totalOut = pieces.reduce((s, p) => s + p.tokens, 0);
    const inputTokens = countInputTokens(n.texts);
    const aiSteps = format === 'ai-sdk' && intParam(url, 'steps', 9) === 2 ? 2 : 1;
    const replay = req.headers['x-demo-replay'];
    const replayId = typeof replay === 'string' && replay.trim() !== '' ? replay.trim() : undefined;
    const id = replayId ?? makeId(format, `${format}|${n.model}|${n.lastUser}`);
    const created = Math.floor(Date.now() / 1000);

    // Bookkeeping shared by the JSON and streamed paths: log exactly once, on completion or disconnect.
    let loggedInput = inputTokens;
    let outputTokens = 0;
    let usageSent = false;
    let closed = false;
    let logged = false;
    let stepsMade = 1;
    const toolCalls: Record<string, number> = {};
    const finish = (aborted: boolean): void => {
      if (logged) return;
      logged = true;
      const entry: UsageLogEntry = {
        at: Date.now(),
        route,
        format,
        id,
        model: n.model,
        inputTokens: loggedInput,
        outputTokens,
        usageSent,
        aborted,
        origin,
        kind: isTitle ? 'title' : 'chat',
      };
      if (format === 'ai-sdk') {
        entry.steps = stepsMade;
        entry.toolCalls = toolCalls;
      }
      record(entry);
    };
    res.on('close', () => {
      if (!res.writableFinished) {
        closed = true;
        finish(true);
      }
    });
    const idHeader: Record<string, string> =
      format === 'anthropic-messages'
        ? { 'request-id': `req_${id}` }
        : format === 'ollama' || format === 'ai-sdk'
          ? { 'x-demo-response-id': id }
          : { 'x-request-id': `req_${id}` };
    const t0 = process.hrtime.bigint();

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
      } else if (format === 'ollama') {
        const last = ollamaDone(n.model, route, usageIn, totalOut, t0);
        if (route === '/api/generate') last.response = reply;
        else last.message = { role: 'assistant', content: reply };
        payload = last;
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

    // Streamed (SSE; Ollama: NDJSON; AI SDK: its line-based data stream).
    const contentType: Record<string, string> =
      format === 'ollama'
        ? { 'Content-Type': 'application/x-ndjson' }
        : format === 'ai-sdk'
          ? { 'Content-Type': 'text/plain; charset=utf-8', 'x-vercel-ai-data-stream': 'v1' }
          : { 'Content-Type': 'text/event-stream; charset=utf-8' };
    res.writeHead(200, {
      ...contentType,
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
    } else if (format === 'ollama') {
      await streamOllama(write, writePiece, {
        model: n.model,
        route,
        pieces,
        inputTokens,
        totalOut,
        t0,
        onUsage: () => (usageSent = true),
      });
    } else if (format === 'ai-sdk') {
      await streamAiSdk(write, writePiece, {
        id,
        pieces,
        steps: aiSteps,
        query: n.lastUser,
        inputTokens,
        totalOut,
        onToolCall: (name, tokens) => {
          toolCalls[name] = (toolCalls[name] ?? 0) + 1;
          outputTokens += tokens;
        },
        onStep: (input) => {
          stepsMade += 1;
          loggedInput += input;
        },
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

  // Job API: POST /api/jobs, GET /api/jobs, GET /api/jobs/:id, POST /api/jobs/:id/cancel.
  async function handleJobs(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    origin: 'same' | 'cross',
  ): Promise<boolean> {
    const cors = origin === 'cross' ? CORS_HEADERS : {};
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const m = /^\/api\/jobs(?:\/([A-Za-z0-9_-]+)(\/cancel)?)?\/?$/.exec(path);
    if (!m) return false;
    const [, jobId, cancel] = m;
    const fail = (status: number, message: string, code: string | null = null): void =>
      sendJson(
        res,
        status,
        { error: { message, type: status === 404 ? 'not_found' : 'invalid_request_error', param: null, code } },
        cors,
      );
    const allow = (methods: string): boolean => {
      if (methods.split(', ').includes(method)) return true;
      sendJson(
        res,
        405,
        { error: { message: `Method ${method} not allowed; use ${methods}`, type: 'invalid_request_error' } },
        { ...cors, Allow: methods },
      );
      return false;
    };
    if (!jobId) {
      if (method === 'GET' || method === 'HEAD') {
        const data = jobs.list();
        sendJson(
          res,
          200,
          { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: false },
          cors,
        );
        return true;
      }
      if (!allow('GET, POST')) return true;
      let body: Record<string, unknown> = {};
      try {
        const raw = await readBody(req);
        if (raw.trim() !== '') {
          const parsed: unknown = JSON.parse(raw);
          if (!isRecord(parsed)) throw new Error('body must be a JSON object');
          body = parsed;
        }
      } catch (e) {
        fail(400, `Invalid JSON body: ${(e as Error).message}`);
        return true;
      }
      const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
      const speedRaw = url.searchParams.get('speed') ?? str(body.speed);
      const failRaw = url.searchParams.get('fail');
      const request: CreateJobRequest = {
        template: str(body.template),
        instructions: str(body.instructions),
        name: str(body.name),
        model: str(body.model),
        speed: speedRaw === 'fast' || speedRaw === 'normal' ? speedRaw : undefined,
        fail:
          failRaw !== null ? /^(1|true|yes)$/i.test(failRaw) : typeof body.fail === 'boolean' ? body.fail : undefined,
      };
      if (request.template !== undefined && request.template !== 'custom' && !request.instructions) {
        const known = AGENT_TEMPLATES.map((t) => t.id);
        if (!known.includes(request.template)) {
          fail(400, `Unknown template '${request.template}'. Use one of: ${known.join(', ')}.`, 'unknown_template');
          return true;
        }
      }
      if (!request.instructions?.trim() && (request.template === undefined || request.template === 'custom')) {
        fail(400, 'Give a template or some instructions.', 'missing_instructions');
        return true;
      }
      creatingOrigin = origin;
      const job = jobs.create(request);
      sendJson(res, 200, job, cors);
      return true;
    }
    if (cancel) {
      if (!allow('POST')) return true;
      const r = jobs.cancel(jobId);
      if (r.error) fail(r.error.status, r.error.message, r.error.status === 409 ? 'job_not_active' : null);
      else sendJson(res, 200, r.job, cors);
      return true;
    }
    if (!allow('GET, HEAD')) return true;
    const job = jobs.get(jobId);
    if (!job) fail(404, `No job found with id '${jobId}'.`);
    else sendJson(res, 200, job, cors);
    return true;
  }

  const notFound = (res: ServerResponse, method: string, path: string, extra: Record<string, string> = {}): void =>
    sendJson(res, 404, { error: { message: `No route ${method} ${path}`, type: 'not_found' } }, extra);

  type Role = 'chat' | 'api' | 'agent';
  const handler =
    (role: Role) =>
    async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = url.pathname;
      const method = req.method ?? 'GET';
      const format = API_ROUTES[path];
      try {
        if (role === 'api') {
          if (method === 'OPTIONS') {
            res.writeHead(204, { ...CORS_HEADERS, 'Content-Length': '0' });
            res.end();
            return;
          }
          if (format) return await handleApi(req, res, url, format, 'cross');
          if (await handleJobs(req, res, url, 'cross')) return;
          if (path === '/' && (method === 'GET' || method === 'HEAD')) {
            sendJson(
              res,
              200,
              {
                name: 'Acme Assist demo API (Tokenwise)',
                routes: [...Object.keys(API_ROUTES), '/api/jobs', '/api/jobs/:id', '/api/jobs/:id/cancel'],
              },
              CORS_HEADERS,
            );
            return;
          }
          return notFound(res, method, path, CORS_HEADERS);
        }
        if (role === 'agent') {
          if (await handleJobs(req, res, url, 'same')) return;
          if (path === '/__demo/config' && method === 'GET') return sendJson(res, 200, demoConfig());
          if ((method === 'GET' || method === 'HEAD') && (await serveStatic(res, path, method, AGENT_STATIC_FILES)))
            return;
          return notFound(res, method, path);
        }
        if (format) return await handleApi(req, res, url, format, 'same');
        if (path === '/__demo/log' && method === 'GET') return sendJson(res, 200, log);
        if (path === '/__demo/log/clear' && method === 'POST') {
          log.length = 0;
          return sendJson(res, 200, { ok: true });
        }
        if (path === '/__demo/config' && method === 'GET') return sendJson(res, 200, demoConfig());
        if ((method === 'GET' || method === 'HEAD') && (await serveStatic(res, path, method))) return;
        notFound(res, method, path);
      } catch (e) {
        if (!res.headersSent) sendJson(res, 500, { error: { message: (e as Error).message, type: 'server_error' } });
        else res.destroy();
      }
    };

  const chatServer = createServer((req, res) => void handler('chat')(req, res));
  const apiServer = createServer((req, res) => void handler('api')(req, res));
  const agentServer = createServer((req, res) => void handler('agent')(req, res));
  const servers = [chatServer, apiServer, agentServer];
  for (const s of servers) {
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
  const closeAll = async (): Promise<void> => {
    jobs.close();
    await Promise.all(servers.map(closeServer));
  };

  let chatPort: number;
  let apiPort: number;
  let agentPort: number;
  try {
    chatPort = await listen(chatServer, opts.port ?? 0);
    apiPort = await listen(apiServer, opts.apiPort ?? 0);
    agentPort = await listen(agentServer, opts.agentPort ?? 0);
  } catch (e) {
    await closeAll();
    throw e;
  }
  chatOrigin = `http://${HOST}:${chatPort}`;
  apiOrigin = `http://localhost:${apiPort}`;
  agentOrigin = `http://${HOST}:${agentPort}`;

  return {
    chatUrl: `${chatOrigin}/`,
    apiOrigin,
    agentUrl: `${agentOrigin}/`,
    log,
    close: closeAll,
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

/** The final (`done: true`) Ollama object, without its message / response field. */
function ollamaDone(
  model: string,
  route: string,
  inputTokens: number,
  outputTokens: number,
  t0: bigint,
): Record<string, unknown> {
  const total = Number(process.hrtime.bigint() - t0) + 1_500_000;
  const load = 1_200_000;
  const promptEval = 150_000 * inputTokens;
  const evalDuration = Math.max(1, total - load - promptEval);
  const last: Record<string, unknown> = { model, created_at: new Date().toISOString() };
  if (route === '/api/generate') last.response = '';
  else last.message = { role: 'assistant', content: '' };
  return Object.assign(last, {
    done: true,
    done_reason: 'stop',
    total_duration: Math.max(total, load + promptEval + evalDuration),
    load_duration: load,
    prompt_eval_count: inputTokens,
    prompt_eval_duration: promptEval,
    eval_count: outputTokens,
    eval_duration: evalDuration,
  });
}

async function streamOllama(
  write: Write,
  writePiece: WritePiece,
  o: {
    model: string;
    route: string;
    pieces: Piece[];
    inputTokens: number;
    totalOut: number;
    t0: bigint;
    onUsage: () => void;
  },
): Promise<void> {
  const line = (obj: unknown): string => JSON.stringify(obj) + '\n';
  for (const p of o.pieces) {
    const chunk: Record<string, unknown> = { model: o.model, created_at: new Date().toISOString() };
    if (o.route === '/api/generate') chunk.response = p.text;
    else chunk.message = { role: 'assistant', content: p.text };
    chunk.done = false;
    if (!(await writePiece(p, line(chunk)))) return;
  }
  if (!(await write(line(ollamaDone(o.model, o.route, o.inputTokens, o.totalOut, o.t0))))) return;
  o.onUsage();
}

/** The tool call and result of the first step of a 2-step AI SDK response. */
function aiSdkToolStep(id: string, query: string): { toolCallId: string; args: unknown; result: unknown } {
  return {
    toolCallId: `call_${id.replace(/^msg-/, '').slice(-12)}`,
    args: { query: query.replace(/\s+/g, ' ').trim().slice(0, 80) },
    result: {
      hits: [
        { title: 'AI tools at Acme: getting started', url: 'https://wiki.acme.example/ai/getting-started' },
        { title: 'Prompting guidelines', url: 'https://wiki.acme.example/ai/prompting' },
      ],
    },
  };
}

/**
 * Vercel AI SDK v4 data stream. One step: f:, 0:"…"…, e:, d:. Two steps: f:, 9: (tool call), a: (result),
 * e: (finishReason tool-calls), then f:, 0:…, e:, and d: carrying the totals of both steps.
 */
async function streamAiSdk(
  write: Write,
  writePiece: WritePiece,
  o: {
    id: string;
    pieces: Piece[];
    steps: 1 | 2;
    query: string;
    inputTokens: number;
    totalOut: number;
    onToolCall: (name: string, tokens: number) => void;
    onStep: (inputTokens: number) => void;
    onUsage: () => void;
  },
): Promise<void> {
  const line = (code: string, obj: unknown): string => `${code}:${JSON.stringify(obj)}\n`;
  let totalIn = o.inputTokens;
  let totalOut = o.totalOut;
  let stepIn = o.inputTokens;
  if (!(await write(line('f', { messageId: o.id })))) return;
  if (o.steps === 2) {
    const toolName = 'search.docs';
    const t = aiSdkToolStep(o.id, o.query);
    const argsJson = JSON.stringify(t.args);
    const callOut = toolCallTokens(toolName, argsJson);
    if (!(await write(line('9', { toolCallId: t.toolCallId, toolName, args: t.args })))) return;
    o.onToolCall(toolName, callOut);
    if (!(await write(line('a', { toolCallId: t.toolCallId, result: t.result })))) return;
    const usage1 = { promptTokens: o.inputTokens, completionTokens: callOut };
    if (!(await write(line('e', { finishReason: 'tool-calls', usage: usage1, isContinued: false })))) return;
    // Step 2 sees everything step 1 saw, plus the tool call and its result.
    stepIn = o.inputTokens + callOut + toolResultTokens(JSON.stringify(t.result));
    totalIn += stepIn;
    totalOut += callOut;
    o.onStep(stepIn);
    if (!(await write(line('f', { messageId: o.id })))) return;
  }
  for (const p of o.pieces) {
    if (!(await writePiece(p, line('0', p.text)))) return;
  }
  const usage = { promptTokens: stepIn, completionTokens: o.totalOut };
  if (!(await write(line('e', { finishReason: 'stop', usage, isContinued: false })))) return;
  if (!(await write(line('d', { finishReason: 'stop', usage: { promptTokens: totalIn, completionTokens: totalOut } }))))
    return;
  o.onUsage();
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
  const agentPort = Number(argValue(args, '--agent-port') ?? 5568);
  const speed = argValue(args, '--agent-speed');
  const demo = await startDemo({
    port,
    apiPort,
    agentPort,
    agentSpeed: speed === 'fast' ? 'fast' : undefined,
    quiet: args.includes('--quiet'),
  });
  const chat = demo.chatUrl.replace(/\/$/, '');
  process.stdout.write(
    [
      'Acme Assist - the Tokenwise demo internal AI tool (replies are canned)',
      `  chat UI:          ${demo.chatUrl}`,
      `  cross-origin API: ${demo.apiOrigin}`,
      `  agent console:    ${demo.agentUrl}`,
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
