import { useEffect, useState } from 'react';

const read = () => {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return {
    exact: v('--c-exact'),
    tokenized: v('--c-tokenized'),
    estimated: v('--c-estimated'),
    text: v('--c-muted'),
    grid: v('--c-grid'),
    done: v('--c-done'),
  };
};

/** Chart colours from the theme's CSS variables, updated when the system switches light/dark. */
export function useThemePalette() {
  const [palette, setPalette] = useState(read);
  useEffect(() => {
    const mq = matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => setPalette(read());
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, []);
  return palette;
}
