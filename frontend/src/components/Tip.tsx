import { useId, useState, type ReactNode } from 'react';

interface TipProps {
  /** What the tip explains, for the button's accessible name: "About Allocated". */
  label: string;
  children: ReactNode;
  /** Open towards the left (for figures near the right edge). */
  align?: 'start' | 'end';
}

/**
 * An explanation of a figure: a small button that shows the text on hover and on keyboard
 * focus, is announced as the button's description, and closes with Escape.
 */
export function Tip({ label, children, align = 'start' }: TipProps) {
  const id = useId();
  const [dismissed, setDismissed] = useState(false);
  return (
    <span className="tip" data-align={align} data-dismissed={dismissed ? '' : undefined} onMouseLeave={() => setDismissed(false)}>
      <button
        type="button"
        className="tip-trigger"
        aria-label={`About ${label}`}
        aria-describedby={id}
        onFocus={() => setDismissed(false)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') setDismissed(true);
        }}
      >
        <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
          <circle cx="8" cy="8" r="7" fill="none" stroke="currentColor" strokeWidth="1.5" />
          <rect x="7.25" y="7" width="1.5" height="5" fill="currentColor" />
          <rect x="7.25" y="4" width="1.5" height="1.6" fill="currentColor" />
        </svg>
      </button>
      <span role="tooltip" id={id} className="tip-body">
        {children}
      </span>
    </span>
  );
}
