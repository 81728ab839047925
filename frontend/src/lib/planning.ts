// The Planning view's inputs as a form holds them (strings, so that an empty box means "as
// today"), their conversion to and from the API's ScenarioInput, cell presets, and how a
// warning's fix maps onto the inputs. Pure functions, unit-tested.

import type { Figures, Fix, HostCluster, HostLayer, ScenarioInput, VerdictStatus } from '../api/types';

export interface ClusterInputs {
  name: string;
  hosts: string;
  memoryGbPerHost: string;
  coresPerHost: string;
  haPct: string;
}

/** Every input of the Planning form. Numbers are kept as typed; '' means "not set". */
export interface PlanningInputs {
  /** '' = every segment with cells. */
  segment: string;
  cellMemoryGb: string;
  cellVcpus: string;
  cellDiskGb: string;
  cellCount: string;
  overheadPct: string;
  overcommit: string;
  workloadName: string;
  workloadInstances: string;
  workloadMemoryMb: string;
  workloadDiskMb: string;
  /** Plan with the host layer below (overrides an imported snapshot's hosts). */
  hostsEnabled: boolean;
  clusters: ClusterInputs[];
  platformVmsGb: string;
  targetVcpuRatio: string;
  chunkMb: string;
  n1TargetPct: string;
  maxContainers: string;
}

export const EMPTY_INPUTS: PlanningInputs = {
  segment: '',
  cellMemoryGb: '',
  cellVcpus: '',
  cellDiskGb: '',
  cellCount: '',
  overheadPct: '',
  overcommit: '',
  workloadName: '',
  workloadInstances: '',
  workloadMemoryMb: '',
  workloadDiskMb: '',
  hostsEnabled: false,
  clusters: [],
  platformVmsGb: '',
  targetVcpuRatio: '',
  chunkMb: '',
  n1TargetPct: '',
  maxContainers: '',
};

export const EMPTY_CLUSTER: ClusterInputs = { name: '', hosts: '', memoryGbPerHost: '', coresPerHost: '', haPct: '' };

/** The string-valued inputs that are one number of the request. */
export type NumberKey = Exclude<keyof PlanningInputs, 'segment' | 'workloadName' | 'hostsEnabled' | 'clusters'>;

export interface NumberField {
  key: NumberKey;
  /** The API's field path (also the key of field errors). */
  path: string;
  label: string;
  integer: boolean;
}

/** The number inputs, in form order, with the API field each one sets. */
export const NUMBER_FIELDS: readonly NumberField[] = [
  { key: 'cellMemoryGb', path: 'cell.memory_gb', label: 'Memory per cell (GB)', integer: false },
  { key: 'cellVcpus', path: 'cell.vcpus', label: 'vCPUs per cell', integer: true },
  { key: 'cellDiskGb', path: 'cell.disk_gb', label: 'Disk per cell (GB)', integer: false },
  { key: 'cellCount', path: 'cell_count', label: 'Cell count', integer: true },
  { key: 'overheadPct', path: 'memory_overhead_pct', label: 'VM memory overhead (%)', integer: false },
  { key: 'overcommit', path: 'overcommit', label: 'Memory overcommit (×)', integer: false },
  { key: 'workloadInstances', path: 'workload.instances', label: 'Instances', integer: true },
  { key: 'workloadMemoryMb', path: 'workload.memory_mb', label: 'Memory per instance (MB)', integer: true },
  { key: 'workloadDiskMb', path: 'workload.disk_mb', label: 'Disk per instance (MB)', integer: true },
  { key: 'platformVmsGb', path: 'platform_vms_gb', label: 'Platform VMs (GB)', integer: false },
  { key: 'targetVcpuRatio', path: 'target_vcpu_ratio', label: 'Target vCPU:pCPU ratio', integer: false },
  { key: 'chunkMb', path: 'chunk_mb', label: 'Chunk size (MB)', integer: true },
  { key: 'n1TargetPct', path: 'n1_target_pct', label: 'N−1 target (%)', integer: false },
  { key: 'maxContainers', path: 'max_containers_per_cell', label: 'Container limit per cell', integer: true },
];

export function numberField(key: NumberKey): NumberField {
  const field = NUMBER_FIELDS.find((f) => f.key === key);
  if (!field) throw new Error(`no number field ${key}`);
  return field;
}

export type ClusterKey = Exclude<keyof ClusterInputs, 'name'>;

export const CLUSTER_FIELDS: readonly { key: ClusterKey; api: keyof HostCluster; label: string; integer: boolean }[] = [
  { key: 'hosts', api: 'hosts', label: 'Hosts', integer: true },
  { key: 'memoryGbPerHost', api: 'memory_gb_per_host', label: 'GB per host', integer: false },
  { key: 'coresPerHost', api: 'cores_per_host', label: 'Cores per host', integer: true },
  { key: 'haPct', api: 'ha_admission_pct', label: 'HA admission (%)', integer: false },
];

