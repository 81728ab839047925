// Derived figures the views show, as pure functions of the API's JSON.

import type { App, Cell, CellSortKey, Metadata, Provenance, Segment, SortOrder, SourceName } from '../api/types';
import { formatAge, formatMiB, formatPercent } from './format';

// ---------------------------------------------------------------------------------------------
// Stacked memory bars

export interface BarParts {
  /** Σ usage of instances (MiB). */
  used: number;
  /** Allocated but not used (MiB): reserved by Diego, idle. */
  reserved: number;
  /** Capacity − allocated (MiB). */
  free: number;
  /** What 100 % of the bar stands for (MiB). */
  scale: number;
  /** Shares of the bar in percent (sum ≤ 100). */
  usedPct: number;
  reservedPct: number;
  freePct: number;
  /** Allocation exceeds known capacity. */
  overcommitted: boolean;
  /** No capacity figure: the bar is scaled to allocation alone. */
  capacityKnown: boolean;
}

/**
 * The three parts of a memory bar: used = `used_mb`, allocated-but-unused = `allocated − used`,
 * free = `free_mb`. Scaled to capacity, or to the largest figure when allocation exceeds it.
 */
export function barParts(memory: { capacity_mb: number | null; allocated_mb: number; used_mb: number; free_mb: number | null }): BarParts {
  const used = Math.max(0, memory.used_mb);
  const reserved = Math.max(0, memory.allocated_mb - used);
  const free = Math.max(0, memory.free_mb ?? 0);
  const capacityKnown = memory.capacity_mb !== null;
  const scale = Math.max(memory.capacity_mb ?? 0, used + reserved + free, 1);
  const pct = (v: number) => (v / scale) * 100;
  return {
    used,
    reserved,
    free,
    scale,
    usedPct: pct(used),
    reservedPct: pct(reserved),
    freePct: pct(free),
    overcommitted: capacityKnown && memory.allocated_mb > (memory.capacity_mb ?? 0),
    capacityKnown,
  };
}

/** Bar parts of a segment or of the foundation totals. */
export function aggregateBarParts(s: { capacity_mb: number; allocated_mb: number; used_mb: number; free_mb: number }): BarParts {
  return barParts({ capacity_mb: s.capacity_mb, allocated_mb: s.allocated_mb, used_mb: s.used_mb, free_mb: s.free_mb });
}

/** Words for a screen reader: "used 20.7 GiB, allocated but unused 42.2 GiB, free 104 MiB of 63.0 GiB". */
export function describeBar(parts: BarParts): string {
  const total = parts.capacityKnown ? ` of ${formatMiB(parts.scale)}` : ' (capacity unknown)';
  return (
    `used ${formatMiB(parts.used)}, allocated but unused ${formatMiB(parts.reserved)}, ` +
    `free ${formatMiB(parts.free)}${total}` +
    (parts.overcommitted ? ', over-committed' : '')
  );
}

// ---------------------------------------------------------------------------------------------
// CPU bands

export type CpuBand = 'ok' | 'warn' | 'hot' | 'unknown';

/** CPU pressure (user + sys + wait, % of the VM): < 50 ok, 50–80 warn, > 80 hot. */
export function cpuBand(percent: number | null | undefined): CpuBand {
  if (percent === null || percent === undefined || !Number.isFinite(percent)) return 'unknown';
  if (percent < 50) return 'ok';
  if (percent <= 80) return 'warn';
  return 'hot';
}

export const CPU_BAND_LABEL: Record<CpuBand, string> = {
  ok: 'normal',
  warn: 'elevated',
  hot: 'high',
  unknown: 'no vitals',
};

// ---------------------------------------------------------------------------------------------
// N−1

export type NMinusOneLevel = 'ok' | 'tight' | 'fail' | 'empty';

export interface NMinusOneStatus {
  level: NMinusOneLevel;
  /** Short label: "OK", "Tight", "Fails", "No cells". */
  label: string;
  /** One sentence with the figures it is computed from. */
  text: string;
  /** Allocated memory that would not fit with the largest cell gone (MiB). */
  shortfallMb: number;
}

/** Utilisation above which a segment that still fits N−1 is called tight. */
export const N_MINUS_ONE_TIGHT_PERCENT = 90;

