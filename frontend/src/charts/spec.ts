// Chart specifications as plain data, built by pure functions (tested), and drawn by
// BarChartCanvas with Chart.js. Values are GiB so that axes read naturally.

import type { Cell, Segment } from '../api/types';
import { aggregateBarParts, cellMemorySeries } from '../lib/derive';

export const COLORS = {
  used: '#1f4e8c',
  reserved: '#7eaee3',
  free: '#d5dbe3',
  capacity: '#5b6672',
  fail: '#b42318',
} as const;

export interface Series {
  label: string;
  data: number[];
  /** One colour, or one per bar. */
  color: string | string[];
  /** The legend's swatch when `color` varies per bar. */
  legendColor?: string;
  /** Stack group; series with the same stack are drawn on top of each other. */
  stack?: string;
}

export interface BarSpec {
  labels: string[];
  series: Series[];
  /** Horizontal bars (one row per label). */
  horizontal: boolean;
  stacked: boolean;
  /** Unit of the values, for axes and tooltips. */
  unit: ChartUnit;
  /** A sentence describing the chart for screen readers. */
  summary: string;
}

export type ChartUnit = 'GiB' | 'TiB';

/** MiB per unit. */
export const UNIT_MIB: Record<ChartUnit, number> = { GiB: 1024, TiB: 1024 * 1024 };

/** GiB up to 2 TiB, TiB beyond: axes keep short numbers at any foundation size. */
export function chartUnit(maxMb: number): ChartUnit {
  return maxMb > 2 * UNIT_MIB.TiB ? 'TiB' : 'GiB';
}

/** Per segment: used / allocated-unused / free, stacked, in GiB. */
export function segmentMemorySpec(segments: readonly Segment[]): BarSpec {
  const withCells = segments.filter((s) => s.cells > 0);
  const parts = withCells.map((s) => aggregateBarParts(s));
  const unit = chartUnit(Math.max(0, ...parts.map((p) => p.scale)));
  const per = UNIT_MIB[unit];
  return {
    labels: withCells.map((s) => s.name),
    series: [
      { label: 'Used', data: parts.map((p) => p.used / per), color: COLORS.used, stack: 'memory' },
      { label: 'Allocated, unused', data: parts.map((p) => p.reserved / per), color: COLORS.reserved, stack: 'memory' },
      { label: 'Free', data: parts.map((p) => p.free / per), color: COLORS.free, stack: 'memory' },
    ],
    horizontal: true,
    stacked: true,
    unit,
    summary:
      `Memory of ${withCells.length} isolation segments with cells: used, allocated but unused, and free. ` +
      'The same figures are in the table below.',
  };
}

/** Per segment: allocated next to the capacity left without its largest cell (N−1). */
export function nMinusOneSpec(segments: readonly Segment[]): BarSpec {
  const withCells = segments.filter((s) => s.cells > 0);
  const unit = chartUnit(Math.max(0, ...withCells.map((s) => Math.max(s.allocated_mb, s.n_minus_one.capacity_without_largest_mb))));
  const per = UNIT_MIB[unit];
  return {
    labels: withCells.map((s) => s.name),
    series: [
      {
        label: 'Allocated',
        data: withCells.map((s) => s.allocated_mb / per),
        // A segment that fails N−1 shows its allocation in red.
        color: withCells.map((s) => (s.n_minus_one.fits ? COLORS.used : COLORS.fail)),
        legendColor: COLORS.used,
      },
      {
        label: 'Capacity without the largest cell',
        data: withCells.map((s) => s.n_minus_one.capacity_without_largest_mb / per),
        color: COLORS.capacity,
      },
    ],
    horizontal: true,
    stacked: false,
    unit,
    summary:
      'For each segment, allocated memory beside the capacity left if its largest cell were lost. ' +
      'Where allocated is longer (drawn in red), the segment does not survive N−1.',
  };
}

/** Per cell in the given order: used / allocated-unused / free, stacked, in GiB. */
export function cellMemorySpec(cells: readonly Cell[]): BarSpec {
  const s = cellMemorySeries(cells);
  return {
    labels: s.labels,
    series: [
      { label: 'Used', data: s.used, color: COLORS.used, stack: 'memory' },
      { label: 'Allocated, unused', data: s.reserved, color: COLORS.reserved, stack: 'memory' },
      { label: 'Free', data: s.free, color: COLORS.free, stack: 'memory' },
    ],
    horizontal: false,
    stacked: true,
    unit: 'GiB' as const,
    summary: `Memory of ${cells.length} cells in table order: used, allocated but unused, and free. The table below lists every figure.`,
  };
}
