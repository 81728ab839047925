// Typed models of the capacity API's JSON. Field names follow the Rust views
// (shared/app/src/http/{views,metadata}.rs and shared/core/src/analysis/*.rs, serde snake_case).
// All memory sizes are MiB; percents are 0–100 (and may exceed 100 when over-committed).

/** Status of one upstream source in a response (`unknown`: used, but no status recorded). */
export type SourceStatus = 'fresh' | 'stale' | 'unavailable' | 'not_configured' | 'not_used' | 'unknown';

export interface SourceInfo {
  status: SourceStatus;
  /** RFC 3339, UTC. */
  collected_at: string | null;
  age_seconds: number | null;
  /** Why the source is stale or unavailable, or why its last refresh failed. */
  reason: string | null;
}

export interface Metadata {
  /** When the response was built (RFC 3339, UTC). */
  timestamp: string;
  foundation: string;
  /** True when nothing was collected for this request (all from the cache). */
  cached: boolean;
  /** Age of the oldest source used (seconds). */
  age_seconds: number;
  /** True when a source used is past its TTL (served because a refresh failed). */
  stale: boolean;
  bosh_available: boolean;
  log_cache_available: boolean;
  sources: {
    cf: SourceInfo;
    bosh: SourceInfo;
    log_cache: SourceInfo;
  };
}

export type SourceName = keyof Metadata['sources'];

/** Where a figure comes from. */
export type Provenance = 'rep_metric' | 'bosh_cloud_properties' | 'bosh_vitals' | 'configured' | 'cf_instances' | 'unknown';

export type SegmentSource = 'placement_tag' | 'placed_instances' | 'instance_group_name' | 'default';

export interface CellMemory {
  capacity_mb: number | null;
  capacity_source: Provenance;
  allocated_mb: number;
  allocated_source: Provenance;
  allocated_rep_mb: number | null;
  allocated_instances_mb: number;
  used_mb: number;
  used_bytes: number;
  free_mb: number | null;
  allocated_percent: number | null;
  used_percent: number | null;
}

export interface Cell {
  id: string;
  name: string;
  ip: string;
  deployment: string | null;
  instance_group: string | null;
  az: string | null;
  segment: string;
  segment_source: SegmentSource;
  memory: CellMemory;
  disk: { capacity_mb: number | null; allocated_mb: number | null };
  containers: { capacity: number | null; used: number | null; app_instances: number };
  /** user + sys + wait, % of the VM's CPUs (BOSH vitals). */
  cpu_percent: number | null;
  vcpus: number | null;
  vm_memory_used_percent: number | null;
  job_state: string | null;
  seen_by: { bosh: boolean; rep: boolean; cf: boolean };
}

export interface InstanceCounts {
  running: number;
  starting: number;
  crashed: number;
  down: number;
  other: number;
}

export interface NMinusOne {
  capacity_without_largest_mb: number;
  utilization_percent: number | null;
  fits: boolean;
}

export interface Segment {
  name: string;
  guid: string | null;
  cells: number;
  cells_without_capacity: number;
  capacity_mb: number;
  allocated_mb: number;
  allocated_instances_mb: number;
  used_mb: number;
  free_mb: number;
  allocated_percent: number | null;
  used_percent: number | null;
  requested_mb: number;
  apps_started: number;
  instance_states: InstanceCounts;
  largest_cell_mb: number;
  n_minus_one: NMinusOne;
  free_chunks: number;
  avg_cpu_percent: number | null;
}

export interface Totals {
  cells: number;
  cells_without_capacity: number;
  capacity_mb: number;
  allocated_mb: number;
  allocated_instances_mb: number;
  used_mb: number;
  free_mb: number;
  allocated_percent: number | null;
  used_percent: number | null;
  requested_mb: number;
  free_chunks: number;
  chunk_mb: number;
  avg_cpu_percent: number | null;
  apps: number;
  apps_started: number;
  instance_states: InstanceCounts;
  segments: number;
  segments_failing_n_minus_one: number;
}

/** An app without its per-process detail (dashboard lists). */
export interface AppSummary {
  guid: string;
  name: string;
  org: string;
  space: string;
  segment: string;
  instances: number;
  requested_mb: number;
  used_mb: number | null;
  reclaimable_mb: number;
}

export interface RightSizing {
  recommended_mb: number;
  frees_mb: number;
}

export interface ProcessUsage {
  type: string;
  instances: number;
  memory_in_mb: number;
  disk_in_mb: number;
  used_mb: number | null;
  peak_instance_mb: number | null;
  right_sizing: RightSizing | null;
}

export type AppState = 'STARTED' | 'STOPPED';

export interface App {
  guid: string;
  name: string;
  state: AppState;
  org: string;
  space: string;
  segment: string;
  instances: number;
  instance_states: InstanceCounts;
  requested_mb: number;
  requested_disk_mb: number;
  used_mb: number | null;
  reclaimable_mb: number;
  processes: ProcessUsage[];
}

export interface DashboardResponse {
  metadata: Metadata;
  totals: Totals;
  segments: Segment[];
  top_apps: AppSummary[];
  right_sizing: AppSummary[];
  notes: string[];
}

export interface CellsResponse {
  metadata: Metadata;
  total: number;
  cells: Cell[];
}

export interface SegmentsResponse {
  metadata: Metadata;
  segments: Segment[];
}

export interface AppsResponse {
  metadata: Metadata;
  total: number;
  limit: number;
  offset: number;
  apps: App[];
}

export type HealthStatus = 'ok' | 'degraded' | 'error' | 'not_configured' | 'unknown';

export interface HealthResponse {
  status: HealthStatus;
  version: string;
  foundation: string;
  timestamp: string;
  cf_api: HealthStatus;
  bosh_api: HealthStatus;
  log_cache: HealthStatus;
  cache: { backend: string; keys: unknown[] };
}

/** The API's error body: `{"error": "...", "details": "...", "code": 503}`. */
export interface ApiErrorBody {
  error: string;
  details: string;
  code: number;
}

export type CellSortKey = 'name' | 'allocated' | 'used' | 'free' | 'capacity' | 'cpu';
export type AppSortKey = 'requested' | 'used' | 'reclaimable' | 'instances' | 'name';
export type SortOrder = 'asc' | 'desc';

export interface AppsQuery {
  segment?: string;
  org?: string;
  space?: string;
  q?: string;
  state?: 'started' | 'stopped';
  sort?: AppSortKey;
  order?: SortOrder;
  limit?: number;
  offset?: number;
}
