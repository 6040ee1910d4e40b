/**
 * Microsoft Copilot: placeholder until its adapter lands (issue 6). It matches the site's pages but reads no traffic yet.
 */
import type { SiteAdapter } from './types';
import { emptyParser } from './shared';

export const copilot: SiteAdapter = {
  id: 'copilot',
  name: 'Microsoft Copilot',
  matches: ['https://copilot.microsoft.com/*'],
  traffic: [],
  createParser: () => emptyParser(),
  provenance: 'estimated',
  selectors: {},
};
