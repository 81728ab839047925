import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import Planning from './Planning';
import type { ScenarioRequest } from '../api/types';
import { dashboard } from '../test/fixtures';
import { errorResponse, fakeApi } from '../test/fakeApi';
import { fixedResponse, importResponse, labSnapshot, scenarioResponse } from '../test/planningFixtures';
import { renderWithApi } from '../test/render';

/** A fake API that records every scenario POSTed and answers by its cell count. */
function planningApi() {
  const posted: ScenarioRequest[] = [];
  const api = fakeApi({
    '/api/dashboard': () => dashboard(),
    '/api/scenario': (_url, init) => {
      const body = JSON.parse(String(init?.body)) as ScenarioRequest;
      posted.push(body);
      if (body.scenario.cell_count === 0) {
        return new Response(
          JSON.stringify({
            error: 'invalid input',
            details: 'invalid input: cell_count: must be between 1 and 10000 cells',
            code: 400,
            fields: [{ field: 'cell_count', message: 'must be between 1 and 10000 cells' }],
          }),
          { status: 400 },
        );
      }
      if (body.snapshot)
        return {
          ...scenarioResponse({ verdict: { status: 'fits', reasons: ['every segment survives'] } }),
          metadata: undefined,
          foundation: body.snapshot.name,
          warnings: [],
        };
      return body.scenario.cell_count === 9 ? fixedResponse() : scenarioResponse();
    },
    '/api/snapshot/import': (_url, init) => {
      const doc = JSON.parse(String(init?.body)) as { name?: string };
      return doc.name === 'broken' ? errorResponse(400, 'bad request', 'snapshot: it holds no cells') : importResponse();
    },
    '/api/snapshot': () => labSnapshot(),
  });
  return { ...api, posted };
}

async function verdict() {
  return screen.findByTestId('verdict');
}

