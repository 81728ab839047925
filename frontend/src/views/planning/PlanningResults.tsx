import { useId, type Ref } from 'react';
import type { Bottleneck, Figures, Fix, PlanningWarning, Recommendation, ScenarioResponse, VerdictStatus } from '../../api/types';
import { Tip } from '../../components/Tip';
import { formatPercent } from '../../lib/format';
import { GLOSSARY, PLANNING_GLOSSARY } from '../../lib/glossary';
import { fieldLabel, VERDICT_LABEL } from '../../lib/planning';
import {
  BOTTLENECK_LABEL,
  BOTTLENECK_MEASURE,
  bottleneckValue,
  comparisonRows,
  describeImprovement,
  limitingLabel,
  type Tone,
} from '../../lib/scenarioFigures';

interface ResultsProps {
  data: ScenarioResponse;
  /** The N−1 target the plan used (for the gauges' marks). */
  n1Target: number;
  /** The result answers older inputs while a new evaluation runs. */
  pending: boolean;
  verdictRef: Ref<HTMLElement>;
  onFix: (fix: Fix) => void;
}

/** Verdict, gauges, current vs proposed, bottlenecks, warnings and recommendations. */
export function PlanningResults({ data, n1Target, pending, verdictRef, onFix }: ResultsProps) {
  return (
    <div className={`planning-results${pending ? ' pending' : ''}`} data-testid="planning-results">
      <VerdictBanner data={data} verdictRef={verdictRef} />
      <Warnings warnings={data.warnings} onFix={onFix} />
      <Gauges current={data.current} proposed={data.proposed} n1Target={n1Target} />
      <ComparisonTable data={data} />
      <div className="columns">
        <Bottlenecks bottlenecks={data.bottlenecks} />
        <Recommendations recommendations={data.recommendations} />
      </div>
    </div>
  );
}

const VERDICT_TONE: Record<VerdictStatus, string> = { fits: 'good', fits_with_warnings: 'warn', does_not_fit: 'bad' };

function VerdictBanner({ data, verdictRef }: { data: ScenarioResponse; verdictRef: Ref<HTMLElement> }) {
  const { status, reasons } = data.verdict;
  const scope = data.segment ? `segment ${data.segment}` : 'every segment with cells';
  return (
    <section
      ref={verdictRef}
      tabIndex={-1}
      className={`verdict verdict-${VERDICT_TONE[status]}`}
      aria-labelledby="verdict-heading"
      data-testid="verdict"
      data-status={status}
    >
      <h2 id="verdict-heading">
        <span className="verdict-label">{VERDICT_LABEL[status]}</span>
        <Tip label="the verdict">{PLANNING_GLOSSARY.verdict}</Tip>
      </h2>
      <p className="verdict-scope">
        {data.foundation}, {scope}
      </p>
      <ul className="verdict-reasons">
        {reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
    </section>
  );
}

function meterLevel(value: number, target: number): 'ok' | 'tight' | 'fail' {
  if (value > 100) return 'fail';
  return value > target ? 'tight' : 'ok';
}

/** One utilisation as an ARIA meter: fill in the level's colour, marks at the target and 100 %. */
function Meter({
  label,
  which,
  value,
  target,
  scale,
}: {
  label: string;
  which: string;
  value: number | null;
  target: number;
  scale: number;
}) {
  if (value === null) {
    return (
      <div className="gauge-row">
        <span className="gauge-which">{which}</span>
        <span className="muted">not known</span>
      </div>
    );
  }
  const level = meterLevel(value, target);
  const word = level === 'fail' ? 'over the limit' : level === 'tight' ? 'above target' : 'within target';
  return (
    <div className="gauge-row">
      <span className="gauge-which" aria-hidden="true">
        {which}
      </span>
      <div
        className="meter gauge-meter"
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={scale}
        aria-valuenow={Math.round(value * 10) / 10}
        aria-valuetext={`${formatPercent(value)}, ${word} (target ${formatPercent(target, 0)}, limit 100%)`}
      >
        <span className={`meter-fill n1-fill-${level}`} style={{ width: `${Math.min(100, (value / scale) * 100)}%` }} />
        <span className="meter-mark meter-mark-target" style={{ left: `${(target / scale) * 100}%` }} aria-hidden="true" />
        <span className="meter-mark meter-mark-limit" style={{ left: `${(100 / scale) * 100}%` }} aria-hidden="true" />
      </div>
      <span className={`gauge-value gauge-${level}`}>
        {formatPercent(value)}
        <span className="sub">{word}</span>
      </span>
    </div>
  );
}

function scaleFor(...values: (number | null | undefined)[]): number {
  const max = Math.max(100, ...values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)));
  return Math.ceil(max / 25) * 25;
}

interface GaugeProps {
  id: string;
  title: string;
  tip: string;
  current: number | null;
  proposed: number | null;
  target: number;
  note?: string;
}

