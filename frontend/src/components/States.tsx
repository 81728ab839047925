import type { ReactNode } from 'react';
import type { ApiError, Progress } from '../api/client';
import { accessHint } from '../auth/roles';
import { formatBytes, formatDuration } from '../lib/format';
import { useNow } from '../hooks/time';

interface LoadingProps {
  /** What is loading: "the dashboard". */
  what: string;
  progress: Progress;
  startedAt: number | null;
}

/** First load of a view: an indeterminate progress bar, what we wait for, and for how long. */
export function LoadingState({ what, progress, startedAt }: LoadingProps) {
  const now = useNow(1000);
  const elapsed = startedAt ? Math.max(0, (now - startedAt) / 1000) : 0;
  const step =
    progress.phase === 'receiving'
      ? `receiving data (${formatBytes(progress.bytes)})`
      : `waiting for the API${elapsed >= 1 ? ` (${formatDuration(elapsed)})` : ''}`;
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <progress className="progress" aria-label={`Loading ${what}`} />
      <p>
        Loading {what}: {step}…
      </p>
      {elapsed >= 5 && (
        <p className="muted">
          A cold cache collects from the Cloud Foundry API, BOSH and Log Cache first; on a large foundation this can take up to a minute.
        </p>
      )}
    </div>
  );
}

interface ErrorProps {
  title: string;
  error: ApiError;
  onRetry?: () => void;
}

/** A failed request, with the API's own message (and, for 401 / 403, what to do about it). */
export function ErrorState({ title, error, onRetry }: ErrorProps) {
  const hint = accessHint(error);
  return (
    <div className="state state-error" role="alert">
      <h2>{title}</h2>
      <p>
        <strong>{error.summary}</strong>
        {error.status > 0 && <span className="muted"> (HTTP {error.status})</span>}
      </p>
      {error.details && <p className="error-details">{error.details}</p>}
      {hint && <p data-testid="access-hint">{hint}</p>}
      {error.retryAfter !== null && <p className="muted">The API suggests trying again in {formatDuration(error.retryAfter)}.</p>}
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** Nothing to show, and why. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty" role="status">
      <h2>{title}</h2>
      {children}
    </div>
  );
}
