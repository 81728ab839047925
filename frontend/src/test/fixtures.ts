// Small, hand-written API responses for unit tests (shapes as the Rust API serialises them).

import type {
  App,
  AppsResponse,
  Cell,
  CellsResponse,
  DashboardResponse,
  Metadata,
  Segment,
  SegmentsResponse,
  SourceInfo,
} from '../api/types';

const fresh: SourceInfo = { status: 'fresh', collected_at: '2026-11-21T22:23:38Z', age_seconds: 3, reason: null };

export function metadata(overrides: Partial<Metadata> = {}, sources: Partial<Metadata['sources']> = {}): Metadata {
  return {
    timestamp: '2026-11-21T22:23:41Z',
    foundation: 'default',
    cached: true,
    age_seconds: 3,
    stale: false,
    bosh_available: true,
    log_cache_available: true,
    ...overrides,
    sources: { cf: fresh, bosh: fresh, log_cache: fresh, ...sources },
  };
}

export function cell(name: string, overrides: Partial<Omit<Cell, 'memory'>> & { memory?: Partial<Cell['memory']> } = {}): Cell {
  const { memory, ...rest } = overrides;
  return {
    id: `id-${name}`,
    name,
    ip: '10.0.16.10',
    deployment: 'cf-abc',
    instance_group: name.split('/')[0] ?? name,
    az: 'az1',
    segment: 'shared',
    segment_source: 'placement_tag',
    memory: {
      capacity_mb: 32244,
      capacity_source: 'rep_metric',
      allocated_mb: 20000,
      allocated_source: 'rep_metric',
      allocated_rep_mb: 20000,
      allocated_instances_mb: 19000,
      used_mb: 6000,
      used_bytes: 6000 * 1048576,
      free_mb: 12244,
      allocated_percent: 62.03,
      used_percent: 18.6,
      ...memory,
    },
    disk: { capacity_mb: 100000, allocated_mb: 20000 },
    containers: { capacity: 250, used: 24, app_instances: 24 },
    cpu_percent: 30,
    vcpus: 4,
    vm_memory_used_percent: 40,
    job_state: 'running',
    seen_by: { bosh: true, rep: true, cf: true },
    ...rest,
  };
}

export const CELLS: Cell[] = [
  cell('isolated_diego_cell_dmz/0', {
    ip: '10.0.48.10',
    segment: 'dmz',
    cpu_percent: 85,
    memory: { free_mb: 104, allocated_percent: 99.8 },
  }),
  cell('isolated_diego_cell_dmz/1', {
    ip: '10.0.48.11',
    segment: 'dmz',
    cpu_percent: 55,
    memory: { free_mb: 168, allocated_percent: 99.7 },
  }),
  cell('diego_cell/0', { ip: '10.0.16.10', cpu_percent: 28, memory: { free_mb: 11600, allocated_percent: 63 } }),
  cell('diego_cell/1', { ip: '10.0.16.11', cpu_percent: null, memory: { free_mb: 16500, allocated_percent: 47.6 } }),
  cell('diego_cell/10', {
    ip: '10.0.16.20',
    cpu_percent: 12,
    memory: { capacity_mb: null, capacity_source: 'unknown', free_mb: null, allocated_percent: null },
  }),
];

export function segment(name: string, overrides: Partial<Segment> = {}): Segment {
  return {
    name,
    guid: `guid-${name}`,
    cells: 2,
    cells_without_capacity: 0,
    capacity_mb: 128976,
    allocated_mb: 62112,
    allocated_instances_mb: 56832,
    used_mb: 20082,
    free_mb: 66864,
    allocated_percent: 48.16,
    used_percent: 15.57,
    requested_mb: 59968,
    apps_started: 62,
    instance_states: { running: 162, starting: 3, crashed: 6, down: 0, other: 0 },
    largest_cell_mb: 64488,
    n_minus_one: { capacity_without_largest_mb: 64488, utilization_percent: 96.3, fits: true },
    free_chunks: 15,
    avg_cpu_percent: 43.35,
    ...overrides,
  };
}

export const SEGMENTS: Segment[] = [
  segment('shared', {
    cells: 6,
    capacity_mb: 193464,
    allocated_mb: 112992,
    largest_cell_mb: 32244,
    n_minus_one: { capacity_without_largest_mb: 161220, utilization_percent: 70.09, fits: true },
  }),
  segment('dmz', {
    allocated_mb: 128704,
    free_mb: 272,
    free_chunks: 0,
    n_minus_one: { capacity_without_largest_mb: 64488, utilization_percent: 199.58, fits: false },
  }),
  segment('empty', {
    cells: 0,
    capacity_mb: 0,
    allocated_mb: 0,
    used_mb: 0,
    free_mb: 0,
    largest_cell_mb: 0,
    n_minus_one: { capacity_without_largest_mb: 0, utilization_percent: null, fits: false },
  }),
];

export function dashboard(meta: Metadata = metadata()): DashboardResponse {
  return {
    metadata: meta,
    totals: {
      cells: 10,
      cells_without_capacity: 0,
      capacity_mb: 451416,
      allocated_mb: 303808,
      allocated_instances_mb: 288960,
      used_mb: 99264,
      free_mb: 147608,
      allocated_percent: 67.30111471458699,
      used_percent: 21.989473124568025,
      requested_mb: 299520,
      free_chunks: 33,
      chunk_mb: 4096,
      avg_cpu_percent: 34.64,
      apps: 200,
      apps_started: 181,
      instance_states: { running: 416, starting: 8, crashed: 10, down: 5, other: 0 },
      segments: 3,
      segments_failing_n_minus_one: 1,
    },
    segments: SEGMENTS,
    top_apps: [
      {
        guid: 'g1',
        name: 'web-app-72',
        org: 'data',
        space: 'test',
        segment: 'dmz',
        instances: 10,
        requested_mb: 22400,
        used_mb: 7589,
        reclaimable_mb: 11520,
      },
    ],
    right_sizing: [],
    notes: ['1 inactive BOSH VM row(s) ignored (create-swap-delete)'],
  };
}

export function cellsResponse(cells: Cell[] = CELLS, meta: Metadata = metadata()): CellsResponse {
  return { metadata: meta, total: cells.length, cells };
}

export function segmentsResponse(): SegmentsResponse {
  return { metadata: metadata(), segments: SEGMENTS };
}

export function app(name: string, overrides: Partial<App> = {}): App {
  return {
    guid: `guid-${name}`,
    name,
    state: 'STARTED',
    org: 'data',
    space: 'test',
    segment: 'dmz',
    instances: 10,
    instance_states: { running: 10, starting: 0, crashed: 0, down: 0, other: 0 },
    requested_mb: 22400,
    requested_disk_mb: 20480,
    used_mb: 7589,
    reclaimable_mb: 11520,
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
    ],
    ...overrides,
  };
}

export function appsResponse(apps: App[], total = apps.length, limit = 50, offset = 0): AppsResponse {
  return {
    metadata: metadata({}, { bosh: { ...fresh, status: 'not_used' }, log_cache: { ...fresh, status: 'not_used' } }),
    total,
    limit,
    offset,
    apps,
  };
}
