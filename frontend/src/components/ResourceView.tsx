import type { ReactNode } from 'react';
import type { Metadata } from '../api/types';
import type { Resource } from '../api/useResource';
import { DegradedBanner } from './Banner';
import { Freshness } from './Freshness';
import { ErrorState, LoadingState } from './States';

interface ResourceViewProps<T extends { metadata: Metadata }> {
  title: string;
  /** What is loading, for the progress text: "the dashboard". */
  what: string;
  resource: Resource<T>;
  /** Shown beside the title. */
  intro?: ReactNode;
  children: (data: T) => ReactNode;
}

/**
 * The frame every view shares: heading, freshness and refresh, the degraded banner, and the
 * loading / error states. Data already shown stays on screen while a refresh runs, and a
 * failed refresh says so above it.
 */
export function ResourceView<T extends { metadata: Metadata }>({ title, what, resource, intro, children }: ResourceViewProps<T>) {
  const { data, error, loading } = resource;
  return (
    <section className="view" aria-labelledby="view-title" aria-busy={loading}>
      <header className="view-header">
        <div>
          <h1 id="view-title" tabIndex={-1}>
            {title}
          </h1>
          {intro && <p className="view-intro">{intro}</p>}
        </div>
        {data && (
          <Freshness
            metadata={data.metadata}
            receivedAt={resource.receivedAt}
            refreshing={resource.refreshing}
            onRefresh={resource.refresh}
          />
        )}
      </header>
      {data && loading && (
        <div className="refresh-status" role="status">
          <progress className="progress progress-thin" aria-label={`${resource.refreshing ? 'Refreshing' : 'Updating'} ${what}`} />
          <span className="sr-only">
            {resource.refreshing ? 'Refreshing' : 'Updating'} {what}…
          </span>
        </div>
      )}
      {data && error && (
        <div className="banner banner-error" role="alert">
          <p className="banner-heading">
            Could not update {what}: {error.summary}
            {error.status > 0 ? ` (HTTP ${error.status})` : ''}. Showing the previous data.
          </p>
          {error.details && <p className="banner-reason">{error.details}</p>}
        </div>
      )}
      {data && <DegradedBanner metadata={data.metadata} />}
      {!data && loading && <LoadingState what={what} progress={resource.progress} startedAt={resource.startedAt} />}
      {!data && error && <ErrorState title={`Could not load ${what}`} error={error} onRetry={resource.retry} />}
      {data && children(data)}
    </section>
  );
}
