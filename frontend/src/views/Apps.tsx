import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useApiClient } from '../api/context';
import type { App, AppSortKey, AppsQuery, AppsResponse } from '../api/types';
import { useResource } from '../api/useResource';
import { ResourceView } from '../components/ResourceView';
import { SortHeader } from '../components/SortHeader';
import { EmptyState } from '../components/States';
import { Field } from '../components/Field';
import { Tip } from '../components/Tip';
import { pageInfo, rightSizingSuggestions, usageOfRequest } from '../lib/derive';
import { formatCount, formatMiB, formatPercent } from '../lib/format';
import { GLOSSARY } from '../lib/glossary';
import { appsQueryFrom, DEFAULT_PAGE_SIZE, defaultAppOrder, PAGE_SIZES, SEARCH_DEBOUNCE_MS } from '../lib/appsQuery';
import { updateParams, useLocation, type Location } from '../router';

export default function Apps() {
  const client = useApiClient();
  const location = useLocation();
  const { page, size, ...query } = appsQueryFrom(location);
  const key = JSON.stringify(query);
  const load = useCallback(
    (options: Parameters<typeof client.apps>[1]) => client.apps(JSON.parse(key) as AppsQuery, options),
    [client, key],
  );
  const resource = useResource(`apps:${key}`, load);
  const loadSegments = useCallback((options: Parameters<typeof client.segments>[0]) => client.segments(options), [client]);
  const segments = useResource('segments', loadSegments);
  const segmentNames = useMemo(() => segments.data?.segments.map((s) => s.name) ?? [], [segments.data]);
  return (
    <ResourceView
      title="Apps"
      what="the apps"
      resource={resource}
      intro="Requested against used memory per app, and the right-sizing that would free memory on the cells."
    >
      {(data) => (
        <AppsBody
          data={data}
          location={location}
          query={query}
          page={page}
          size={size}
          segmentNames={segmentNames}
          pending={!resource.current && resource.loading}
        />
      )}
    </ResourceView>
  );
}

interface AppsBodyProps {
  data: AppsResponse;
  location: Location;
  query: AppsQuery;
  page: number;
  size: number;
  segmentNames: string[];
  /** The page shown answers an older query while the new one loads. */
  pending: boolean;
}

