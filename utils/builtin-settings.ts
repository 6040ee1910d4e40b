/**
 * Which built-in public AI apps the person switched off (options page, "Sites"). Kept apart from
 * utils/settings.ts: one small stored value, `storage.local` key `builtins`, `{ disabled: ['chatgpt', …] }`.
 * Where a site is off, the background refuses its facts and counts (nothing is recorded there).
 */
import { storage } from '#imports';
import { z } from './zod';

export const BUILTINS_STORAGE_KEY = 'builtins';

export const BuiltinSettings = z.object({
  /** Adapter ids (utils/adapters/) switched off. */
  disabled: z
    .array(z.string().check(z.maxLength(40)))
    .check(z.maxLength(64), z.describe('The built-in public apps you switched off (by short name, e.g. "gemini").')),
});
export type BuiltinSettings = z.infer<typeof BuiltinSettings>;

const DEFAULT: BuiltinSettings = { disabled: [] };

export const builtinSettingsItem = storage.defineItem<unknown>(`local:${BUILTINS_STORAGE_KEY}`, { fallback: DEFAULT });

/** The stored value, or the default (everything on) when it is missing or malformed. */
export function parseBuiltinSettings(raw: unknown): BuiltinSettings {
  const r = BuiltinSettings.safeParse(raw);
  return r.success ? { disabled: [...new Set(r.data.disabled)] } : { ...DEFAULT };
}

export async function getBuiltinSettings(): Promise<BuiltinSettings> {
  return parseBuiltinSettings(await builtinSettingsItem.getValue());
}

export async function isBuiltinDisabled(id: string): Promise<boolean> {
  return (await getBuiltinSettings()).disabled.includes(id);
}

/** Switches one built-in site on or off. */
export async function setBuiltinEnabled(id: string, enabled: boolean): Promise<void> {
  const { disabled } = await getBuiltinSettings();
  const next = enabled ? disabled.filter((d) => d !== id) : [...new Set([...disabled, id])];
  await builtinSettingsItem.setValue({ disabled: next });
}
