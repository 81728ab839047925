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

/** The memory figures a segment and the whole foundation share. */
export interface CapacityFigures {
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
}

export interface Segment extends CapacityFigures {
  name: string;
  guid: string | null;
  apps_started: number;
  instance_states: InstanceCounts;
  largest_cell_mb: number;
  n_minus_one: NMinusOne;
  free_chunks: number;
  avg_cpu_percent: number | null;
}

export interface Totals extends CapacityFigures {
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

/** Sign-in settings of a UAA public client (authorization code with PKCE). */
export interface UaaSignIn {
  authorize_url: string;
  token_url: string;
  client_id: string;
  /** Space-separated, e.g. `openid diego_capacity.viewer diego_capacity.operator`. */
  scopes: string;
}

/** `auth` of `/api/health`: how the API authenticates callers. */
export type AuthInfo = { mode: 'disabled' } | { mode: 'uaa'; uaa: UaaSignIn };

/** `/api/health` for anyone: the status, the version and how to sign in. */
export interface PublicHealthResponse {
  status: HealthStatus;
  version: string;
  auth: AuthInfo;
}

/** `/api/health` for an authenticated caller (or any caller with authentication disabled). */
export interface HealthResponse extends PublicHealthResponse {
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
  /** Invalid fields of a request body (400 "invalid input"). */
  fields?: FieldError[];
}

/** One invalid field: `cell_count`, `workload.memory_mb`, `hosts.clusters[0].hosts`, `segment`. */
export interface FieldError {
  field: string;
  message: string;
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

// ---- planning (shared/core/src/planning, shared/app/src/http/planning.rs) ------------------

/** A cell shape; omitted fields keep today's value. */
export interface CellShape {
  /** VM RAM (GB). */
  memory_gb?: number;
  vcpus?: number;
  /** Ephemeral disk Diego can allocate (GB). */
  disk_gb?: number;
}

/** A hypothetical workload to add. */
export interface Workload {
  name?: string;
  instances: number;
  /** Memory limit per instance (MiB). */
  memory_mb: number;
  /** Disk limit per instance (MiB). */
  disk_mb?: number;
}

export interface HostCluster {
  name: string;
  hosts: number;
  /** RAM per host (GB). */
  memory_gb_per_host: number;
  /** Physical cores per host. */
  cores_per_host: number;
  /** vSphere HA admission control reservation (% of cluster memory). */
  ha_admission_pct: number;
}

export interface HostLayer {
  clusters: HostCluster[];
}

/** What to change; every field is optional and an empty input evaluates today's foundation. */
export interface ScenarioInput {
  segment?: string;
  cell?: CellShape;
  cell_count?: number;
  memory_overhead_pct?: number;
  /** Diego memory overcommit, 1–4. */
  overcommit?: number;
  workload?: Workload;
  hosts?: HostLayer;
  platform_vms_gb?: number;
  target_vcpu_ratio?: number;
  chunk_mb?: number;
  n1_target_pct?: number;
  max_containers_per_cell?: number;
}

/** One cell of a planning snapshot. */
export interface SnapshotCell {
  capacity_mb: number;
  allocated_mb: number;
  used_mb?: number | null;
  vm_memory_mb?: number | null;
  vcpus?: number | null;
  disk_mb?: number | null;
  disk_allocated_mb?: number | null;
  containers?: number;
  cpu_percent?: number | null;
}

export interface SnapshotSegment {
  name: string;
  cells: SnapshotCell[];
  requested_mb?: number;
  largest_instance_mb?: number;
  reclaimable_mb?: number;
}

/** A foundation for planning (`GET /api/snapshot`, schema_version 1). */
export interface Snapshot {
  schema_version: number;
  name: string;
  captured_at?: string | null;
  segments: SnapshotSegment[];
  hosts?: HostLayer | null;
  platform_vms_gb?: number;
  proxy_mb?: number;
}

/** `POST /api/scenario` body. */
export interface ScenarioRequest {
  scenario: ScenarioInput;
  snapshot?: Snapshot;
}

export interface NMinusOneFigure {
  capacity_without_largest_mb: number;
  utilization_percent: number | null;
  fits: boolean;
}

export interface SegmentFigure {
  name: string;
  cells: number;
  capacity_mb: number;
  allocated_mb: number;
  n_minus_one: NMinusOneFigure;
  free_chunks: number;
  largest_cell_mb: number;
  typical_cell_mb: number;
  typical_cell_vm_mb: number;
  typical_cell_vcpus: number | null;
}

export interface HostFigures {
  hosts: number;
  memory_mb: number;
  demand_mb: number;
  ha_reserved_mb: number;
  ha_usable_mb: number;
  n_minus_one_host_usable_mb: number;
  limiting: 'ha_admission' | 'n_minus_one_host';
  ha_hosts_equivalent: number;
  utilization_percent: number | null;
  fits: boolean;
  cells_per_host: number;
  capacity_after_host_loss_mb: number;
  host_loss_utilization_percent: number | null;
  survives_host_loss: boolean;
}

/** The figures of one state (today, or with the proposed changes) of the planned scope. */
export interface Figures {
  cells: number;
  cell_memory_gb: number | null;
  cell_vcpus: number | null;
  capacity_mb: number;
  allocated_mb: number;
  used_mb: number | null;
  allocated_percent: number | null;
  used_percent: number | null;
  n_minus_one: NMinusOneFigure;
  free_chunks: number;
  chunk_mb: number;
  instances: number;
  instances_per_cell: number;
  blast_radius_percent: number;
  max_containers_per_cell: number;
  container_limit: number;
  unplaced_instances: number;
  disk_allocated_percent: number | null;
  vcpus: number | null;
  vcpu_ratio: number | null;
  max_cells_by_cpu: number | null;
  cpu_pressure_percent: number | null;
  hosts: HostFigures | null;
  segments: SegmentFigure[];
}

export interface Delta {
  cells: number;
  capacity_mb: number;
  allocated_percent: number | null;
  n_minus_one_utilization_percent: number | null;
  free_chunks: number;
  vcpu_ratio: number | null;
}

export type VerdictStatus = 'fits' | 'fits_with_warnings' | 'does_not_fit';

export interface Verdict {
  status: VerdictStatus;
  reasons: string[];
}

export type WarningSeverity = 'info' | 'warning' | 'critical';

/** A changed input field (`from` is today's value, when it has one). */
export interface Change {
  field: string;
  from: number | null;
  to: number;
}

/** A concrete fix: set the input `field` to `value`. */
export interface Fix {
  description: string;
  field: string;
  value: number;
}

export interface PlanningWarning {
  severity: WarningSeverity;
  code: string;
  message: string;
  caused_by: Change | null;
  fixes: Fix[];
}

export type BottleneckResource = 'memory' | 'memory_n_minus_one' | 'disk' | 'containers' | 'cpu_ratio' | 'cpu_pressure';

export interface Bottleneck {
  resource: BottleneckResource;
  value: number;
  limit: number;
  unit: string;
  fraction_of_limit: number;
  constraining: boolean;
}

export interface Improvement {
  figure: string;
  from: number;
  to: number;
}

export interface Recommendation {
  kind: 'add_cells' | 'resize_cells' | 'add_hosts' | 'right_size_apps' | 'no_action';
  segment: string | null;
  title: string;
  detail: string;
  improves: Improvement[];
}

export interface ScenarioResponse {
  /** Absent when planning against an imported snapshot. */
  metadata?: Metadata;
  foundation: string;
  segment: string | null;
  current: Figures;
  proposed: Figures;
  delta: Delta;
  verdict: Verdict;
  warnings: PlanningWarning[];
  bottlenecks: Bottleneck[];
  recommendations: Recommendation[];
}

export interface RecommendationsResponse {
  metadata: Metadata;
  verdict: Verdict;
  bottlenecks: Bottleneck[];
  recommendations: Recommendation[];
}

/** `POST /api/snapshot/import`: the snapshot in this API's format. */
export interface ImportResponse {
  snapshot: Snapshot;
  cells: number;
  segments: number;
}
