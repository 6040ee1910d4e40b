/**
 * Draws the extension's icons (public/icon/<size>.png, picked up by WXT for both manifests) from one SVG,
 * rasterised at each size by headless Chromium so small sizes stay crisp. Run after changing the drawing:
 * `npx tsx tests/tools/make-icons.ts` (CHROME_PATH overrides the browser).
 *
 * The mark: three bars of growing height (tokens spent) in white on the product's blue, the last one topped
 * by a dot (something done). A filled tile reads on light and dark toolbars alike.
 */
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const SIZES = [16, 32, 48, 96, 128] as const;
const BLUE = '#3b5bdb';
const DEEP = '#2f4ac0';

const svg = (
  size: number,
) => `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 128 128">
  <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">
    <stop offset="0" stop-color="${BLUE}"/><stop offset="1" stop-color="${DEEP}"/>
  </linearGradient></defs>
  <rect x="4" y="4" width="120" height="120" rx="28" fill="url(#g)"/>
  <g fill="#fff">
    <rect x="22" y="70" width="22" height="36" rx="6"/>
    <rect x="53" y="52" width="22" height="54" rx="6"/>
    <rect x="84" y="44" width="22" height="62" rx="6"/>
    <circle cx="95" cy="26" r="11"/>
  </g>
</svg>`;

const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage();
  mkdirSync('public/icon', { recursive: true });
  for (const size of SIZES) {
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(`<style>html,body{margin:0;background:transparent}</style>${svg(size)}`);
    await page.locator('svg').screenshot({ path: `public/icon/${size}.png`, omitBackground: true });
    console.log(`public/icon/${size}.png`);
  }
} finally {
  await browser.close();
}
