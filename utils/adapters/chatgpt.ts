/**
 * ChatGPT: placeholder until its adapter lands (issue 6). It matches the site's pages but reads no traffic yet.
 */
import type { SiteAdapter } from './types';
import { emptyParser } from './shared';

export const chatgpt: SiteAdapter = {
  id: 'chatgpt',
  name: 'ChatGPT',
  matches: ['https://chatgpt.com/*', 'https://chat.openai.com/*'],
  traffic: [],
  createParser: () => emptyParser(),
  provenance: 'tokenized',
  selectors: {},
};
