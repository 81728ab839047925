import { useCallback, useMemo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useApiClient } from '../api/context';
import type { Cell, CellSortKey, CellsResponse, SortOrder } from '../api/types';
import { useResource } from '../api/useResource';
import { CpuBadge, ProvenanceMark } from '../components/Badges';
import { BarChart } from '../components/BarChart';
import { MemoryBar, MemoryLegend } from '../components/MemoryBar';
import { ResourceView } from '../components/ResourceView';
import { SortHeader } from '../components/SortHeader';
import { EmptyState } from '../components/States';
import { Field } from '../components/Field';
import { Tip } from '../components/Tip';
import { cellMemorySpec } from '../charts/spec';
import { barParts, defaultOrder, filterCells, PROVENANCE_LABEL, segmentOptions, sortCells } from '../lib/derive';
import { formatCount, formatMiB, formatPercent } from '../lib/format';
import { GLOSSARY } from '../lib/glossary';
import { updateParams, useLocation, type Location } from '../router';

const SORT_KEYS: readonly CellSortKey[] = ['name', 'allocated', 'used', 'free', 'capacity', 'cpu'];
const ROW_HEIGHT = 52;

function readSort(location: Location): { sort: CellSortKey; order: SortOrder } {
  const raw = location.params.get('sort');
  const sort = SORT_KEYS.find((k) => k === raw) ?? 'name';
  const o = location.params.get('order');
  const order: SortOrder = o === 'asc' || o === 'desc' ? o : defaultOrder(sort);
  return { sort, order };
}

export default function Cells() {
  const client = useApiClient();
  const load = useCallback((options: Parameters<typeof client.cells>[0]) => client.cells(options), [client]);
  const resource = useResource('cells', load, { keep: true });
  return (
    <ResourceView
      title="Cells"
      what="the cells"
      resource={resource}
      intro="Every Diego cell: memory used, allocated but unused, and free; CPU pressure from BOSH vitals."
    >
      {(data) => <CellsBody data={data} />}
    </ResourceView>
  );
}

function CellsBody({ data }: { data: CellsResponse }) {
  const location = useLocation();
  const segmentParam = location.params.get('segment');
  const query = location.params.get('q') ?? '';
  const { sort, order } = readSort(location);
  const options = useMemo(() => segmentOptions(data.cells), [data.cells]);
  // A segment in the URL that the data does not know still filters (to nothing), and says so.
  const segment = segmentParam && segmentParam !== '' ? segmentParam : null;
  const rows = useMemo(
    () => sortCells(filterCells(data.cells, { segment, query }), sort, order),
    [data.cells, segment, query, sort, order],
  );
  const chart = useMemo(() => cellMemorySpec(rows), [rows]);
  const onSort = (key: CellSortKey) => {
    const nextOrder = key === sort ? (order === 'asc' ? 'desc' : 'asc') : defaultOrder(key);
    updateParams(location, { sort: key === 'name' ? null : key, order: nextOrder === defaultOrder(key) ? null : nextOrder });
  };
  const estimates = rows.filter((c) => c.memory.capacity_source !== 'rep_metric').length;
  return (
    <>
      <div className="toolbar" role="search" aria-label="Filter cells">
        <Field label="Segment" className="field">
          {(id) => (
            <select
              id={id}
              value={segment ?? ''}
              onChange={(e) => updateParams(location, { segment: e.target.value || null })}
              data-testid="segment-filter"
            >
              <option value="">All segments ({formatCount(data.cells.length)})</option>
              {options.map((o) => (
                <option key={o.name} value={o.name}>
                  {o.name} ({formatCount(o.count)})
                </option>
              ))}
              {segment !== null && !options.some((o) => o.name === segment) && <option value={segment}>{segment} (0)</option>}
            </select>
          )}
        </Field>
        <Field label="Find a cell" className="field">
          {(id) => (
            <input
              id={id}
              type="search"
              value={query}
              placeholder="name, IP, AZ or deployment"
              onChange={(e) => updateParams(location, { q: e.target.value })}
              data-testid="cell-search"
            />
          )}
        </Field>
        <p className="toolbar-summary" aria-live="polite" data-testid="cell-count">
          Showing {formatCount(rows.length)} of {formatCount(data.cells.length)} cells
          {estimates > 0 && <span className="muted"> · {formatCount(estimates)} with estimated capacity (≈)</span>}
        </p>
      </div>
      {rows.length === 0 ? (
        <EmptyState title={data.cells.length === 0 ? 'No cells found' : 'No cells match these filters'}>
          <p className="muted">
            {data.cells.length === 0
              ? 'None of BOSH, Log Cache or the CF instance placement reported a Diego cell.'
              : 'Choose another segment or clear the search.'}
          </p>
        </EmptyState>
      ) : (
        <>
          <BarChart title={`Memory per cell (${formatCount(rows.length)}, in table order)`} spec={chart} height={200} />
          <CellTable rows={rows} sort={sort} order={order} onSort={onSort} />
        </>
      )}
    </>
  );
}

interface CellTableProps {
  rows: Cell[];
  sort: CellSortKey;
  order: SortOrder;
  onSort: (key: CellSortKey) => void;
}

