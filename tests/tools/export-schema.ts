/**
 * `npm run export-schema`: regenerates docs/export-schema.json (JSON Schema, draft 2020-12) from the Zod
 * schemas of the export file (utils/export-format.ts), descriptions included. The file is committed;
 * tests/unit/export-schema.test.ts fails when it and the schemas disagree, so change a schema, run this, and
 * review the diff. Generated here rather than in utils/ so `z.toJSONSchema` (and the json-schema.org
 * address it writes) never reaches the extension's bundles.
 */
import { writeFileSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';

export const OUT_FILE = fileURLToPath(new URL('../../docs/export-schema.json', import.meta.url));

/** The schema file's text as the Zod schemas generate it. */
export async function exportJsonSchema(): Promise<string> {
  const { z } = await import('@/utils/zod');
  const { ExportFile, EXPORT_FORMAT_VERSION } = await import('@/utils/export-format');
  const schema = { title: `Tokenwise export, format version ${EXPORT_FORMAT_VERSION}`, ...z.toJSONSchema(ExportFile) };
  // Formatted as `npm run lint` (prettier --check) wants every committed file.
  return format(JSON.stringify(schema), { ...(await resolveConfig(OUT_FILE)), parser: 'json' });
}

/**
 * utils/settings.ts and utils/sites-store.ts import WXT's `#imports` (a virtual module that exists only in
 * WXT's build and Vitest plugin). Under tsx it resolves to an inert stand-in: only the schemas are used here.
 */
const STUB = 'export const storage = { defineItem: () => ({}) }; export const browser = {};';
const HOOKS = `export async function resolve(specifier, context, next) {
  if (specifier === '#imports') return { url: 'data:text/javascript,' + encodeURIComponent(${JSON.stringify(STUB)}), shortCircuit: true };
  return next(specifier, context);
}`;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  register(`data:text/javascript,${encodeURIComponent(HOOKS)}`);
  writeFileSync(OUT_FILE, await exportJsonSchema());
  process.stdout.write(`wrote ${OUT_FILE}\n`);
}
