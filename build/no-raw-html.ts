/**
 * Takes React DOM's `dangerouslySetInnerHTML` out of the build: the one place it writes `innerHTML` from a
 * value becomes a thrown error. Tokenwise never renders raw HTML (the pages show recorded page titles and,
 * when the user opts in, prompt texts: always as text), so nothing changes for the product, and a future use
 * fails loudly instead of quietly opening an injection path. It is also why `web-ext lint` (the
 * addons.mozilla.org linter) reports no UNSAFE_VAR_ASSIGNMENT: the assignment it flagged is no longer there.
 *
 * React DOM writes it in two places (plain and custom elements), the same in its production and development
 * builds; when an upgrade changes that, the build stops here rather than shipping the assignment again.
 */
import type { Plugin } from 'vite';

const REACT_DOM_CLIENT = /[\\/]react-dom[\\/]cjs[\\/]react-dom-client\.(production|development)\.js$/;
const ASSIGNMENT = /domElement\.innerHTML = key\b/g;
const EXPECTED = 2;
const REFUSAL = 'throwNoRawHtml()';
const HELPER =
  '\nfunction throwNoRawHtml() {\n' +
  '  throw Error("dangerouslySetInnerHTML is not available in Tokenwise: render text, not HTML.");\n' +
  '}\n';

export function noRawHtml(): Plugin {
  return {
    name: 'tokenwise:no-raw-html',
    enforce: 'pre',
    transform(code, id) {
      if (!REACT_DOM_CLIENT.test(id)) return undefined;
      const found = code.match(ASSIGNMENT)?.length ?? 0;
      if (found !== EXPECTED) {
        this.error(
          `build/no-raw-html.ts: expected ${EXPECTED} "domElement.innerHTML = key" in ${id}, found ${found}. ` +
            'React DOM changed: find where it applies dangerouslySetInnerHTML now.',
        );
      }
      return { code: code.replace(ASSIGNMENT, REFUSAL) + HELPER, map: null };
    },
  };
}
