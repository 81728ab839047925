import { describe, expect, it } from 'vitest';
import { cellMemorySpec, chartUnit, COLORS, nMinusOneSpec, segmentMemorySpec } from './spec';
import { toConfig } from './config';
import { cell, segment, SEGMENTS } from '../test/fixtures';

describe('chart specs', () => {
  it('stacks used / allocated-unused / free per segment with cells, in GiB', () => {
    const spec = segmentMemorySpec(SEGMENTS);
    expect(spec.labels).toEqual(['shared', 'dmz']); // "empty" has no cells
    expect(spec.series.map((s) => s.label)).toEqual(['Used', 'Allocated, unused', 'Free']);
    const dmz = SEGMENTS[1]!;
    expect(spec.series[0]?.data[1]).toBeCloseTo(dmz.used_mb / 1024);
    expect(spec.series[1]?.data[1]).toBeCloseTo((dmz.allocated_mb - dmz.used_mb) / 1024);
    expect(spec.series[2]?.data[1]).toBeCloseTo(dmz.free_mb / 1024);
    expect(spec.stacked).toBe(true);
    expect(spec.summary).toMatch(/2 isolation segments/);
  });

  it('puts allocated beside N−1 capacity and marks failing segments red', () => {
    const spec = nMinusOneSpec(SEGMENTS);
    expect(spec.stacked).toBe(false);
    expect(spec.series[0]?.color).toEqual([COLORS.used, COLORS.fail]);
    expect(spec.series[0]?.legendColor).toBe(COLORS.used);
    expect(spec.series[1]?.data).toEqual([161220 / 1024, 64488 / 1024]);
  });

  it('switches to TiB above 2 TiB so axes stay short', () => {
    expect(chartUnit(2 * 1024 * 1024)).toBe('GiB');
    expect(chartUnit(2 * 1024 * 1024 + 1)).toBe('TiB');
    const big = segmentMemorySpec([
      segment('shared', {
        capacity_mb: 80 * 1024 * 1024,
        used_mb: 10 * 1024 * 1024,
        allocated_mb: 40 * 1024 * 1024,
        free_mb: 40 * 1024 * 1024,
      }),
    ]);
    expect(big.unit).toBe('TiB');
    expect(big.series.map((s) => s.data[0])).toEqual([10, 30, 40]);
    const tooltip = toConfig(big).options?.plugins?.tooltip?.callbacks?.label as unknown as (item: {
      dataset: { label: string };
      raw: number;
    }) => string;
    expect(tooltip({ dataset: { label: 'Free' }, raw: 40 })).toBe('Free: 40.00 TiB');
  });

  it('draws one stacked bar per cell', () => {
    const spec = cellMemorySpec([cell('a'), cell('b')]);
    expect(spec.labels).toEqual(['a', 'b']);
    expect(spec.horizontal).toBe(false);
  });
});

describe('toConfig', () => {
  it('maps a spec onto Chart.js axes', () => {
    const config = toConfig(segmentMemorySpec(SEGMENTS));
    expect(config.options?.indexAxis).toBe('y');
    expect(config.data.datasets).toHaveLength(3);
    expect(config.options?.scales?.x).toMatchObject({ stacked: true, beginAtZero: true });
  });

  it('turns animation off for many bars or reduced motion', () => {
    const many = cellMemorySpec(Array.from({ length: 1000 }, (_, i) => cell(`c/${i}`)));
    expect(toConfig(many).options?.animation).toBe(false);
    expect(toConfig(segmentMemorySpec(SEGMENTS), true).options?.animation).toBe(false);
    expect(toConfig(segmentMemorySpec(SEGMENTS)).options?.animation).not.toBe(false);
  });

  it('formats tooltip values as sizes', () => {
    const config = toConfig(segmentMemorySpec(SEGMENTS));
    const label = config.options?.plugins?.tooltip?.callbacks?.label as unknown as (item: {
      dataset: { label: string };
      raw: number;
    }) => string;
    expect(label({ dataset: { label: 'Used' }, raw: 20.5 })).toBe('Used: 20.5 GiB');
  });
});