export function nMinusOneStatus(segment: Pick<Segment, 'cells' | 'allocated_mb' | 'largest_cell_mb' | 'n_minus_one'>): NMinusOneStatus {
  const n1 = segment.n_minus_one;
  const remaining = formatMiB(n1.capacity_without_largest_mb);
  const allocated = formatMiB(segment.allocated_mb);
  if (segment.cells === 0) {
    return { level: 'empty', label: 'No cells', text: 'No cells serve this segment.', shortfallMb: 0 };
  }
  const shortfallMb = Math.max(0, segment.allocated_mb - n1.capacity_without_largest_mb);
  if (!n1.fits) {
    const why =
      segment.cells === 1
        ? 'A single cell: losing it leaves no capacity.'
        : `Without its largest cell (${formatMiB(segment.largest_cell_mb)}) it has ${remaining} for ${allocated} allocated`;
    return {
      level: 'fail',
      label: 'Fails',
      text: segment.cells === 1 ? why : `${why}: ${formatMiB(shortfallMb)} would not fit.`,
      shortfallMb,
    };
  }
  const util = n1.utilization_percent;
  const tight = util !== null && util >= N_MINUS_ONE_TIGHT_PERCENT;
  return {
    level: tight ? 'tight' : 'ok',
    label: tight ? 'Tight' : 'OK',
    text: `Survives losing its largest cell: ${allocated} allocated fits in ${remaining} ` + `(${formatPercent(util)} used).`,
    shortfallMb: 0,
  };
}

// ---------------------------------------------------------------------------------------------
// Provenance

export const PROVENANCE_LABEL: Record<Provenance, string> = {
  rep_metric: "Diego rep's own gauge (Log Cache)",
  bosh_cloud_properties: "estimate from the BOSH VM's RAM (cloud_properties)",
  bosh_vitals: 'estimate from BOSH vitals (mem.kb ÷ mem.percent)',
  configured: 'the configured cell size (estimate)',
  cf_instances: 'sum of instance memory limits from CF process stats',
  unknown: 'unknown: no source could tell',
};

/** Whether a capacity figure is an estimate rather than Diego's own. */
export function isEstimate(source: Provenance): boolean {
  return source !== 'rep_metric';
}

// ---------------------------------------------------------------------------------------------
// Freshness and degraded sources

export type Severity = 'error' | 'warning' | 'info';

export interface SourceProblem {
  source: SourceName;
  /** "BOSH", "Log Cache", "Cloud Foundry API". */
  name: string;
  severity: Severity;
  /** The banner's headline: "BOSH unavailable: cell vitals not shown". */
  title: string;
  /** What the operator is missing or should read with care. */
  impact: string;
  reason: string | null;
}

export const SOURCE_NAME: Record<SourceName, string> = {
  cf: 'Cloud Foundry API',
  bosh: 'BOSH',
  log_cache: 'Log Cache',
};

const MISSING: Record<SourceName, { what: string; impact: string }> = {
  cf: {
    what: 'apps and instance placement',
    impact: 'App demand and instance placement may be out of date.',
  },
  bosh: {
    what: 'cell vitals',
    impact: 'CPU and VM health per cell are not shown; cells only Diego and CF know are still listed.',
  },
  log_cache: {
    what: "Diego's own capacity figures",
    impact:
      'Cell capacity and allocation are estimates (from BOSH VM sizes and CF instance limits), ' +
      'not the rep’s CapacityTotalMemory / CapacityRemainingMemory.',
  },
};

/**
 * One entry per source the operator must know about: unavailable, stale (past its TTL), or
 * fresh but whose last refresh failed (the previous collection is shown). Sources a view does
 * not use (`not_used`) and sources that are not configured are not problems of this response.
 */
