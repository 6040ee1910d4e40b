// Store-listing images (issue 7): the Chrome Web Store takes 1280×800 screenshots and a 440×280 small promo
// tile; addons.mozilla.org takes the same screenshots. They are pictures of the real extension over a seeded
// history, taken here so they never show a UI that no longer exists. The popup is narrower than a store
// screenshot, so it is placed beside a one-line caption on a plain 1280×800 canvas (a local page: no fonts or
// images are fetched). Written to tests/e2e/.artifacts/store/; `docs/store/` holds the copies uploaded.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ARTIFACTS, DEMO_EXTENSION_DIR, launch, openExtensionPage, waitFor, type ExtBrowser } from './harness';
import { SEED_SITES, SEED_TITLES, seedWhenReady } from './seed-history';

const STORE = join(ARTIFACTS, 'store');
const SHOT = { width: 1280, height: 800 };

let b: ExtBrowser;

beforeAll(async () => {
  b = await launch({ colorScheme: 'light' });
  const page = await openExtensionPage(b, 'popup.html');
  await seedWhenReady(page, { days: 56, perDay: 36, titles: SEED_TITLES });
  await page.close();
  // Two of the seeded sites added as a person would (access granted as in sites.e2e), so the options page
  // shows the user's own tools, not an empty list.
  for (const [origin, name, kind] of [
    [SEED_SITES[0]!, 'Acme Assist', 'chat'],
    [SEED_SITES[2]!, 'Release agent', 'agent'],
  ] as const) {
    await grantHost(`${origin}/*`);
    const options = await openExtensionPage(b, 'options.html');
    await options.fill('#site-address', origin);
    await options.fill('#site-name', name);
    await options.selectOption('#site-kind', kind);
    await options.click('#add-site');
    const status = await waitFor(async () =>
      (await options.getByTestId('add-site-status').innerText()).includes('Tracking'),
    );
    if (!status)
      throw new Error(`could not add ${origin}: ${await options.getByTestId('add-site-status').innerText()}`);
    await options.close();
  }
  mkdirSync(STORE, { recursive: true });
});

/** Grants a host permission the way the browser's own extension settings would (see sites.e2e). */
async function grantHost(pattern: string): Promise<void> {
  const page = await b.ctx.newPage();
  await page.goto('chrome://extensions');
  await page.evaluate(
    ([id, p]) =>
      new Promise<void>((resolve) => {
        const api = (
          globalThis as unknown as { chrome: { developerPrivate: Record<string, (...a: unknown[]) => void> } }
        ).chrome.developerPrivate;
        api.addHostPermission!(id, p, () => resolve());
      }),
    [b.extId, pattern] as const,
  );
  await page.close();
}
afterAll(async () => {
  await b?.close();
});

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const png = readFileSync(file);
  expect(png.subarray(1, 4).toString('latin1'), `${file} is a PNG`).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Distinct colours in a screenshot (sampled), so a blank or half-drawn page cannot pass for a picture. */
async function distinctColours(page: Page, png: Buffer): Promise<number> {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const g = c.getContext('2d')!;
    g.drawImage(img, 0, 0);
    const { data } = g.getImageData(0, 0, c.width, c.height);
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 97) seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
    return seen.size;
  }, png.toString('base64'));
}

/** A 1280×800 (or other) picture: a caption beside one or more images, on a plain background. */
async function compose(
  name: string,
  size: { width: number; height: number },
  body: string,
  images: Record<string, Buffer> = {},
): Promise<string> {
  const page = await b.ctx.newPage();
  try {
    await page.setViewportSize(size);
    let html = body;
    for (const [key, png] of Object.entries(images)) {
      html = html.replaceAll(`{{${key}}}`, `data:image/png;base64,${png.toString('base64')}`);
    }
    await page.setContent(`<!doctype html><meta charset="utf-8"><style>
      html, body { margin: 0; width: ${size.width}px; height: ${size.height}px; overflow: hidden; }
      body { font-family: system-ui, 'DejaVu Sans', sans-serif; background: #f3f5f9; color: #1d2330;
             display: flex; align-items: center; justify-content: center; gap: 64px; }
      h1 { font-size: 44px; line-height: 1.15; margin: 0 0 20px; max-width: 560px; }
      p { font-size: 22px; line-height: 1.45; margin: 0; max-width: 560px; color: #4a5366; }
      img.shot { box-shadow: 0 12px 40px rgba(20, 30, 60, 0.25); border-radius: 10px; }
    </style>${html}`);
    await page.evaluate(() => Promise.all([...document.images].map((i) => i.decode())));
    const path = join(STORE, `${name}.png`);
    const png = await page.screenshot({ path });
    expect(await distinctColours(page, png)).toBeGreaterThan(20);
    return path;
  } finally {
    await page.close();
  }
}

