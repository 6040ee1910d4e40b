/**
 * The export file: one versioned JSON document holding every table and the settings. The same schemas type
 * the export, validate an import record by record, and generate docs/export-schema.json
 * (`npm run export-schema`, tests/tools/export-schema.ts; tests/unit/export-schema.test.ts fails when the committed
 * file drifts).
 * What each part means and how versions are treated: docs/export-format.md.
 */
import { z } from './zod';
import { Conversation, DailyTotal, SiteHealth, Task, Turn, TurnText } from './records';
import { PrivacySettings } from './settings';
import { TrackedSite } from './sites-store';

export const EXPORT_FORMAT = 'tokenwise-export';
/** Bump when the file's shape changes; add an upgrade from the previous version in utils/import.ts. */
export const EXPORT_FORMAT_VERSION = 1;

/** The Dexie tables, in the order they are written to the file. */
export const TABLE_NAMES = ['turns', 'daily', 'health', 'conversations', 'tasks', 'texts'] as const;
export type TableName = (typeof TABLE_NAMES)[number];

/** Each table's row schema (utils/records.ts). */
export const ROW_SCHEMAS = {
  turns: Turn,
  daily: DailyTotal,
  health: SiteHealth,
  conversations: Conversation,
  tasks: Task,
  texts: TurnText,
} as const;

/** Each table's primary key field (utils/db.ts): health rows are keyed by site, all others by id. */
export const PRIMARY_KEYS: Record<TableName, string> = {
  turns: 'id',
  daily: 'id',
  health: 'site',
  conversations: 'id',
  tasks: 'id',
  texts: 'id',
};

export const ExportSettings = z.strictObject({
  privacy: PrivacySettings.check(
    z.describe('Privacy choices: per-site text and titles, pause, private windows, retention.'),
  ),
  sites: z.array(TrackedSite).check(z.describe('The person’s own tracked sites (built-in sites are not listed).')),
});
export type ExportSettings = z.infer<typeof ExportSettings>;

export const ExportTables = z.strictObject({
  turns: z.array(Turn).check(z.describe('One row per model call: counts and metadata, never text.')),
  daily: z.array(DailyTotal).check(z.describe('Totals per day, site and provenance, kept beside the turns.')),
  health: z.array(SiteHealth).check(z.describe('Per site: when model traffic was last recognised or not.')),
  conversations: z
    .array(Conversation)
    .check(z.describe('Conversations (a page address) and agent runs, each belonging to a task.')),
  tasks: z.array(Task).check(z.describe('What the person set out to do, with totals and their own outcome.')),
  texts: z
    .array(TurnText)
    .check(z.describe('Prompt and reply text, redacted; only for sites where text storage was turned on.')),
});
export type ExportTables = z.infer<typeof ExportTables>;

export const ExportFile = z
  .strictObject({
    format: z.literal(EXPORT_FORMAT).check(z.describe('Always "tokenwise-export".')),
    formatVersion: z
      .literal(EXPORT_FORMAT_VERSION)
      .check(z.describe('Version of this file format; older ones are upgraded on import, newer ones refused.')),
    exportedAt: z.iso.datetime().check(z.describe('When the file was written (ISO 8601, UTC).')),
    appVersion: z.string().check(z.describe('Version of Tokenwise that wrote it.')),
    settings: ExportSettings,
    tables: ExportTables,
  })
  .check(z.describe('Everything Tokenwise stored in one browser profile.'));
export type ExportFile = z.infer<typeof ExportFile>;

/**
 * The envelope of the current version with the tables' rows left unchecked: the import validates rows one by
 * one, so that one bad record is reported (and can be skipped) rather than refusing the whole file.
 */
export const ExportEnvelope = z.strictObject({
  ...ExportFile.shape,
  tables: z.strictObject(
    Object.fromEntries(TABLE_NAMES.map((t) => [t, z.array(z.unknown())])) as Record<
      TableName,
      z.ZodMiniArray<z.ZodMiniUnknown>
    >,
  ),
});
export type ExportEnvelope = z.infer<typeof ExportEnvelope>;
