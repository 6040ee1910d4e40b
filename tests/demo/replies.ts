/**
 * Deterministic canned replies and token counting for the demo internal AI tool.
 *
 * Everything here is a pure function of its input so tests (and the e2e suite) can compute the
 * ground truth the demo server puts on the wire and in its usage log.
 */

/** FNV-1a 32-bit hash: small, stable, good enough to pick canned paragraphs. */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

// All canned text is plain ASCII so that characters == UTF-8 bytes (the ?bytes=N mode relies on it).
const OPENERS = [
  "Happy to help with that. Here's how I'd think about it.",
  'Good question! Let me break it down into a few practical pieces.',
  "Sure - here's a quick overview, followed by some concrete next steps.",
  'Great topic. The short answer is that it depends on your constraints, but there is a sensible default.',
  "Here's what I'd suggest, based on what usually works well for teams at Acme.",
  "Let's walk through it step by step.",
];

const BODIES = [
  '**Start small.** Pick one workflow that already has a clear owner and a measurable outcome, such as turning meeting notes into action items. A narrow scope makes it much easier to tell whether the change actually helped.',
  'A few things worth checking first:\n\n- Who will use the result, and how often?\n- What does *good enough* look like for the first version?\n- Which data is sensitive and should stay inside the company network?',
  "If you want to try it programmatically, a minimal request looks like this:\n\n```js\nconst res = await fetch('/v1/chat/completions', {\n  method: 'POST',\n  headers: { 'Content-Type': 'application/json' },\n  body: JSON.stringify({ model: 'gpt-4o', messages }),\n});\n```",
  'Keep an eye on **cost versus value**. Long prompts with lots of pasted context are convenient, but they add up quickly. Often a two-sentence summary of the background gets you ninety percent of the quality at a fraction of the tokens.',
  "Here's a simple plan:\n\n1. Write down the question you actually need answered.\n2. Gather only the context that changes the answer.\n3. Ask for a draft, then iterate on the parts that matter.\n4. Save the prompt that worked so your team can reuse it.",
  'One pattern that works well is to ask for a *structured* answer - for example a table or a short checklist - and then expand only the rows you care about. It keeps the conversation focused and makes the output easier to share in a doc or a ticket.',
  '### Things to avoid\n\n- Pasting entire log files when a few relevant lines would do.\n- Regenerating the same answer many times hoping for a different result.\n- Asking several unrelated questions in one very long thread.',
  'From a writing point of view, clarity beats cleverness. Lead with the decision or recommendation, follow with two or three supporting points, and finish with what you need from the reader. People skim, so make the first sentence count.',
  "If this is for a presentation, I'd aim for **three slides**: the problem in one sentence, the proposed approach with a rough timeline, and the expected impact with a single headline number. Everything else can go in an appendix.",
  "It's also worth setting a `review date`. Revisit the approach after two weeks, compare it with how things worked before, and decide whether to expand it, adjust it, or drop it. Small, reversible experiments are the fastest way to learn.",
];

const CLOSERS = [
  'Want me to turn this into a checklist you can paste into a ticket?',
  "Let me know if you'd like a shorter version, or more detail on any of these points.",
  'Hope that helps! Happy to go deeper on any part of it.',
  'If you share a bit more context, I can tailor this to your team.',
  'Shall I draft a first version for you to edit?',
];

function pick<T>(list: readonly T[], n: number): T {
  return list[n % list.length] as T;
}

/** The assistant reply for a given last user message. Deterministic; same prompt, same reply. */
export function demoReply(lastUserMessage: string): string {
  const key = lastUserMessage.trim();
  const h1 = fnv1a(key);
  const h2 = fnv1a(key, h1 ^ 0x9e3779b9);
  const first = h2 % BODIES.length;
  // A second, different body paragraph.
  const second = (first + 1 + ((h2 >>> 8) % (BODIES.length - 1))) % BODIES.length;
  return [pick(OPENERS, h1), BODIES[first], BODIES[second], pick(CLOSERS, h1 >>> 12)].join('\n\n');
}

/** A reply of exactly `bytes` ASCII bytes, built by repeating the normal reply. */
export function demoReplyOfSize(lastUserMessage: string, bytes: number): string {
  const base = demoReply(lastUserMessage) + '\n\n';
  if (bytes <= 0) return '';
  const parts: string[] = [];
  let len = 0;
  while (len < bytes) {
    parts.push(base);
    len += base.length;
  }
  return parts.join('').slice(0, bytes);
}

/** One streamed delta and how many output tokens it stands for. */
export interface Piece {
  text: string;
  tokens: number;
}

/** Size of one streamed text chunk in ?bytes=N mode. */
export const BULK_CHUNK_CHARS = 2048;

/**
 * Normal mode: word-ish pieces (leading whitespace + a run of non-space), 1 token each.
 * Bulk mode (?bytes=N): ~2 KB chunks, each worth ceil(len / 4) tokens.
 * Joining the pieces' text always gives back the reply exactly.
 */
export function splitPieces(reply: string, bulk: boolean): Piece[] {
  if (bulk) {
    const out: Piece[] = [];
    for (let i = 0; i < reply.length; i += BULK_CHUNK_CHARS) {
      const text = reply.slice(i, i + BULK_CHUNK_CHARS);
      out.push({ text, tokens: Math.ceil(text.length / 4) });
    }
    return out;
  }
  const words = reply.match(/\s*\S+/g) ?? [];
  const out = words.map((text) => ({ text, tokens: 1 }));
  const joined = words.join('');
  if (joined.length < reply.length) {
    // Trailing whitespace (not produced by the canned replies, but keep the invariant).
    const tail = reply.slice(joined.length);
    const last = out[out.length - 1];
    if (last) last.text += tail;
    else out.push({ text: tail, tokens: 1 });
  }
  return out;
}

export function countWords(text: string): number {
  const t = text.trim();
  return t === '' ? 0 : t.split(/\s+/).length;
}

/** Input tokens: whitespace-separated words over all message texts, plus 4 per message. */
export function countInputTokens(messageTexts: readonly string[]): number {
  let n = 0;
  for (const t of messageTexts) n += countWords(t) + 4;
  return n;
}

const TITLE_STOPWORDS = new Set(
  (
    'a an the and or but of to for from in on at by with about into over under our your my their its this that these ' +
    'those is are was were be been being do does did can could should would will shall may might must how what why ' +
    'when where which who whom me we us you i it they them he she please some any just as so if then than ' +
    'there here let lets make help tell give get need want'
  ).split(' '),
);

const TITLE_FILLERS = ['Quick', 'Question', 'Notes'];

/**
 * The "auto-title" reply: a deterministic 3-5 word title for a conversation, built from the significant
 * words of its first user message (title-cased, punctuation dropped).
 */
export function demoTitle(firstUserMessage: string): string {
  const words = firstUserMessage
    .replace(/[^A-Za-z0-9' -]+/g, ' ')
    .split(/\s+/)
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter((w) => w !== '' && !TITLE_STOPWORDS.has(w.toLowerCase()));
  const picked = words.slice(0, 5);
  for (let i = 0; picked.length < 3; i++) picked.push(TITLE_FILLERS[i] as string);
  return picked.map((w) => (/^[a-z]/.test(w) ? w[0]!.toUpperCase() + w.slice(1) : w)).join(' ');
}
