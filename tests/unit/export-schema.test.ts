// docs/export-schema.json is generated from the Zod schemas (npm run export-schema) and committed: this fails
// when the two disagree, so the published schema cannot drift from what Tokenwise writes and reads.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROW_SCHEMAS } from '@/utils/export-format';
import { z } from '@/utils/zod';
import { exportJsonSchema, OUT_FILE } from '../tools/export-schema';

describe('docs/export-schema.json', () => {
  it('is what the schemas generate (run `npm run export-schema` after changing a schema)', async () => {
    expect(readFileSync(OUT_FILE, 'utf8')).toBe(await exportJsonSchema());
  });

  it.each(Object.entries(ROW_SCHEMAS))('every field of a %s row has a description', (_table, schema) => {
    const json = z.toJSONSchema(schema) as { properties: Record<string, { description?: string }> };
    const missing = Object.entries(json.properties)
      .filter(([, p]) => !p.description)
      .map(([k]) => k);
    expect(missing).toEqual([]);
  });
});
