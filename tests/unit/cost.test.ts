import { describe, expect, it } from 'vitest';
import { costOf, priceFor, PRICES_AS_OF, PRICES_SOURCE, type TokenRates } from '@/utils/cost';
import table from '@/utils/prices.json';
import { buildPriceTable, loadInstalled } from '../tools/update-prices';

// Expected rates are read off @pydantic/genai-prices 0.1.8's data by hand (USD per million tokens).
const AZURE = 'https://acme-eastus.openai.azure.com';
const BEDROCK = 'https://bedrock-runtime.us-east-1.amazonaws.com';
const VERTEX = 'https://us-east5-aiplatform.googleapis.com';

describe('priceFor', () => {
  it.each<[string, string, string, TokenRates]>([
    // OpenAI: dated ids are listed in the match rules; a dated id with its own price keeps it.
    ['gpt-4o-mini-2024-07-18', 'openai', 'gpt-4o-mini', { input: 0.15, output: 0.6, cacheRead: 0.075 }],
    ['gpt-4o', 'openai', 'gpt-4o', { input: 2.5, output: 10, cacheRead: 1.25 }],
    ['gpt-4o-2024-05-13', 'openai', 'gpt-4o-2024-05-13', { input: 5, output: 15 }],
    ['gpt-4.1-2025-04-14', 'openai', 'gpt-4.1', { input: 2, output: 8, cacheRead: 0.5 }],
    ['gpt-5', 'openai', 'gpt-5', { input: 1.25, output: 10, cacheRead: 0.125 }],
    ['GPT-5.1-Codex', 'openai', 'gpt-5.1', { input: 1.25, output: 10, cacheRead: 0.125 }],
    ['o3', 'openai', 'o3', { input: 2, output: 8, cacheRead: 0.5 }], // the 2025-06-10 cut, not the launch 10/40
    ['gpt-5.4', 'openai', 'gpt-5.4', { input: 2.5, output: 15, cacheRead: 0.25 }], // base tier (below 272k input)
    // Anthropic: dated ids match by prefix.
    [
      'claude-sonnet-4-5-20250929',
      'anthropic',
      'claude-sonnet-4-5',
      { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    ],
    [
      'claude-3-5-haiku-20241022',
      'anthropic',
      'claude-3-5-haiku-latest',
      { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
    ],
    [
      'claude-opus-4-1-20250805',
      'anthropic',
      'claude-opus-4-1',
      { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
    ],
    ['claude-haiku-4-5', 'anthropic', 'claude-haiku-4-5', { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 }],
    ['claude-opus-4-6', 'anthropic', 'claude-opus-4-6', { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 }],
    ['claude-2.1', 'anthropic', 'claude-2', { input: 8, output: 24 }],
    // Google
    ['gemini-2.5-flash', 'google', 'gemini-2.5-flash', { input: 0.3, output: 2.5, cacheRead: 0.03 }],
    ['gemini-2.5-pro', 'google', 'gemini-2.5-pro', { input: 1.25, output: 10, cacheRead: 0.125 }], // base tier
    ['gemini-2.0-flash-001', 'google', 'gemini-2.0-flash', { input: 0.1, output: 0.4, cacheRead: 0.025 }],
    ['gemini-2.5-flash-lite', 'google', 'gemini-2.5-flash-lite', { input: 0.1, output: 0.4, cacheRead: 0.01 }],
    ['gemini-3.6-flash', 'google', 'gemini-3.6-flash', { input: 0.75, output: 3.75, cacheRead: 0.075 }], // pre-2027
    // Bedrock ids, with no origin to say so
    [
      'anthropic.claude-3-5-sonnet-20240620-v1:0',
      'aws',
      'regional.anthropic.claude-3-5-sonnet-20240620-v1:0',
      { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    ],
    [
      'us.anthropic.claude-sonnet-4-20250514-v1:0',
      'aws',
      'regional.anthropic.claude-sonnet-4-20250514-v1:0',
      { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    ],
    [
      'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'aws',
      'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
      { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    ],
    ['meta.llama3-1-70b-instruct-v1:0', 'aws', 'meta.llama3-1-70b-instruct-v1:0', { input: 0.72, output: 0.72 }],
    ['amazon.nova-pro-v1:0', 'aws', 'amazon.nova-pro-v1:0', { input: 0.8, output: 3.2, cacheRead: 0.2 }],
    // Others vendored
    ['deepseek-chat', 'deepseek', 'deepseek-chat', { input: 0.135, output: 0.55, cacheRead: 0.035 }], // off-peak
    ['mistral-large-latest', 'mistral', 'mistral-large', { input: 2, output: 6 }],
    ['phi-4', 'azure', 'phi-4', { input: 0.07, output: 0.14 }],
    ['omni-moderation-latest', 'openai', 'moderation', { input: 0, output: 0 }], // listed as free
  ])('%s → %s/%s', (model, provider, modelId, rates) => {
    expect(priceFor(model)).toMatchObject({ provider, modelId, rates });
  });

  it('tries the dashed form of a compact date, as the package does', () => {
    expect(priceFor('gpt-5.6-luna-20260730')).toMatchObject({ provider: 'openai', modelId: 'gpt-5.6-luna' });
  });

  it.each([
    'llama3.1:8b', // Ollama, local
    'gpt-oss:20b', // Ollama tag spelling, not the API's gpt-oss-20b
    'qwen3:8b',
    'grok-4', // xAI is not vendored
    'acme-internal-7b',
    '',
    '   ',
    'whisper-1', // billed per audio hour: no token price
    'mistral-ocr-latest', // billed per page
  ])('%j → undefined', (model) => {
    expect(priceFor(model)).toBeUndefined();
  });

  it.each<[string, string | undefined, string, string, TokenRates]>([
    // The origin's own list wins over the name's owner…
    ['claude-opus-4-8', BEDROCK, 'aws', 'regional.anthropic.claude-opus-4-8-v1:0', { input: 5.5, output: 27.5 }],
    ['claude-opus-4-8', undefined, 'anthropic', 'claude-opus-4-8', { input: 5, output: 25 }],
    ['o4-mini', AZURE, 'azure', 'o4-mini', { cacheRead: 0.28 }],
    ['o4-mini', undefined, 'openai', 'o4-mini', { cacheRead: 0.275 }],
    ['claude-sonnet-4-5@20250929', VERTEX, 'google', 'claude-sonnet-4-5', { input: 3, output: 15 }],
    ['claude-sonnet-4-5@20250929', undefined, 'anthropic', 'claude-sonnet-4-5', { input: 3, output: 15 }],
    ['gemini-2.5-flash', 'https://generativelanguage.googleapis.com', 'google', 'gemini-2.5-flash', { input: 0.3 }],
    ['claude-haiku-4-5', 'https://api.anthropic.com', 'anthropic', 'claude-haiku-4-5', { input: 1 }],
    // …including the providers it resells, billed under its name at their list price…
    ['gpt-4o', AZURE, 'azure', 'gpt-4o', { input: 2.5, output: 10 }],
    ['claude-3-haiku-20240307', VERTEX, 'google', 'claude-3-haiku', { input: 0.25, output: 1.25 }],
    // …and a model the origin's provider does not list is looked up everywhere else.
    ['gpt-4o-mini', 'https://api.anthropic.com', 'openai', 'gpt-4o-mini', { input: 0.15 }],
    ['gpt-4o-mini', 'https://ai.acme.internal', 'openai', 'gpt-4o-mini', { input: 0.15 }],
    ['gpt-4o-mini', 'http://localhost:3000', 'openai', 'gpt-4o-mini', { input: 0.15 }],
  ])('%s at %s → %s/%s', (model, origin, provider, modelId, rates) => {
    expect(priceFor(model, origin)).toMatchObject({ provider, modelId, rates });
  });

  it('leaves a local model unpriced even when its origin is given', () => {
    expect(priceFor('llama3.1:8b', 'http://localhost:11434')).toBeUndefined();
  });
});

describe('costOf', () => {
  it.each<[string, Parameters<typeof costOf>[0], number]>([
    ['1M in + 1M out', { model: 'gpt-4o-mini-2024-07-18', inputTokens: 1e6, outputTokens: 1e6 }, 0.75],
    ['a typical turn', { model: 'claude-sonnet-4-5-20250929', inputTokens: 1200, outputTokens: 350 }, 0.00885],
    ['zero tokens', { model: 'gpt-4o', inputTokens: 0, outputTokens: 0 }, 0],
    ['zero tokens, cache given', { model: 'gpt-4o', inputTokens: 0, outputTokens: 0, cacheReadTokens: 0 }, 0],
    // 2,000 uncached × 3 + 8,000 cached × 0.3 + 500 × 15
    [
      'cache reads at the cache rate',
      { model: 'claude-sonnet-4-5', inputTokens: 10_000, outputTokens: 500, cacheReadTokens: 8000 },
      0.0159,
    ],
    // 6,000 × 3 + 4,000 × 3.75
    [
      'cache writes at the write rate',
      { model: 'claude-sonnet-4-5', inputTokens: 10_000, outputTokens: 0, cacheWriteTokens: 4000 },
      0.033,
    ],
    // 2,000 × 2.5 + 8,000 × 1.25
    ['OpenAI cached input', { model: 'gpt-4o', inputTokens: 10_000, outputTokens: 0, cacheReadTokens: 8000 }, 0.015],
    // claude-2 has no cache rate: cached tokens cost ordinary input, 10,000 × 8
    [
      'no cache rate: cache reads as input',
      { model: 'claude-2', inputTokens: 10_000, outputTokens: 0, cacheReadTokens: 8000 },
      0.08,
    ],
    // more cache reads than input cannot make a negative or doubled charge: 1,000 × 0.3
    [
      'cache count above input is clamped',
      { model: 'claude-sonnet-4-5', inputTokens: 1000, outputTokens: 0, cacheReadTokens: 5000 },
      0.0003,
    ],
    ['embeddings: input only', { model: 'text-embedding-3-small', inputTokens: 1e6, outputTokens: 0 }, 0.02],
    ['Bedrock id', { model: 'anthropic.claude-3-5-sonnet-20240620-v1:0', inputTokens: 1e6, outputTokens: 1e5 }, 4.5],
  ])('%s', (_, usage, usd) => {
    expect(costOf(usage)?.usd).toBeCloseTo(usd, 12);
  });

  it('names the provider and table model it priced with', () => {
    expect(costOf({ model: 'gpt-4o', inputTokens: 1e6, outputTokens: 0 }, AZURE)).toEqual({
      usd: 2.5,
      provider: 'azure',
      modelId: 'gpt-4o',
    });
  });

  it.each<[string, Parameters<typeof costOf>[0]]>([
    ['unknown model', { model: 'llama3.1:8b', inputTokens: 100, outputTokens: 100 }],
    ['unknown model, zero tokens', { model: 'acme-internal-7b', inputTokens: 0, outputTokens: 0 }],
    ['audio-priced model', { model: 'whisper-1', inputTokens: 100, outputTokens: 0 }],
    // An embedding model has no output rate: output tokens there are unpriceable, not free.
    ['token kind without a rate', { model: 'text-embedding-3-small', inputTokens: 100, outputTokens: 5 }],
  ])('%s → undefined', (_, usage) => {
    expect(costOf(usage)).toBeUndefined();
  });
});

describe('prices.json', () => {
  it('is what `npm run update-prices` generates from the installed package', async () => {
    const installed = await loadInstalled();
    // asOf is the publish date, asked of the registry by the script; the test stays offline and reuses it.
    expect(buildPriceTable(installed, table.asOf)).toStrictEqual(table);
  });

  it('exports its provenance', () => {
    expect(PRICES_SOURCE).toMatch(/^@pydantic\/genai-prices \d+\.\d+\.\d+$/);
    expect(PRICES_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