describe('Planning', () => {
  it('evaluates today’s foundation first and shows verdict, warnings, figures and recommendations', async () => {
    const { client, posted } = planningApi();
    renderWithApi(<Planning />, client);
    const banner = await verdict();
    expect(posted[0]).toEqual({ scenario: {} });
    expect(banner.dataset.status).toBe('does_not_fit');
    expect(within(banner).getByRole('heading').textContent).toContain('Does not fit');
    expect(banner.textContent).toContain('allocated memory 110.3 GiB exceeds capacity 89.3 GiB');
    expect(screen.getAllByTestId('warning').map((w) => w.dataset.code)).toEqual(['over_capacity', 'large_blast_radius']);
    expect(screen.getByText('Caused by: Memory per cell (GB) 33.86 → 16')).toBeTruthy();
    const row = screen.getByTestId('compare-table').querySelector('[data-row="n1-util"]')!;
    expect(row.querySelector('[data-field="proposed"]')?.textContent).toBe('148.3% fails');
    expect(row.querySelector('[data-field="change"]')?.getAttribute('data-tone')).toBe('worse');
    const bottlenecks = screen.getByTestId('bottlenecks');
    expect(bottlenecks.querySelector('.constraining')?.getAttribute('data-resource')).toBe('memory_n_minus_one');
    expect(bottlenecks.textContent).toContain('not a CPU percentage');
    expect(screen.getByTestId('recommendations').textContent).toContain('Improves N−1 utilisation 148.3% → 74.2%');
    const meters = screen.getAllByRole('meter');
    expect(meters.map((m) => m.getAttribute('aria-label'))).toEqual(['N−1 utilisation, current', 'N−1 utilisation, proposed']);
    expect(meters[1]?.getAttribute('aria-valuetext')).toBe('148.3%, over the limit (target 80%, limit 100%)');
    expect(screen.getByTestId('no-hosts')).toBeTruthy();
    // Every figure has its explanation.
    expect(screen.getByRole('button', { name: 'About Blast radius' })).toBeTruthy();
  });

  it('sends a preset, a segment and a cell count when Evaluate is pressed', async () => {
    window.location.hash = '#/planning';
    const { client, posted } = planningApi();
    renderWithApi(<Planning />, client);
    await verdict();
    await userEvent.click(screen.getByLabelText('Evaluate as I type'));
    const segment = screen.getByLabelText('Segment') as HTMLSelectElement;
    await waitFor(() => expect(segment.options.length).toBe(4));
    expect([...segment.options].map((o) => o.textContent)).toEqual([
      'Every segment with cells',
      'shared (6 cells)',
      'dmz (2 cells)',
      'empty (0 cells)',
    ]);
    await userEvent.selectOptions(segment, 'shared');
    await userEvent.selectOptions(screen.getByLabelText('Cell size'), '4x16');
    expect((screen.getByLabelText('Memory per cell (GB)') as HTMLInputElement).value).toBe('16');
    await userEvent.type(screen.getByLabelText('Cell count'), '6');
    expect(screen.getByTestId('evaluation-status').textContent).toBe('Inputs changed: press Evaluate.');
    await userEvent.click(screen.getByTestId('evaluate'));
    await waitFor(() => expect(posted).toHaveLength(2));
    expect(posted[1]).toEqual({ scenario: { segment: 'shared', cell: { memory_gb: 16, vcpus: 4 }, cell_count: 6 } });
    // The evaluated scenario is in the URL, to share.
    await waitFor(() => expect(decodeURIComponent(window.location.hash)).toContain('"cell_count":6'));
  });

  it('evaluates on its own once typing pauses', async () => {
    const { client, posted } = planningApi();
    renderWithApi(<Planning />, client);
    await verdict();
    await userEvent.type(screen.getByLabelText('VM memory overhead (%)'), '5');
    expect(posted).toHaveLength(1);
    await waitFor(() => expect(posted).toHaveLength(2), { timeout: 2000 });
    expect(posted[1]).toEqual({ scenario: { memory_overhead_pct: 5 } });
  });

  it('applies a fix to the inputs and shows the new verdict', async () => {
    window.location.hash = '#/planning';
    const { client, posted } = planningApi();
    renderWithApi(<Planning />, client);
    await verdict();
    await userEvent.click(screen.getAllByTestId('apply-fix')[0]!);
    await waitFor(() => expect((screen.getByTestId('verdict') as HTMLElement).dataset.status).toBe('fits_with_warnings'));
    // "Every segment" was chosen: the fix names shared, so the count goes there.
    expect(posted.at(-1)).toEqual({ scenario: { segment: 'shared', cell_count: 9 } });
    expect((screen.getByLabelText('Cell count') as HTMLInputElement).value).toBe('9');
    expect((screen.getByLabelText('Segment') as HTMLSelectElement).value).toBe('shared');
    expect(screen.getByTestId('planning-notice').textContent).toContain('Applied: Cell count set to 9 in shared.');
    expect(document.activeElement).toBe(screen.getByTestId('verdict'));
  });

  it('marks inputs the form or the API rejects, next to the input', async () => {
    const { client, posted } = planningApi();
    renderWithApi(<Planning />, client);
    await verdict();
    await userEvent.type(screen.getByLabelText('Memory overcommit (×)'), 'x');
    const overcommit = screen.getByLabelText('Memory overcommit (×)');
    expect(overcommit.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(overcommit.getAttribute('aria-describedby')!)?.textContent).toBe('enter a number');
    await userEvent.clear(overcommit);
    await userEvent.click(screen.getByLabelText('Evaluate as I type'));
    await userEvent.selectOptions(screen.getByLabelText('Segment'), 'shared');
    await userEvent.type(screen.getByLabelText('Cell count'), '0');
    await userEvent.click(screen.getByTestId('evaluate'));
    await waitFor(() => expect(screen.getByLabelText('Cell count').getAttribute('aria-invalid')).toBe('true'));
    expect(posted.at(-1)).toEqual({ scenario: { segment: 'shared', cell_count: 0 } });
    const count = screen.getByLabelText('Cell count');
    expect(document.getElementById(count.getAttribute('aria-describedby')!)?.textContent).toBe('must be between 1 and 10000 cells');
    expect(screen.getByTestId('planning-error').textContent).toContain('The API rejected some inputs');
  });

  it('imports a snapshot and plans against it', async () => {
    const { client, posted, calls } = planningApi();
    renderWithApi(<Planning />, client);
    await verdict();
    const file = new File([JSON.stringify({ name: 'Example Lab Foundation', clusters: [] })], 'lab-foundation.json', {
      type: 'application/json',
    });
    await userEvent.upload(screen.getByLabelText('Import a snapshot (JSON)'), file);
    await waitFor(() => expect((screen.getByTestId('source-snapshot') as HTMLInputElement).checked).toBe(true));
    expect(calls.some((u) => u.pathname === '/api/snapshot/import')).toBe(true);
    await waitFor(() => expect(screen.getByTestId('verdict').dataset.status).toBe('fits'));
    expect(posted.at(-1)).toEqual({ scenario: {}, snapshot: labSnapshot() });
    expect(screen.getByTestId('verdict').textContent).toContain('Example Lab Foundation');
    expect(screen.getByText(/Using the snapshot's hosts: 2 cluster\(s\), 12 hosts/)).toBeTruthy();
    expect(screen.getByTestId('planning-notice').textContent).toBe('Imported Example Lab Foundation: 4 cells in 1 segment(s).');
    // Back to the live foundation.
    await userEvent.click(screen.getByTestId('source-live'));
    await waitFor(() => expect(posted.at(-1)).toEqual({ scenario: {} }));
  });

  it('keeps an import when the view is left and opened again', async () => {
    const { client, posted } = planningApi();
    const first = renderWithApi(<Planning />, client);
    await verdict();
    await userEvent.upload(screen.getByLabelText('Import a snapshot (JSON)'), new File(['{"name":"lab"}'], 'lab.json'));
    await waitFor(() => expect(posted.at(-1)?.snapshot).toEqual(labSnapshot()));
    first.unmount();
    const count = posted.length;
    renderWithApi(<Planning />, client);
    await verdict();
    expect((screen.getByTestId('source-snapshot') as HTMLInputElement).checked).toBe(true);
    await waitFor(() => expect(posted.length).toBe(count + 1));
    expect(posted.at(-1)).toEqual({ scenario: {}, snapshot: labSnapshot() });
  });

  it('says why an import failed', async () => {
    const { client } = planningApi();
    renderWithApi(<Planning />, client);
    await verdict();
    await userEvent.upload(screen.getByLabelText('Import a snapshot (JSON)'), new File(['{oops'], 'bad.json'));
    expect((await screen.findByTestId('source-error')).textContent).toMatch(/^Could not import bad.json: bad.json is not JSON/);
    await userEvent.upload(screen.getByLabelText('Import a snapshot (JSON)'), new File(['{"name":"broken"}'], 'empty.json'));
    await waitFor(() =>
      expect(screen.getByTestId('source-error').textContent).toBe(
        'Could not import empty.json: bad request (HTTP 400): snapshot: it holds no cells',
      ),
    );
    expect((screen.getByTestId('source-snapshot') as HTMLInputElement).disabled).toBe(true);
  });

  it('downloads the Markdown report and the snapshot', async () => {
    const blobs: Blob[] = [];
    const names: string[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blobs.push(b as Blob);
      return 'blob:report';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    const { client } = planningApi();
    renderWithApi(<Planning />, client);
    await verdict();
    await waitFor(() => expect((screen.getByTestId('export-report') as HTMLButtonElement).disabled).toBe(false));
    await userEvent.click(screen.getByTestId('export-report'));
    expect(names[0]).toMatch(/^planning-default-shared-\d{8}-\d{4}\.md$/);
    const report = await blobs[0]!.text();
    expect(report).toContain('# Capacity plan: default');
    expect(report).toContain('## Verdict: Does not fit');
    await userEvent.click(screen.getByTestId('export-snapshot'));
    await waitFor(() => expect(names[1]).toBe('Example-Lab-Foundation-snapshot.json'));
    expect(JSON.parse(await blobs[1]!.text())).toEqual(labSnapshot());
  });

  it('starts from the scenario in the URL', async () => {
    window.location.hash = `#/planning?scenario=${encodeURIComponent('{"segment":"shared","cell":{"memory_gb":16,"vcpus":4},"cell_count":6}')}`;
    const { client, posted } = planningApi();
    renderWithApi(<Planning />, client);
    await verdict();
    expect(posted[0]).toEqual({ scenario: { segment: 'shared', cell: { memory_gb: 16, vcpus: 4 }, cell_count: 6 } });
    expect((screen.getByLabelText('Cell size') as HTMLSelectElement).value).toBe('4x16');
    expect((screen.getByLabelText('Cell count') as HTMLInputElement).value).toBe('6');
  });

  it('adds host clusters to the form', async () => {
    const { client, posted } = planningApi();
    renderWithApi(<Planning />, client);
    await verdict();
    await userEvent.click(screen.getByLabelText('Evaluate as I type'));
    await userEvent.click(screen.getByTestId('hosts-enabled'));
    const cluster = screen.getByTestId('cluster');
    await userEvent.type(within(cluster).getByLabelText('Hosts'), '6');
    await userEvent.type(within(cluster).getByLabelText('GB per host'), '768');
    await userEvent.type(within(cluster).getByLabelText('Cores per host'), '48');
    await userEvent.type(within(cluster).getByLabelText('HA admission (%)'), '17');
    await userEvent.type(screen.getByLabelText('Platform VMs (GB)'), '640');
    await userEvent.click(screen.getByTestId('evaluate'));
    await waitFor(() => expect(posted).toHaveLength(2));
    expect(posted[1]?.scenario).toEqual({
      hosts: { clusters: [{ name: 'cluster-1', hosts: 6, memory_gb_per_host: 768, cores_per_host: 48, ha_admission_pct: 17 }] },
      platform_vms_gb: 640,
    });
  });
});
