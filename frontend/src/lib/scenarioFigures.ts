// The figures of a scenario as rows of "current vs proposed", with their change and whether it
// is for the better; labels of bottlenecks and improvements. Shared by the Planning view and
// its Markdown report, so both say the same thing. Pure functions.

import type { Bottleneck, BottleneckResource, Figures, HostFigures, Improvement } from '../api/types';
import { formatChunk, formatCount, formatMiB, formatPercent, UNKNOWN } from './format';
import { GLOSSARY, PLANNING_GLOSSARY } from './glossary';

/** 2.5 → "2.50"; null → "—". */
export function formatRatio(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return UNKNOWN;
  return value.toFixed(digits);
}

const MINUS = '−';

function signed(text: string, value: number): string {
  return value > 0 ? `+${text}` : value < 0 ? `${MINUS}${text.replace(/^[−-]/, '')}` : text;
}

type Kind = 'count' | 'decimal' | 'mib' | 'percent' | 'ratio';

function formatKind(kind: Kind, value: number | null): string {
  switch (kind) {
    case 'count':
      return formatCount(value);
    case 'decimal':
      return value === null ? UNKNOWN : value.toFixed(1);
    case 'mib':
      return formatMiB(value);
    case 'percent':
      return formatPercent(value);
    case 'ratio':
      return formatRatio(value);
  }
}

/** proposed − current in the figure's unit: "+2", "−70.0 GiB", "+34.3 pts", "no change". */
export function formatChange(kind: Kind, current: number | null, proposed: number | null): string {
  if (current === null || proposed === null || !Number.isFinite(current) || !Number.isFinite(proposed)) return UNKNOWN;
  const d = proposed - current;
  if (Math.abs(d) < 1e-9 || (kind !== 'count' && kind !== 'mib' && Math.abs(d) < 0.005)) return 'no change';
  const abs = Math.abs(d);
  switch (kind) {
    case 'count':
      return signed(formatCount(abs), d);
    case 'decimal':
      return signed(abs.toFixed(1), d);
    case 'mib':
      return signed(formatMiB(abs), d);
    case 'percent':
      return signed(`${abs.toFixed(1)} pts`, d);
    case 'ratio':
      return signed(abs.toFixed(2), d);
  }
}

export type Tone = 'better' | 'worse' | 'same' | 'neutral';

export interface ComparisonRow {
  id: string;
  label: string;
  /** Tooltip text (from the glossary). */
  tip: string;
  current: string;
  proposed: string;
  change: string;
  tone: Tone;
  /** Raw values, for tests and data attributes. */
  currentValue: number | null;
  proposedValue: number | null;
}

interface RowDef {
  id: string;
  label: (f: Figures) => string;
  tip: string;
  kind: Kind;
  value: (f: Figures) => number | null;
  /** Which direction is better; 'none' for figures that are neither. */
  better: 'lower' | 'higher' | 'none';
  /** Extra words after the value ("fails", "of 250"). */
  suffix?: (f: Figures) => string;
  /** Leave the row out when both values are null. */
  optional?: boolean;
}

function cellSize(f: Figures): string {
  const memory = f.cell_memory_gb === null ? null : `${formatRatio(f.cell_memory_gb, f.cell_memory_gb % 1 === 0 ? 0 : 1)} GB`;
  const vcpus = f.cell_vcpus === null ? null : `${f.cell_vcpus} vCPU`;
  if (!memory && !vcpus) return f.cells > 0 ? 'mixed' : UNKNOWN;
  return [memory ?? 'mixed memory', vcpus ?? 'mixed vCPUs'].join(' · ');
}

const host =
  <T>(get: (h: HostFigures) => T) =>
  (f: Figures) =>
    f.hosts ? get(f.hosts) : null;

