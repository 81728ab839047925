// Hand-written planning responses for unit tests (shapes as shared/core/src/planning serialises them).

import type { Figures, HostFigures, ImportResponse, ScenarioResponse, SegmentFigure, Snapshot } from '../api/types';
import { metadata } from './fixtures';

export function segmentFigure(name: string, overrides: Partial<SegmentFigure> = {}): SegmentFigure {
  return {
    name,
    cells: 6,
    capacity_mb: 193464,
    allocated_mb: 112992,
    n_minus_one: { capacity_without_largest_mb: 161220, utilization_percent: 70.0855973204317, fits: true },
    free_chunks: 18,
    largest_cell_mb: 32244,
    typical_cell_mb: 32244,
    typical_cell_vm_mb: 34671,
    typical_cell_vcpus: 4,
    ...overrides,
  };
}

export function figures(overrides: Partial<Figures> = {}): Figures {
  return {
    cells: 6,
    cell_memory_gb: 33.8583984375,
    cell_vcpus: 4,
    capacity_mb: 193464,
    allocated_mb: 112992,
    used_mb: 36494,
    allocated_percent: 58.40466443369309,
    used_percent: 18.86345780093454,
    n_minus_one: { capacity_without_largest_mb: 161220, utilization_percent: 70.0855973204317, fits: true },
    free_chunks: 18,
    chunk_mb: 4096,
    instances: 147,
    instances_per_cell: 24.5,
    blast_radius_percent: 18.367346938775512,
    max_containers_per_cell: 27,
    container_limit: 250,
    unplaced_instances: 0,
    disk_allocated_percent: 25.26928134911426,
    vcpus: 56,
    vcpu_ratio: null,
    max_cells_by_cpu: null,
    cpu_pressure_percent: 32.166666666666664,
    hosts: null,
    segments: [segmentFigure('shared')],
    ...overrides,
  };
}

/** The shared segment shrunk to 6 cells of 16 GB: over capacity, N−1 fails. */
export function brokenFigures(): Figures {
  return figures({
    cell_memory_gb: 16,
    capacity_mb: 91422,
    allocated_percent: 123.59,
    used_percent: 39.9,
    n_minus_one: { capacity_without_largest_mb: 76185, utilization_percent: 148.31, fits: false },
    free_chunks: 0,
    segments: [
      segmentFigure('shared', {
        capacity_mb: 91422,
        n_minus_one: { capacity_without_largest_mb: 76185, utilization_percent: 148.31, fits: false },
        free_chunks: 0,
        largest_cell_mb: 15237,
        typical_cell_mb: 15237,
        typical_cell_vm_mb: 16384,
      }),
    ],
  });
}

export function hostFigures(overrides: Partial<HostFigures> = {}): HostFigures {
  return {
    hosts: 12,
    memory_mb: 9437184,
    demand_mb: 4587520,
    ha_reserved_mb: 1604321.28,
    ha_usable_mb: 7832862.72,
    n_minus_one_host_usable_mb: 8650752,
    limiting: 'ha_admission',
    ha_hosts_equivalent: 2,
    utilization_percent: 58.56760374832664,
    fits: true,
    cells_per_host: 10,
    capacity_after_host_loss_mb: 3379200,
    host_loss_utilization_percent: 78.78787878787878,
    survives_host_loss: true,
    ...overrides,
  };
}

export function scenarioResponse(overrides: Partial<ScenarioResponse> = {}): ScenarioResponse {
  return {
    metadata: metadata(),
    foundation: 'default',
    segment: 'shared',
    current: figures(),
    proposed: brokenFigures(),
    delta: {
      cells: 0,
      capacity_mb: -102042,
      allocated_percent: 65.19,
      n_minus_one_utilization_percent: 78.22,
      free_chunks: -18,
      vcpu_ratio: null,
    },
    verdict: {
      status: 'does_not_fit',
      reasons: ['allocated memory 110.3 GiB exceeds capacity 89.3 GiB'],
    },
    warnings: [
      {
        severity: 'critical',
        code: 'over_capacity',
        message: 'allocated memory 110.3 GiB exceeds capacity 89.3 GiB',
        caused_by: { field: 'cell.memory_gb', from: 33.86, to: 16 },
        fixes: [{ description: 'add 3 cell(s) of 16.0 GiB to shared', field: 'cell_count', value: 9 }],
      },
      {
        severity: 'info',
        code: 'large_blast_radius',
        message: 'one cell holds 17.0 % of the instances: a cell failure restarts that share at once',
        caused_by: null,
        fixes: [],
      },
    ],
    bottlenecks: [
      { resource: 'memory_n_minus_one', value: 112992, limit: 76185, unit: 'MiB', fraction_of_limit: 1.4831, constraining: true },
      { resource: 'memory', value: 112992, limit: 91422, unit: 'MiB', fraction_of_limit: 1.2359, constraining: false },
      { resource: 'cpu_ratio', value: 2.1, limit: 4, unit: 'vCPU per physical core', fraction_of_limit: 0.525, constraining: false },
      { resource: 'containers', value: 25, limit: 250, unit: 'containers per cell', fraction_of_limit: 0.1, constraining: false },
    ],
    recommendations: [
      {
        kind: 'add_cells',
        segment: 'shared',
        title: 'Add 5 cell(s) of 16 GB to shared',
        detail: 'allocated 110 GiB; capacity without the largest cell goes from 74 to 149 GiB',
        improves: [{ figure: 'n_minus_one_utilization_percent', from: 148.31, to: 74.2 }],
      },
    ],
    ...overrides,
  };
}

/** The answer once the fix (9 cells) is applied: fits, with an N−1 warning. */
export function fixedResponse(): ScenarioResponse {
  const proposed = brokenFigures();
  return scenarioResponse({
    proposed: {
      ...proposed,
      cells: 9,
      capacity_mb: 137133,
      allocated_percent: 82.4,
      n_minus_one: { capacity_without_largest_mb: 121896, utilization_percent: 92.7, fits: true },
    },
    verdict: { status: 'fits_with_warnings', reasons: ['N−1 utilisation 92.7 % is above the 80 % target'] },
    warnings: [
      {
        severity: 'warning',
        code: 'n_minus_one_above_target',
        message: 'N−1 utilisation 92.7 % is above the 80 % target',
        caused_by: { field: 'cell_count', from: 6, to: 9 },
        fixes: [{ description: 'add 2 cell(s) of 16.0 GiB to shared', field: 'cell_count', value: 11 }],
      },
    ],
  });
}

export function labSnapshot(): Snapshot {
  const cell = { capacity_mb: 30720, allocated_mb: 22187, vm_memory_mb: 32768, vcpus: 4, containers: 26 };
  return {
    schema_version: 1,
    name: 'Example Lab Foundation',
    captured_at: null,
    segments: [{ name: 'shared', cells: Array.from({ length: 4 }, () => ({ ...cell })), requested_mb: 88748 }],
    hosts: {
      clusters: [
        { name: 'az1', hosts: 6, memory_gb_per_host: 768, cores_per_host: 48, ha_admission_pct: 17 },
        { name: 'az2', hosts: 6, memory_gb_per_host: 768, cores_per_host: 48, ha_admission_pct: 17 },
      ],
    },
    platform_vms_gb: 640,
    proxy_mb: 0,
  };
}

export function importResponse(): ImportResponse {
  return { snapshot: labSnapshot(), cells: 4, segments: 1 };
}
