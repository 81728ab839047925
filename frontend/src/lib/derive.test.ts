import { describe, expect, it } from 'vitest';
import {
  aggregateBarParts,
  barParts,
  cellMemorySeries,
  cpuBand,
  defaultOrder,
  describeBar,
  filterCells,
  isEstimate,
  nMinusOneStatus,
  pageInfo,
  rightSizingSuggestions,
  segmentOptions,
  sortCells,
  sourceProblems,
  usageOfRequest,
} from './derive';
import { app, CELLS, cell, metadata, segment } from '../test/fixtures';

describe('barParts', () => {
  it('splits a cell into used, allocated-but-unused and free, scaled to capacity', () => {
    const p = barParts({ capacity_mb: 64488, allocated_mb: 64384, used_mb: 21184, free_mb: 104 });
    expect(p.used).toBe(21184);
    expect(p.reserved).toBe(64384 - 21184);
    expect(p.free).toBe(104);
    expect(p.scale).toBe(64488);
    expect(p.usedPct + p.reservedPct + p.freePct).toBeCloseTo(100, 10);
    expect(p.overcommitted).toBe(false);
    expect(p.capacityKnown).toBe(true);
  });

  it('never shows negative reserved memory when usage exceeds allocation', () => {
    const p = barParts({ capacity_mb: 1000, allocated_mb: 300, used_mb: 400, free_mb: 700 });
    expect(p.reserved).toBe(0);
    // Scaled to the larger figure so the bar never exceeds 100 %.
    expect(p.scale).toBe(1100);
    expect(p.usedPct + p.reservedPct + p.freePct).toBeCloseTo(100, 10);
  });

  it('scales to allocation when capacity is unknown, and says so', () => {
    const p = barParts({ capacity_mb: null, allocated_mb: 2000, used_mb: 500, free_mb: null });
    expect(p.capacityKnown).toBe(false);
    expect(p.free).toBe(0);
    expect(p.scale).toBe(2000);
    expect(p.usedPct).toBe(25);
    expect(describeBar(p)).toContain('capacity unknown');
  });

  it('flags over-commitment (allocation above capacity)', () => {
    const p = barParts({ capacity_mb: 1000, allocated_mb: 1200, used_mb: 100, free_mb: 0 });
    expect(p.overcommitted).toBe(true);
    expect(p.scale).toBe(1200);
    expect(describeBar(p)).toMatch(/over-committed$/);
  });

  it('handles an empty cell without dividing by zero', () => {
    const p = barParts({ capacity_mb: 0, allocated_mb: 0, used_mb: 0, free_mb: 0 });
    expect(p.usedPct).toBe(0);
    expect(Number.isFinite(p.freePct)).toBe(true);
  });

  it('aggregates a segment the same way', () => {
    const p = aggregateBarParts(segment('dmz', { capacity_mb: 128976, allocated_mb: 128704, used_mb: 42688, free_mb: 272 }));
    expect(p.reserved).toBe(128704 - 42688);
    expect(p.free).toBe(272);
  });

  it('describes the bar in words', () => {
    const p = barParts({ capacity_mb: 64488, allocated_mb: 64384, used_mb: 21184, free_mb: 104 });
    expect(describeBar(p)).toBe('used 20.7 GiB, allocated but unused 42.2 GiB, free 104 MiB of 63.0 GiB');
  });
});

describe('cpuBand', () => {
  it('bands CPU pressure at 50 and 80 percent', () => {
    expect(cpuBand(0)).toBe('ok');
    expect(cpuBand(49.9)).toBe('ok');
    expect(cpuBand(50)).toBe('warn');
    expect(cpuBand(80)).toBe('warn');
    expect(cpuBand(80.1)).toBe('hot');
    expect(cpuBand(100)).toBe('hot');
  });

  it('is unknown without vitals', () => {
    expect(cpuBand(null)).toBe('unknown');
    expect(cpuBand(undefined)).toBe('unknown');
    expect(cpuBand(Number.NaN)).toBe('unknown');
  });
});

