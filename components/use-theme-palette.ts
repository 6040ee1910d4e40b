import { useEffect, useState } from 'react';

/** Chart colours of the current theme (light or dark), from theme.css's custom properties. */
export interface ThemePalette {
  exact: string;
  tokenized: string;
  estimated: string;
  done: string;
  hidden: string;
  text: string;
  grid: string;
}

const read = (): ThemePalette => {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return {
    exact: v('--c-exact'),
    tokenized: v('--c-tokenized'),
    estimated: v('--c-estimated'),
    text: v('--c-muted'),
    grid: v('--c-grid'),
    done: v('--c-done'),
    hidden: v('--c-hidden'),
  };
};

/** Chart colours from the theme's CSS variables, updated when the system switches light/dark. */
export function useThemePalette(): ThemePalette {
  const [palette, setPalette] = useState(read);
  useEffect(() => {
    const mq = matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => setPalette(read());
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, []);
  return palette;
}
