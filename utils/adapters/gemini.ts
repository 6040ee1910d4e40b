/**
 * Gemini: placeholder until its adapter lands (issue 6). It matches the site's pages but reads no traffic yet.
 */
import type { SiteAdapter } from './types';
import { emptyParser } from './shared';

export const gemini: SiteAdapter = {
  id: 'gemini',
  name: 'Gemini',
  matches: ['https://gemini.google.com/*'],
  traffic: [],
  createParser: () => emptyParser(),
  provenance: 'estimated',
  selectors: {},
};