describe('nMinusOneStatus', () => {
  it('passes a segment whose allocation fits without its largest cell', () => {
    const s = nMinusOneStatus(
      segment('shared', {
        cells: 6,
        allocated_mb: 112992,
        largest_cell_mb: 32244,
        n_minus_one: { capacity_without_largest_mb: 161220, utilization_percent: 70.09, fits: true },
      }),
    );
    expect(s.level).toBe('ok');
    expect(s.label).toBe('OK');
    expect(s.text).toBe('Survives losing its largest cell: 110 GiB allocated fits in 157 GiB (70.1% used).');
    expect(s.shortfallMb).toBe(0);
  });

  it('calls a segment that fits above 90 % tight', () => {
    const s = nMinusOneStatus(segment('payments'));
    expect(s.level).toBe('tight');
    expect(s.label).toBe('Tight');
  });

  it('fails a segment and names the shortfall', () => {
    const s = nMinusOneStatus(
      segment('dmz', {
        allocated_mb: 128704,
        n_minus_one: { capacity_without_largest_mb: 64488, utilization_percent: 199.58, fits: false },
      }),
    );
    expect(s.level).toBe('fail');
    expect(s.shortfallMb).toBe(128704 - 64488);
    expect(s.text).toBe('Without its largest cell (63.0 GiB) it has 63.0 GiB for 126 GiB allocated: 62.7 GiB would not fit.');
  });

  it('fails a single-cell segment with its own explanation', () => {
    const s = nMinusOneStatus(
      segment('solo', {
        cells: 1,
        allocated_mb: 10,
        n_minus_one: { capacity_without_largest_mb: 0, utilization_percent: null, fits: false },
      }),
    );
    expect(s.level).toBe('fail');
    expect(s.text).toMatch(/single cell/i);
  });

  it('does not judge a segment without cells', () => {
    const s = nMinusOneStatus(
      segment('empty', { cells: 0, n_minus_one: { capacity_without_largest_mb: 0, utilization_percent: null, fits: false } }),
    );
    expect(s.level).toBe('empty');
    expect(s.label).toBe('No cells');
  });
});

describe('sourceProblems', () => {
  it('is empty when every source is fresh', () => {
    expect(sourceProblems(metadata())).toEqual([]);
  });

  it('names BOSH and what is missing when it is unavailable', () => {
    const problems = sourceProblems(
      metadata({}, { bosh: { status: 'unavailable', collected_at: null, age_seconds: null, reason: 'bosh is unreachable (/info)' } }),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      source: 'bosh',
      severity: 'error',
      title: 'BOSH unavailable: cell vitals not shown',
      reason: 'bosh is unreachable (/info)',
    });
  });

  it('says capacity figures are estimates when Log Cache is unavailable', () => {
    const [p] = sourceProblems(
      metadata({}, { log_cache: { status: 'unavailable', collected_at: null, age_seconds: null, reason: 'timeout' } }),
    );
    expect(p?.title).toBe("Log Cache unavailable: Diego's own capacity figures not shown");
    expect(p?.impact).toMatch(/estimates/);
  });

  it('reports stale sources with their age', () => {
    const [p] = sourceProblems(
      metadata({ stale: true }, { bosh: { status: 'stale', collected_at: 'x', age_seconds: 600, reason: 'refused' } }),
    );
    expect(p?.severity).toBe('warning');
    expect(p?.title).toBe('BOSH stale: cell vitals are from 10 min ago');
  });

  it('reports a failed refresh of data still within its TTL', () => {
    const [p] = sourceProblems(
      metadata({}, { bosh: { status: 'fresh', collected_at: 'x', age_seconds: 9, reason: 'bosh is unreachable' } }),
    );
    expect(p?.title).toBe('BOSH refresh failed: cell vitals are from 9 s ago');
    expect(p?.reason).toBe('bosh is unreachable');
  });

  it('ignores sources a view does not use or that are not configured', () => {
    const none = { collected_at: null, age_seconds: null, reason: null };
    expect(
      sourceProblems(metadata({}, { bosh: { status: 'not_used', ...none }, log_cache: { status: 'not_configured', ...none } })),
    ).toEqual([]);
  });

  it('lists several problems in source order', () => {
    const down = { status: 'unavailable' as const, collected_at: null, age_seconds: null, reason: 'x' };
    expect(sourceProblems(metadata({}, { log_cache: down, bosh: down })).map((p) => p.source)).toEqual(['bosh', 'log_cache']);
  });
});

