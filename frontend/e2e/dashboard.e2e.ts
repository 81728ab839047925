// End to end: headless Chromium drives the built bundle served by `capacity-server --demo`.
// The tests run in order and share one server, one browser and one page.

import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type {
  AppsResponse,
  CellsResponse,
  DashboardResponse,
  ImportResponse,
  ScenarioRequest,
  ScenarioResponse,
  SegmentsResponse,
} from '../src/api/types';
import { formatChunk, formatCount, formatMiB, formatPercent } from '../src/lib/format';
import { nMinusOneStatus } from '../src/lib/derive';
import { VERDICT_LABEL, verdictRank } from '../src/lib/planning';
import { comparisonRows } from '../src/lib/scenarioFigures';
import { getJson, launchBrowser, postJson, REPO, SCREENSHOTS, setFaults, type DemoEndpoints } from './harness';

// Started once by globalSetup.ts; stopped (by PID) after the run.
const server: DemoEndpoints = inject('server');
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Console errors, page errors and CSP violations: a production page has none. */
let problems: string[] = [];

async function screenshot(name: string, fullPage = true): Promise<void> {
  // Charts are drawn without animation (reduced motion): wait until every canvas exists.
  await page.waitForFunction(
    () => document.querySelectorAll('figure.chart').length === document.querySelectorAll('figure.chart canvas').length,
  );
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage });
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core's WCAG 2.1 A/AA rules on the page as it is; any violation fails the test. */
async function audit(view: string): Promise<void> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: Document, o: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} at ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    );
  });
  expect(violations, `accessibility of the ${view} view`).toEqual([]);
}

async function text(selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').trim();
}

async function go(label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: label }).click();
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, reducedMotion: 'reduce', colorScheme: 'light' });
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
});

afterEach(() => {
  const seen = problems;
  problems = [];
  expect(seen).toEqual([]);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await setFaults(server, null).catch(() => undefined);
});

