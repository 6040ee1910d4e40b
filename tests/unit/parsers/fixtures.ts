/** Reads wire fixtures relative to this file (tests/fixtures/wire/...). */
import { readFileSync } from 'node:fs';
import type { ParsedTurn } from '@/utils/parsers/types';

export const WIRE = new URL('../../fixtures/wire/', import.meta.url);

export function fixture(rel: string): string {
  return readFileSync(new URL(rel, WIRE), 'utf8');
}

/** Turns without the running estimate, for exact comparison with hand-written expectations. */
export function plain(turns: ParsedTurn[]): ParsedTurn[] {
  return turns.map((t) => {
    const { estimatedOutputTokens: _drop, ...rest } = t;
    return rest;
  });
}
