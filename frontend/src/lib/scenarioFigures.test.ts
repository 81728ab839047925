import { describe, expect, it } from 'vitest';
import { bottleneckValue, comparisonRows, describeImprovement, formatChange, formatRatio } from './scenarioFigures';
import { brokenFigures, figures, hostFigures } from '../test/planningFixtures';

describe('comparisonRows', () => {
  const rows = comparisonRows(figures(), brokenFigures());
  const byId = Object.fromEntries(rows.map((r) => [r.id, r]));

  it('lists the figures in a fixed order, without host rows when there are no hosts', () => {
    expect(rows.map((r) => r.id)).toEqual([
      'cells',
      'cell-size',
      'capacity',
      'allocated',
      'used',
      'n1-util',
      'n1-capacity',
      'free-chunks',
      'instances-per-cell',
      'blast-radius',
      'containers',
      'disk',
      'vcpus',
      'vcpu-ratio',
      'max-cells-by-cpu',
      'cpu-pressure',
    ]);
  });

  it('formats both states and the change, and judges it', () => {
    expect(byId['n1-util']).toMatchObject({ current: '70.1% passes', proposed: '148.3% fails', change: '+78.2 pts', tone: 'worse' });
    expect(byId.capacity).toMatchObject({ current: '189 GiB', proposed: '89.3 GiB', change: '−99.7 GiB', tone: 'worse' });
    expect(byId.cells).toMatchObject({ change: 'no change', tone: 'same' });
    expect(byId['vcpu-ratio']).toMatchObject({ current: '—', proposed: '—', change: '—', tone: 'neutral' });
    expect(byId.containers?.current).toBe('27 of 250');
    expect(byId['free-chunks']?.label).toBe('Free 4 GiB chunks');
    expect(byId['cell-size']).toMatchObject({ current: '33.9 GB · 4 vCPU', proposed: '16 GB · 4 vCPU', change: 'resized' });
    for (const r of rows) expect(r.tip.length).toBeGreaterThan(20);
  });

  it('adds host rows and the unplaced instances when there are some', () => {
    const current = figures({ hosts: hostFigures() });
    const proposed = figures({
      unplaced_instances: 12,
      hosts: hostFigures({ survives_host_loss: false, host_loss_utilization_percent: 104, fits: false, limiting: 'n_minus_one_host' }),
    });
    const host = Object.fromEntries(comparisonRows(current, proposed).map((r) => [r.id, r]));
    expect(host.unplaced).toMatchObject({ current: '—', proposed: '12' });
    expect(host['host-loss-util']).toMatchObject({ current: '78.8% survives', proposed: '104.0% fails', tone: 'worse' });
    expect(host['host-usable']?.proposed).toBe('7.47 TiB (one host lost)');
    expect(host['host-util']?.proposed).toBe('58.6% does not fit');
  });
});

describe('formatting helpers', () => {
  it('formats changes in the figure’s unit', () => {
    expect(formatChange('count', 6, 9)).toBe('+3');
    expect(formatChange('count', 1200, 200)).toBe('−1,000');
    expect(formatChange('mib', 1024, 512)).toBe('−512 MiB');
    expect(formatChange('percent', 50, 50.001)).toBe('no change');
    expect(formatChange('ratio', 1.5, 2)).toBe('+0.50');
    expect(formatChange('percent', null, 2)).toBe('—');
    expect(formatRatio(0.8333)).toBe('0.83');
  });

  it('states a bottleneck in its own unit', () => {
    expect(
      bottleneckValue({ resource: 'memory', value: 2048, limit: 4096, unit: 'MiB', fraction_of_limit: 0.5, constraining: false }),
    ).toBe('2.0 GiB of 4.0 GiB');
    expect(
      bottleneckValue({ resource: 'cpu_pressure', value: 34.64, limit: 100, unit: '% busy', fraction_of_limit: 0.35, constraining: false }),
    ).toBe('34.6% of 100%');
  });

  it('describes an improvement', () => {
    expect(describeImprovement({ figure: 'vcpu_ratio', from: 4.5, to: 3.75 })).toBe('vCPU:pCPU ratio 4.50 → 3.75');
    expect(describeImprovement({ figure: 'host_memory_utilization_percent', from: 104, to: 88.2 })).toBe(
      'Host memory utilisation 104.0% → 88.2%',
    );
    expect(describeImprovement({ figure: 'new_figure', from: 1, to: 2 })).toBe('new_figure 1 → 2');
  });
});
