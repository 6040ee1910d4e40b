/**
 * Gemini API / Vertex AI `generateContent` (one JSON body) and `streamGenerateContent` (SSE with `?alt=sse`, or one
 * JSON array whose elements arrive one by one: index.ts reads each as an event). Every chunk is a
 * GenerateContentResponse: `candidates[{content: {parts: [{text} | {thought, text} | {functionCall: {name, args}}]},
 * finishReason}]`, `usageMetadata {promptTokenCount, candidatesTokenCount, thoughtsTokenCount?, toolUsePromptTokenCount?,
 * cachedContentTokenCount?, totalTokenCount}`, `modelVersion`, `responseId`. usageMetadata repeats on every chunk as
 * a cumulative snapshot (last wins), and zero counts are omitted: early chunks often carry only promptTokenCount, so
 * usage counts only once candidatesTokenCount is there or the reply has ended. Input = prompt (which includes cached
 * content) + tool-use prompt; output = candidates + thoughts. End marker: a `finishReason` (or a blocked prompt).
 */
import {
  addText,
  addTool,
  arr,
  endTurn,
  isObj,
  meta,
  newTurn,
  num,
  setUsage,
  str,
  toolName,
  type Obj,
  type TurnState,
  type WireFormat,
} from '@/utils/parsers/common';

/** `candidates` alone is a common word (recruiting, elections): a candidate must carry `content`. */
const isGemini = (j: Obj): boolean =>
  isObj(j.usageMetadata) || arr(j.candidates).some((c) => isObj(c) && isObj(c.content));

function chunk(t: TurnState, j: unknown): void {
  if (!isObj(j)) return;
  if (isObj(j.error)) t.error = true;
  meta(t, j.responseId, j.modelVersion);
  for (const c of arr(j.candidates)) {
    if (!isObj(c)) continue;
    for (const p of arr(isObj(c.content) && c.content.parts)) {
      if (!isObj(p)) continue;
      addText(t, p.text);
      addTool(t, toolName(p));
      if (isObj(p.functionCall)) addText(t, JSON.stringify(p.functionCall.args));
    }
    if (str(c.finishReason)) t.done = true;
  }
  if (isObj(j.promptFeedback) && j.promptFeedback.blockReason) t.done = true;
  const u = j.usageMetadata;
  if (!isObj(u)) return;
  const i = num(u.promptTokenCount);
  const o = num(u.candidatesTokenCount);
  if (i !== undefined && (o !== undefined || t.done)) {
    setUsage(t, i + (num(u.toolUsePromptTokenCount) ?? 0), (o ?? 0) + (num(u.thoughtsTokenCount) ?? 0));
  }
}

export const gemini: WireFormat = {
  id: 'gemini',
  sniff: isGemini,
  replyId: (j) => j.responseId,
  event: chunk,
  body(j) {
    if (!isGemini(j)) return null;
    const t = newTurn('gemini');
    t.done = true;
    chunk(t, j);
    return endTurn(t, false);
  },
};
