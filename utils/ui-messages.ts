/**
 * Extension pages (popup, options, dashboard) → background: privileged requests, accepted only from the
 * extension's own pages. Apart from messages.ts so the content scripts' bundles do not carry these schemas
 * (Zod schemas are built when their module loads, so an unused one is not tree-shaken away).
 */
import { z } from './zod';
import { Origin } from './messages';

const TaskId = z.string().check(z.minLength(1), z.maxLength(600));
const TaskTitle = z.string().check(z.minLength(1), z.maxLength(200));

const SiteName = z.string().check(z.minLength(1), z.maxLength(80));
const SiteKindField = z.enum(['chat', 'agent']);

export const UiMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('refresh-badge') }),
  z.strictObject({ type: z.literal('drain-outbox') }),
  /** Sent after the page obtained the host permission (a user gesture is needed, so the page asks). */
  z.strictObject({
    type: z.literal('add-site'),
    origin: Origin,
    name: z.optional(SiteName),
    kind: z.optional(SiteKindField),
  }),
  z.strictObject({
    type: z.literal('update-site'),
    origin: Origin,
    name: z.optional(SiteName),
    kind: z.optional(SiteKindField),
    paused: z.optional(z.boolean()),
  }),
  z.strictObject({ type: z.literal('remove-site'), origin: Origin }),
  /** Marks (or, with null, unmarks) what became of a task. */
  z.strictObject({
    type: z.literal('set-outcome'),
    taskId: TaskId,
    outcome: z.nullable(z.enum(['done', 'partial', 'abandoned'])),
    note: z.optional(z.string().check(z.maxLength(200))),
  }),
  z.strictObject({ type: z.literal('rename-task'), taskId: TaskId, title: TaskTitle }),
  /** Moves every conversation of `from` into `into`; the emptied tasks are removed. Totals are unchanged. */
  z.strictObject({
    type: z.literal('merge-tasks'),
    into: TaskId,
    from: z.array(TaskId).check(z.minLength(1), z.maxLength(500)),
  }),
  /** Moves one conversation to another task, or (without `to`) out into a task of its own. */
  z.strictObject({ type: z.literal('move-conversation'), conversationId: TaskId, to: z.optional(TaskId) }),
  /** "I'm working on: …": the next conversations join this task until it is ended. */
  z.strictObject({ type: z.literal('start-task'), title: TaskTitle }),
  z.strictObject({ type: z.literal('end-task') }),
]);
export type UiMessage = z.infer<typeof UiMessage>;
