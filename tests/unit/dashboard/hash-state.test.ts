import { describe, expect, it } from 'vitest';
import { formatHash, parseHash, type HashState } from '@/entrypoints/dashboard/hash-state';

describe('parseHash', () => {
  it.each<[string, HashState]>([
    ['', { range: '30d' }],
    ['#', { range: '30d' }],
    ['#range=90d', { range: '90d' }],
    ['#range=forever', { range: '30d' }], // unknown range: the default
    ['#task=t%7Chttp%3A%2F%2F127.0.0.1%3A5566%7Cp%3Aab12', { range: '30d', task: 't|http://127.0.0.1:5566|p:ab12' }],
    ['#range=all&task=m%7Clx2k9', { range: 'all', task: 'm|lx2k9' }],
    ['#task=a%2Bb', { range: '30d', task: 'a+b' }],
    ['#task=a+b', { range: '30d', task: 'a+b' }], // a literal + stays a + (run ids can hold one)
    ['#task=%E0%A4%A', { range: '30d' }], // malformed escape: ignored, not thrown
    ['#task=', { range: '30d' }],
    ['#=x&range&junk=1&range=today', { range: 'today' }],
  ])('%j', (hash, state) => {
    expect(parseHash(hash)).toEqual(state);
  });
});

describe('formatHash', () => {
  it.each<HashState>([
    { range: '30d' },
    { range: 'today', task: 't|http://127.0.0.1:5566|p:ab12' },
    { range: 'year', task: 't|https://x.example|run:job 1+2&3=4#5%6' },
  ])('round-trips %j', (state) => {
    expect(parseHash(formatHash(state))).toEqual(state);
  });

  it('writes the range first, then the task', () => {
    expect(formatHash({ range: '90d', task: 'm|a' })).toBe('#range=90d&task=m%7Ca');
  });
});
