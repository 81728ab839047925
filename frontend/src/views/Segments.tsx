import { useCallback, useMemo, type ReactNode } from 'react';
import { useApiClient } from '../api/context';
import type { DashboardResponse, Segment } from '../api/types';
import { useResource } from '../api/useResource';
import { CpuBadge, NMinusOneBadge } from '../components/Badges';
import { BarChart } from '../components/BarChart';
import { MemoryBar, MemoryLegend } from '../components/MemoryBar';
import { ResourceView } from '../components/ResourceView';
import { EmptyState } from '../components/States';
import { Tip } from '../components/Tip';
import { nMinusOneSpec, segmentMemorySpec } from '../charts/spec';
import { aggregateBarParts, nMinusOneStatus } from '../lib/derive';
import { formatChunk, formatCount, formatMiB, formatPercent } from '../lib/format';
import { GLOSSARY } from '../lib/glossary';
import { hrefFor } from '../router';

// The dashboard carries the segments together with the chunk size they were counted in.
export default function Segments() {
  const client = useApiClient();
  const load = useCallback((options: Parameters<typeof client.dashboard>[0]) => client.dashboard(options), [client]);
  const resource = useResource('dashboard', load, { keep: true });
  return (
    <ResourceView
      title="Isolation segments"
      what="the segments"
      resource={resource}
      intro="Capacity of each isolation segment and its N−1 headroom: whether its allocated memory still fits when its largest cell is lost."
    >
      {(data) => <SegmentsBody data={data} />}
    </ResourceView>
  );
}

function SegmentsBody({ data }: { data: DashboardResponse }) {
  const memory = useMemo(() => segmentMemorySpec(data.segments), [data.segments]);
  const n1 = useMemo(() => nMinusOneSpec(data.segments), [data.segments]);
  const withCells = data.segments.filter((s) => s.cells > 0).length;
  if (data.segments.length === 0) {
    return <EmptyState title="No isolation segments">The Cloud Foundry API listed no segments, not even the shared one.</EmptyState>;
  }
  const height = Math.max(140, 56 * withCells + 60);
  return (
    <>
      {withCells > 0 && (
        <div className="columns">
          <section className="panel">
            <BarChart title="Capacity by segment" spec={memory} height={height} />
          </section>
          <section className="panel">
            <BarChart title="N−1: allocated vs capacity without the largest cell" spec={n1} height={height} />
          </section>
        </div>
      )}
      <div className="segment-grid">
        {data.segments.map((s) => (
          <SegmentCard key={s.name} segment={s} chunkMb={data.totals.chunk_mb} />
        ))}
      </div>
    </>
  );
}

function Figure({ label, tip, children, field }: { label: string; tip?: string; children: ReactNode; field: string }) {
  return (
    <div className="figure" data-field={field}>
      <dt>
        {label}
        {tip && <Tip label={label}>{tip}</Tip>}
      </dt>
      <dd>{children}</dd>
    </div>
  );
}

function SegmentCard({ segment: s, chunkMb }: { segment: Segment; chunkMb: number }) {
  const status = nMinusOneStatus(s);
  const chunk = formatChunk(chunkMb);
  const util = s.n_minus_one.utilization_percent;
  const headingId = `segment-${s.name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
  const states = s.instance_states;
  return (
    <article className={`panel segment-card n1-border-${status.level}`} aria-labelledby={headingId} data-testid={`segment-card-${s.name}`}>
      <header className="segment-card-header">
        <h2 id={headingId}>{s.name}</h2>
        <NMinusOneBadge status={status} />
      </header>
      {s.cells > 0 ? (
        <>
          <MemoryBar parts={aggregateBarParts(s)} size="large" />
          <MemoryLegend />
        </>
      ) : (
        <p className="muted">
          No cells serve this segment{s.apps_started > 0 ? `, yet ${formatCount(s.apps_started)} started apps are bound to it` : ''}.
        </p>
      )}
      <p className={`n1-text n1-text-${status.level}`} data-testid="n1-text">
        {status.text}
      </p>
      {s.cells > 1 && util !== null && (
        <div className="meter-row">
          <span className="meter-label" id={`${headingId}-util`}>
            N−1 utilisation <Tip label="N−1 utilisation">{GLOSSARY.nMinusOneUtil}</Tip>
          </span>
          <div
            className="meter"
            role="meter"
            aria-labelledby={`${headingId}-util`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(util)}
            aria-valuetext={formatPercent(util)}
          >
            <span className={`meter-fill n1-fill-${status.level}`} style={{ width: `${Math.min(100, util)}%` }} />
          </div>
          <span className="meter-value">{formatPercent(util)}</span>
        </div>
      )}
      <dl className="figures">
        <Figure label="Cells" field="cells">
          <a href={hrefFor('/cells', { segment: s.name })}>{formatCount(s.cells)}</a>
          {s.cells_without_capacity > 0 && <span className="sub">{formatCount(s.cells_without_capacity)} without capacity</span>}
        </Figure>
        <Figure label="Capacity" tip={GLOSSARY.capacity} field="capacity">
          {formatMiB(s.capacity_mb)}
        </Figure>
        <Figure label="Allocated" tip={GLOSSARY.allocated} field="allocated">
          {formatPercent(s.allocated_percent)}{' '}
          <span className="sub">
            {formatMiB(s.allocated_mb)} (CF: {formatMiB(s.allocated_instances_mb)})
          </span>
        </Figure>
        <Figure label="Used" tip={GLOSSARY.used} field="used">
          {formatPercent(s.used_percent)} <span className="sub">{formatMiB(s.used_mb)}</span>
        </Figure>
        <Figure label={`Free ${chunk} chunks`} tip={GLOSSARY.freeChunks(chunk)} field="free-chunks">
          {formatCount(s.free_chunks)} <span className="sub">{formatMiB(s.free_mb)} free</span>
        </Figure>
        <Figure label="Largest cell" tip={GLOSSARY.nMinusOne} field="largest">
          {formatMiB(s.largest_cell_mb)} <span className="sub">without it: {formatMiB(s.n_minus_one.capacity_without_largest_mb)}</span>
        </Figure>
        <Figure label="Requested by apps" tip={GLOSSARY.requested} field="requested">
          {formatMiB(s.requested_mb)} <span className="sub">{formatCount(s.apps_started)} started apps</span>
        </Figure>
        <Figure label="Average CPU" tip={GLOSSARY.avgCpu} field="cpu">
          <CpuBadge percent={s.avg_cpu_percent} />
        </Figure>
        <Figure label="Instances" tip={GLOSSARY.instances} field="instances">
          {formatCount(states.running)} running
          <span className="sub">
            {formatCount(states.starting)} starting ·{' '}
            <span className={states.crashed ? 'text-bad' : ''}>{formatCount(states.crashed)} crashed</span> ·{' '}
            <span className={states.down ? 'text-bad' : ''}>{formatCount(states.down)} down</span>
          </span>
        </Figure>
      </dl>
    </article>
  );
}