/** The table renders only the rows in view (plus a margin): 1,000 cells scroll like 10. */
function CellTable({ rows, sort, order, onSort }: CellTableProps) {
  const scroller = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual returns fresh functions by design
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    initialRect: { width: 1200, height: 800 },
  });
  const items = virtualizer.getVirtualItems();
  const padTop = items.length > 0 ? (items[0]?.start ?? 0) : 0;
  const padBottom = items.length > 0 ? virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0) : 0;
  const header = { active: sort, order, onSort };
  return (
    // A scrolling region must be reachable by keyboard to scroll it (WCAG 2.1.1).
    // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
    <div className="table-scroll" ref={scroller} tabIndex={0} role="region" aria-label="Cells table (scrolls)">
      <table className="data-table cells-table" aria-rowcount={rows.length + 1} data-testid="cells-table">
        <caption className="sr-only">Diego cells, sorted by {sort}</caption>
        <colgroup>
          <col className="c-name" />
          <col className="c-seg" />
          <col className="c-bar" />
          <col className="c-num" />
          <col className="c-alloc" />
          <col className="c-num" />
          <col className="c-num" />
          <col className="c-cpu" />
          <col className="c-num" />
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            <SortHeader label="Cell" sortKey="name" {...header} />
            <th scope="col">
              <span className="th-inner">
                Segment <Tip label="Segment">{GLOSSARY.segment}</Tip>
              </span>
            </th>
            <th scope="col">
              <span className="th-inner">
                Memory <MemoryLegend />
              </span>
            </th>
            <SortHeader
              label="Capacity"
              sortKey="capacity"
              {...header}
              className="num"
              tip={<Tip label="Capacity">{GLOSSARY.capacity}</Tip>}
            />
            <SortHeader
              label="Allocated"
              sortKey="allocated"
              {...header}
              className="num"
              tip={<Tip label="Allocated">{GLOSSARY.allocated}</Tip>}
            />
            <SortHeader label="Used" sortKey="used" {...header} className="num" tip={<Tip label="Used">{GLOSSARY.used}</Tip>} />
            <SortHeader label="Free" sortKey="free" {...header} className="num" tip={<Tip label="Free">{GLOSSARY.free}</Tip>} />
            <SortHeader label="CPU" sortKey="cpu" {...header} className="num" tip={<Tip label="CPU">{GLOSSARY.cpu}</Tip>} />
            <th scope="col" className="num">
              <span className="th-inner">
                Containers{' '}
                <Tip label="Containers" align="end">
                  {GLOSSARY.containers}
                </Tip>
              </span>
            </th>
          </tr>
        </thead>
        <tbody>
          {padTop > 0 && (
            <tr aria-hidden="true" className="spacer">
              <td colSpan={9} style={{ height: padTop }} />
            </tr>
          )}
          {items.map((item) => {
            const cell = rows[item.index];
            return cell ? <CellRow key={cell.id} cell={cell} rowIndex={item.index + 2} /> : null;
          })}
          {padBottom > 0 && (
            <tr aria-hidden="true" className="spacer">
              <td colSpan={9} style={{ height: padBottom }} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

function CellRow({ cell, rowIndex }: { cell: Cell; rowIndex: number }) {
  const m = cell.memory;
  const parts = barParts(m);
  const both = m.allocated_rep_mb !== null && m.allocated_rep_mb !== m.allocated_instances_mb;
  const notRunning = cell.job_state !== null && cell.job_state !== 'running';
  return (
    <tr
      aria-rowindex={rowIndex}
      data-testid="cell-row"
      data-segment={cell.segment}
      data-cpu={cell.cpu_percent ?? ''}
      style={{ height: ROW_HEIGHT }}
    >
      <th scope="row" className="cell-name">
        <span className="ellipsis" title={cell.name}>
          {cell.name}
        </span>
        <span className="sub">
          {cell.ip}
          {cell.az ? ` · ${cell.az}` : ''}
          {notRunning && <span className="pill pill-bad"> {cell.job_state}</span>}
        </span>
      </th>
      <td data-field="segment">
        <span className="ellipsis">{cell.segment}</span>
      </td>
      <td>
        <MemoryBar parts={parts} />
      </td>
      <td className="num" data-field="capacity">
        <ProvenanceMark source={m.capacity_source} />
        {formatMiB(m.capacity_mb)}
        <span className="sub">{m.capacity_source === 'rep_metric' ? 'rep' : 'estimate'}</span>
      </td>
      <td className="num" data-field="allocated" title={`Allocated: ${PROVENANCE_LABEL[m.allocated_source]}`}>
        {formatPercent(m.allocated_percent)}
        <span className="sub">
          {formatMiB(m.allocated_mb)}
          {both && <span title="Sum of the instances' memory limits from CF"> · CF {formatMiB(m.allocated_instances_mb)}</span>}
        </span>
      </td>
      <td className="num" data-field="used">
        {formatPercent(m.used_percent)}
        <span className="sub">{formatMiB(m.used_mb)}</span>
      </td>
      <td className="num" data-field="free">
        {formatMiB(m.free_mb)}
      </td>
      <td className="num" data-field="cpu">
        <CpuBadge percent={cell.cpu_percent} />
        {cell.vcpus !== null && <span className="sub">{cell.vcpus} vCPU</span>}
      </td>
      <td className="num" data-field="containers">
        {cell.containers.used !== null && cell.containers.capacity !== null
          ? `${formatCount(cell.containers.used)} / ${formatCount(cell.containers.capacity)}`
          : formatCount(cell.containers.app_instances)}
        <span className="sub">{formatCount(cell.containers.app_instances)} app inst.</span>
      </td>
    </tr>
  );
}
