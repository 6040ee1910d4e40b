// @vitest-environment happy-dom
// The options page's "Add site" as a person uses it, with the browser's permission dialog mocked
// (a real headless browser cannot answer it; ../shared/docs/permission-flow.md).
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { SiteList } from '@/entrypoints/options/SiteList';
import { getTrackedSites } from '@/utils/sites-store';
import { installFakePermissions } from '../fakes';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root;
let container: HTMLElement;
let perms: ReturnType<typeof installFakePermissions>;
let sent: unknown[];

beforeEach(async () => {
  perms = installFakePermissions();
  sent = [];
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation(async (msg: unknown) => {
    sent.push(msg);
    return { ok: true };
  });
  vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({ manifest_version: 3, name: 'T', version: '1' });
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  await act(async () => root.render(<SiteList />));
});
afterEach(async () => {
  await act(async () => root.unmount());
  container.remove();
});

async function add(address: string) {
  const input = container.querySelector<HTMLInputElement>('#site-address')!;
  await act(async () => {
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    setter.call(input, address);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await act(async () => {
    container.querySelector<HTMLButtonElement>('#add-site')!.click();
  });
  await act(async () => {
    await new Promise((r) => setTimeout(r, 10));
  });
  return container.querySelector('[data-testid="add-site-status"]')?.textContent ?? '';
}

describe('Add site', () => {
  it('asks the browser for exactly that origin, then asks the background to track it', async () => {
    const status = await add('ai.acme.example/chat');
    expect(fakeBrowser.permissions.request).toHaveBeenCalledWith({ origins: ['https://ai.acme.example/*'] });
    expect(sent).toEqual([{ type: 'add-site', origin: 'https://ai.acme.example', kind: 'chat' }]);
    expect(status).toContain('Tracking ai.acme.example');
  });

  it('when the user clicks Deny: says so, sends nothing, stores nothing', async () => {
    perms.deny();
    const status = await add('https://ai.acme.example');
    expect(status).toContain('was not granted');
    expect(sent).toEqual([]);
    expect(await getTrackedSites()).toEqual([]);
  });

  it('explains an address it cannot use, without asking the browser', async () => {
    const status = await add('ftp://files.acme.example');
    expect(status).toBe('Only http:// and https:// sites can be tracked.');
    expect(fakeBrowser.permissions.request).not.toHaveBeenCalled();
  });
});
