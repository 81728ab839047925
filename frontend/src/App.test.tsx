import { screen, waitFor } from '@testing-library/react';
import { render } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { App } from './App';
import { dashboard } from './test/fixtures';
import { scenarioResponse } from './test/planningFixtures';
import { fakeApi } from './test/fakeApi';
import { navigate } from './router';

vi.mock('./components/BarChart', () => ({ BarChart: ({ title }: { title: string }) => <figure>{title}</figure> }));

describe('App', () => {
  it('opens on the overview and marks it in the navigation', async () => {
    const { client } = fakeApi({ '/api/dashboard': () => dashboard() });
    render(<App client={client} />);
    await screen.findByTestId('kpi-cells');
    expect(screen.getByRole('link', { name: 'Overview' }).getAttribute('aria-current')).toBe('page');
    expect(screen.getByRole('link', { name: 'Cells' }).getAttribute('aria-current')).toBeNull();
    expect(document.title).toBe('Overview · Diego Capacity Analyzer');
  });

  it('loads the planning view from the fifth navigation entry', async () => {
    const { client } = fakeApi({ '/api/dashboard': () => dashboard(), '/api/scenario': () => scenarioResponse() });
    navigate('#/planning');
    render(<App client={client} />);
    expect(await screen.findByRole('heading', { name: 'Planning', level: 1 })).toBeTruthy();
    expect(
      screen
        .getAllByRole('link')
        .filter((a) => a.dataset.route)
        .map((a) => a.textContent),
    ).toEqual(['Overview', 'Cells', 'Segments', 'Apps', 'Planning']);
    expect(screen.getByRole('link', { name: 'Planning' }).getAttribute('aria-current')).toBe('page');
    await screen.findByTestId('verdict');
    await waitFor(() => expect(document.title).toBe('Planning · Diego Capacity Analyzer'));
  });

  it('says when a view does not exist', async () => {
    const { client } = fakeApi({});
    navigate('#/nowhere');
    render(<App client={client} />);
    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeTruthy();
    await waitFor(() => expect(document.title).toBe('Not found · Diego Capacity Analyzer'));
  });
});
