import { describe, expect, it } from 'vitest';
import { createGestureState } from '@/utils/capture/gestures';

const press = { isTrusted: true, type: 'pointerdown' };

describe('createGestureState', () => {
  it('gives a gesture’s first recognised call the turn, and marks the calls it led to as background', () => {
    const g = createGestureState();
    g.onGesture(press);
    const chat = g.current();
    const title = g.current(); // the title call starts after the reply, with no new gesture
    expect(g.claim(chat)).toBe(true);
    expect(g.claim(title)).toBe(false);
  });

  it('counts calls made before any gesture (page-load summaries) as background', () => {
    const g = createGestureState();
    expect(g.claim(g.current())).toBe(false);
  });

  it('ignores untrusted (page-forged) events and keys other than Enter', () => {
    const g = createGestureState();
    g.onGesture({ isTrusted: false, type: 'pointerdown' });
    g.onGesture({ isTrusted: true, type: 'keydown', key: 'a' });
    expect(g.current()).toBe(0);
    g.onGesture({ isTrusted: true, type: 'keydown', key: 'Enter' });
    expect(g.current()).toBe(1);
  });

  it('gives each new message its own turn', () => {
    const g = createGestureState();
    g.onGesture(press);
    expect(g.claim(g.current())).toBe(true);
    g.onGesture(press);
    expect(g.claim(g.current())).toBe(true);
  });

  it('does not let a late reply from an older gesture take a newer turn', () => {
    const g = createGestureState();
    g.onGesture(press);
    const first = g.current();
    g.onGesture(press);
    expect(g.claim(g.current())).toBe(true);
    expect(g.claim(first)).toBe(false);
  });
});
