import { describe, expect, it } from 'vitest';
import { mdEscape, planningReport, reportFileName, scenarioLines } from './report';
import { figures, fixedResponse, hostFigures, scenarioResponse } from '../test/planningFixtures';

const AT = new Date('2026-11-21T22:23:41Z');

describe('planningReport', () => {
  const scenario = { segment: 'shared', cell: { memory_gb: 16, vcpus: 4 }, cell_count: 6 };
  const report = planningReport({ scenario, response: scenarioResponse(), source: { kind: 'live' }, generatedAt: AT });
  const lines = report.split('\n');

  it('starts with the foundation, the time and the source', () => {
    expect(lines[0]).toBe('# Capacity plan: default');
    expect(report).toContain('Generated 2026-11-21 22:23 UTC by the Diego Capacity Analyzer from the live foundation.');
    expect(report).toContain('Data as of 2026-11-21T22:23:41Z.');
  });

  it('lists the inputs', () => {
    const inputs = lines.slice(lines.indexOf('## Inputs') + 2, lines.indexOf('## Inputs') + 5);
    expect(inputs).toEqual(['- Segment: shared', '- Cell shape: 16 GB memory, 4 vCPUs (the rest as today)', '- Cell count: 6']);
  });

  it('gives the verdict with its reasons', () => {
    expect(report).toContain('## Verdict: Does not fit\n\n- allocated memory 110.3 GiB exceeds capacity 89.3 GiB\n');
  });

  it('tabulates current vs proposed with the change', () => {
    expect(report).toContain('| Figure | Current | Proposed | Change |\n|---|---:|---:|---:|\n| Cells | 6 | 6 | no change |');
    expect(report).toContain('| Cell size | 33.9 GB · 4 vCPU | 16 GB · 4 vCPU | resized |');
    expect(report).toContain('| Capacity | 189 GiB | 89.3 GiB | −99.7 GiB |');
    expect(report).toContain('| N−1 utilisation | 70.1% passes | 148.3% fails | +78.2 pts |');
    expect(report).toContain('| Free 4 GiB chunks | 18 | 0 | −18 |');
    expect(report).not.toContain('| Hosts |');
  });

  it('ranks bottlenecks, saying the CPU ratio is compared with its target', () => {
    expect(report).toContain(
      '| Memory after losing the largest cell (N−1) (constraining) | allocated ÷ capacity without the largest cell | 110 GiB of 74.4 GiB | 148.3% |',
    );
    expect(report).toContain('| vCPU:pCPU ratio | ratio ÷ its target (not a percentage) | 2.10 of target 4.00 vCPU per core | 52.5% |');
  });

  it('lists warnings with their cause and fixes, and recommendations with their improvement', () => {
    expect(report).toContain(
      '- **Critical**: allocated memory 110.3 GiB exceeds capacity 89.3 GiB. Caused by: Memory per cell (GB) 33.86 → 16.\n' +
        '  - Fix: add 3 cell(s) of 16.0 GiB to shared (Cell count → 9)',
    );
    expect(report).toContain(
      '- **Info**: one cell holds 17.0 % of the instances: a cell failure restarts that share at once. Already so today.',
    );
    expect(report).toContain(
      '- **Add 5 cell(s) of 16 GB to shared**: allocated 110 GiB; capacity without the largest cell goes from 74 to 149 GiB. ' +
        'Improves N−1 utilisation 148.3% → 74.2%.',
    );
  });

  it('adds host rows and names an imported snapshot', () => {
    const response = fixedResponse();
    response.metadata = undefined;
    response.current = figures({ hosts: hostFigures() });
    response.proposed = { ...response.proposed, hosts: hostFigures({ hosts: 14, utilization_percent: 50 }) };
    const text = planningReport({
      scenario: {},
      response,
      source: { kind: 'snapshot', name: 'Example Lab Foundation', fileName: 'lab-foundation.json' },
      generatedAt: AT,
    });
    expect(text).toContain('from an imported snapshot (Example Lab Foundation, lab-foundation.json).');
    expect(text).not.toContain('Data as of');
    expect(text).toContain('- No changes: today’s foundation');
    expect(text).toContain('| Hosts | 12 | 14 | +2 |');
    expect(text).toContain('| Host memory utilisation | 58.6% fits | 50.0% fits | −8.6 pts |');
    expect(text).toContain('| Usable host memory | 7.47 TiB (HA admission, ≈N−2) | 7.47 TiB (HA admission, ≈N−2) | no change |');
    expect(text).toContain('## Verdict: Fits with warnings');
  });

  it('says when there is nothing to warn about or recommend', () => {
    const text = planningReport({
      scenario: {},
      response: scenarioResponse({ warnings: [], recommendations: [], bottlenecks: [] }),
      source: { kind: 'live' },
      generatedAt: AT,
    });
    expect(text).toContain('## Warnings\n\nNone.');
    expect(text).toContain('## Recommendations\n\nNone.');
    expect(text).not.toContain('## Bottlenecks');
  });
});

describe('report helpers', () => {
  it('escapes what would break a table or the markup', () => {
    expect(mdEscape('a | b\nc *d* [e]')).toBe('a \\| b c \\*d\\* \\[e\\]');
  });

  it('describes every input the scenario sets', () => {
    expect(
      scenarioLines({
        overcommit: 1.5,
        memory_overhead_pct: 7,
        workload: { name: 'batch', instances: 400, memory_mb: 2048, disk_mb: 1024 },
        hosts: { clusters: [{ name: 'az1', hosts: 6, memory_gb_per_host: 768, cores_per_host: 48, ha_admission_pct: 17 }] },
        platform_vms_gb: 640,
        target_vcpu_ratio: 2,
        chunk_mb: 2048,
        n1_target_pct: 75,
        max_containers_per_cell: 200,
      }),
    ).toEqual([
      'Segment: every segment with cells',
      'VM memory overhead: 7 %',
      'Memory overcommit: 1.5×',
      'Workload "batch": 400 instances × 2,048 MB memory / 1,024 MB disk',
      'Host cluster az1: 6 hosts × 768 GB, 48 cores, HA admission 17 %',
      'Platform VMs: 640 GB',
      'Target vCPU:pCPU ratio: 2',
      'Chunk size: 2 GiB',
      'N−1 target: 75 %',
      'Container limit per cell: 200',
    ]);
  });

  it('names the file after the foundation, the segment and the time', () => {
    expect(reportFileName({ foundation: 'Example Lab Foundation', segment: null }, AT)).toBe(
      'planning-example-lab-foundation-all-20261121-2223.md',
    );
    expect(reportFileName({ foundation: 'default', segment: 'iso_seg' }, AT)).toBe('planning-default-iso-seg-20261121-2223.md');
  });
});
