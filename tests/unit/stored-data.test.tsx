// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import { TokenwiseDB } from '@/utils/db';
import { fieldsOf, STORED } from '@/utils/stored-data';
import { App } from '@/entrypoints/stored/App';
import { Turn, TurnBundle } from '@/utils/records';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

describe('what Tokenwise stores', () => {
  it('lists every table of the database', () => {
    const tables = new TokenwiseDB('stored-data-test').tables.map((t) => t.name).sort();
    const listed = STORED.filter((s) => s.place === 'IndexedDB')
      .map((s) => s.name)
      .sort();
    expect(listed).toEqual(tables);
  });

  it.each(STORED.flatMap((s) => (s.schema ? [[s.name, s.schema] as const] : [])))(
    'describes every field of %s in plain words',
    (_, schema) => {
      const fields = fieldsOf(schema);
      expect(fields.length).toBeGreaterThan(0);
      expect(fields.filter((f) => !f.description).map((f) => f.name)).toEqual([]);
    },
  );

  it('shows every field of a stored call, with its kind and whether it is optional', async () => {
    const root = document.createElement('div');
    document.body.append(root);
    await act(async () => createRoot(root).render(<App />));
    const turns = [...root.querySelectorAll('[data-testid="stored-thing"]')].find((s) =>
      s.querySelector('h2')?.textContent?.startsWith('turnBundles'),
    )!;
    const shown = [...turns.querySelectorAll('[data-testid="stored-field"] code')].map((c) => c.textContent);
    expect(shown).toEqual([
      ...Object.keys(TurnBundle.def.shape),
      ...Object.keys(Turn.def.shape).map((k) => `rows[].${k}`),
    ]);
    expect(turns.textContent).toMatch(/rows\[\]\.model\s*\(optional\)/);
  });
});