/** A full-size picture of one extension page, as it looks in a 1280×800 window. */
async function pageShot(page: Page, name: string): Promise<string> {
  const path = join(STORE, `${name}.png`);
  const png = await page.screenshot({ path, fullPage: false });
  expect(await distinctColours(page, png)).toBeGreaterThan(20);
  return path;
}

describe('store-listing images', () => {
  it('the popup beside what it is for, 1280×800', async () => {
    const popup = await openExtensionPage(b, 'popup.html');
    await popup.setViewportSize({ width: 360, height: 640 });
    await popup.locator('main[data-ready="true"]').waitFor();
    await popup.getByTestId('window-30d').click();
    await popup.locator('main canvas').first().waitFor();
    await popup
      .locator('.chart-placeholder')
      .waitFor({ state: 'detached', timeout: 5_000 })
      .catch(() => {});
    await popup.waitForTimeout(300);
    const shot = await popup.screenshot({ fullPage: false });
    await popup.close();
    const path = await compose(
      '1-popup',
      SHOT,
      `<div><h1>What did your AI tokens get done?</h1>
        <p>Tokens per completed task, spend that led nowhere, and your own trend — counted on your machine, from
        your company's AI tools and the public AI apps.</p></div>
       <img class="shot" src="{{popup}}" width="360" height="640" alt="">`,
      { popup: shot },
    );
    expect(pngSize(path)).toEqual(SHOT);
  });

  it('the dashboard, 1280×800', async () => {
    const dash = await openExtensionPage(b, 'dashboard.html#range=30d');
    await dash.setViewportSize(SHOT);
    await dash.locator('main[data-ready="true"]').waitFor();
    await expect.poll(() => dash.locator('canvas').count()).toBeGreaterThanOrEqual(2);
    await expect.poll(() => dash.getByTestId('dash-tokens-per-done').innerText()).not.toContain('Comparing');
    await dash.waitForTimeout(400);
    const path = await pageShot(dash, '2-dashboard');
    await dash.close();
    expect(pngSize(path)).toEqual(SHOT);
  });

  it('the sites and privacy settings, 1280×800', async () => {
    const options = await openExtensionPage(b, 'options.html');
    await options.setViewportSize(SHOT);
    await options.getByTestId('privacy-settings').waitFor();
    const sites = await pageShot(options, '3-sites');
    await options.getByTestId('privacy-settings').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await options.waitForTimeout(200);
    const privacy = await pageShot(options, '4-privacy');
    await options.close();
    expect(pngSize(sites)).toEqual(SHOT);
    expect(pngSize(privacy)).toEqual(SHOT);
  });

  it('the small promo tile, 440×280', async () => {
    const icon = readFileSync(join(DEMO_EXTENSION_DIR, pickIcon(DEMO_EXTENSION_DIR)));
    const tile = { width: 440, height: 280 };
    const path = await compose(
      'promo-small',
      tile,
      `<div style="display:flex;flex-direction:column;align-items:center;gap:14px;text-align:center">
        <img src="{{icon}}" width="72" height="72" alt="">
        <div style="font-size:36px;font-weight:700">Tokenwise</div>
        <div style="font-size:17px;color:#4a5366;max-width:360px">Your AI spend against what got done.
        Local only.</div></div>`,
      { icon },
    );
    expect(pngSize(path)).toEqual(tile);
  });
});

/** The largest icon the manifest declares (the promo tile shows it). */
function pickIcon(extDir: string): string {
  const manifest = JSON.parse(readFileSync(join(extDir, 'manifest.json'), 'utf8')) as {
    icons?: Record<string, string>;
  };
  const sizes = Object.keys(manifest.icons ?? {})
    .map(Number)
    .sort((x, y) => y - x);
  if (sizes.length === 0) throw new Error('the manifest declares no icons: the promo tile needs one');
  return manifest.icons![String(sizes[0])]!;
}