function Gauge({ id, title, tip, current, proposed, target, note }: GaugeProps) {
  const scale = scaleFor(current, proposed);
  return (
    <div className="gauge" data-testid={`gauge-${id}`}>
      <h3 className="gauge-title">
        {title}
        <Tip label={title}>{tip}</Tip>
      </h3>
      <Meter label={`${title}, current`} which="Current" value={current} target={target} scale={scale} />
      <Meter label={`${title}, proposed`} which="Proposed" value={proposed} target={target} scale={scale} />
      {note && <p className="muted small">{note}</p>}
    </div>
  );
}

function Gauges({ current, proposed, n1Target }: { current: Figures; proposed: Figures; n1Target: number }) {
  const h = proposed.hosts ?? current.hosts;
  const segments = proposed.segments.length > 1 ? proposed.segments : [];
  return (
    <section className="panel" aria-labelledby="gauges-heading">
      <h2 id="gauges-heading">Headroom</h2>
      <p className="muted small">
        Marks: the N−1 target ({formatPercent(n1Target, 0)}) and the limit (100%). Colour and words: within target, above target, over the
        limit.
      </p>
      <div className="gauges">
        <Gauge
          id="n1"
          title="N−1 utilisation"
          tip={`${GLOSSARY.nMinusOne} ${GLOSSARY.nMinusOneUtil}`}
          current={current.n_minus_one.utilization_percent}
          proposed={proposed.n_minus_one.utilization_percent}
          target={n1Target}
        />
        {h ? (
          <>
            <Gauge
              id="host-memory"
              title="Host memory (HA)"
              tip={`${PLANNING_GLOSSARY.hostUtil} ${PLANNING_GLOSSARY.hostUsable}`}
              current={current.hosts?.utilization_percent ?? null}
              proposed={proposed.hosts?.utilization_percent ?? null}
              target={n1Target}
              note={proposed.hosts ? `Limited by ${limitingLabel(proposed.hosts)}.` : undefined}
            />
            <Gauge
              id="host-loss"
              title="After losing a host"
              tip={PLANNING_GLOSSARY.hostLossUtil}
              current={current.hosts?.host_loss_utilization_percent ?? null}
              proposed={proposed.hosts?.host_loss_utilization_percent ?? null}
              target={n1Target}
              note={proposed.hosts ? `${proposed.hosts.cells_per_host} cell(s) per host.` : undefined}
            />
          </>
        ) : (
          <p className="muted gauge-empty" data-testid="no-hosts">
            No host layer: HA admission and host-loss gauges need hosts (under Host layer, or from an imported snapshot).
          </p>
        )}
      </div>
      {segments.length > 0 && (
        <div className="gauges gauges-segments">
          {segments.map((s) => {
            const before = current.segments.find((c) => c.name === s.name);
            return (
              <Gauge
                key={s.name}
                id={`segment-${s.name}`}
                title={`N−1 of ${s.name}`}
                tip={GLOSSARY.nMinusOneUtil}
                current={before?.n_minus_one.utilization_percent ?? null}
                proposed={s.n_minus_one.utilization_percent}
                target={n1Target}
              />
            );
          })}
        </div>
      )}
    </section>
  );
}

const TONE_WORD: Record<Tone, string> = { better: 'better', worse: 'worse', same: '', neutral: '' };

