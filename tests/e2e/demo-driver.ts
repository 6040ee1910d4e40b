import type { Page } from 'playwright-core';

/** Types a message in the demo tool, sends it, waits for the reply to finish; returns its response id. */
export async function sendChat(page: Page, text: string): Promise<string> {
  const before = await page.locator('.message.assistant').count();
  await page.fill('#prompt', text);
  await page.click('#send');
  const reply = page.locator('.message.assistant').nth(before);
  await reply.and(page.locator('[data-status="done"]')).waitFor({ timeout: 30_000 });
  const id = await reply.getAttribute('data-response-id');
  if (!id) throw new Error('the demo reply has no response id');
  return id;
}
