// The Planning view's Markdown report: inputs, verdict, current-vs-proposed figures,
// bottlenecks, warnings with their fixes, and recommendations. A pure function of the scenario
// and the API's answer, so the report says exactly what the page shows.

import type { ScenarioInput, ScenarioResponse } from '../api/types';
import { formatChunk, formatCount, formatPercent } from './format';
import { fieldLabel, VERDICT_LABEL } from './planning';
import { BOTTLENECK_LABEL, BOTTLENECK_MEASURE, bottleneckValue, comparisonRows, describeImprovement } from './scenarioFigures';

export type PlanningSource = { kind: 'live' } | { kind: 'snapshot'; name: string; fileName?: string };

export interface ReportInput {
  scenario: ScenarioInput;
  response: ScenarioResponse;
  source: PlanningSource;
  generatedAt: Date;
}

/** Text safe inside a Markdown table cell or list item: no pipes breaking columns, one line. */
export function mdEscape(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/([*_`[\]<>])/g, '\\$1');
}

function num(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

const SEVERITY: Record<string, string> = { critical: 'Critical', warning: 'Warning', info: 'Info' };

/** The inputs the scenario sets, as "label: value" lines; the rest are as today. */
export function scenarioLines(s: ScenarioInput): string[] {
  const lines: string[] = [];
  lines.push(`Segment: ${s.segment ?? 'every segment with cells'}`);
  if (s.cell) {
    const parts = [
      s.cell.memory_gb !== undefined ? `${num(s.cell.memory_gb)} GB memory` : null,
      s.cell.vcpus !== undefined ? `${s.cell.vcpus} vCPUs` : null,
      s.cell.disk_gb !== undefined ? `${num(s.cell.disk_gb)} GB disk` : null,
    ].filter(Boolean);
    lines.push(`Cell shape: ${parts.join(', ')} (the rest as today)`);
  }
  if (s.cell_count !== undefined) lines.push(`Cell count: ${s.cell_count}`);
  if (s.memory_overhead_pct !== undefined) lines.push(`VM memory overhead: ${num(s.memory_overhead_pct)} %`);
  if (s.overcommit !== undefined) lines.push(`Memory overcommit: ${num(s.overcommit)}×`);
  if (s.workload) {
    const w = s.workload;
    lines.push(
      `Workload${w.name ? ` "${w.name}"` : ''}: ${formatCount(w.instances)} instances × ${formatCount(w.memory_mb)} MB memory` +
        (w.disk_mb ? ` / ${formatCount(w.disk_mb)} MB disk` : ''),
    );
  }
  if (s.hosts) {
    for (const c of s.hosts.clusters) {
      lines.push(
        `Host cluster ${c.name}: ${c.hosts} hosts × ${num(c.memory_gb_per_host)} GB, ${c.cores_per_host} cores, HA admission ${num(c.ha_admission_pct)} %`,
      );
    }
  }
  if (s.platform_vms_gb !== undefined) lines.push(`Platform VMs: ${num(s.platform_vms_gb)} GB`);
  if (s.target_vcpu_ratio !== undefined) lines.push(`Target vCPU:pCPU ratio: ${num(s.target_vcpu_ratio)}`);
  if (s.chunk_mb !== undefined) lines.push(`Chunk size: ${formatChunk(s.chunk_mb)}`);
  if (s.n1_target_pct !== undefined) lines.push(`N−1 target: ${num(s.n1_target_pct)} %`);
  if (s.max_containers_per_cell !== undefined) lines.push(`Container limit per cell: ${s.max_containers_per_cell}`);
  if (lines.length === 1) lines.push('No changes: today’s foundation');
  return lines;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** "2026-11-21 22:23 UTC". */
function utc(date: Date): string {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}

/** `planning-example-lab-foundation-shared-20261121-2223.md` */
export function reportFileName(response: Pick<ScenarioResponse, 'foundation' | 'segment'>, date: Date): string {
  const slug = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'foundation';
  const stamp = `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}-${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}`;
  return `planning-${slug(response.foundation)}-${slug(response.segment ?? 'all')}-${stamp}.md`;
}

/** The report as Markdown (GitHub flavour: tables). */
export function planningReport({ scenario, response: r, source, generatedAt }: ReportInput): string {
  const out: string[] = [];
  out.push(`# Capacity plan: ${mdEscape(r.foundation)}`, '');
  const from =
    source.kind === 'live'
      ? 'the live foundation'
      : `an imported snapshot (${mdEscape(source.name)}${source.fileName ? `, ${mdEscape(source.fileName)}` : ''})`;
  out.push(`Generated ${utc(generatedAt)} by the Diego Capacity Analyzer from ${from}.`);
  if (r.metadata) out.push(`Data as of ${r.metadata.timestamp}${r.metadata.stale ? ' (stale: a source failed to refresh)' : ''}.`);
  out.push('');

  out.push('## Inputs', '');
  for (const line of scenarioLines(scenario)) out.push(`- ${mdEscape(line)}`);
  out.push('');

  out.push(`## Verdict: ${VERDICT_LABEL[r.verdict.status]}`, '');
  for (const reason of r.verdict.reasons) out.push(`- ${mdEscape(reason)}`);
  out.push('');

  out.push('## Current vs proposed', '');
  out.push('| Figure | Current | Proposed | Change |', '|---|---:|---:|---:|');
  for (const row of comparisonRows(r.current, r.proposed)) {
    out.push(`| ${mdEscape(row.label)} | ${mdEscape(row.current)} | ${mdEscape(row.proposed)} | ${mdEscape(row.change)} |`);
  }
  out.push('');

  if (r.bottlenecks.length > 0) {
    out.push('## Bottlenecks', '');
    out.push('Each resource as a fraction of its own limit, most constrained first (the CPU ratio is compared with its target).', '');
    out.push('| Resource | Measured as | Value | Of its limit |', '|---|---|---:|---:|');
    for (const b of r.bottlenecks) {
      const name = `${BOTTLENECK_LABEL[b.resource] ?? b.resource}${b.constraining ? ' (constraining)' : ''}`;
      out.push(
        `| ${mdEscape(name)} | ${mdEscape(BOTTLENECK_MEASURE[b.resource] ?? '')} | ${mdEscape(bottleneckValue(b))} | ${formatPercent(b.fraction_of_limit * 100)} |`,
      );
    }
    out.push('');
  }

  out.push('## Warnings', '');
  if (r.warnings.length === 0) out.push('None.');
  for (const w of r.warnings) {
    const cause = w.caused_by
      ? ` Caused by: ${fieldLabel(w.caused_by.field)} ${w.caused_by.from === null ? '' : `${num(w.caused_by.from)} → `}${num(w.caused_by.to)}.`
      : ' Already so today.';
    out.push(`- **${SEVERITY[w.severity] ?? w.severity}**: ${mdEscape(w.message)}.${mdEscape(cause)}`);
    for (const f of w.fixes) out.push(`  - Fix: ${mdEscape(f.description)} (${mdEscape(fieldLabel(f.field))} → ${num(f.value)})`);
  }
  out.push('');

  out.push('## Recommendations', '');
  if (r.recommendations.length === 0) out.push('None.');
  for (const rec of r.recommendations) {
    const improves = rec.improves.map(describeImprovement).join('; ');
    out.push(`- **${mdEscape(rec.title)}**: ${mdEscape(rec.detail)}${improves ? `. Improves ${mdEscape(improves)}` : ''}.`);
  }
  out.push('');
  return out.join('\n');
}