/** `hosts.clusters[2].cores_per_host` */
export function clusterPath(index: number, key: ClusterKey): string {
  const api = CLUSTER_FIELDS.find((f) => f.key === key)?.api ?? key;
  return `hosts.clusters[${index}].${api}`;
}

// ---- presets --------------------------------------------------------------------------

export interface CellPreset {
  id: string;
  vcpus: number;
  memoryGb: number;
  label: string;
}

function preset(vcpus: number, memoryGb: number): CellPreset {
  return { id: `${vcpus}x${memoryGb}`, vcpus, memoryGb, label: `${vcpus} vCPU × ${memoryGb} GB` };
}

/** Common cell sizes (vCPU × GB). */
export const CELL_PRESETS: readonly CellPreset[] = [preset(4, 16), preset(4, 32), preset(8, 64), preset(8, 128), preset(16, 256)];

/** 'today' (no shape change), a preset id, or 'custom'. */
export type PresetChoice = string;

export function presetOf(inputs: Pick<PlanningInputs, 'cellMemoryGb' | 'cellVcpus'>): PresetChoice {
  const memory = inputs.cellMemoryGb.trim();
  const vcpus = inputs.cellVcpus.trim();
  if (memory === '' && vcpus === '') return 'today';
  const match = CELL_PRESETS.find((p) => Number(memory) === p.memoryGb && Number(vcpus) === p.vcpus);
  return match ? match.id : 'custom';
}

/** Chooses a preset: sets memory and vCPUs ('today' clears the shape, 'custom' keeps it). */
export function withPreset(inputs: PlanningInputs, choice: PresetChoice): PlanningInputs {
  if (choice === 'today') return { ...inputs, cellMemoryGb: '', cellVcpus: '', cellDiskGb: '' };
  const p = CELL_PRESETS.find((c) => c.id === choice);
  if (!p) return inputs;
  return { ...inputs, cellMemoryGb: String(p.memoryGb), cellVcpus: String(p.vcpus) };
}

// ---- inputs → request ----------------------------------------------------------------

export interface ConversionContext {
  /** Segments that have cells in the chosen data source: a cell count needs one of them chosen. */
  segmentsWithCells?: number;
}

export interface Conversion {
  scenario: ScenarioInput;
  /** Problems found before asking the API, by API field path. */
  errors: Record<string, string>;
}

type Parsed = { value: number | undefined; error?: string };

function parseNumber(raw: string, integer: boolean): Parsed {
  const text = raw.trim().replace(/,/g, '');
  if (text === '') return { value: undefined };
  const value = Number(text);
  if (!Number.isFinite(value)) return { value: undefined, error: 'enter a number' };
  if (value < 0) return { value: undefined, error: 'must not be negative' };
  if (integer && !Number.isInteger(value)) return { value: undefined, error: 'enter a whole number' };
  return { value };
}

/**
 * The request for the form's inputs. Empty inputs are left out (the API keeps today's value or
 * its default); typing mistakes become errors keyed like the API's own field errors.
 */
