import { useRef, type KeyboardEvent, type ReactNode } from 'react';

interface Option<T extends string> {
  value: T;
  label: ReactNode;
  testId?: string;
}

/**
 * A row of toggle buttons (aria-pressed), one of them on. Every button is in the tab order, and the arrow,
 * Home and End keys move between them as in a toolbar; Enter or Space picks.
 */
export function SegmentedControl<T extends string>({
  label,
  options,
  value,
  onChange,
  className = '',
}: {
  label: string;
  options: readonly Option<T>[];
  value: T;
  onChange: (value: T) => void;
  className?: string;
}) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKeyDown = (e: KeyboardEvent, i: number) => {
    const last = options.length - 1;
    const to =
      e.key === 'ArrowRight'
        ? i === last
          ? 0
          : i + 1
        : e.key === 'ArrowLeft'
          ? i === 0
            ? last
            : i - 1
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? last
              : undefined;
    if (to === undefined) return;
    e.preventDefault();
    refs.current[to]?.focus();
  };
  return (
    <div role="group" aria-label={label} className={`segmented ${className}`}>
      {options.map((o, i) => (
        <button
          key={o.value}
          ref={(el) => {
            refs.current[i] = el;
          }}
          type="button"
          aria-pressed={o.value === value}
          data-testid={o.testId}
          onClick={() => onChange(o.value)}
          onKeyDown={(e) => onKeyDown(e, i)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
