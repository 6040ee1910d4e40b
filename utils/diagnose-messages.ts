/**
 * The "Test this site" diagnostic's messages. Apart from messages.ts so the product's content scripts do not
 * carry them (Zod schemas are built when their module loads, so an unused one is not tree-shaken away).
 */
import { z } from './zod';
import { Transport, UsageFact } from './messages';

const epochMs = z.number().check(z.gte(1_500_000_000_000), z.lte(4_000_000_000_000));

/**
 * "Test this site": one response as the diagnostic hook saw it, MAIN world → diagnostic relay → the
 * diagnostic page. Display only: nothing of it is stored. Origin and path only, never query strings,
 * headers or bodies.
 */
export const SeenEvent = z.strictObject({
  type: z.literal('seen'),
  at: epochMs,
  transport: Transport,
  method: z.string().check(z.maxLength(10)),
  url: z.string().check(z.maxLength(400)),
  contentType: z.string().check(z.maxLength(120)),
  outcome: z.enum(['skipped', 'not-read', 'unrecognised', 'matched']),
  reason: z.optional(z.string().check(z.maxLength(200))),
  facts: z.optional(z.array(UsageFact).check(z.maxLength(20))),
});
export type SeenEvent = z.infer<typeof SeenEvent>;

/** The runtime port name the diagnostic relay connects with. */
export const DIAGNOSE_PORT = 'tokenwise-diagnose';