export function toScenario(inputs: PlanningInputs, context: ConversionContext = {}): Conversion {
  const errors: Record<string, string> = {};
  const num = (key: NumberKey): number | undefined => {
    const field = numberField(key);
    const parsed = parseNumber(inputs[key], field.integer);
    if (parsed.error) errors[field.path] = parsed.error;
    return parsed.value;
  };
  const scenario: ScenarioInput = {};
  if (inputs.segment) scenario.segment = inputs.segment;

  const cell = { memory_gb: num('cellMemoryGb'), vcpus: num('cellVcpus'), disk_gb: num('cellDiskGb') };
  const shape = Object.fromEntries(Object.entries(cell).filter(([, v]) => v !== undefined));
  if (Object.keys(shape).length > 0) scenario.cell = shape;

  const count = num('cellCount');
  if (count !== undefined) {
    scenario.cell_count = count;
    if (!inputs.segment && (context.segmentsWithCells ?? 1) > 1) {
      errors.cell_count ??= 'choose a segment: a cell count applies to one segment';
    }
  }
  const simple: [NumberKey, keyof ScenarioInput][] = [
    ['overheadPct', 'memory_overhead_pct'],
    ['overcommit', 'overcommit'],
    ['platformVmsGb', 'platform_vms_gb'],
    ['targetVcpuRatio', 'target_vcpu_ratio'],
    ['chunkMb', 'chunk_mb'],
    ['n1TargetPct', 'n1_target_pct'],
    ['maxContainers', 'max_containers_per_cell'],
  ];
  for (const [key, field] of simple) {
    const value = num(key);
    if (value !== undefined) (scenario as Record<string, unknown>)[field] = value;
  }

  const instances = num('workloadInstances');
  const memory = num('workloadMemoryMb');
  const disk = num('workloadDiskMb');
  const name = inputs.workloadName.trim();
  if (instances !== undefined || memory !== undefined || disk !== undefined) {
    if (instances === undefined && !errors['workload.instances']) errors['workload.instances'] = 'required for a workload';
    if (memory === undefined && !errors['workload.memory_mb']) errors['workload.memory_mb'] = 'required for a workload';
    if (instances !== undefined && memory !== undefined) {
      scenario.workload = { instances, memory_mb: memory };
      if (disk !== undefined) scenario.workload.disk_mb = disk;
      if (name) scenario.workload.name = name;
    }
  }

  if (inputs.hostsEnabled) {
    if (inputs.clusters.length === 0) errors['hosts.clusters'] = 'add at least one cluster';
    const clusters: HostCluster[] = [];
    inputs.clusters.forEach((c, i) => {
      const values: Partial<Record<ClusterKey, number>> = {};
      for (const f of CLUSTER_FIELDS) {
        const parsed = parseNumber(c[f.key], f.integer);
        const path = clusterPath(i, f.key);
        if (parsed.error) errors[path] = parsed.error;
        else if (parsed.value === undefined && f.key !== 'haPct') errors[path] = 'required';
        values[f.key] = parsed.value;
      }
      clusters.push({
        name: c.name.trim() || `cluster-${i + 1}`,
        hosts: values.hosts ?? 0,
        memory_gb_per_host: values.memoryGbPerHost ?? 0,
        cores_per_host: values.coresPerHost ?? 0,
        ha_admission_pct: values.haPct ?? 0,
      });
    });
    if (clusters.length > 0) scenario.hosts = { clusters };
  }
  return { scenario, errors };
}

function text(value: number | undefined | null): string {
  return value === undefined || value === null ? '' : String(value);
}

export function clustersFromLayer(layer: HostLayer | null | undefined): ClusterInputs[] {
  return (layer?.clusters ?? []).map((c) => ({
    name: c.name,
    hosts: text(c.hosts),
    memoryGbPerHost: text(c.memory_gb_per_host),
    coresPerHost: text(c.cores_per_host),
    haPct: text(c.ha_admission_pct),
  }));
}

/** The form's inputs for a request (a shared URL, a test): the inverse of toScenario. */
export function fromScenario(scenario: ScenarioInput): PlanningInputs {
  const clusters = clustersFromLayer(scenario.hosts);
  return {
    segment: scenario.segment ?? '',
    cellMemoryGb: text(scenario.cell?.memory_gb),
    cellVcpus: text(scenario.cell?.vcpus),
    cellDiskGb: text(scenario.cell?.disk_gb),
    cellCount: text(scenario.cell_count),
    overheadPct: text(scenario.memory_overhead_pct),
    overcommit: text(scenario.overcommit),
    workloadName: scenario.workload?.name ?? '',
    workloadInstances: text(scenario.workload?.instances),
    workloadMemoryMb: text(scenario.workload?.memory_mb),
    workloadDiskMb: text(scenario.workload?.disk_mb),
    hostsEnabled: scenario.hosts !== undefined,
    clusters,
    platformVmsGb: text(scenario.platform_vms_gb),
    targetVcpuRatio: text(scenario.target_vcpu_ratio),
    chunkMb: text(scenario.chunk_mb),
    n1TargetPct: text(scenario.n1_target_pct),
    maxContainers: text(scenario.max_containers_per_cell),
  };
}

/** A scenario from a URL parameter; anything unreadable is ignored (the form starts empty). */
export function parseScenarioParam(raw: string | null): ScenarioInput {
  if (!raw) return {};
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as ScenarioInput) : {};
  } catch {
    return {};
  }
}

// ---- field errors ---------------------------------------------------------------------

/** Whether the form has an input (or group) that shows errors for this API field path. */
export function isFormField(path: string, inputs: Pick<PlanningInputs, 'clusters' | 'hostsEnabled'>): boolean {
  if (path === 'segment' || path === 'hosts.clusters') return true;
  if (NUMBER_FIELDS.some((f) => f.path === path)) return true;
  const cluster = /^hosts\.clusters\[(\d+)\]\.(\w+)$/.exec(path);
  if (cluster && inputs.hostsEnabled) {
    const index = Number(cluster[1]);
    return index < inputs.clusters.length && CLUSTER_FIELDS.some((f) => f.api === cluster[2]);
  }
  return false;
}

