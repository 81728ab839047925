import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import Overview from './Overview';
import { dashboard, metadata } from '../test/fixtures';
import { errorResponse, fakeApi } from '../test/fakeApi';
import { renderWithApi } from '../test/render';

vi.mock('../components/BarChart', () => ({ BarChart: ({ title }: { title: string }) => <figure>{title}</figure> }));

describe('Overview', () => {
  it('shows the totals formatted from /api/dashboard', async () => {
    const { client } = fakeApi({ '/api/dashboard': () => dashboard() });
    renderWithApi(<Overview />, client);
    const cells = await screen.findByTestId('kpi-cells');
    expect(within(cells).getByText('10')).toBeTruthy();
    expect(within(screen.getByTestId('kpi-capacity')).getByText('441 GiB')).toBeTruthy();
    expect(within(screen.getByTestId('kpi-allocated')).getByText('67.3%')).toBeTruthy();
    expect(within(screen.getByTestId('kpi-used')).getByText('22.0%')).toBeTruthy();
    expect(within(screen.getByTestId('kpi-free-chunks')).getByText('Free 4 GiB chunks')).toBeTruthy();
    expect(within(screen.getByTestId('kpi-free-chunks')).getByText('33')).toBeTruthy();
    expect(within(screen.getByTestId('kpi-n-minus-one')).getByText('1 of 2 fail')).toBeTruthy();
    expect(within(screen.getByTestId('kpi-cpu')).getByText('34.6%')).toBeTruthy();
    // One row per segment, with its N−1 status.
    expect(within(screen.getByTestId('segment-row-dmz')).getByText('Fails')).toBeTruthy();
    expect(within(screen.getByTestId('segment-row-shared')).getByText('OK')).toBeTruthy();
    expect(within(screen.getByTestId('segment-row-empty')).getByText('No cells')).toBeTruthy();
    expect(screen.getByTestId('notes').textContent).toContain('inactive BOSH VM');
    expect(screen.queryByTestId('degraded-banner')).toBeNull();
  });

  it('names each missing source in a banner', async () => {
    const degraded = metadata(
      {},
      {
        bosh: { status: 'unavailable', collected_at: null, age_seconds: null, reason: 'bosh is unreachable (/info): connection refused' },
        log_cache: { status: 'stale', collected_at: '2026-11-21T22:00:00Z', age_seconds: 1500, reason: 'log cache timed out' },
      },
    );
    const { client } = fakeApi({ '/api/dashboard': () => dashboard(degraded) });
    renderWithApi(<Overview />, client);
    const banner = await screen.findByTestId('degraded-banner');
    expect(banner.getAttribute('role')).toBe('alert');
    expect(banner.textContent).toContain('BOSH unavailable: cell vitals not shown');
    expect(banner.textContent).toContain('Reason: bosh is unreachable (/info): connection refused');
    expect(banner.textContent).toContain("Log Cache stale: Diego's own capacity figures are from 25 min ago");
  });

  it('shows progress while loading, then the data', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { client } = fakeApi({
      '/api/dashboard': async () => {
        await gate;
        return dashboard();
      },
    });
    renderWithApi(<Overview />, client);
    const status = await screen.findByRole('status');
    expect(within(status).getByLabelText('Loading the dashboard')).toBeTruthy();
    expect(status.textContent).toContain('waiting for the API');
    release();
    await screen.findByTestId('kpi-cells');
    expect(screen.queryByLabelText('Loading the dashboard')).toBeNull();
  });

  it("shows the API's error message and retries", async () => {
    let fail = true;
    const { client } = fakeApi({
      '/api/dashboard': () => (fail ? errorResponse(503, 'Cloud Foundry API unavailable', 'cf is unreachable (/v3/apps)') : dashboard()),
    });
    renderWithApi(<Overview />, client);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not load the dashboard');
    expect(alert.textContent).toContain('Cloud Foundry API unavailable');
    expect(alert.textContent).toContain('(HTTP 503)');
    expect(alert.textContent).toContain('cf is unreachable (/v3/apps)');
    fail = false;
    await userEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    await screen.findByTestId('kpi-cells');
  });

  it('refreshes with ?refresh=true and keeps the data on screen meanwhile', async () => {
    const { client, calls } = fakeApi({ '/api/dashboard': () => dashboard() });
    renderWithApi(<Overview />, client);
    await screen.findByTestId('kpi-cells');
    await userEvent.click(screen.getByTestId('refresh'));
    await waitFor(() => expect(calls.map((c) => c.search)).toEqual(['', '?refresh=true']));
    expect(screen.getByTestId('kpi-cells')).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('refresh').textContent).toBe('Refresh'));
  });

  it('keeps the previous data and says so when a refresh fails', async () => {
    let fail = false;
    const { client } = fakeApi({
      '/api/dashboard': () => (fail ? errorResponse(504, 'Cloud Foundry API timed out', 'after 30 s') : dashboard()),
    });
    renderWithApi(<Overview />, client);
    await screen.findByTestId('kpi-cells');
    fail = true;
    await userEvent.click(screen.getByTestId('refresh'));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not update the dashboard: Cloud Foundry API timed out (HTTP 504)');
    expect(screen.getByTestId('kpi-cells')).toBeTruthy();
  });

  it('tells whether data came from the cache and how old each source is', async () => {
    const { client } = fakeApi({ '/api/dashboard': () => dashboard(metadata({ cached: false, age_seconds: 240 })) });
    renderWithApi(<Overview />, client);
    const freshness = await screen.findByTestId('freshness');
    expect(freshness.textContent).toContain('refreshed');
    expect(screen.getByTestId('data-age').textContent).toBe('4 min ago');
    expect(freshness.textContent).toContain('BOSH: fresh');
  });

  it('reopens with the last data at once and updates it in the background', async () => {
    let release: () => void = () => {};
    let calls = 0;
    const { client } = fakeApi({
      '/api/dashboard': async () => {
        calls += 1;
        if (calls > 1) await new Promise<void>((resolve) => (release = resolve));
        return dashboard();
      },
    });
    const first = renderWithApi(<Overview />, client);
    await screen.findByTestId('kpi-cells');
    first.unmount();
    renderWithApi(<Overview />, client);
    expect(screen.getByTestId('kpi-cells')).toBeTruthy();
    expect(await screen.findByLabelText('Updating the dashboard')).toBeTruthy();
    release();
    await waitFor(() => expect(screen.queryByLabelText('Updating the dashboard')).toBeNull());
  });
});
