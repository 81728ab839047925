import { useId, type FormEvent, type ReactNode } from 'react';
import { Tip } from '../../components/Tip';
import { PLANNING_GLOSSARY } from '../../lib/glossary';
import {
  CELL_PRESETS,
  CLUSTER_FIELDS,
  clusterPath,
  EMPTY_CLUSTER,
  numberField,
  presetOf,
  withPreset,
  type ClusterInputs,
  type NumberKey,
  type PlanningInputs,
} from '../../lib/planning';

export interface SegmentOption {
  name: string;
  cells: number;
}

interface PlanningFormProps {
  inputs: PlanningInputs;
  onChange: (next: PlanningInputs) => void;
  /** Errors by API field path (the form's own checks and the API's). */
  errors: Record<string, string>;
  segments: SegmentOption[];
  /** Today's values and defaults, shown as placeholders. */
  placeholders: Partial<Record<NumberKey, string>>;
  /** Hosts the data source already has (an imported snapshot's), used when none are entered. */
  sourceHosts: string | null;
  evaluating: boolean;
  /** Why this user may not evaluate (the role lacks the operator scope); null when they may. */
  locked: string | null;
  auto: boolean;
  onAuto: (auto: boolean) => void;
  onEvaluate: () => void;
  onReset: () => void;
}

function ErrorText({ id, error, field }: { id: string; error: string | undefined; field: string }) {
  if (!error) return null;
  return (
    <p id={id} className="field-error" data-error-for={field}>
      {error}
    </p>
  );
}

function Label({ htmlFor, label, tip }: { htmlFor: string; label: string; tip?: string }) {
  return (
    <span className="field-label-row">
      <label className="field-label" htmlFor={htmlFor}>
        {label}
      </label>
      {tip && <Tip label={label}>{tip}</Tip>}
    </span>
  );
}

interface NumberInputProps {
  id: NumberKey;
  inputs: PlanningInputs;
  errors: Record<string, string>;
  placeholder?: string;
  tip?: string;
  onChange: (changes: Partial<PlanningInputs>) => void;
}

function NumberInput({ id: key, inputs, errors, placeholder, tip, onChange }: NumberInputProps) {
  const id = useId();
  const field = numberField(key);
  const error = errors[field.path];
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <Label htmlFor={id} label={field.label} tip={tip} />
      <input
        id={id}
        type="text"
        inputMode={field.integer ? 'numeric' : 'decimal'}
        autoComplete="off"
        value={inputs[key]}
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        data-field={field.path}
        onChange={(e) => onChange({ [key]: e.target.value })}
      />
      <ErrorText id={`${id}-error`} error={error} field={field.path} />
    </div>
  );
}

function Group({ legend, tip, children, className = '' }: { legend: string; tip?: string; children: ReactNode; className?: string }) {
  return (
    <fieldset className={`form-group ${className}`}>
      <legend>
        {legend}
        {tip && <Tip label={legend}>{tip}</Tip>}
      </legend>
      {children}
    </fieldset>
  );
}

