/**
 * Small stand-ins for the extension APIs that WXT's fakeBrowser leaves unimplemented (permissions,
 * scripting), behaving as Chromium was seen to behave (../shared/docs/permission-flow.md): a
 * registration survives a revoked permission, and only `contains` tells whether access is real.
 */
import { vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Browser } from 'wxt/browser';

type Script = Browser.scripting.RegisteredContentScript;

export function installFakePermissions(initial: string[] = []) {
  const granted = new Set(initial);
  let answer = true; // what the user clicks in the browser's dialog
  const p = fakeBrowser.permissions as unknown as Record<string, unknown>;
  p.contains = vi.fn(async ({ origins = [] }: { origins?: string[] }) => origins.every((o) => granted.has(o)));
  p.request = vi.fn(async ({ origins = [] }: { origins?: string[] }) => {
    if (!answer) return false;
    origins.forEach((o) => granted.add(o));
    return true;
  });
  p.remove = vi.fn(async ({ origins = [] }: { origins?: string[] }) => {
    origins.forEach((o) => granted.delete(o));
    return true;
  });
  const listeners = () => ({ addListener: vi.fn(), removeListener: vi.fn(), hasListener: vi.fn() });
  p.onAdded = listeners();
  p.onRemoved = listeners();
  return {
    granted,
    /** The user will click "Deny" in the next prompt. */
    deny() {
      answer = false;
    },
  };
}

export function installFakeScripting(initial: Script[] = []) {
  const registered = new Map(initial.map((s) => [s.id, s]));
  const s = fakeBrowser.scripting as unknown as Record<string, unknown>;
  s.getRegisteredContentScripts = vi.fn(async () => [...registered.values()]);
  s.registerContentScripts = vi.fn(async (scripts: Script[]) => {
    for (const x of scripts) {
      if (registered.has(x.id)) throw new Error(`Duplicate script ID '${x.id}'`);
      registered.set(x.id, x);
    }
  });
  s.unregisterContentScripts = vi.fn(async ({ ids = [] }: { ids?: string[] }) => {
    ids.forEach((id) => registered.delete(id));
  });
  return registered;
}

/**
 * A background with a fresh shared database and a manifest whose content scripts cover `matches` (the built-in
 * sites the router accepts facts from): what the router's tests start from.
 */
export async function freshBackground(matches: string[] = ['http://127.0.0.1/*']): Promise<void> {
  const { getDb } = await import('@/utils/db');
  await Promise.all(getDb().tables.map((t) => t.clear()));
  vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({
    manifest_version: 3,
    name: 'Tokenwise',
    version: '0.1.0',
    content_scripts: [{ matches, js: ['relay.js'] }],
  });
}