describe('dashboard against capacity-server --demo', () => {
  it('serves the bundle with its CSP and no inline script', async () => {
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await response.text();
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('loads the overview with the numbers of /api/dashboard', async () => {
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/dashboard');
    await page.goto(`${server.url}/`);
    const dashboard = (await (await answered).json()) as DashboardResponse;
    await page.getByTestId('kpi-cells').waitFor();
    const t = dashboard.totals;
    const kpi = async (id: string) => ({
      value: await text(`[data-testid="kpi-${id}"] .kpi-value`),
      raw: await page.locator(`[data-testid="kpi-${id}"] .kpi-value`).getAttribute('data-value'),
    });
    expect(await kpi('cells')).toEqual({ value: formatCount(t.cells), raw: String(t.cells) });
    expect(await kpi('capacity')).toEqual({ value: formatMiB(t.capacity_mb), raw: String(t.capacity_mb) });
    expect(await kpi('allocated')).toEqual({ value: formatPercent(t.allocated_percent), raw: String(t.allocated_percent) });
    expect(await kpi('used')).toEqual({ value: formatPercent(t.used_percent), raw: String(t.used_percent) });
    expect(await kpi('free-chunks')).toEqual({ value: formatCount(t.free_chunks), raw: String(t.free_chunks) });
    const chunkLabel = await page.locator('[data-testid="kpi-free-chunks"] .kpi-label').evaluate((el) => el.firstChild?.textContent);
    expect(chunkLabel).toBe(`Free ${formatChunk(t.chunk_mb)} chunks`);
    expect(await kpi('cpu')).toEqual({ value: formatPercent(t.avg_cpu_percent), raw: String(t.avg_cpu_percent) });
    expect((await kpi('n-minus-one')).raw).toBe(String(t.segments_failing_n_minus_one));
    expect(await kpi('apps')).toEqual({ value: formatCount(t.apps_started), raw: String(t.apps_started) });

    // One row per segment with the same figures.
    expect(await page.locator('[data-testid^="segment-row-"]').count()).toBe(dashboard.segments.length);
    for (const s of dashboard.segments) {
      const row = `[data-testid="segment-row-${s.name}"]`;
      expect(await text(`${row} [data-field="cells"]`)).toBe(formatCount(s.cells));
      expect(await text(`${row} [data-field="capacity"]`)).toBe(formatMiB(s.capacity_mb));
      expect(await text(`${row} [data-field="allocated"]`)).toBe(`${formatPercent(s.allocated_percent)}${formatMiB(s.allocated_mb)}`);
      expect(await text(`${row} [data-field="free-chunks"]`)).toBe(`${formatCount(s.free_chunks)}${formatMiB(s.free_mb)} free`);
      expect(await text(`${row} [data-field="n-minus-one"] .n1`)).toBe(nMinusOneStatus(s).label);
    }
    const topApps = await page.locator('[data-testid="top-apps"] tbody th a').allTextContents();
    expect(topApps).toEqual(dashboard.top_apps.map((a) => a.name));
    // The demo foundation is healthy: no banner, every source fresh.
    expect(await page.getByTestId('degraded-banner').count()).toBe(0);
    expect(await page.locator('[data-testid="freshness"] .source[data-status="fresh"]').count()).toBe(3);
    await screenshot('overview');
    await audit('overview');
  });

  it('lists the cells with stacked bars, a segment filter from the data, and sorting', async () => {
    await go('Cells');
    await page.getByTestId('cell-row').first().waitFor();
    const all = await getJson<CellsResponse>(server, '/api/cells');
    expect(await page.getByTestId('cell-row').count()).toBe(all.total);
    expect(await page.locator('[data-testid="cell-row"] [role="img"]').count()).toBe(all.total);
    expect(await text('[data-testid="cell-count"]')).toContain(`Showing ${formatCount(all.total)} of ${formatCount(all.total)} cells`);
    await screenshot('cells');
    await audit('cells');

    // The filter offers exactly the segments the cells report.
    const segments = [...new Set(all.cells.map((c) => c.segment))];
    const options = await page
      .getByTestId('segment-filter')
      .locator('option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(options.slice(1).sort()).toEqual([...segments].sort());
    const isolated = segments.find((s) => s !== 'shared') ?? segments[0]!;
    await page.getByLabel('Segment', { exact: true }).selectOption(isolated);
    const expected = await getJson<CellsResponse>(server, `/api/cells?segment=${encodeURIComponent(isolated)}`);
    await expect.poll(() => page.getByTestId('cell-row').count()).toBe(expected.total);
    const shown = await page.getByTestId('cell-row').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.segment));
    expect(new Set(shown)).toEqual(new Set([isolated]));
    expect(page.url()).toContain(`#/cells?segment=${encodeURIComponent(isolated)}`);

    // Back to every cell, sorted by CPU, highest first: the same order the API gives.
    await page.getByLabel('Segment', { exact: true }).selectOption('');
    await page.getByRole('button', { name: /^CPU/ }).click();
    const byCpu = await getJson<CellsResponse>(server, '/api/cells?sort=cpu&order=desc');
    await expect
      .poll(() => page.getByTestId('cell-row').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.cpu)))
      .toEqual(byCpu.cells.map((c) => String(c.cpu_percent ?? '')));
  });

  it('shows capacity and N−1 headroom per segment', async () => {
    await go('Segments');
    await page.locator('[data-testid^="segment-card-"]').first().waitFor();
    const { segments } = await getJson<SegmentsResponse>(server, '/api/segments');
    expect(await page.locator('[data-testid^="segment-card-"]').count()).toBe(segments.length);
    for (const s of segments) {
      const card = `[data-testid="segment-card-${s.name}"]`;
      const status = nMinusOneStatus(s);
      expect(await text(`${card} .n1`)).toBe(status.label);
      expect(await text(`${card} [data-testid="n1-text"]`)).toBe(status.text);
      expect(await text(`${card} [data-field="capacity"] dd`)).toBe(formatMiB(s.capacity_mb));
    }
    await screenshot('segments');
    await audit('segments');
  });

  it('searches, sorts and pages apps on the server', async () => {
    const asked: URL[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname === '/api/apps') asked.push(url);
    });
    await go('Apps');
    await page.getByTestId('app-row').first().waitFor();
    const first = await getJson<AppsResponse>(server, '/api/apps');
    expect(await page.getByTestId('app-row').count()).toBe(first.apps.length);
    expect(await page.getByTestId('app-row').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.guid))).toEqual(
      first.apps.map((a) => a.guid),
    );
    expect(await text('[data-testid="app-count"]')).toBe(`Showing 1–${formatCount(first.apps.length)} of ${formatCount(first.total)} apps`);
    await screenshot('apps', false);
    await audit('apps');

    // Search: one request once typing pauses, answered by the server.
    const before = asked.length;
    await page.getByLabel('Search', { exact: true }).pressSequentially('web', { delay: 40 });
    await expect.poll(() => asked.slice(before).map((u) => u.searchParams.get('q'))).toEqual(['web']);
    const found = await getJson<AppsResponse>(server, '/api/apps?q=web');
    await expect
      .poll(() => text('[data-testid="app-count"]'))
      .toBe(`Showing 1–${formatCount(Math.min(found.total, 50))} of ${formatCount(found.total)} apps`);
    const names = await page.locator('[data-testid="app-row"] .app-name').allTextContents();
    const context = await page.locator('[data-testid="app-row"] th .sub').allTextContents();
    names.forEach((n, i) => expect(`${n} ${context[i]}`.toLowerCase()).toContain('web'));

    // Sort by what right-sizing frees, then page forward.
    await page.getByLabel('Search', { exact: true }).fill('');
    await page.getByLabel('Search', { exact: true }).press('Enter');
    await page.getByRole('button', { name: /^Frees/ }).click();
    await expect.poll(() => asked.at(-1)?.searchParams.get('sort')).toBe('reclaimable');
    const reclaimable = await getJson<AppsResponse>(server, '/api/apps?sort=reclaimable');
    await expect
      .poll(() => page.getByTestId('app-row').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.guid)))
      .toEqual(reclaimable.apps.map((a) => a.guid));
    await page.getByTestId('page-next').click();
    await expect.poll(() => asked.at(-1)?.searchParams.get('offset')).toBe('50');
    await expect.poll(() => text('[data-testid="page-info"]')).toBe(`Page 2 of ${Math.ceil(first.total / 50)}`);
  });

  it('plans a scenario: breaks N−1, applies a fix, imports a snapshot, exports a report', async () => {
    const scenarios: ScenarioRequest[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/scenario') scenarios.push(JSON.parse(r.postData() ?? '{}') as ScenarioRequest);
    });
    await go('Planning');
    await page.getByTestId('verdict').waitFor();
    expect(await page.title()).toBe('Planning · Diego Capacity Analyzer');
    const verdictStatus = () => page.getByTestId('verdict').getAttribute('data-status');
    const proposed = (row: string) => text(`[data-testid="compare-table"] [data-row="${row}"] [data-field="proposed"]`);

    // Shrink the shared segment to six 4 vCPU × 16 GB cells: it no longer fits, N−1 fails.
    await page.getByLabel('Segment', { exact: true }).selectOption('shared');
    await page.getByLabel('Cell size', { exact: true }).selectOption('4x16');
    await page.getByLabel('Cell count', { exact: true }).fill('6');
    const broken = { scenario: { segment: 'shared', cell: { memory_gb: 16, vcpus: 4 }, cell_count: 6 } };
    const expected = await postJson<ScenarioResponse>(server, '/api/scenario', broken);
    expect(expected.proposed.n_minus_one.fits).toBe(false);
    await expect.poll(() => scenarios.some((b) => JSON.stringify(b) === JSON.stringify(broken))).toBe(true);
    await expect.poll(verdictStatus).toBe(expected.verdict.status);
    expect(await text('[data-testid="verdict"] .verdict-label')).toBe(VERDICT_LABEL[expected.verdict.status]);
    const rows = comparisonRows(expected.current, expected.proposed);
    await expect.poll(() => proposed('n1-util')).toBe(rows.find((r) => r.id === 'n1-util')?.proposed);
    expect(await proposed('capacity')).toBe(rows.find((r) => r.id === 'capacity')?.proposed);
    expect(await page.getByTestId('warning').count()).toBe(expected.warnings.length);
    expect(expected.warnings.length).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="warning"][data-code="n_minus_one_fails"]').count()).toBe(1);
    expect(await page.locator('[data-testid="bottlenecks"] li.constraining').getAttribute('data-resource')).toBe(
      expected.bottlenecks.find((b) => b.constraining)?.resource,
    );
    await screenshot('planning');
    await audit('planning');

    // Apply the first fix: the cell count it names, and a better verdict.
    const fix = expected.warnings.flatMap((w) => w.fixes)[0]!;
    expect(fix.field).toBe('cell_count');
    await page.getByTestId('apply-fix').first().click();
    const fixed = { scenario: { ...broken.scenario, cell_count: fix.value } };
    const after = await postJson<ScenarioResponse>(server, '/api/scenario', fixed);
    expect(verdictRank(after.verdict.status)).toBeGreaterThan(verdictRank(expected.verdict.status));
    await expect.poll(verdictStatus).toBe(after.verdict.status);
    expect(await page.getByLabel('Cell count', { exact: true }).inputValue()).toBe(String(fix.value));
    expect(await proposed('cells')).toBe(formatCount(fix.value));
    expect(page.url()).toContain('#/planning?scenario=');

    // Import the peer tool's sample and plan it as it is.
    const imported = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/snapshot/import');
    await page.getByTestId('snapshot-file').setInputFiles(path.join(REPO, 'docs', 'scenarios', 'lab-foundation.json'));
    const snapshot = ((await (await imported).json()) as ImportResponse).snapshot;
    await expect.poll(() => page.getByTestId('source-snapshot').isChecked()).toBe(true);
    await page.getByTestId('reset').click();
    const lab = await postJson<ScenarioResponse>(server, '/api/scenario', { scenario: {}, snapshot });
    await expect.poll(() => text('[data-testid="verdict"] .verdict-scope')).toBe(`${lab.foundation}, every segment with cells`);
    await expect.poll(verdictStatus).toBe(lab.verdict.status);
    expect(scenarios.at(-1)).toEqual({ scenario: {}, snapshot });
    expect(await proposed('cells')).toBe(formatCount(lab.proposed.cells));
    expect(await page.getByTestId('gauge-host-memory').getByRole('meter').count()).toBe(2);
    expect(await page.getByTestId('gauge-host-loss').getByRole('meter').last().getAttribute('aria-valuenow')).toBe(
      String(Math.round(lab.proposed.hosts!.host_loss_utilization_percent! * 10) / 10),
    );
    await screenshot('planning-snapshot');
    await audit('planning (snapshot)');

    // The Markdown report downloads from the page (a Blob: nothing for the CSP to block).
    const download = page.waitForEvent('download');
    await page.getByTestId('export-report').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^planning-example-lab-foundation-all-\d{8}-\d{4}\.md$/);
    const report = readFileSync(await file.path(), 'utf8');
    expect(report).toContain(`# Capacity plan: ${lab.foundation}`);
    expect(report).toContain(`## Verdict: ${VERDICT_LABEL[lab.verdict.status]}`);
    expect(report).toContain('from an imported snapshot (Example Lab Foundation, lab-foundation.json)');
  });

  it('names BOSH in a banner after a BOSH fault and a refresh, and recovers', async () => {
    await go('Overview');
    await page.getByTestId('kpi-cells').waitFor();
    expect(await page.getByTestId('degraded-banner').count()).toBe(0);
    await setFaults(server, { bosh_unreachable: true });
    try {
      await page.getByTestId('refresh').click();
      const banner = page.getByTestId('degraded-banner');
      await banner.waitFor({ timeout: 20_000 });
      const message = (await banner.textContent()) ?? '';
      expect(message).toMatch(/BOSH (unavailable|stale|refresh failed)/);
      expect(message).toContain('cell vitals');
      expect(message).toContain('Reason: ');
      expect(await page.locator('[data-testid="freshness"] .source[data-source="bosh"]').getAttribute('class')).toMatch(
        /source-(warn|bad)/,
      );
      await screenshot('overview-degraded');
    } finally {
      await setFaults(server, null);
    }
    await page.getByTestId('refresh').click();
    await page.getByTestId('degraded-banner').waitFor({ state: 'detached', timeout: 20_000 });
  });
});