export function sourceProblems(metadata: Metadata): SourceProblem[] {
  const problems: SourceProblem[] = [];
  for (const source of ['cf', 'bosh', 'log_cache'] as const) {
    const info = metadata.sources[source];
    const name = SOURCE_NAME[source];
    const { what, impact } = MISSING[source];
    if (info.status === 'unavailable') {
      problems.push({
        source,
        name,
        severity: 'error',
        title: `${name} unavailable: ${what} not shown`,
        impact,
        reason: info.reason,
      });
    } else if (info.status === 'stale') {
      problems.push({
        source,
        name,
        severity: 'warning',
        title: `${name} stale: ${what} are from ${formatAge(info.age_seconds)}`,
        impact: `${name} could not be refreshed; its last collection is past its time to live.`,
        reason: info.reason,
      });
    } else if (info.status === 'fresh' && info.reason) {
      problems.push({
        source,
        name,
        severity: 'warning',
        title: `${name} refresh failed: ${what} are from ${formatAge(info.age_seconds)}`,
        impact: `The last ${name} collection is still within its time to live and is shown.`,
        reason: info.reason,
      });
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Cells: filter, sort, segments

export interface CellFilter {
  segment: string | null;
  /** Case-insensitive substring of name, IP, AZ or deployment. */
  query: string;
}

export function filterCells(cells: readonly Cell[], filter: CellFilter): Cell[] {
  const q = filter.query.trim().toLowerCase();
  return cells.filter(
    (c) =>
      (filter.segment === null || c.segment === filter.segment) &&
      (q === '' ||
        c.name.toLowerCase().includes(q) ||
        c.ip.includes(q) ||
        (c.az ?? '').toLowerCase().includes(q) ||
        (c.deployment ?? '').toLowerCase().includes(q)),
  );
}

function cmpNullable(a: number | null, b: number | null): number {
  // Unknown figures sort below every known one, as the API does.
  const x = a ?? Number.NEGATIVE_INFINITY;
  const y = b ?? Number.NEGATIVE_INFINITY;
  return x === y ? 0 : x < y ? -1 : 1;
}

function naturalName(a: Cell, b: Cell): number {
  return (
    a.segment.localeCompare(b.segment) ||
    a.name.localeCompare(b.name, undefined, { numeric: true }) ||
    a.ip.localeCompare(b.ip, undefined, { numeric: true })
  );
}

const CELL_KEYS: Record<CellSortKey, (a: Cell, b: Cell) => number> = {
  name: naturalName,
  allocated: (a, b) => cmpNullable(a.memory.allocated_percent, b.memory.allocated_percent),
  used: (a, b) => cmpNullable(a.memory.used_percent, b.memory.used_percent),
  free: (a, b) => cmpNullable(a.memory.free_mb, b.memory.free_mb),
  capacity: (a, b) => cmpNullable(a.memory.capacity_mb, b.memory.capacity_mb),
  cpu: (a, b) => cmpNullable(a.cpu_percent, b.cpu_percent),
};

/** The default direction of each key: names A→Z, figures largest first. */
export function defaultOrder(key: CellSortKey): SortOrder {
  return key === 'name' ? 'asc' : 'desc';
}

/** Sorts a copy; ties keep segment/name order so the table does not jump. */
export function sortCells(cells: readonly Cell[], key: CellSortKey, order: SortOrder): Cell[] {
  const compare = CELL_KEYS[key];
  const sign = order === 'asc' ? 1 : -1;
  return [...cells].sort((a, b) => sign * compare(a, b) || naturalName(a, b));
}

/** Segment names in the data, shared first, then by name, with their cell counts. */
export function segmentOptions(cells: readonly Pick<Cell, 'segment'>[]): { name: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const c of cells) counts.set(c.segment, (counts.get(c.segment) ?? 0) + 1);
  return [...counts.entries()]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => Number(b.name === 'shared') - Number(a.name === 'shared') || a.name.localeCompare(b.name));
}

// ---------------------------------------------------------------------------------------------
// Apps

export interface ProcessSuggestion {
  type: string;
  instances: number;
  currentMb: number;
  recommendedMb: number;
  freesMb: number;
  peakMb: number | null;
}

/** The processes of an app that right-sizing would change. */
export function rightSizingSuggestions(app: Pick<App, 'processes'>): ProcessSuggestion[] {
  return app.processes
    .filter((p) => p.right_sizing !== null)
    .map((p) => ({
      type: p.type,
      instances: p.instances,
      currentMb: p.memory_in_mb,
      recommendedMb: p.right_sizing?.recommended_mb ?? p.memory_in_mb,
      freesMb: p.right_sizing?.frees_mb ?? 0,
      peakMb: p.peak_instance_mb,
    }));
}

/** used ÷ requested (%), or null when either is unknown or nothing is requested. */
export function usageOfRequest(requestedMb: number, usedMb: number | null): number | null {
  if (usedMb === null || requestedMb <= 0) return null;
  return (usedMb / requestedMb) * 100;
}

/** Number of pages and the 1-based range shown: "51–100". */
export function pageInfo(total: number, limit: number, offset: number) {
  const pages = Math.max(1, Math.ceil(total / Math.max(1, limit)));
  const page = Math.min(pages, Math.floor(offset / Math.max(1, limit)) + 1);
  const first = total === 0 ? 0 : Math.min(total, offset + 1);
  const last = Math.min(total, offset + limit);
  return { pages, page, first, last, hasPrevious: offset > 0, hasNext: offset + limit < total };
}

/** Cells in a bar-chart friendly shape (GiB), in the given order. */
export function cellMemorySeries(cells: readonly Cell[]): { labels: string[]; used: number[]; reserved: number[]; free: number[] } {
  const labels: string[] = [];
  const used: number[] = [];
  const reserved: number[] = [];
  const free: number[] = [];
  for (const c of cells) {
    const parts = barParts(c.memory);
    labels.push(c.name);
    used.push(parts.used / 1024);
    reserved.push(parts.reserved / 1024);
    free.push(parts.free / 1024);
  }
  return { labels, used, reserved, free };
}
