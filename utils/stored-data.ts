/**
 * Everything Tokenwise stores, named with the very Zod schemas that type and validate it, so the "What
 * Tokenwise stores" page is generated from the code and cannot drift from it (a test checks that every
 * database table is listed and every field described).
 */
import { z } from './zod';
import { ConversationBundle, DailyTotal, SiteHealth, TaskBundle, TurnBundle, TurnText } from './records';
import { PrivacySettings } from './settings';
import { TrackedSite } from './sites-store';
import { BuiltinSettings } from './builtin-settings';

export interface StoredThing {
  /** Where it lives in the browser. */
  place: 'IndexedDB' | 'extension storage';
  name: string;
  what: string;
  /** Its schema; absent for an item whose fields are another's (listed above it). */
  schema?: z.ZodMiniType;
}

export const STORED: readonly StoredThing[] = [
  {
    place: 'IndexedDB',
    name: 'turnBundles',
    what:
      'Your AI calls: counts, model, timing, no text. One record per day holds that day’s calls ' +
      '(`rows`), which keeps saving and reading a long history fast.',
    schema: TurnBundle,
  },
  {
    place: 'IndexedDB',
    name: 'daily',
    what: 'Totals per day, site and kind of count, kept so views stay fast.',
    schema: DailyTotal,
  },
  {
    place: 'IndexedDB',
    name: 'conversationBundles',
    what:
      'Your conversations (a page address, kept as a hash) and agent runs, with their totals: one record per ' +
      'day they started holds that day’s (`rows`).',
    schema: ConversationBundle,
  },
  {
    place: 'IndexedDB',
    name: 'taskBundles',
    what:
      'Your tasks: their title, outcome, note, signals and totals. One record per day they were last active ' +
      'holds that day’s (`rows`).',
    schema: TaskBundle,
  },
  {
    place: 'IndexedDB',
    name: 'texts',
    what: 'Prompt and reply text: only for sites where you turned it on, after redaction. Empty by default.',
    schema: TurnText,
  },
  {
    place: 'IndexedDB',
    name: 'health',
    what: 'Per site: whether its traffic is still recognised, and what could not be read.',
    schema: SiteHealth,
  },
  { place: 'extension storage', name: 'settings', what: 'Your privacy choices.', schema: PrivacySettings },
  { place: 'extension storage', name: 'sites', what: 'The AI tools you added.', schema: TrackedSite },
  {
    place: 'extension storage',
    name: 'builtins',
    what: 'Which built-in public AI apps you switched off.',
    schema: BuiltinSettings,
  },
  {
    place: 'extension storage',
    name: 'writeError',
    what: 'The last time saving new usage failed (for example a full disk), and why; cleared by the next save.',
  },
  {
    place: 'extension storage',
    name: 'tabConversations',
    what:
      'While the browser runs only (session storage): which open tab shows which conversation, as hashes, ' +
      'so closing a tab can suggest an outcome for its task.',
  },
  {
    place: 'extension storage',
    name: 'outbox:…',
    what:
      'A count on its way to the stored calls (turnBundles), usually for less than a second (kept if the browser closes first): ' +
      'the fields of a turn, with the conversation hash and page title it will be filed under.',
  },
];

export interface StoredField {
  /** Dotted path for nested objects (`signals.copied`). */
  name: string;
  type: string;
  optional: boolean;
  description?: string;
}

interface JsonSchema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
}

/**
 * The fields of one stored thing, from its JSON Schema: nested objects one level down, dotted (`signals.copied`),
 * and the fields of a list's items after `[]` (`rows[].inputTokens`).
 */
export function fieldsOf(schema: z.ZodMiniType): StoredField[] {
  const json = z.toJSONSchema(schema, { unrepresentable: 'any' }) as JsonSchema;
  return fieldsOfObject(json, '');
}

function fieldsOfObject(json: JsonSchema, prefix: string): StoredField[] {
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).flatMap(([key, prop]) => {
    const name = prefix + key;
    const field: StoredField = {
      name,
      type: typeName(prop),
      optional: !required.has(key),
      description: prop.description,
    };
    if (prefix) return [field];
    const inner = objectOf(prop);
    if (inner?.properties) return [field, ...fieldsOfObject(inner, `${name}.`)];
    const item = prop.items && objectOf(prop.items);
    return item?.properties ? [field, ...fieldsOfObject(item, `${name}[].`)] : [field];
  });
}

const objectOf = (p: JsonSchema): JsonSchema | undefined => (p.properties ? p : p.anyOf?.find((a) => a.properties));

/** A short human type: "text", "number", "yes/no", "one of: a, b", "list", "map". */
export function typeName(p: JsonSchema): string {
  if (p.const !== undefined) return JSON.stringify(p.const);
  if (p.enum) return `one of: ${p.enum.join(', ')}`;
  if (p.anyOf) {
    const parts = p.anyOf.filter((a) => a.type !== 'null').map(typeName);
    const nullable = p.anyOf.some((a) => a.type === 'null');
    return parts.join(' or ') + (nullable ? ' or none' : '');
  }
  switch (Array.isArray(p.type) ? p.type[0] : p.type) {
    case 'string':
      return 'text';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'yes/no';
    case 'array':
      return 'list';
    case 'object':
      return p.properties ? 'group' : 'map';
    default:
      return 'any';
  }
}
