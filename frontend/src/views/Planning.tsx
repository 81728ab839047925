import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useApiClient } from '../api/context';
import { ApiError, type RequestOptions } from '../api/client';
import type { Fix, HostLayer, ScenarioInput } from '../api/types';
import { useResource } from '../api/useResource';
import { useAccess } from '../auth/context';
import { accessHint, OPERATOR_SCOPE } from '../auth/roles';
import { DegradedBanner } from '../components/Banner';
import { Freshness } from '../components/Freshness';
import { ErrorState, LoadingState } from '../components/States';
import { Tip } from '../components/Tip';
import { downloadText } from '../lib/download';
import { formatChunk, formatCount } from '../lib/format';
import { PLANNING_GLOSSARY } from '../lib/glossary';
import {
  applyFix,
  EMPTY_INPUTS,
  fromScenario,
  parseScenarioParam,
  splitFieldErrors,
  toScenario,
  type NumberKey,
  type PlanningInputs,
} from '../lib/planning';
import { planningReport, reportFileName, type PlanningSource } from '../lib/report';
import { parseHash, updateParams, useLocation } from '../router';
import { PlanningForm, type SegmentOption } from './planning/PlanningForm';
import { PlanningResults } from './planning/PlanningResults';
import { keepSource, keptSource, type Imported } from './planning/kept';

/** Quiet time after the last keystroke before the scenario is evaluated. */
export const AUTO_EVALUATE_MS = 500;

function describeHosts(layer: HostLayer | null | undefined): string | null {
  if (!layer || layer.clusters.length === 0) return null;
  const hosts = layer.clusters.reduce((n, c) => n + c.hosts, 0);
  return `${layer.clusters.length} cluster(s), ${formatCount(hosts)} hosts`;
}

