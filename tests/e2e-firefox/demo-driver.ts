// Drives the demo tool's chat page in puppeteer-core (tests/e2e/demo-driver.ts is the Playwright twin).
import type { Page } from 'puppeteer-core';

/** A row of the extension's `turns` table, as far as these tests look at it. */
export interface StoredTurn {
  id: string;
  site: string;
  format: string;
  source: string;
  status: string;
  inputTokens: number;
  outputTokens: number;
}

/** Sends a message and waits for the reply to finish; the reply's response id. */
export async function sendChat(page: Page, text: string): Promise<string> {
  const before = await page.$$eval('.message.assistant', (els) => els.length);
  await page.type('#prompt', text);
  await page.click('#send');
  const id = await page.waitForFunction(
    (n: number) => {
      const reply = document.querySelectorAll('.message.assistant')[n];
      return reply?.getAttribute('data-status') === 'done' && reply.getAttribute('data-response-id');
    },
    { timeout: 30_000 },
    before,
  );
  const value = (await id.jsonValue()) as string | false;
  if (!value) throw new Error('the demo reply has no response id');
  return value;
}