function ComparisonTable({ data }: { data: ScenarioResponse }) {
  const rows = comparisonRows(data.current, data.proposed);
  return (
    <section className="panel" aria-labelledby="compare-heading">
      <h2 id="compare-heading">Current vs proposed</h2>
      <div className="table-wrap">
        <table className="data-table compare-table" data-testid="compare-table">
          <caption className="sr-only">Figures today and with the proposed changes, and the change</caption>
          <thead>
            <tr>
              <th scope="col">Figure</th>
              <th scope="col" className="num">
                Current
              </th>
              <th scope="col" className="num">
                Proposed
              </th>
              <th scope="col" className="num">
                Change
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-row={r.id}>
                <th scope="row">
                  <span className="th-inner">
                    {r.label}
                    <Tip label={r.label}>{r.tip}</Tip>
                  </span>
                </th>
                <td className="num" data-field="current">
                  {r.current}
                </td>
                <td className="num strong" data-field="proposed">
                  {r.proposed}
                </td>
                <td className={`num change change-${r.tone}`} data-field="change" data-tone={r.tone}>
                  {r.change}
                  {TONE_WORD[r.tone] && <span className="sub">{TONE_WORD[r.tone]}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Bottlenecks({ bottlenecks }: { bottlenecks: Bottleneck[] }) {
  return (
    <section className="panel" aria-labelledby="bottlenecks-heading">
      <h2 id="bottlenecks-heading">
        Bottlenecks <Tip label="Bottlenecks">{PLANNING_GLOSSARY.bottlenecks}</Tip>
      </h2>
      <p className="muted small">Each resource as a fraction of its own limit, most constrained first (proposed state).</p>
      <ol className="bottlenecks" data-testid="bottlenecks">
        {bottlenecks.map((b) => {
          const pct = b.fraction_of_limit * 100;
          const level = pct > 100 ? 'fail' : pct > 80 ? 'tight' : 'ok';
          return (
            <li key={b.resource} className={b.constraining ? 'constraining' : ''} data-resource={b.resource}>
              <div className="bottleneck-head">
                <span className="strong">{BOTTLENECK_LABEL[b.resource] ?? b.resource}</span>
                {b.constraining && <span className="pill pill-primary">constraining</span>}
                <span className="bottleneck-pct">{formatPercent(pct)} of its limit</span>
              </div>
              <span className="databar" aria-hidden="true">
                <span className={`databar-fill n1-fill-${level}`} style={{ width: `${Math.min(100, pct)}%` }} />
              </span>
              <span className="sub">
                {bottleneckValue(b)} · {BOTTLENECK_MEASURE[b.resource] ?? b.unit}
              </span>
              {b.resource === 'cpu_ratio' && <span className="sub">{PLANNING_GLOSSARY.cpuRatioNote}</span>}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

const SEVERITY_LABEL: Record<PlanningWarning['severity'], string> = { critical: 'Critical', warning: 'Warning', info: 'Info' };
const SEVERITY_TONE: Record<PlanningWarning['severity'], string> = { critical: 'bad', warning: 'warn', info: 'neutral' };

function cause(w: PlanningWarning): string {
  if (!w.caused_by) return 'Already so today';
  const c = w.caused_by;
  const num = (v: number) => String(Math.round(v * 100) / 100);
  return `Caused by: ${fieldLabel(c.field)} ${c.from === null ? '' : `${num(c.from)} → `}${num(c.to)}`;
}

function fixTarget(fix: Fix): string {
  const value = Math.round(fix.value * 1000) / 1000;
  return fix.field === 'hosts' ? `${value} hosts in total` : `${fieldLabel(fix.field).toLowerCase()} ${value}`;
}

function Warnings({ warnings, onFix }: { warnings: PlanningWarning[]; onFix: (fix: Fix) => void }) {
  const id = useId();
  return (
    <section className="panel" aria-labelledby="warnings-heading">
      <h2 id="warnings-heading">
        Warnings <Tip label="Warnings">{PLANNING_GLOSSARY.warnings}</Tip>
      </h2>
      {warnings.length === 0 ? (
        <p className="muted" data-testid="no-warnings">
          No warnings.
        </p>
      ) : (
        <ul className="warnings" data-testid="warnings">
          {warnings.map((w, i) => (
            <li key={`${w.code}-${i}`} className={`warning warning-${SEVERITY_TONE[w.severity]}`} data-testid="warning" data-code={w.code}>
              <span className={`pill pill-${SEVERITY_TONE[w.severity]}`}>{SEVERITY_LABEL[w.severity]}</span>
              <div className="warning-body">
                <p className="warning-message">{w.message}</p>
                <p className="sub">{cause(w)}</p>
                {w.fixes.length > 0 && (
                  <ul className="fixes">
                    {w.fixes.map((f, j) => (
                      <li key={`${f.field}-${f.value}-${f.description}`}>
                        <span id={`${id}-${i}-${j}`}>{f.description}</span>
                        <button
                          type="button"
                          className="button button-small button-secondary"
                          onClick={() => onFix(f)}
                          data-testid="apply-fix"
                          aria-describedby={`${id}-${i}-${j}`}
                        >
                          Apply: {fixTarget(f)}
                        </button>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const KIND_LABEL: Record<Recommendation['kind'], string> = {
  add_cells: 'add cells',
  resize_cells: 'resize cells',
  add_hosts: 'add hosts',
  right_size_apps: 'right-size apps',
  no_action: 'no action',
};

function Recommendations({ recommendations }: { recommendations: Recommendation[] }) {
  return (
    <section className="panel" aria-labelledby="recommendations-heading">
      <h2 id="recommendations-heading">
        Recommendations <Tip label="Recommendations">{PLANNING_GLOSSARY.recommendations}</Tip>
      </h2>
      <ul className="recommendations" data-testid="recommendations">
        {recommendations.map((r, i) => (
          <li key={`${r.kind}-${i}`} data-kind={r.kind}>
            <div className="bottleneck-head">
              <span className="strong">{r.title}</span>
              <span className="pill">{KIND_LABEL[r.kind] ?? r.kind}</span>
            </div>
            <span className="sub">{r.detail}</span>
            {r.improves.length > 0 && <span className="improves">Improves {r.improves.map(describeImprovement).join('; ')}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
