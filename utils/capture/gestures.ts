/**
 * Tells the user's own turns from background calls (title generation, summaries, an agent's sub-steps)
 * without reading the page: the first model reply recognised after a trusted user gesture (a pointer
 * press, Enter, a form submit) is the user's turn; any further model call that gesture led to, or a call
 * with no gesture before it at all, is a background call. Page scripts cannot forge trusted events.
 *
 * Approximation, by design: when two calls overlap, the first one *recognised* takes the turn.
 */
export interface GestureTracker {
  /** Sequence number of the latest gesture (0 = none yet), read when a call starts. */
  current(): number;
  /** Claims the turn for a call started at gesture `seq`; false when it is a background call. */
  claim(seq: number): boolean;
}

type GestureLike = Pick<Event, 'isTrusted' | 'type'> & { key?: string };

/** The bookkeeping, apart from the DOM so it can be tested with plain objects. */
export function createGestureState(): GestureTracker & { onGesture(e: GestureLike): void } {
  let seq = 0;
  let claimed = 0; // the latest gesture whose turn has been taken
  return {
    onGesture(e) {
      if (!e.isTrusted) return;
      if (e.type === 'keydown' && e.key !== 'Enter') return;
      seq++;
    },
    current: () => seq,
    claim(at) {
      if (at === 0 || at <= claimed) return false;
      claimed = at;
      return true;
    },
  };
}

export function trackGestures(win: typeof globalThis): GestureTracker {
  const state = createGestureState();
  const listen = EventTarget.prototype.addEventListener;
  for (const type of ['pointerdown', 'keydown', 'submit']) {
    Reflect.apply(listen, win, [type, (e: Event) => state.onGesture(e), { capture: true, passive: true }]);
  }
  return state;
}
