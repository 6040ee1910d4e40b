/** Small pieces the adapters share. */
import type { BodyParser } from '@/utils/parsers/types';

/** A parser that recognises nothing (a placeholder, or a body an adapter cannot read). */
export function emptyParser(): BodyParser {
  return { push: () => {}, finish: () => [], recognised: false };
}
