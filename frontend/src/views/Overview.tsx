import { useCallback, useMemo } from 'react';
import { useApiClient } from '../api/context';
import type { AppSummary, DashboardResponse, Segment, Totals } from '../api/types';
import { useResource } from '../api/useResource';
import { CpuBadge, NMinusOneBadge } from '../components/Badges';
import { BarChart } from '../components/BarChart';
import { Kpi } from '../components/Kpi';
import { MemoryBar, MemoryLegend } from '../components/MemoryBar';
import { ResourceView } from '../components/ResourceView';
import { Tip } from '../components/Tip';
import { segmentMemorySpec } from '../charts/spec';
import { aggregateBarParts, cpuBand, CPU_BAND_LABEL, nMinusOneStatus } from '../lib/derive';
import { formatChunk, formatCount, formatMiB, formatPercent, plural } from '../lib/format';
import { GLOSSARY } from '../lib/glossary';
import { hrefFor } from '../router';

export default function Overview() {
  const client = useApiClient();
  const load = useCallback((options: Parameters<typeof client.dashboard>[0]) => client.dashboard(options), [client]);
  const resource = useResource('dashboard', load, { keep: true });
  return (
    <ResourceView
      title="Overview"
      what="the dashboard"
      resource={resource}
      intro="How full the Diego cells are, per isolation segment, and whether each segment survives losing a cell."
    >
      {(data) => <OverviewBody data={data} />}
    </ResourceView>
  );
}

