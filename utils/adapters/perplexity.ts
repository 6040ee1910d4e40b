/**
 * Perplexity: placeholder until its adapter lands (issue 6). It matches the site's pages but reads no traffic yet.
 */
import type { SiteAdapter } from './types';
import { emptyParser } from './shared';

export const perplexity: SiteAdapter = {
  id: 'perplexity',
  name: 'Perplexity',
  matches: ['https://www.perplexity.ai/*'],
  traffic: [],
  createParser: () => emptyParser(),
  provenance: 'estimated',
  selectors: {},
};
