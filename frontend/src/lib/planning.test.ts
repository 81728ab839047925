import { describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../api/types';
import {
  applyFix,
  CELL_PRESETS,
  EMPTY_CLUSTER,
  EMPTY_INPUTS,
  fieldLabel,
  fromScenario,
  parseScenarioParam,
  presetOf,
  splitFieldErrors,
  toScenario,
  verdictRank,
  withPreset,
  type PlanningInputs,
} from './planning';
import { brokenFigures, figures, labSnapshot, segmentFigure } from '../test/planningFixtures';

const inputs = (changes: Partial<PlanningInputs>): PlanningInputs => ({ ...EMPTY_INPUTS, ...changes });

describe('inputs → request', () => {
  it('sends nothing for empty inputs: today’s foundation', () => {
    expect(toScenario(EMPTY_INPUTS)).toEqual({ scenario: {}, errors: {} });
  });

  it('converts every input to the API’s field', () => {
    const { scenario, errors } = toScenario(
      inputs({
        segment: 'shared',
        cellMemoryGb: '16',
        cellVcpus: '4',
        cellDiskGb: '100.5',
        cellCount: '6',
        overheadPct: '7',
        overcommit: '1.5',
        workloadName: ' payments-batch ',
        workloadInstances: '400',
        workloadMemoryMb: '2,048',
        workloadDiskMb: '1024',
        hostsEnabled: true,
        clusters: [{ name: 'az1', hosts: '6', memoryGbPerHost: '768', coresPerHost: '48', haPct: '' }],
        platformVmsGb: '640',
        targetVcpuRatio: '1.5',
        chunkMb: '4096',
        n1TargetPct: '75',
        maxContainers: '200',
      }),
    );
    expect(errors).toEqual({});
    expect(scenario).toEqual({
      segment: 'shared',
      cell: { memory_gb: 16, vcpus: 4, disk_gb: 100.5 },
      cell_count: 6,
      memory_overhead_pct: 7,
      overcommit: 1.5,
      workload: { name: 'payments-batch', instances: 400, memory_mb: 2048, disk_mb: 1024 },
      hosts: { clusters: [{ name: 'az1', hosts: 6, memory_gb_per_host: 768, cores_per_host: 48, ha_admission_pct: 0 }] },
      platform_vms_gb: 640,
      target_vcpu_ratio: 1.5,
      chunk_mb: 4096,
      n1_target_pct: 75,
      max_containers_per_cell: 200,
    } satisfies ScenarioInput);
  });

  it('keeps only the cell fields that are set', () => {
    expect(toScenario(inputs({ cellVcpus: '8' })).scenario).toEqual({ cell: { vcpus: 8 } });
  });

  it('reports typing mistakes under the API’s field paths', () => {
    const { errors } = toScenario(
      inputs({
        cellCount: '6.5',
        overcommit: 'two',
        cellMemoryGb: '-16',
        workloadInstances: '10',
        hostsEnabled: true,
        clusters: [{ ...EMPTY_CLUSTER, hosts: '4', coresPerHost: 'x' }],
      }),
    );
    expect(errors).toEqual({
      cell_count: 'enter a whole number',
      overcommit: 'enter a number',
      'cell.memory_gb': 'must not be negative',
      'workload.memory_mb': 'required for a workload',
      'hosts.clusters[0].memory_gb_per_host': 'required',
      'hosts.clusters[0].cores_per_host': 'enter a number',
    });
  });

  it('asks for a segment when a cell count would apply to several', () => {
    const many = toScenario(inputs({ cellCount: '6' }), { segmentsWithCells: 3 });
    expect(many.errors.cell_count).toMatch(/choose a segment/);
    expect(toScenario(inputs({ cellCount: '6' }), { segmentsWithCells: 1 }).errors).toEqual({});
    expect(toScenario(inputs({ cellCount: '6', segment: 'dmz' }), { segmentsWithCells: 3 }).errors).toEqual({});
  });

  it('needs at least one cluster for a host layer', () => {
    expect(toScenario(inputs({ hostsEnabled: true })).errors).toEqual({ 'hosts.clusters': 'add at least one cluster' });
  });
});

describe('request → inputs', () => {
  const scenarios: ScenarioInput[] = [
    {},
    { segment: 'shared', cell_count: 90 },
    { segment: 'shared', cell: { memory_gb: 64, vcpus: 8 }, cell_count: 60 },
    { segment: 'shared', workload: { name: 'payments-batch', instances: 400, memory_mb: 2048, disk_mb: 1024 } },
    { segment: 'shared', cell_count: 240, target_vcpu_ratio: 1.5 },
    {
      overcommit: 2,
      memory_overhead_pct: 5,
      hosts: { clusters: [{ name: 'az1', hosts: 6, memory_gb_per_host: 768, cores_per_host: 48, ha_admission_pct: 17 }] },
      platform_vms_gb: 640,
      chunk_mb: 2048,
      n1_target_pct: 90,
      max_containers_per_cell: 100,
    },
  ];

  it.each(scenarios.map((s) => [JSON.stringify(s), s]))('round-trips %s', (_, scenario) => {
    expect(toScenario(fromScenario(scenario))).toEqual({ scenario, errors: {} });
  });

  it('reads a scenario from the URL and ignores anything else', () => {
    expect(parseScenarioParam('{"segment":"dmz","cell_count":3}')).toEqual({ segment: 'dmz', cell_count: 3 });
    expect(parseScenarioParam(null)).toEqual({});
    expect(parseScenarioParam('not json')).toEqual({});
    expect(parseScenarioParam('[1,2]')).toEqual({});
  });
});

describe('cell presets', () => {
  it('offers the common sizes', () => {
    expect(CELL_PRESETS.map((p) => p.id)).toEqual(['4x16', '4x32', '8x64', '8x128', '16x256']);
  });

  it('sets memory and vCPUs, and recognises them again', () => {
    const chosen = withPreset(inputs({ cellDiskGb: '200' }), '8x64');
    expect(chosen).toMatchObject({ cellMemoryGb: '64', cellVcpus: '8', cellDiskGb: '200' });
    expect(presetOf(chosen)).toBe('8x64');
    expect(presetOf(inputs({ cellMemoryGb: '64', cellVcpus: '6' }))).toBe('custom');
    expect(presetOf(EMPTY_INPUTS)).toBe('today');
    expect(withPreset(chosen, 'today')).toMatchObject({ cellMemoryGb: '', cellVcpus: '', cellDiskGb: '' });
    expect(withPreset(chosen, 'custom')).toBe(chosen);
  });
});

describe('fixes', () => {
  it('sets the cell count', () => {
    const result = applyFix(inputs({ segment: 'shared', cellCount: '6' }), {
      description: 'add 3 cell(s) of 16.0 GiB to shared',
      field: 'cell_count',
      value: 9,
    });
    expect(result.applied).toBe(true);
    expect(result.inputs).toEqual(inputs({ segment: 'shared', cellCount: '9' }));
    expect(result.summary).toBe('Cell count set to 9 in shared.');
  });

  it('chooses the segment a cell-count fix names when every segment is planned', () => {
    const proposed = figures({
      segments: [
        segmentFigure('shared'),
        segmentFigure('dmz', { n_minus_one: { capacity_without_largest_mb: 1, utilization_percent: 200, fits: false } }),
        segmentFigure('dmz-2'),
      ],
    });
    const fix = { description: 'add 1 cell(s) of 67.7 GiB to dmz', field: 'cell_count', value: 3 };
    expect(applyFix(EMPTY_INPUTS, fix, { proposed }).inputs).toMatchObject({ segment: 'dmz', cellCount: '3' });
    const longer = { ...fix, description: 'add 1 cell(s) of 67.7 GiB to dmz-2' };
    expect(applyFix(EMPTY_INPUTS, longer, { proposed }).inputs.segment).toBe('dmz-2');
    // Without a name in the text, the segment failing N−1.
    const unnamed = { ...fix, description: 'keep at least 3 cells' };
    expect(applyFix(EMPTY_INPUTS, unnamed, { proposed }).inputs.segment).toBe('dmz');
    // One segment in scope: that one.
    expect(applyFix(EMPTY_INPUTS, unnamed, { proposed: brokenFigures() }).inputs.segment).toBe('shared');
  });

  it('sets vCPUs per cell (keeping the memory, so the preset becomes custom)', () => {
    const before = withPreset(EMPTY_INPUTS, '16x256');
    const result = applyFix(before, { description: 'use 10 vCPUs per cell', field: 'cell.vcpus', value: 10 });
    expect(result.inputs).toMatchObject({ cellMemoryGb: '256', cellVcpus: '10' });
    expect(presetOf(result.inputs)).toBe('custom');
  });

  it('adds hosts to the first cluster: the fix gives the total', () => {
    const before = inputs({
      hostsEnabled: true,
      clusters: [
        { name: 'az1', hosts: '4', memoryGbPerHost: '768', coresPerHost: '48', haPct: '25' },
        { name: 'az2', hosts: '4', memoryGbPerHost: '768', coresPerHost: '48', haPct: '25' },
      ],
    });
    const result = applyFix(before, { description: 'add 3 host(s) of 768 GB', field: 'hosts', value: 11 });
    expect(result.applied).toBe(true);
    expect(result.inputs.clusters.map((c) => c.hosts)).toEqual(['7', '4']);
    expect(result.summary).toBe('az1 now has 7 hosts (11 in total).');
  });

  it('starts from the snapshot’s clusters when the form has none', () => {
    const result = applyFix(EMPTY_INPUTS, { description: 'add 2 host(s)', field: 'hosts', value: 14 }, { modelHosts: labSnapshot().hosts });
    expect(result.inputs.hostsEnabled).toBe(true);
    expect(result.inputs.clusters).toEqual([
      { name: 'az1', hosts: '8', memoryGbPerHost: '768', coresPerHost: '48', haPct: '17' },
      { name: 'az2', hosts: '6', memoryGbPerHost: '768', coresPerHost: '48', haPct: '17' },
    ]);
  });

  it('says why a fix cannot be applied', () => {
    const noHosts = applyFix(EMPTY_INPUTS, { description: 'add 2 host(s)', field: 'hosts', value: 4 });
    expect(noHosts).toMatchObject({ applied: false, inputs: EMPTY_INPUTS });
    const unknown = applyFix(EMPTY_INPUTS, { description: 'something new', field: 'cell.gpus', value: 1 });
    expect(unknown.applied).toBe(false);
    expect(unknown.summary).toContain('cell.gpus');
  });

  it('maps other number fields by their API path', () => {
    expect(applyFix(EMPTY_INPUTS, { description: '', field: 'target_vcpu_ratio', value: 2.5 }).inputs.targetVcpuRatio).toBe('2.5');
    expect(applyFix(EMPTY_INPUTS, { description: '', field: 'workload.instances', value: 100 }).inputs.workloadInstances).toBe('100');
  });
});

describe('field errors and labels', () => {
  it('puts the API’s errors next to the inputs and lists the rest', () => {
    const state = inputs({ hostsEnabled: true, clusters: [EMPTY_CLUSTER] });
    const { byField, other } = splitFieldErrors(
      [
        { field: 'cell_count', message: 'must be between 1 and 10000 cells' },
        { field: 'hosts.clusters[0].ha_admission_pct', message: 'must be between 0 and 100 %' },
        { field: 'hosts.clusters[3].hosts', message: 'must be at most 10000' },
        { field: 'segment', message: "no segment named 'x'" },
        { field: 'clusters[0].diego_cell_memory_gb', message: 'must be greater than 0' },
      ],
      state,
    );
    expect(byField).toEqual({
      cell_count: 'must be between 1 and 10000 cells',
      'hosts.clusters[0].ha_admission_pct': 'must be between 0 and 100 %',
      segment: "no segment named 'x'",
    });
    expect(other.map((o) => o.field)).toEqual(['hosts.clusters[3].hosts', 'clusters[0].diego_cell_memory_gb']);
  });

  it('names input fields in words', () => {
    expect(fieldLabel('cell_count')).toBe('Cell count');
    expect(fieldLabel('cell.memory_gb')).toBe('Memory per cell (GB)');
    expect(fieldLabel('hosts')).toBe('Hosts');
    expect(fieldLabel('something.else')).toBe('something.else');
  });

  it('ranks verdicts', () => {
    expect(verdictRank('does_not_fit')).toBeLessThan(verdictRank('fits_with_warnings'));
    expect(verdictRank('fits_with_warnings')).toBeLessThan(verdictRank('fits'));
  });
});