function OverviewBody({ data }: { data: DashboardResponse }) {
  const { totals, segments } = data;
  const chart = useMemo(() => segmentMemorySpec(segments), [segments]);
  const withCells = segments.filter((s) => s.cells > 0);
  return (
    <>
      <Headline totals={totals} segments={segments} />
      <section className="panel" aria-labelledby="segments-heading">
        <div className="panel-header">
          <h2 id="segments-heading">Isolation segments</h2>
          <a href={hrefFor('/segments')}>Segment details</a>
        </div>
        {withCells.length > 0 ? (
          <BarChart title="Memory by isolation segment" spec={chart} height={Math.max(140, 56 * withCells.length + 60)} />
        ) : null}
        <SegmentTable segments={segments} chunkMb={totals.chunk_mb} />
      </section>
      <div className="columns">
        <AppList
          id="top-apps"
          title="Largest memory requests"
          apps={data.top_apps}
          figure="requested"
          more={hrefFor('/apps', { sort: 'requested' })}
        />
        <AppList
          id="right-sizing"
          title="Right-sizing opportunities"
          apps={data.right_sizing}
          figure="reclaimable"
          more={hrefFor('/apps', { sort: 'reclaimable' })}
        />
      </div>
      {data.notes.length > 0 && (
        <section className="panel notes" aria-labelledby="notes-heading">
          <h2 id="notes-heading">Data-quality notes</h2>
          <ul data-testid="notes">
            {data.notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

function Headline({ totals, segments }: { totals: Totals; segments: Segment[] }) {
  const chunk = formatChunk(totals.chunk_mb);
  const judged = segments.filter((s) => s.cells > 0);
  const failing = judged.filter((s) => !s.n_minus_one.fits);
  const band = cpuBand(totals.avg_cpu_percent);
  const states = totals.instance_states;
  return (
    <dl className="kpis" aria-label="Foundation totals">
      <Kpi
        id="cells"
        label="Cells"
        value={formatCount(totals.cells)}
        raw={totals.cells}
        tip={GLOSSARY.cells}
        sub={
          totals.cells_without_capacity > 0
            ? `${formatCount(totals.cells_without_capacity)} without known capacity`
            : plural(totals.segments, 'isolation segment')
        }
        tone={totals.cells_without_capacity > 0 ? 'warn' : 'neutral'}
      />
      <Kpi
        id="capacity"
        label="Capacity"
        value={formatMiB(totals.capacity_mb)}
        raw={totals.capacity_mb}
        tip={GLOSSARY.capacity}
        sub={`${formatMiB(totals.requested_mb)} requested by apps`}
      />
      <Kpi
        id="allocated"
        label="Allocated"
        value={formatPercent(totals.allocated_percent)}
        raw={totals.allocated_percent}
        tip={`${GLOSSARY.allocated} ${GLOSSARY.allocatedPercent}`}
        sub={`${formatMiB(totals.allocated_mb)} of ${formatMiB(totals.capacity_mb)}`}
      />
      <Kpi
        id="used"
        label="Used"
        value={formatPercent(totals.used_percent)}
        raw={totals.used_percent}
        tip={`${GLOSSARY.used} ${GLOSSARY.usedPercent}`}
        sub={`${formatMiB(totals.used_mb)} in use`}
      />
      <Kpi
        id="free-chunks"
        label={`Free ${chunk} chunks`}
        value={formatCount(totals.free_chunks)}
        raw={totals.free_chunks}
        tip={GLOSSARY.freeChunks(chunk)}
        sub={`${formatMiB(totals.free_mb)} free in total`}
        tone={totals.free_chunks === 0 ? 'bad' : 'neutral'}
      />
      <Kpi
        id="n-minus-one"
        label="N−1"
        value={
          judged.length === 0
            ? '—'
            : failing.length === 0
              ? `All ${formatCount(judged.length)} pass`
              : `${formatCount(failing.length)} of ${formatCount(judged.length)} fail`
        }
        raw={totals.segments_failing_n_minus_one}
        tip={GLOSSARY.nMinusOne}
        sub={failing.length > 0 ? `Failing: ${failing.map((s) => s.name).join(', ')}` : 'every segment survives losing its largest cell'}
        tone={failing.length > 0 ? 'bad' : 'good'}
      />
      <Kpi
        id="cpu"
        label="Average cell CPU"
        value={formatPercent(totals.avg_cpu_percent)}
        raw={totals.avg_cpu_percent}
        tip={GLOSSARY.avgCpu}
        sub={band === 'unknown' ? 'no BOSH vitals' : `${CPU_BAND_LABEL[band]} (user + sys + wait)`}
        tone={band === 'hot' ? 'bad' : band === 'warn' ? 'warn' : 'neutral'}
      />
      <Kpi
        id="apps"
        label="Apps started"
        value={formatCount(totals.apps_started)}
        raw={totals.apps_started}
        tip={GLOSSARY.requested}
        sub={`of ${formatCount(totals.apps)} apps · ${formatCount(states.crashed)} crashed, ${formatCount(states.down)} down instances`}
        tone={states.down > 0 ? 'warn' : 'neutral'}
      />
    </dl>
  );
}

function SegmentTable({ segments, chunkMb }: { segments: Segment[]; chunkMb: number }) {
  const chunk = formatChunk(chunkMb);
  return (
    <div className="table-wrap">
      <table className="data-table" data-testid="segment-table">
        <caption className="sr-only">Capacity per isolation segment</caption>
        <thead>
          <tr>
            <th scope="col">Segment</th>
            <th scope="col" className="num">
              <span className="th-inner">Cells</span>
            </th>
            <th scope="col" className="bar-col">
              <span className="th-inner">
                Memory <MemoryLegend />
              </span>
            </th>
            <th scope="col" className="num">
              <span className="th-inner">
                Capacity <Tip label="Capacity">{GLOSSARY.capacity}</Tip>
              </span>
            </th>
            <th scope="col" className="num">
              <span className="th-inner">
                Allocated <Tip label="Allocated">{GLOSSARY.allocated}</Tip>
              </span>
            </th>
            <th scope="col" className="num">
              <span className="th-inner">
                Used <Tip label="Used">{GLOSSARY.used}</Tip>
              </span>
            </th>
            <th scope="col" className="num">
              <span className="th-inner">
                Free {chunk} chunks <Tip label="Free chunks">{GLOSSARY.freeChunks(chunk)}</Tip>
              </span>
            </th>
            <th scope="col">
              <span className="th-inner">
                N−1 <Tip label="N−1">{GLOSSARY.nMinusOne}</Tip>
              </span>
            </th>
            <th scope="col" className="num">
              <span className="th-inner">
                Avg CPU{' '}
                <Tip label="Average CPU" align="end">
                  {GLOSSARY.avgCpu}
                </Tip>
              </span>
            </th>
          </tr>
        </thead>
        <tbody>
          {segments.map((s) => {
            const status = nMinusOneStatus(s);
            return (
              <tr key={s.name} data-testid={`segment-row-${s.name}`} data-segment={s.name}>
                <th scope="row">
                  <a href={hrefFor('/cells', { segment: s.name })}>{s.name}</a>
                </th>
                <td className="num" data-field="cells">
                  {formatCount(s.cells)}
                </td>
                <td className="bar-col">
                  {s.cells > 0 ? <MemoryBar parts={aggregateBarParts(s)} /> : <span className="muted">no cells</span>}
                </td>
                <td className="num" data-field="capacity">
                  {formatMiB(s.capacity_mb)}
                </td>
                <td className="num" data-field="allocated">
                  {formatPercent(s.allocated_percent)}
                  <span className="sub">{formatMiB(s.allocated_mb)}</span>
                </td>
                <td className="num" data-field="used">
                  {formatPercent(s.used_percent)}
                  <span className="sub">{formatMiB(s.used_mb)}</span>
                </td>
                <td className="num" data-field="free-chunks">
                  {formatCount(s.free_chunks)}
                  <span className="sub">{formatMiB(s.free_mb)} free</span>
                </td>
                <td data-field="n-minus-one">
                  <NMinusOneBadge status={status} />
                  <span className="sub">
                    {s.n_minus_one.utilization_percent === null
                      ? ''
                      : `${formatPercent(s.n_minus_one.utilization_percent)} of N−1 capacity`}
                  </span>
                </td>
                <td className="num" data-field="cpu">
                  <CpuBadge percent={s.avg_cpu_percent} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function AppList({
  id,
  title,
  apps,
  figure,
  more,
}: {
  id: string;
  title: string;
  apps: AppSummary[];
  figure: 'requested' | 'reclaimable';
  more: string;
}) {
  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <div className="panel-header">
        <h2 id={`${id}-heading`}>
          {title} <Tip label={title}>{figure === 'requested' ? GLOSSARY.requested : `${GLOSSARY.reclaimable} ${GLOSSARY.rightSizing}`}</Tip>
        </h2>
        <a href={more}>All apps</a>
      </div>
      {apps.length === 0 ? (
        <p className="muted">
          {figure === 'reclaimable' ? 'No right-sizing needed: every app is sized close to its peak usage.' : 'No started apps.'}
        </p>
      ) : (
        <table className="data-table compact" data-testid={id}>
          <thead>
            <tr>
              <th scope="col">App</th>
              <th scope="col">Segment</th>
              <th scope="col" className="num">
                Requested
              </th>
              <th scope="col" className="num">
                Used
              </th>
              {figure === 'reclaimable' && (
                <th scope="col" className="num">
                  Frees
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {apps.map((a) => (
              <tr key={a.guid}>
                <th scope="row">
                  <a href={hrefFor('/apps', { q: a.guid })}>{a.name}</a>
                  <span className="sub">
                    {a.org} / {a.space} · {plural(a.instances, 'instance')}
                  </span>
                </th>
                <td>{a.segment}</td>
                <td className="num">{formatMiB(a.requested_mb)}</td>
                <td className="num">{formatMiB(a.used_mb)}</td>
                {figure === 'reclaimable' && <td className="num strong">{formatMiB(a.reclaimable_mb)}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