const ROWS: RowDef[] = [
  { id: 'cells', label: () => 'Cells', tip: GLOSSARY.cells, kind: 'count', value: (f) => f.cells, better: 'none' },
  { id: 'capacity', label: () => 'Capacity', tip: GLOSSARY.capacity, kind: 'mib', value: (f) => f.capacity_mb, better: 'higher' },
  {
    id: 'allocated',
    label: () => 'Allocated',
    tip: `${GLOSSARY.allocated} ${GLOSSARY.allocatedPercent}`,
    kind: 'percent',
    value: (f) => f.allocated_percent,
    better: 'lower',
    suffix: (f) => `(${formatMiB(f.allocated_mb)})`,
  },
  {
    id: 'used',
    label: () => 'Used',
    tip: `${GLOSSARY.used} ${GLOSSARY.usedPercent}`,
    kind: 'percent',
    value: (f) => f.used_percent,
    better: 'lower',
    optional: true,
  },
  {
    id: 'n1-util',
    label: () => 'N−1 utilisation',
    tip: `${GLOSSARY.nMinusOne} ${GLOSSARY.nMinusOneUtil}`,
    kind: 'percent',
    value: (f) => f.n_minus_one.utilization_percent,
    better: 'lower',
    suffix: (f) => (f.cells === 0 ? '' : f.n_minus_one.fits ? 'passes' : 'fails'),
  },
  {
    id: 'n1-capacity',
    label: () => 'Capacity without the largest cell',
    tip: PLANNING_GLOSSARY.n1Capacity,
    kind: 'mib',
    value: (f) => f.n_minus_one.capacity_without_largest_mb,
    better: 'higher',
  },
  {
    id: 'free-chunks',
    label: (f) => `Free ${formatChunk(f.chunk_mb)} chunks`,
    tip: GLOSSARY.freeChunks('chunk'),
    kind: 'count',
    value: (f) => f.free_chunks,
    better: 'higher',
  },
  {
    id: 'instances-per-cell',
    label: () => 'Instances per cell',
    tip: PLANNING_GLOSSARY.instancesPerCell,
    kind: 'decimal',
    value: (f) => f.instances_per_cell,
    better: 'none',
  },
  {
    id: 'blast-radius',
    label: () => 'Blast radius',
    tip: PLANNING_GLOSSARY.blastRadius,
    kind: 'percent',
    value: (f) => f.blast_radius_percent,
    better: 'lower',
  },
  {
    id: 'containers',
    label: () => 'Containers on the fullest cell',
    tip: PLANNING_GLOSSARY.containers,
    kind: 'count',
    value: (f) => f.max_containers_per_cell,
    better: 'lower',
    suffix: (f) => `of ${formatCount(f.container_limit)}`,
  },
  {
    id: 'unplaced',
    label: () => 'Unplaced new instances',
    tip: PLANNING_GLOSSARY.unplaced,
    kind: 'count',
    value: (f) => (f.unplaced_instances > 0 ? f.unplaced_instances : null),
    better: 'lower',
    optional: true,
  },
  {
    id: 'disk',
    label: () => 'Disk allocated',
    tip: PLANNING_GLOSSARY.disk,
    kind: 'percent',
    value: (f) => f.disk_allocated_percent,
    better: 'lower',
    optional: true,
  },
  { id: 'vcpus', label: () => 'vCPUs on the hosts', tip: PLANNING_GLOSSARY.vcpus, kind: 'count', value: (f) => f.vcpus, better: 'none' },
  {
    id: 'vcpu-ratio',
    label: () => 'vCPU:pCPU ratio',
    tip: PLANNING_GLOSSARY.vcpuRatio,
    kind: 'ratio',
    value: (f) => f.vcpu_ratio,
    better: 'lower',
  },
  {
    id: 'max-cells-by-cpu',
    label: () => 'Max cells by CPU',
    tip: PLANNING_GLOSSARY.maxCellsByCpu,
    kind: 'count',
    value: (f) => f.max_cells_by_cpu,
    better: 'higher',
  },
  {
    id: 'cpu-pressure',
    label: () => 'CPU pressure',
    tip: PLANNING_GLOSSARY.cpuPressure,
    kind: 'percent',
    value: (f) => f.cpu_pressure_percent,
    better: 'lower',
    optional: true,
  },
];

const HOST_ROWS: RowDef[] = [
  { id: 'hosts', label: () => 'Hosts', tip: PLANNING_GLOSSARY.hostCount, kind: 'count', value: host((h) => h.hosts), better: 'none' },
  {
    id: 'host-demand',
    label: () => 'Host memory demand',
    tip: PLANNING_GLOSSARY.hostDemand,
    kind: 'mib',
    value: host((h) => h.demand_mb),
    better: 'lower',
  },
  {
    id: 'host-usable',
    label: () => 'Usable host memory',
    tip: PLANNING_GLOSSARY.hostUsable,
    kind: 'mib',
    value: host((h) => Math.min(h.ha_usable_mb, h.n_minus_one_host_usable_mb)),
    better: 'higher',
    suffix: (f) => (f.hosts ? `(${limitingLabel(f.hosts)})` : ''),
  },
  {
    id: 'host-util',
    label: () => 'Host memory utilisation',
    tip: PLANNING_GLOSSARY.hostUtil,
    kind: 'percent',
    value: host((h) => h.utilization_percent),
    better: 'lower',
    suffix: (f) => (f.hosts ? (f.hosts.fits ? 'fits' : 'does not fit') : ''),
  },
  {
    id: 'cells-per-host',
    label: () => 'Cells per host',
    tip: PLANNING_GLOSSARY.cellsPerHost,
    kind: 'count',
    value: host((h) => h.cells_per_host),
    better: 'lower',
  },
  {
    id: 'host-loss-capacity',
    label: () => 'Capacity after losing a host',
    tip: PLANNING_GLOSSARY.hostLoss,
    kind: 'mib',
    value: host((h) => h.capacity_after_host_loss_mb),
    better: 'higher',
  },
  {
    id: 'host-loss-util',
    label: () => 'Utilisation after losing a host',
    tip: PLANNING_GLOSSARY.hostLossUtil,
    kind: 'percent',
    value: host((h) => h.host_loss_utilization_percent),
    better: 'lower',
    suffix: (f) => (f.hosts ? (f.hosts.survives_host_loss ? 'survives' : 'fails') : ''),
  },
];