/** The API's field errors by path, and those no input shows (listed above the form instead). */
export function splitFieldErrors(
  fields: readonly { field: string; message: string }[],
  inputs: Pick<PlanningInputs, 'clusters' | 'hostsEnabled'>,
): { byField: Record<string, string>; other: { field: string; message: string }[] } {
  const byField: Record<string, string> = {};
  const other: { field: string; message: string }[] = [];
  for (const f of fields) {
    if (isFormField(f.field, inputs)) byField[f.field] = byField[f.field] ? `${byField[f.field]}; ${f.message}` : f.message;
    else other.push(f);
  }
  return { byField, other };
}

// ---- fixes ----------------------------------------------------------------------------

export interface FixContext {
  /** The proposed figures the fix was computed from (their segments name the one to change). */
  proposed?: Pick<Figures, 'segments'> | null;
  /** The data source's own hosts (an imported snapshot's), for a fix that adds hosts. */
  modelHosts?: HostLayer | null;
}

export interface FixResult {
  inputs: PlanningInputs;
  applied: boolean;
  /** What changed, in words ("Cell count set to 9 in shared"). */
  summary: string;
}

function formatValue(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

/** The segment a cell-count fix is for, when the form plans every segment. */
function fixSegment(fix: Fix, context: FixContext): string | null {
  const segments = context.proposed?.segments ?? [];
  if (segments.length === 1) return segments[0]!.name;
  // The API's fixes end "… to <segment>": the longest matching name wins (e.g. "dmz-2" over "dmz").
  const named = [...segments]
    .sort((a, b) => b.name.length - a.name.length)
    .find((s) => fix.description.endsWith(` ${s.name}`) || fix.description.includes(` to ${s.name} `));
  if (named) return named.name;
  return segments.find((s) => !s.n_minus_one.fits)?.name ?? null;
}

/**
 * Applies a warning's fix to the inputs: `cell_count`, `cell.vcpus` and the other number fields
 * set that input; `hosts` is the total number of hosts, so the difference goes to the first
 * cluster (starting from the snapshot's clusters when the form has none). A cell count for
 * "every segment" also chooses the segment the fix names.
 */
export function applyFix(inputs: PlanningInputs, fix: Fix, context: FixContext = {}): FixResult {
  const value = formatValue(fix.value);
  if (fix.field === 'hosts') {
    const clusters = inputs.hostsEnabled && inputs.clusters.length > 0 ? inputs.clusters : clustersFromLayer(context.modelHosts);
    const first = clusters[0];
    if (!first) return { inputs, applied: false, summary: 'There is no host cluster to add hosts to.' };
    const counts = clusters.map((c) => parseNumber(c.hosts, true).value);
    if (counts.some((n) => n === undefined)) {
      return { inputs, applied: false, summary: 'Fill in the number of hosts of every cluster first.' };
    }
    const total = counts.reduce<number>((a, n) => a + (n ?? 0), 0);
    const firstHosts = Math.max(0, (counts[0] ?? 0) + Math.round(fix.value) - total);
    const next = [{ ...first, hosts: String(firstHosts) }, ...clusters.slice(1)];
    return {
      inputs: { ...inputs, hostsEnabled: true, clusters: next },
      applied: true,
      summary: `${first.name || 'The first cluster'} now has ${firstHosts} hosts (${Math.round(fix.value)} in total).`,
    };
  }
  const field = NUMBER_FIELDS.find((f) => f.path === fix.field);
  if (!field) return { inputs, applied: false, summary: `This fix changes ${fix.field}, which the form does not have.` };
  const next: PlanningInputs = { ...inputs, [field.key]: value };
  let where = '';
  if (field.key === 'cellCount') {
    const segment = inputs.segment || fixSegment(fix, context);
    if (segment) {
      next.segment = segment;
      where = ` in ${segment}`;
    }
  }
  return { inputs: next, applied: true, summary: `${field.label} set to ${value}${where}.` };
}

/** A human label for an API input field (for "caused by"). */
export function fieldLabel(path: string): string {
  if (path === 'hosts') return 'Hosts';
  if (path === 'segment') return 'Segment';
  return NUMBER_FIELDS.find((f) => f.path === path)?.label ?? path;
}

// ---- verdicts -------------------------------------------------------------------------

export const VERDICT_LABEL: Record<VerdictStatus, string> = {
  fits: 'Fits',
  fits_with_warnings: 'Fits with warnings',
  does_not_fit: 'Does not fit',
};

/** Higher is better: does not fit 0, fits with warnings 1, fits 2. */
export function verdictRank(status: VerdictStatus): number {
  return status === 'fits' ? 2 : status === 'fits_with_warnings' ? 1 : 0;
}
