import { useEffect, useState } from 'react';

export interface DashboardPalette {
  exact: string;
  tokenized: string;
  estimated: string;
  done: string;
  hidden: string;
  text: string;
  grid: string;
}

const read = (): DashboardPalette => {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return {
    exact: v('--c-exact'),
    tokenized: v('--c-tokenized'),
    estimated: v('--c-estimated'),
    done: v('--d-done'),
    hidden: v('--d-hidden'),
    text: v('--c-muted'),
    grid: v('--c-grid'),
  };
};

/**
 * Chart colours from the theme's CSS custom properties (theme.css and dashboard.css), read again when the
 * system switches between light and dark, so canvases follow the theme like the rest of the page.
 */
export function useDashboardPalette(): DashboardPalette {
  const [palette, setPalette] = useState(read);
  useEffect(() => {
    const mq = matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => setPalette(read());
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, []);
  return palette;
}