/** The scenario's inputs: scope and cells, memory model, workload, hosts, targets. */
export function PlanningForm(props: PlanningFormProps) {
  const { inputs, onChange, errors, segments, placeholders, evaluating, locked } = props;
  const segmentId = useId();
  const lockedId = useId();
  const presetId = useId();
  const set = (changes: Partial<PlanningInputs>) => onChange({ ...inputs, ...changes });
  const choice = presetOf(inputs);
  const field = (key: NumberKey, tip?: string) => (
    <NumberInput id={key} inputs={inputs} errors={errors} placeholder={placeholders[key]} tip={tip} onChange={set} />
  );
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!locked) props.onEvaluate();
  };
  const selected = inputs.segment && !segments.some((s) => s.name === inputs.segment) ? [{ name: inputs.segment, cells: 0 }] : [];
  return (
    <form className="panel planning-form" aria-label="Scenario inputs" onSubmit={onSubmit} noValidate data-testid="planning-form">
      <h2>Scenario</h2>
      <Group legend="Scope and cells">
        <div className={`field${errors.segment ? ' field-invalid' : ''}`}>
          <Label htmlFor={segmentId} label="Segment" tip={PLANNING_GLOSSARY.segment} />
          <select
            id={segmentId}
            value={inputs.segment}
            onChange={(e) => set({ segment: e.target.value })}
            aria-invalid={errors.segment ? true : undefined}
            aria-describedby={errors.segment ? `${segmentId}-error` : undefined}
            data-field="segment"
          >
            <option value="">Every segment with cells</option>
            {[...segments, ...selected].map((s) => (
              <option key={s.name} value={s.name}>
                {s.name} ({s.cells === 1 ? '1 cell' : `${s.cells} cells`})
              </option>
            ))}
          </select>
          <ErrorText id={`${segmentId}-error`} error={errors.segment} field="segment" />
        </div>
        <div className="field">
          <Label htmlFor={presetId} label="Cell size" tip={PLANNING_GLOSSARY.cellShape} />
          <select id={presetId} value={choice} onChange={(e) => onChange(withPreset(inputs, e.target.value))} data-testid="cell-preset">
            <option value="today">As today</option>
            {CELL_PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
            <option value="custom" disabled={choice !== 'custom'}>
              Custom
            </option>
          </select>
        </div>
        <div className="form-grid">
          {field('cellMemoryGb')}
          {field('cellVcpus')}
          {field('cellDiskGb')}
          {field('cellCount', PLANNING_GLOSSARY.cellCount)}
        </div>
      </Group>
      <Group legend="Memory model">
        <div className="form-grid">
          {field('overheadPct', PLANNING_GLOSSARY.overhead)}
          {field('overcommit', PLANNING_GLOSSARY.overcommit)}
        </div>
      </Group>
      <Group legend="Hypothetical workload" tip={PLANNING_GLOSSARY.workload}>
        <WorkloadName inputs={inputs} onChange={set} />
        <div className="form-grid">
          {field('workloadInstances')}
          {field('workloadMemoryMb')}
          {field('workloadDiskMb')}
        </div>
      </Group>
      <Hosts {...props} set={set} field={field} />
      <Group legend="Targets and limits">
        <div className="form-grid">
          {field('n1TargetPct', PLANNING_GLOSSARY.n1Target)}
          {field('targetVcpuRatio', PLANNING_GLOSSARY.targetVcpuRatio)}
          {field('chunkMb', PLANNING_GLOSSARY.chunk)}
          {field('maxContainers', PLANNING_GLOSSARY.maxContainers)}
        </div>
      </Group>
      <div className="form-actions">
        <button
          type="submit"
          className="button"
          disabled={evaluating || locked !== null}
          aria-busy={evaluating}
          aria-describedby={locked ? lockedId : undefined}
          data-testid="evaluate"
        >
          {evaluating ? 'Evaluating…' : 'Evaluate'}
        </button>
        <button type="button" className="button button-secondary" onClick={props.onReset} data-testid="reset">
          Reset to today
        </button>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={props.auto && !locked}
            disabled={locked !== null}
            onChange={(e) => props.onAuto(e.target.checked)}
          />{' '}
          Evaluate as I type
        </label>
        {locked && (
          <p id={lockedId} className="field-hint" data-testid="evaluate-locked">
            {locked}
          </p>
        )}
      </div>
    </form>
  );
}

function WorkloadName({ inputs, onChange }: { inputs: PlanningInputs; onChange: (c: Partial<PlanningInputs>) => void }) {
  const id = useId();
  return (
    <div className="field">
      <Label htmlFor={id} label="Name (for the report)" />
      <input
        id={id}
        type="text"
        autoComplete="off"
        value={inputs.workloadName}
        onChange={(e) => onChange({ workloadName: e.target.value })}
      />
    </div>
  );
}

interface HostsProps extends PlanningFormProps {
  set: (changes: Partial<PlanningInputs>) => void;
  field: (key: NumberKey, tip?: string) => ReactNode;
}

