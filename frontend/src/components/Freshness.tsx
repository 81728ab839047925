import type { Metadata, SourceInfo } from '../api/types';
import { SOURCE_NAME } from '../lib/derive';
import { formatAge, formatTimestamp } from '../lib/format';
import { GLOSSARY } from '../lib/glossary';
import { useNow } from '../hooks/time';
import { Tip } from './Tip';

interface FreshnessProps {
  metadata: Metadata;
  /** When the response arrived (ms), so ages keep counting. */
  receivedAt: number | null;
  refreshing: boolean;
  onRefresh: () => void;
}

const STATUS_TEXT: Record<SourceInfo['status'], string> = {
  fresh: 'fresh',
  stale: 'stale',
  unavailable: 'unavailable',
  not_configured: 'not configured',
  not_used: 'not used here',
  unknown: 'unknown',
};

function sourceTone(info: SourceInfo): string {
  if (info.status === 'unavailable') return 'bad';
  if (info.status === 'stale' || (info.status === 'fresh' && info.reason)) return 'warn';
  if (info.status === 'fresh') return 'good';
  return 'neutral';
}

/** How old the data is, whether it came from the cache, each source's state, and a refresh button. */
export function Freshness({ metadata, receivedAt, refreshing, onRefresh }: FreshnessProps) {
  const now = useNow(10_000);
  const drift = receivedAt ? Math.max(0, Math.floor((now - receivedAt) / 1000)) : 0;
  const age = metadata.age_seconds + drift;
  return (
    <section className="freshness" aria-label="Data freshness" data-testid="freshness">
      <div className="freshness-main">
        <span>
          Data from{' '}
          <time dateTime={metadata.timestamp} title={`Response built ${formatTimestamp(metadata.timestamp)}`} data-testid="data-age">
            {formatAge(age)}
          </time>
        </span>
        <span className={`pill ${metadata.cached ? 'pill-neutral' : 'pill-good'}`}>{metadata.cached ? 'cached' : 'refreshed'}</span>
        {metadata.stale && <span className="pill pill-warn">stale</span>}
        <Tip label="data freshness">{GLOSSARY.freshness}</Tip>
      </div>
      <ul className="sources" aria-label="Sources">
        {(['cf', 'bosh', 'log_cache'] as const).map((s) => {
          const info = metadata.sources[s];
          const sourceAge = info.age_seconds === null ? null : info.age_seconds + drift;
          return (
            <li key={s} className={`source source-${sourceTone(info)}`} data-source={s} data-status={info.status}>
              <span className="dot" aria-hidden="true" />
              {SOURCE_NAME[s]}: {STATUS_TEXT[info.status]}
              {sourceAge !== null && info.status !== 'not_used' && <span className="muted"> · {formatAge(sourceAge)}</span>}
            </li>
          );
        })}
      </ul>
      <button type="button" className="button" onClick={onRefresh} disabled={refreshing} aria-busy={refreshing} data-testid="refresh">
        {refreshing ? 'Refreshing…' : 'Refresh'}
      </button>
    </section>
  );
}