/** "HA admission (≈N−2)" or "one host lost". */
export function limitingLabel(h: HostFigures): string {
  return h.limiting === 'ha_admission' ? `HA admission, ≈N−${h.ha_hosts_equivalent}` : 'one host lost';
}

function tone(better: RowDef['better'], current: number | null, proposed: number | null): Tone {
  if (current === null || proposed === null) return 'neutral';
  const d = proposed - current;
  if (Math.abs(d) < 1e-9) return 'same';
  if (better === 'none') return 'neutral';
  return (better === 'lower') === d < 0 ? 'better' : 'worse';
}

function row(def: RowDef, current: Figures, proposed: Figures): ComparisonRow {
  const c = def.value(current);
  const p = def.value(proposed);
  const show = (f: Figures, v: number | null) => {
    const suffix = v === null ? '' : (def.suffix?.(f) ?? '');
    return suffix ? `${formatKind(def.kind, v)} ${suffix}` : formatKind(def.kind, v);
  };
  return {
    id: def.id,
    // Labels that depend on the figures (the chunk size) use the proposed state's.
    label: def.label(proposed),
    tip: def.tip,
    current: show(current, c),
    proposed: show(proposed, p),
    change: formatChange(def.kind, c, p),
    tone: tone(def.better, c, p),
    currentValue: c,
    proposedValue: p,
  };
}

/**
 * Current vs proposed, one row per figure; the cell size row first, host rows when either state
 * has hosts, optional rows (used, disk, unplaced, CPU pressure) only when known.
 */
export function comparisonRows(current: Figures, proposed: Figures): ComparisonRow[] {
  const size: ComparisonRow = {
    id: 'cell-size',
    label: 'Cell size',
    tip: PLANNING_GLOSSARY.cellSize,
    current: cellSize(current),
    proposed: cellSize(proposed),
    change: cellSize(current) === cellSize(proposed) ? 'no change' : 'resized',
    tone: 'neutral',
    currentValue: current.cell_memory_gb,
    proposedValue: proposed.cell_memory_gb,
  };
  const defs = [...ROWS, ...(current.hosts || proposed.hosts ? HOST_ROWS : [])];
  const rows = defs
    .filter((d) => !d.optional || d.value(current) !== null || d.value(proposed) !== null)
    .map((d) => row(d, current, proposed));
  return [rows[0]!, size, ...rows.slice(1)];
}

// ---- bottlenecks and improvements ------------------------------------------------------

export const BOTTLENECK_LABEL: Record<BottleneckResource, string> = {
  memory: 'Memory',
  memory_n_minus_one: 'Memory after losing the largest cell (N−1)',
  disk: 'Disk',
  containers: 'Containers on the fullest cell',
  cpu_ratio: 'vCPU:pCPU ratio',
  cpu_pressure: 'CPU pressure',
};

/** How a bottleneck is measured, in words: "allocated ÷ capacity". */
export const BOTTLENECK_MEASURE: Record<BottleneckResource, string> = {
  memory: 'allocated ÷ capacity',
  memory_n_minus_one: 'allocated ÷ capacity without the largest cell',
  disk: 'disk allocated ÷ 100 %',
  containers: 'containers ÷ the per-cell limit',
  cpu_ratio: 'ratio ÷ its target (not a percentage)',
  cpu_pressure: 'measured busy % ÷ 100 %',
};

/** "296.7 GiB of 283.4 GiB", "2.10 of target 4.00 vCPU per core", "37 of 250 containers". */
export function bottleneckValue(b: Bottleneck): string {
  switch (b.unit) {
    case 'MiB':
      return `${formatMiB(b.value)} of ${formatMiB(b.limit)}`;
    case 'vCPU per physical core':
      return `${formatRatio(b.value)} of target ${formatRatio(b.limit)} vCPU per core`;
    case 'containers per cell':
      return `${formatCount(b.value)} of ${formatCount(b.limit)} containers per cell`;
    default:
      return `${formatPercent(b.value)} of ${formatPercent(b.limit, 0)}`;
  }
}

const IMPROVEMENT: Record<string, { label: string; kind: Kind }> = {
  n_minus_one_utilization_percent: { label: 'N−1 utilisation', kind: 'percent' },
  host_memory_utilization_percent: { label: 'Host memory utilisation', kind: 'percent' },
  vcpu_ratio: { label: 'vCPU:pCPU ratio', kind: 'ratio' },
};

/** "N−1 utilisation 123.6% → 74.2%". */
export function describeImprovement(i: Improvement): string {
  const known = IMPROVEMENT[i.figure];
  if (!known) return `${i.figure} ${i.from} → ${i.to}`;
  return `${known.label} ${formatKind(known.kind, i.from)} → ${formatKind(known.kind, i.to)}`;
}
