/**
 * Perplexity (www.perplexity.ai). What is publicly known (../shared/docs/ai-sites.md, "less certain"): an answer is
 * `POST /rest/sse/perplexity_ask` with JSON `{ query_str, params: { model_preference, mode, last_backend_uuid, … } }`,
 * answered by SSE `message` events whose JSON carries `backend_uuid` (the answer's id), `context_uuid` (the thread),
 * `display_model`, `status` (`PENDING` … `COMPLETED` / `FAILED`), `final`, and `blocks`; the answer is the block with
 * `intended_usage: "ask_text"` and a `markdown_block` {progress, chunks[], chunk_starting_offset, answer?}. The stream
 * ends with `event: end_of_stream`.
 *
 * Growth is read both ways, idempotently: `chunks` start at chunk index `chunk_starting_offset` (so incremental
 * frames, cumulative frames that resend everything from 0, and duplicated frames all give the same text); without an
 * offset, chunks that repeat what we have are cumulative, others are appended; a full `answer` string replaces the
 * text; a `diff_block` {field: "markdown_block", patches: [{op, path, value}]} applies `/chunks/N`, `/chunks/-`,
 * `/chunks` and `/answer` patches. Web results and other blocks are not generated text and are not counted.
 * No usage: counts are estimates. Key: backend_uuid. Tests: tests/unit/adapters/perplexity.test.ts over
 * tests/fixtures/perplexity/.
 */
import { createSseDecoder } from '@/utils/parsers/sse';
import { estimateTokens } from '@/utils/parsers/estimate';
import { arr, isObj, num, parseJson, str, type Obj } from '@/utils/parsers/common';
import type { BodyParser } from '@/utils/parsers/types';
import type { ConversationContext, SiteAdapter, TrafficMeta } from './types';
import { addToContext, inputFields, ReplyText, type SiteTurn } from './shared';