function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = error.fields.map((f) => `${f.field}: ${f.message}`).join('; ');
    const hint = accessHint(error);
    return `${error.summary}${error.status > 0 ? ` (HTTP ${error.status})` : ''}: ${fields || error.details}${hint ? ` ${hint}` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export default function Planning() {
  const client = useApiClient();
  const access = useAccess();
  // A viewer may look at the form but not evaluate or import: the API refuses both (403).
  const locked = access.canOperate
    ? null
    : `Evaluating needs the ${OPERATOR_SCOPE} scope, which ${access.user?.name ? `${access.user.name}’s` : 'your'} token does not have.`;
  const location = useLocation();
  const [inputs, setInputs] = useState<PlanningInputs>(() => fromScenario(parseScenarioParam(location.params.get('scenario'))));
  const [source, setSource] = useState<'live' | 'snapshot'>(() => keptSource().source);
  const [imported, setImported] = useState<Imported | null>(() => keptSource().imported);
  const [auto, setAuto] = useState(true);
  const [notice, setNotice] = useState('');
  const verdictRef = useRef<HTMLElement>(null);

  // Segments of the data source, for the segment list.
  const loadDashboard = useCallback((options: RequestOptions) => client.dashboard(options), [client]);
  const dashboard = useResource('dashboard', loadDashboard, { keep: true });
  const snapshot = source === 'snapshot' && imported ? imported.snapshot : undefined;
  const segments: SegmentOption[] = useMemo(
    () =>
      snapshot
        ? snapshot.segments.map((s) => ({ name: s.name, cells: s.cells.length }))
        : (dashboard.data?.segments.map((s) => ({ name: s.name, cells: s.cells })) ?? []),
    [snapshot, dashboard.data],
  );
  const segmentsWithCells = segments.filter((s) => s.cells > 0).length || undefined;

  const conversion = useMemo(() => toScenario(inputs, { segmentsWithCells }), [inputs, segmentsWithCells]);
  const scenarioJson = JSON.stringify(conversion.scenario);
  const valid = Object.keys(conversion.errors).length === 0;
  // The scenario last sent for evaluation (JSON): the first view evaluates the URL's scenario.
  const [submitted, setSubmitted] = useState(() => scenarioJson);

  useEffect(() => {
    if (!auto || locked || !valid || scenarioJson === submitted) return undefined;
    const timer = setTimeout(() => setSubmitted(scenarioJson), AUTO_EVALUATE_MS);
    return () => clearTimeout(timer);
  }, [auto, locked, valid, scenarioJson, submitted]);

  // The evaluated scenario goes into the URL, so a plan can be shared (an imported snapshot is not).
  useEffect(() => {
    const here = parseHash(window.location.hash);
    if (here.route?.id !== 'planning') return;
    updateParams(here, { scenario: submitted === '{}' ? null : submitted });
  }, [submitted]);

  const sourceKey = snapshot && imported ? `snapshot:${imported.id}` : 'live';
  const load = useCallback(
    async (options: RequestOptions) => {
      // Refresh re-collects the live foundation first (the scenario itself uses the cache).
      if (options.refresh && !snapshot) await client.recommendations({ refresh: true, signal: options.signal });
      const scenario = JSON.parse(submitted) as ScenarioInput;
      return client.scenario(snapshot ? { scenario, snapshot } : { scenario }, { signal: options.signal, onProgress: options.onProgress });
    },
    [client, submitted, snapshot],
  );
  const result = useResource(`scenario:${sourceKey}:${submitted}`, load, { enabled: !locked });
  const data = result.data;
  const upToDate = submitted === scenarioJson;

  const fieldErrors = result.error && upToDate ? splitFieldErrors(result.error.fields, inputs) : { byField: {}, other: [] };
  const errors = { ...fieldErrors.byField, ...conversion.errors };
  const evaluating = result.loading;

  const evaluate = () => {
    if (locked) return;
    if (!valid) {
      setNotice(
        `Fix the marked inputs first: ${Object.entries(conversion.errors)
          .map(([f, m]) => `${f}: ${m}`)
          .join('; ')}.`,
      );
      return;
    }
    if (scenarioJson === submitted) result.retry();
    else setSubmitted(scenarioJson);
  };

  const onFix = (fix: Fix) => {
    const applied = applyFix(inputs, fix, { proposed: data?.proposed, modelHosts: snapshot?.hosts });
    setNotice(applied.applied ? `Applied: ${applied.summary} Evaluating…` : applied.summary);
    if (!applied.applied) return;
    setInputs(applied.inputs);
    const next = toScenario(applied.inputs, { segmentsWithCells });
    if (Object.keys(next.errors).length === 0) setSubmitted(JSON.stringify(next.scenario));
    verdictRef.current?.focus();
  };

  const chooseSource = (next: 'live' | 'snapshot', nextImport: Imported | null) => {
    const nextSnapshot = next === 'snapshot' ? nextImport?.snapshot : undefined;
    setSource(next);
    keepSource({ source: next, imported: nextImport });
    const names = nextSnapshot ? nextSnapshot.segments.map((s) => s.name) : (dashboard.data?.segments.map((s) => s.name) ?? null);
    if (inputs.segment && names && !names.includes(inputs.segment)) setInputs({ ...inputs, segment: '' });
  };

  const placeholders = useMemo(() => {
    const p: Partial<Record<NumberKey, string>> = {
      overheadPct: 'observed, else 7',
      overcommit: '1',
      targetVcpuRatio: '4',
      n1TargetPct: '80',
      maxContainers: '250',
      workloadDiskMb: '0',
    };
    // Today's figures of the scope the last answer covers.
    if (data && (data.segment ?? '') === inputs.segment) {
      const c = data.current;
      p.cellCount = `today ${c.cells}`;
      if (c.cell_memory_gb !== null) p.cellMemoryGb = `today ${c.cell_memory_gb.toFixed(1).replace(/\.0$/, '')}`;
      if (c.cell_vcpus !== null) p.cellVcpus = `today ${c.cell_vcpus}`;
      p.chunkMb = `${c.chunk_mb} (${formatChunk(c.chunk_mb)})`;
    }
    return p;
  }, [data, inputs.segment]);

  const n1Target = Number(inputs.n1TargetPct) > 0 && upToDate ? Number(inputs.n1TargetPct) : 80;
  const planSource: PlanningSource =
    snapshot && imported ? { kind: 'snapshot', name: snapshot.name, fileName: imported.fileName } : { kind: 'live' };

  const exportReport = () => {
    if (!data) return;
    const now = new Date();
    const scenario = JSON.parse(submitted) as ScenarioInput;
    downloadText(
      reportFileName(data, now),
      planningReport({ scenario, response: data, source: planSource, generatedAt: now }),
      'text/markdown',
    );
    setNotice(`Report downloaded: ${reportFileName(data, now)}.`);
  };

  return (
    <section className="view" aria-labelledby="view-title" aria-busy={evaluating}>
      <header className="view-header">
        <div>
          <h1 id="view-title" tabIndex={-1}>
            Planning
          </h1>
          <p className="view-intro">
            What if the cells change size or number, a workload arrives, or a host fails? Today’s figures beside the proposed ones, with a
            verdict, warnings and their fixes.
          </p>
        </div>
        {data?.metadata && !snapshot && (
          <Freshness metadata={data.metadata} receivedAt={result.receivedAt} refreshing={result.refreshing} onRefresh={result.refresh} />
        )}
      </header>
      {data?.metadata && !snapshot && <DegradedBanner metadata={data.metadata} />}
      {locked && (
        <div className="banner banner-warning" role="note" data-testid="operator-only">
          <p className="banner-heading">Read-only: planning needs the operator role.</p>
          <p>
            You are signed in{access.user?.name ? ` as ${access.user.name}` : ''} with the viewer role. Evaluating a scenario and importing
            a snapshot need the <code>{OPERATOR_SCOPE}</code> scope, and the API refuses them without it (HTTP 403). Exporting the live
            snapshot still works. Ask your UAA administrator for <code>{OPERATOR_SCOPE}</code>, then sign in again.
          </p>
        </div>
      )}
      <SourcePanel
        locked={locked !== null}
        source={source}
        imported={imported}
        onSource={(next) => chooseSource(next, imported)}
        onImported={(next) => {
          setImported(next);
          chooseSource('snapshot', next);
          setNotice(`Imported ${next.snapshot.name}: ${formatCount(next.cells)} cells in ${formatCount(next.segments)} segment(s).`);
        }}
        onNotice={setNotice}
      />
      <p className="sr-only" role="status" aria-live="polite" data-testid="planning-notice">
        {notice}
      </p>
      {notice && (
        <p className="notice" aria-hidden="true">
          {notice}
        </p>
      )}
      <div className="planning-layout">
        <PlanningForm
          inputs={inputs}
          onChange={setInputs}
          errors={errors}
          segments={segments}
          placeholders={placeholders}
          sourceHosts={describeHosts(snapshot?.hosts)}
          evaluating={evaluating}
          locked={locked}
          auto={auto}
          onAuto={setAuto}
          onEvaluate={evaluate}
          onReset={() => {
            setInputs(EMPTY_INPUTS);
            setSubmitted('{}');
            setNotice('Inputs reset to today’s foundation.');
          }}
        />
        <div className="planning-output">
          <div className="results-toolbar">
            <p className="muted" data-testid="evaluation-status" aria-live="polite">
              {locked
                ? 'Not evaluated: your role may not plan.'
                : evaluating
                  ? 'Evaluating…'
                  : !valid
                    ? 'Some inputs need fixing before this can be evaluated.'
                    : !upToDate
                      ? auto
                        ? 'Evaluating once typing pauses…'
                        : 'Inputs changed: press Evaluate.'
                      : data
                        ? `Showing ${snapshot ? `snapshot ${snapshot.name}` : 'the live foundation'}.`
                        : ''}
            </p>
            <button type="button" className="button" onClick={exportReport} disabled={!data || !result.current} data-testid="export-report">
              Export report
            </button>
          </div>
          {evaluating && data && <progress className="progress progress-thin" aria-label="Evaluating the scenario" />}
          {result.error && (
            <div className="banner banner-error" role="alert" data-testid="planning-error">
              <p className="banner-heading">
                {result.error.fields.length > 0
                  ? 'The API rejected some inputs; they are marked in the form.'
                  : `Could not evaluate the scenario: ${result.error.summary}${result.error.status > 0 ? ` (HTTP ${result.error.status})` : ''}.`}
                {data ? ' Showing the previous result.' : ''}
              </p>
              {fieldErrors.other.length > 0 && (
                <ul>
                  {fieldErrors.other.map((f) => (
                    <li key={f.field}>
                      <code>{f.field}</code>: {f.message}
                    </li>
                  ))}
                </ul>
              )}
              {result.error.fields.length === 0 && result.error.details && <p className="banner-reason">{result.error.details}</p>}
              {accessHint(result.error) && <p data-testid="access-hint">{accessHint(result.error)}</p>}
            </div>
          )}
          {!data && evaluating && <LoadingState what="the plan" progress={result.progress} startedAt={result.startedAt} />}
          {!data && result.error && result.error.fields.length === 0 && (
            <ErrorState title="Could not evaluate the scenario" error={result.error} onRetry={result.retry} />
          )}
          {data && <PlanningResults data={data} n1Target={n1Target} pending={!result.current} verdictRef={verdictRef} onFix={onFix} />}
        </div>
      </div>
    </section>
  );
}

interface SourcePanelProps {
  /** The user's role may not import (the API would refuse it). */
  locked: boolean;
  source: 'live' | 'snapshot';
  imported: Imported | null;
  onSource: (source: 'live' | 'snapshot') => void;
  onImported: (imported: Imported) => void;
  onNotice: (text: string) => void;
}

/** Live foundation or an imported snapshot; import and export of snapshots. */
function SourcePanel({ locked, source, imported, onSource, onImported, onNotice }: SourcePanelProps) {
  const client = useApiClient();
  const fileId = useId();
  const [busy, setBusy] = useState<'import' | 'export' | null>(null);
  const [error, setError] = useState<string | null>(null);

  const importFile = async (file: File) => {
    setBusy('import');
    setError(null);
    try {
      let document: unknown;
      try {
        document = JSON.parse(await file.text());
      } catch (e) {
        throw new Error(`${file.name} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
      }
      const answer = await client.importSnapshot(document);
      onImported({ ...answer, id: Date.now(), fileName: file.name });
    } catch (e) {
      setError(`Could not import ${file.name}: ${errorText(e)}`);
    } finally {
      setBusy(null);
    }
  };

  const exportSnapshot = async () => {
    setBusy('export');
    setError(null);
    try {
      const snapshot = source === 'snapshot' && imported ? imported.snapshot : await client.snapshot();
      const name = `${snapshot.name.replace(/[^A-Za-z0-9._-]+/g, '-')}-snapshot.json`;
      downloadText(name, `${JSON.stringify(snapshot, null, 2)}\n`, 'application/json');
      onNotice(`Snapshot downloaded: ${name}.`);
    } catch (e) {
      setError(`Could not export the snapshot: ${errorText(e)}`);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="panel source-panel" aria-labelledby="source-heading">
      <fieldset className="source-choice">
        <legend id="source-heading">
          Data source <Tip label="Data source">{PLANNING_GLOSSARY.source}</Tip>
        </legend>
        <label className="checkbox">
          <input
            type="radio"
            name="planning-source"
            checked={source === 'live'}
            onChange={() => onSource('live')}
            data-testid="source-live"
          />
          Live foundation
        </label>
        <label className="checkbox">
          <input
            type="radio"
            name="planning-source"
            checked={source === 'snapshot'}
            disabled={!imported}
            onChange={() => onSource('snapshot')}
            data-testid="source-snapshot"
          />
          {imported
            ? `Snapshot: ${imported.snapshot.name} (${formatCount(imported.cells)} cells, ${imported.fileName})`
            : 'Imported snapshot (none yet)'}
        </label>
      </fieldset>
      <div className="source-actions">
        <div className="field">
          <label className="field-label" htmlFor={fileId}>
            Import a snapshot (JSON)
          </label>
          <input
            id={fileId}
            type="file"
            accept="application/json,.json"
            disabled={busy === 'import' || locked}
            data-testid="snapshot-file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void importFile(file);
              e.target.value = '';
            }}
          />
        </div>
        <button
          type="button"
          className="button button-secondary"
          onClick={() => void exportSnapshot()}
          disabled={busy === 'export'}
          data-testid="export-snapshot"
        >
          {busy === 'export' ? 'Exporting…' : 'Export snapshot'}
        </button>
      </div>
      {busy === 'import' && (
        <p className="muted" role="status">
          Importing…
        </p>
      )}
      {error && (
        <p className="field-error" role="alert" data-testid="source-error">
          {error}
        </p>
      )}
    </section>
  );
}
