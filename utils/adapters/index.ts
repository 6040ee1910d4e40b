/**
 * The registry of the public AI apps' adapters: a plain list. Adding a site = a new file beside this one, one
 * line here, its fixtures under tests/fixtures/<id>/, its tests, and a README row (a meta-test checks these).
 */
import type { SiteAdapter } from './types';
import { chatgpt } from './chatgpt';
import { claude } from './claude';
import { gemini } from './gemini';
import { copilot } from './copilot';
import { perplexity } from './perplexity';

export const ADAPTERS: readonly SiteAdapter[] = [chatgpt, claude, gemini, copilot, perplexity];
