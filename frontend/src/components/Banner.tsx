import type { Metadata } from '../api/types';
import { sourceProblems } from '../lib/derive';

/**
 * Names every source that is missing, stale or failed its last refresh, what the operator is not
 * seeing because of it, and the reason the API gave.
 */
export function DegradedBanner({ metadata }: { metadata: Metadata }) {
  const problems = sourceProblems(metadata);
  if (problems.length === 0) return null;
  const severity = problems.some((p) => p.severity === 'error') ? 'error' : 'warning';
  return (
    <div className={`banner banner-${severity}`} role="alert" data-testid="degraded-banner">
      <p className="banner-heading">Degraded data: some figures are missing or estimated.</p>
      <ul>
        {problems.map((p) => (
          <li key={p.source} data-source={p.source}>
            <strong>{p.title}.</strong> {p.impact}
            {p.reason && (
              <>
                {' '}
                <span className="banner-reason">Reason: {p.reason}</span>
              </>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