function AppsBody({ data, location, query, page, size, segmentNames, pending }: AppsBodyProps) {
  const sort = query.sort ?? 'requested';
  const order = query.order ?? 'desc';
  const info = pageInfo(data.total, data.limit, data.offset);
  const setFilter = (changes: Record<string, string | null>) => updateParams(location, { ...changes, page: null });
  const onSort = (key: AppSortKey) => {
    const next = key === sort ? (order === 'asc' ? 'desc' : 'asc') : defaultAppOrder(key);
    setFilter({ sort: key === 'requested' ? null : key, order: next === defaultAppOrder(key) ? null : next });
  };
  const goTo = (p: number) => updateParams(location, { page: p > 1 ? p : null }, { replace: false });
  const header = { active: sort, order, onSort };
  const filtered = Boolean(query.q || query.segment || query.state);
  return (
    <>
      <div className="toolbar" role="search" aria-label="Find apps">
        <SearchBox value={query.q ?? ''} onCommit={(q) => setFilter({ q: q || null })} />
        <Field label="Segment" className="field">
          {(id) => (
            <select
              id={id}
              value={query.segment ?? ''}
              onChange={(e) => setFilter({ segment: e.target.value || null })}
              data-testid="app-segment-filter"
            >
              <option value="">All segments</option>
              {segmentNames.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
              {query.segment && !segmentNames.includes(query.segment) && <option value={query.segment}>{query.segment}</option>}
            </select>
          )}
        </Field>
        <Field label="State" className="field">
          {(id) => (
            <select
              id={id}
              value={query.state ?? ''}
              onChange={(e) => setFilter({ state: e.target.value || null })}
              data-testid="app-state-filter"
            >
              <option value="">Any state</option>
              <option value="started">Started</option>
              <option value="stopped">Stopped</option>
            </select>
          )}
        </Field>
        <p className="toolbar-summary" aria-live="polite" data-testid="app-count">
          {pending
            ? 'Loading…'
            : data.total === 0
              ? 'No apps'
              : `Showing ${formatCount(info.first)}–${formatCount(info.last)} of ${formatCount(data.total)} apps`}
        </p>
      </div>
      {data.apps.length === 0 ? (
        <EmptyState title={filtered ? 'No apps match these filters' : data.total > 0 ? 'No apps on this page' : 'No apps'}>
          {filtered && (
            <button type="button" className="button" onClick={() => setFilter({ q: null, segment: null, state: null })}>
              Clear filters
            </button>
          )}
          {!filtered && data.total > 0 && (
            <button type="button" className="button" onClick={() => goTo(1)}>
              First page
            </button>
          )}
        </EmptyState>
      ) : (
        <div className={`table-wrap surface${pending ? ' pending' : ''}`} aria-busy={pending}>
          <table className="data-table apps-table" data-testid="apps-table">
            <caption className="sr-only">
              Apps sorted by {sort}, {order === 'asc' ? 'ascending' : 'descending'}; page {info.page} of {info.pages}
            </caption>
            <thead>
              <tr>
                <SortHeader label="App" sortKey="name" {...header} />
                <th scope="col">Segment</th>
                <th scope="col">State</th>
                <SortHeader
                  label="Instances"
                  sortKey="instances"
                  {...header}
                  className="num"
                  tip={<Tip label="Instances">{GLOSSARY.instances}</Tip>}
                />
                <SortHeader
                  label="Requested"
                  sortKey="requested"
                  {...header}
                  className="num"
                  tip={<Tip label="Requested">{GLOSSARY.requested}</Tip>}
                />
                <SortHeader label="Used" sortKey="used" {...header} className="num" tip={<Tip label="Used">{GLOSSARY.appUsed}</Tip>} />
                <th scope="col">
                  <span className="th-inner">
                    Right-sizing <Tip label="Right-sizing">{GLOSSARY.rightSizing}</Tip>
                  </span>
                </th>
                <SortHeader
                  label="Frees"
                  sortKey="reclaimable"
                  {...header}
                  className="num"
                  tip={
                    <Tip label="Frees" align="end">
                      {GLOSSARY.reclaimable}
                    </Tip>
                  }
                />
              </tr>
            </thead>
            <tbody>
              {data.apps.map((app) => (
                <AppRow key={app.guid} app={app} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager" aria-label="Pages of apps">
        <button
          type="button"
          className="button"
          disabled={!info.hasPrevious || pending}
          onClick={() => goTo(page - 1)}
          data-testid="page-previous"
        >
          Previous
        </button>
        <span data-testid="page-info">
          Page {formatCount(info.page)} of {formatCount(info.pages)}
        </span>
        <button type="button" className="button" disabled={!info.hasNext || pending} onClick={() => goTo(page + 1)} data-testid="page-next">
          Next
        </button>
        <Field label="Per page" className="field field-inline">
          {(id) => (
            <select
              id={id}
              value={size}
              onChange={(e) => setFilter({ size: Number(e.target.value) === DEFAULT_PAGE_SIZE ? null : e.target.value })}
            >
              {PAGE_SIZES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          )}
        </Field>
      </nav>
    </>
  );
}

/** The search field: the server is asked once typing pauses, or at once on Enter. */
export function SearchBox({ value, onCommit }: { value: string; onCommit: (q: string) => void }) {
  const [text, setText] = useState(value);
  const [seen, setSeen] = useState(value);
  // A new value from outside (a link, the back button) replaces what is typed.
  if (value !== seen) {
    setSeen(value);
    setText(value);
  }
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const commit = (q: string) => {
    clearTimeout(timer.current);
    if (q.trim() !== value) onCommit(q.trim());
  };
  return (
    <Field label="Search" className="field field-grow">
      {(id) => (
        <input
          id={id}
          type="search"
          value={text}
          placeholder="app, space or org name, or a guid prefix"
          data-testid="app-search"
          onChange={(e) => {
            const q = e.target.value;
            setText(q);
            clearTimeout(timer.current);
            timer.current = setTimeout(() => commit(q), SEARCH_DEBOUNCE_MS);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit(text);
          }}
        />
      )}
    </Field>
  );
}

function UsageBar({ requested, used }: { requested: number; used: number | null }) {
  const pct = usageOfRequest(requested, used);
  if (pct === null) return null;
  return (
    <span
      className="usagebar"
      role="img"
      aria-label={`uses ${formatPercent(pct, 0)} of its request`}
      title={`Uses ${formatPercent(pct, 0)} of requested memory`}
    >
      <span className="usagebar-fill" style={{ width: `${Math.min(100, pct)}%` }} />
    </span>
  );
}

function AppRow({ app }: { app: App }) {
  const suggestions = rightSizingSuggestions(app);
  const s = app.instance_states;
  return (
    <tr data-testid="app-row" data-guid={app.guid}>
      <th scope="row">
        <span className="app-name">{app.name}</span>
        <span className="sub">
          {app.org} / {app.space}
        </span>
      </th>
      <td>{app.segment}</td>
      <td>
        <span className={`pill ${app.state === 'STARTED' ? 'pill-good' : 'pill-neutral'}`}>{app.state.toLowerCase()}</span>
      </td>
      <td className="num">
        {formatCount(s.running)} / {formatCount(app.instances)}
        {(s.crashed > 0 || s.down > 0 || s.starting > 0) && (
          <span className="sub">
            {[s.starting && `${s.starting} starting`, s.crashed && `${s.crashed} crashed`, s.down && `${s.down} down`]
              .filter(Boolean)
              .join(' · ')}
          </span>
        )}
      </td>
      <td className="num" data-field="requested">
        {formatMiB(app.requested_mb)}
      </td>
      <td className="num" data-field="used">
        {formatMiB(app.used_mb)}
        <UsageBar requested={app.requested_mb} used={app.used_mb} />
      </td>
      <td data-field="right-sizing">
        {suggestions.length === 0 ? (
          <span className="muted">{app.state === 'STARTED' ? 'sized well' : '—'}</span>
        ) : (
          <ul className="suggestions">
            {suggestions.map((p) => (
              <li key={p.type}>
                <span className="proc">{p.type}</span> ×{p.instances}: {formatCount(p.currentMb)} →{' '}
                <strong>{formatCount(p.recommendedMb)} MiB</strong>
                {p.peakMb !== null && <span className="muted"> (peak {formatMiB(p.peakMb)})</span>}
              </li>
            ))}
          </ul>
        )}
      </td>
      <td className="num strong" data-field="reclaimable">
        {app.reclaimable_mb > 0 ? formatMiB(app.reclaimable_mb) : <span className="muted">0</span>}
      </td>
    </tr>
  );
}