function Hosts({ inputs, errors, set, field, sourceHosts }: HostsProps) {
  const checkboxId = useId();
  const setCluster = (index: number, changes: Partial<ClusterInputs>) =>
    set({ clusters: inputs.clusters.map((c, i) => (i === index ? { ...c, ...changes } : c)) });
  return (
    <Group legend="Host layer" tip={PLANNING_GLOSSARY.hosts}>
      <div className="checkbox">
        <input
          id={checkboxId}
          type="checkbox"
          checked={inputs.hostsEnabled}
          onChange={(e) =>
            set({ hostsEnabled: e.target.checked, clusters: inputs.clusters.length > 0 ? inputs.clusters : [EMPTY_CLUSTER] })
          }
          data-testid="hosts-enabled"
        />
        <label htmlFor={checkboxId}>Plan with these hosts</label>
      </div>
      {!inputs.hostsEnabled && (
        <p className="muted small">
          {sourceHosts ? `Using the snapshot's hosts: ${sourceHosts}.` : 'No host layer: HA and host-loss checks are off.'}
        </p>
      )}
      {inputs.hostsEnabled && (
        <>
          {errors['hosts.clusters'] && (
            <p className="field-error" data-error-for="hosts.clusters">
              {errors['hosts.clusters']}
            </p>
          )}
          {inputs.clusters.map((c, i) => (
            <ClusterFields
              key={i}
              index={i}
              cluster={c}
              errors={errors}
              onChange={(changes) => setCluster(i, changes)}
              onRemove={() => set({ clusters: inputs.clusters.filter((_, j) => j !== i) })}
            />
          ))}
          <button
            type="button"
            className="button button-secondary button-small"
            onClick={() => set({ clusters: [...inputs.clusters, EMPTY_CLUSTER] })}
          >
            Add a cluster
          </button>
        </>
      )}
      <div className="form-grid">{field('platformVmsGb', PLANNING_GLOSSARY.platformVms)}</div>
    </Group>
  );
}

interface ClusterFieldsProps {
  index: number;
  cluster: ClusterInputs;
  errors: Record<string, string>;
  onChange: (changes: Partial<ClusterInputs>) => void;
  onRemove: () => void;
}

function ClusterFields({ index, cluster, errors, onChange, onRemove }: ClusterFieldsProps) {
  const id = useId();
  const title = `Cluster ${index + 1}`;
  return (
    <fieldset className="cluster" data-testid="cluster">
      <legend>{cluster.name.trim() || title}</legend>
      <div className="form-grid">
        <div className="field">
          <Label htmlFor={`${id}-name`} label="Name" />
          <input
            id={`${id}-name`}
            type="text"
            autoComplete="off"
            value={cluster.name}
            placeholder={`cluster-${index + 1}`}
            onChange={(e) => onChange({ name: e.target.value })}
          />
        </div>
        {CLUSTER_FIELDS.map((f) => {
          const path = clusterPath(index, f.key);
          const error = errors[path];
          return (
            <div key={f.key} className={`field${error ? ' field-invalid' : ''}`}>
              <Label htmlFor={`${id}-${f.key}`} label={f.label} tip={f.key === 'haPct' ? PLANNING_GLOSSARY.haAdmission : undefined} />
              <input
                id={`${id}-${f.key}`}
                type="text"
                inputMode={f.integer ? 'numeric' : 'decimal'}
                autoComplete="off"
                value={cluster[f.key]}
                placeholder={f.key === 'haPct' ? '0' : undefined}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? `${id}-${f.key}-error` : undefined}
                data-field={path}
                onChange={(e) => onChange({ [f.key]: e.target.value })}
              />
              <ErrorText id={`${id}-${f.key}-error`} error={error} field={path} />
            </div>
          );
        })}
      </div>
      <button type="button" className="link-button" onClick={onRemove}>
        Remove {cluster.name.trim() || title.toLowerCase()}
      </button>
    </fieldset>
  );
}