describe('cells: filter, sort and segment options', () => {
  it('filters by segment', () => {
    expect(filterCells(CELLS, { segment: 'dmz', query: '' }).map((c) => c.name)).toEqual([
      'isolated_diego_cell_dmz/0',
      'isolated_diego_cell_dmz/1',
    ]);
  });

  it('finds cells by name, IP or AZ, case-insensitively', () => {
    expect(filterCells(CELLS, { segment: null, query: 'DIEGO_CELL/1' }).map((c) => c.name)).toEqual(['diego_cell/1', 'diego_cell/10']);
    expect(filterCells(CELLS, { segment: null, query: '10.0.48.11' })).toHaveLength(1);
    expect(filterCells(CELLS, { segment: 'shared', query: 'az1' })).toHaveLength(3);
  });

  it('sorts names naturally (cell/2 before cell/10) within segments', () => {
    const names = sortCells(CELLS, 'name', 'asc').map((c) => c.name);
    expect(names).toEqual(['isolated_diego_cell_dmz/0', 'isolated_diego_cell_dmz/1', 'diego_cell/0', 'diego_cell/1', 'diego_cell/10']);
  });

  it('sorts by CPU with unknown values last when descending', () => {
    const cpus = sortCells(CELLS, 'cpu', 'desc').map((c) => c.cpu_percent);
    expect(cpus).toEqual([85, 55, 28, 12, null]);
    expect(sortCells(CELLS, 'cpu', 'asc').map((c) => c.cpu_percent)).toEqual([null, 12, 28, 55, 85]);
  });

  it('sorts by free memory and by allocation', () => {
    expect(sortCells(CELLS, 'free', 'desc')[0]?.name).toBe('diego_cell/1');
    expect(sortCells(CELLS, 'allocated', 'desc')[0]?.name).toBe('isolated_diego_cell_dmz/0');
  });

  it('does not mutate its input', () => {
    const before = CELLS.map((c) => c.name);
    sortCells(CELLS, 'cpu', 'desc');
    expect(CELLS.map((c) => c.name)).toEqual(before);
  });

  it('lists segments from the data, shared first, with counts', () => {
    expect(segmentOptions([{ segment: 'zeta' }, { segment: 'shared' }, { segment: 'dmz' }, { segment: 'dmz' }])).toEqual([
      { name: 'shared', count: 1 },
      { name: 'dmz', count: 2 },
      { name: 'zeta', count: 1 },
    ]);
  });

  it('defaults names to ascending and figures to descending', () => {
    expect(defaultOrder('name')).toBe('asc');
    expect(defaultOrder('cpu')).toBe('desc');
  });

  it('builds chart series in GiB in the given order', () => {
    const s = cellMemorySeries([cell('a', { memory: { used_mb: 1024, allocated_mb: 3072, free_mb: 2048, capacity_mb: 5120 } })]);
    expect(s).toEqual({ labels: ['a'], used: [1], reserved: [2], free: [2] });
  });
});

describe('provenance', () => {
  it('treats only the rep metric as authoritative', () => {
    expect(isEstimate('rep_metric')).toBe(false);
    expect(isEstimate('bosh_cloud_properties')).toBe(true);
    expect(isEstimate('bosh_vitals')).toBe(true);
    expect(isEstimate('configured')).toBe(true);
    expect(isEstimate('unknown')).toBe(true);
  });
});

describe('apps', () => {
  it('lists the processes right-sizing would change, with what each frees', () => {
    const a = app('web-app-72', {
      processes: [
        {
          type: 'web',
          instances: 10,
          memory_in_mb: 2240,
          disk_in_mb: 2048,
          used_mb: 7589,
          peak_instance_mb: 849,
          right_sizing: { recommended_mb: 1088, frees_mb: 11520 },
        },
        { type: 'worker', instances: 1, memory_in_mb: 256, disk_in_mb: 1024, used_mb: 200, peak_instance_mb: 200, right_sizing: null },
      ],
    });
    expect(rightSizingSuggestions(a)).toEqual([
      { type: 'web', instances: 10, currentMb: 2240, recommendedMb: 1088, freesMb: 11520, peakMb: 849 },
    ]);
  });

  it('computes usage of the request', () => {
    expect(usageOfRequest(2000, 500)).toBe(25);
    expect(usageOfRequest(0, 500)).toBeNull();
    expect(usageOfRequest(2000, null)).toBeNull();
  });

  it('pages', () => {
    expect(pageInfo(200, 50, 0)).toEqual({ pages: 4, page: 1, first: 1, last: 50, hasPrevious: false, hasNext: true });
    expect(pageInfo(200, 50, 150)).toEqual({ pages: 4, page: 4, first: 151, last: 200, hasPrevious: true, hasNext: false });
    expect(pageInfo(0, 50, 0)).toEqual({ pages: 1, page: 1, first: 0, last: 0, hasPrevious: false, hasNext: false });
    expect(pageInfo(201, 50, 200)).toMatchObject({ pages: 5, page: 5, first: 201, last: 201 });
  });
});
