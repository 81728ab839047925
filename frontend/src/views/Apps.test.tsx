import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import Apps from './Apps';
import { app, appsResponse, segmentsResponse } from '../test/fixtures';
import { fakeApi } from '../test/fakeApi';
import { renderWithApi } from '../test/render';
import { SEARCH_DEBOUNCE_MS } from '../lib/appsQuery';

function api(total = 120) {
  return fakeApi({
    '/api/apps': (url) => {
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const q = url.searchParams.get('q');
      const apps = q === 'nothing' ? [] : [app(`app-${offset}`), app(`app-${offset + 1}`, { reclaimable_mb: 0, processes: [] })];
      return appsResponse(apps, q === 'nothing' ? 0 : total, 50, offset);
    },
    '/api/segments': () => segmentsResponse(),
  });
}

const appCalls = (calls: URL[]) => calls.filter((c) => c.pathname === '/api/apps').map((c) => c.search);

describe('Apps', () => {
  it('loads the first page from the server, largest requests first', async () => {
    window.location.hash = '#/apps';
    const { client, calls } = api();
    renderWithApi(<Apps />, client);
    await screen.findAllByTestId('app-row');
    expect(appCalls(calls)).toEqual(['?sort=requested&order=desc&limit=50&offset=0']);
    expect(screen.getByTestId('app-count').textContent).toBe('Showing 1–50 of 120 apps');
    expect(screen.getByTestId('page-info').textContent).toBe('Page 1 of 3');
    // The right-sizing suggestion and what it frees.
    expect(screen.getAllByText('1,088 MiB')[0]).toBeTruthy();
    expect(screen.getAllByText('11.3 GiB')[0]).toBeTruthy();
  });

  it('searches on the server once typing pauses', async () => {
    window.location.hash = '#/apps';
    const { client, calls } = api();
    renderWithApi(<Apps />, client);
    await screen.findAllByTestId('app-row');
    const input = screen.getByLabelText('Search');
    fireEvent.change(input, { target: { value: 'pa' } });
    fireEvent.change(input, { target: { value: 'pay' } });
    expect(appCalls(calls)).toHaveLength(1);
    await act(() => new Promise((r) => setTimeout(r, SEARCH_DEBOUNCE_MS + 50)));
    await waitFor(() =>
      expect(appCalls(calls)).toEqual([
        '?sort=requested&order=desc&limit=50&offset=0',
        '?q=pay&sort=requested&order=desc&limit=50&offset=0',
      ]),
    );
    expect(window.location.hash).toBe('#/apps?q=pay');
  });

  it('pages with offset and sorts on the server', async () => {
    window.location.hash = '#/apps';
    const { client, calls } = api();
    renderWithApi(<Apps />, client);
    await screen.findAllByTestId('app-row');
    await userEvent.click(screen.getByTestId('page-next'));
    await waitFor(() => expect(appCalls(calls).at(-1)).toBe('?sort=requested&order=desc&limit=50&offset=50'));
    await waitFor(() => expect(screen.getByTestId('page-info').textContent).toBe('Page 2 of 3'));
    await userEvent.click(screen.getByRole('button', { name: /^Frees/ }));
    await waitFor(() => expect(appCalls(calls).at(-1)).toBe('?sort=reclaimable&order=desc&limit=50&offset=0'));
  });

  it('offers the segments the API knows', async () => {
    window.location.hash = '#/apps';
    const { client } = api();
    renderWithApi(<Apps />, client);
    await screen.findAllByTestId('app-row');
    await waitFor(() =>
      expect([...(screen.getByTestId('app-segment-filter') as HTMLSelectElement).options].map((o) => o.value)).toEqual([
        '',
        'shared',
        'dmz',
        'empty',
      ]),
    );
  });

  it('shows an empty state with a way back', async () => {
    window.location.hash = '#/apps?q=nothing';
    const { client } = api();
    renderWithApi(<Apps />, client);
    expect(await screen.findByText('No apps match these filters')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await screen.findAllByTestId('app-row');
    expect(window.location.hash).toBe('#/apps');
  });
});
