import { useCallback, useEffect, useState } from 'react';
import { formatHash, parseHash, type HashState } from './hash-state';

/**
 * The view in the address's hash. Opening or closing a task adds a history entry (Back closes the task);
 * changing the range replaces the entry, so Back does not step through every range tried.
 */
export function useHashState(): [HashState, (next: HashState, how?: 'push' | 'replace') => void] {
  const [state, setState] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setState(parseHash(location.hash));
    addEventListener('hashchange', onChange);
    addEventListener('popstate', onChange);
    return () => {
      removeEventListener('hashchange', onChange);
      removeEventListener('popstate', onChange);
    };
  }, []);
  const navigate = useCallback((next: HashState, how: 'push' | 'replace' = 'push') => {
    const hash = formatHash(next);
    if (hash !== location.hash) {
      if (how === 'push') history.pushState(null, '', hash);
      else history.replaceState(null, '', hash);
    }
    setState(next); // pushState and replaceState fire no event of their own
  }, []);
  return [state, navigate];
}