const ASK = /^\/rest\/sse\/perplexity_ask(?:[?#]|$)/;

/** Chunks kept per answer (a stream that never stops must not grow memory without bound). */
const MAX_CHUNKS = 100_000;

/** One markdown block's state: its chunks, or the full answer once the site sends it. */
interface Markdown {
  chunks: string[];
  answer?: string;
}

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((c) => typeof c === 'string') ? (v as string[]) : undefined;

/** Applies a markdown_block snapshot or slice; true when it carried answer text. */
function applyMarkdown(md: Markdown, b: Obj): boolean {
  let read = false;
  const chunks = strings(b.chunks);
  if (chunks) {
    read = true;
    const at = num(b.chunk_starting_offset);
    if (at !== undefined) md.chunks = md.chunks.slice(0, Math.floor(at)).concat(chunks);
    else if (chunks.length >= md.chunks.length && md.chunks.every((c, i) => chunks[i] === c))
      md.chunks = chunks.slice();
    else md.chunks = md.chunks.concat(chunks);
    if (md.chunks.length > MAX_CHUNKS) md.chunks.length = MAX_CHUNKS;
  }
  if (typeof b.answer === 'string') {
    read = true;
    md.answer = b.answer;
  }
  return read;
}

/** Applies JSON-patch style ops to a markdown block; true when one of them set answer text. */
function applyPatches(md: Markdown, patches: unknown): boolean {
  let read = false;
  for (const p of arr(patches)) {
    if (!isObj(p) || typeof p.path !== 'string' || (p.op !== 'add' && p.op !== 'replace')) continue;
    const path = p.path;
    const v = p.value;
    if (path === '' && isObj(v)) read = applyMarkdown(md, { ...v, chunk_starting_offset: 0 }) || read;
    else if (path === '/answer' && typeof v === 'string') {
      md.answer = v;
      read = true;
    } else if (path === '/chunks' && strings(v)) {
      md.chunks = strings(v)!.slice(0, MAX_CHUNKS);
      read = true;
    } else if (path.startsWith('/chunks/') && typeof v === 'string') {
      const at = path.slice(8);
      const i = at === '-' ? md.chunks.length : /^\d+$/.test(at) ? Number(at) : -1;
      if (i < 0 || i > md.chunks.length || i >= MAX_CHUNKS) continue;
      if (p.op === 'add') md.chunks.splice(i, 0, v);
      else md.chunks[i] = v;
      read = true;
    }
  }
  return read;
}

function createPerplexityParser(meta: TrafficMeta, context: ConversationContext): BodyParser {
  let recognised = false;
  let finished = false;
  let done = false;
  let failed = false;
  let id: string | undefined;
  let conversationId: string | undefined;
  let model: string | undefined;
  /** Answer blocks by intended_usage ("ask_text" is the answer; variants are kept apart, never summed). */
  const blocks = new Map<string, Markdown>();

  const block = (usage: string): Markdown | undefined => {
    let md = blocks.get(usage);
    if (!md && blocks.size < 8) {
      md = { chunks: [] };
      blocks.set(usage, md);
    }
    return md;
  };

  const onFrame = (j: Obj): void => {
    const uuid = str(j.backend_uuid);
    if (!uuid) return;
    id ??= uuid;
    if (uuid !== id) return; // one answer per request
    conversationId = str(j.context_uuid) ?? str(j.thread_url_slug) ?? conversationId;
    model = str(j.display_model) ?? model;
    for (const b of arr(j.blocks)) {
      if (!isObj(b)) continue;
      const usage = str(b.intended_usage);
      if (!usage || !/^ask_text/.test(usage)) continue; // web results, sources, plans: not the answer
      const md = block(usage);
      if (!md) continue;
      if (isObj(b.markdown_block) && applyMarkdown(md, b.markdown_block)) recognised = true;
      const diff = b.diff_block;
      if (isObj(diff) && diff.field === 'markdown_block' && applyPatches(md, diff.patches)) recognised = true;
    }
    const status = str(j.status)?.toUpperCase();
    if (status === 'COMPLETED' || j.final === true) done = true;
    if (status === 'FAILED') failed = true;
  };

  const sse = createSseDecoder((e) => {
    if (e.type === 'end_of_stream') {
      if (id) done = true;
      return;
    }
    const j = parseJson(e.data);
    if (isObj(j)) onFrame(j);
  });

  return {
    push(chunk: string): void {
      try {
        if (!finished) sse.push(chunk);
      } catch {
        // never throw into the page
      }
    },
    finish(aborted: boolean): SiteTurn[] {
      if (finished) return [];
      finished = true;
      try {
        sse.end();
        if (!recognised || !id) return [];
        const md = blocks.get('ask_text') ?? blocks.values().next().value;
        const reply = new ReplyText();
        reply.replace(md ? (md.answer ?? md.chunks.join('')) : '');
        let prompt = 0;
        let query: string | undefined;
        const body = parseJson(typeof meta.requestBody === 'string' ? meta.requestBody : '');
        let requested: string | undefined;
        if (isObj(body)) {
          query = str(body.query_str);
          prompt = estimateTokens(query ?? '');
          if (isObj(body.params)) requested = str(body.params.model_preference);
        }
        const output = reply.estimate();
        const turn: SiteTurn = {
          format: 'perplexity-web',
          id,
          text: reply.text,
          estimatedOutputTokens: output,
          aborted: aborted || failed || !done,
          ...inputFields(context, conversationId, prompt, query),
        };
        const m = model ?? requested;
        if (m) turn.model = m;
        if (conversationId) turn.conversationId = conversationId;
        addToContext(context, conversationId, prompt + output);
        return [turn];
      } catch {
        return [];
      }
    },
    get recognised() {
      return recognised;
    },
  };
}

export const perplexity: SiteAdapter = {
  id: 'perplexity',
  name: 'Perplexity',
  matches: ['https://www.perplexity.ai/*'],
  traffic: [ASK],
  createParser: (meta, context) => createPerplexityParser(meta, context),
  provenance: 'estimated',
  selectors: {},
};
