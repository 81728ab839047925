import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import Cells from './Cells';
import { CELLS, cell, cellsResponse } from '../test/fixtures';
import { fakeApi } from '../test/fakeApi';
import { renderWithApi } from '../test/render';

vi.mock('../components/BarChart', () => ({ BarChart: ({ title }: { title: string }) => <figure>{title}</figure> }));

const rowNames = () =>
  screen.getAllByTestId('cell-row').map((r) => within(r).getByRole('rowheader').querySelector('.ellipsis')?.textContent);

describe('Cells', () => {
  it('lists every cell with its segment filter populated from the data', async () => {
    const { client } = fakeApi({ '/api/cells': () => cellsResponse() });
    renderWithApi(<Cells />, client);
    await screen.findAllByTestId('cell-row');
    expect(rowNames()).toHaveLength(CELLS.length);
    const filter = screen.getByLabelText('Segment') as HTMLSelectElement;
    expect([...filter.options].map((o) => o.textContent)).toEqual(['All segments (5)', 'shared (3)', 'dmz (2)']);
    expect(screen.getByTestId('cell-count').textContent).toContain('Showing 5 of 5 cells');
  });

  it('filters by segment through the URL', async () => {
    window.location.hash = '#/cells';
    const { client } = fakeApi({ '/api/cells': () => cellsResponse() });
    renderWithApi(<Cells />, client);
    await screen.findAllByTestId('cell-row');
    await userEvent.selectOptions(screen.getByLabelText('Segment'), 'dmz');
    await waitFor(() => expect(screen.getAllByTestId('cell-row')).toHaveLength(2));
    expect(screen.getAllByTestId('cell-row').every((r) => r.dataset.segment === 'dmz')).toBe(true);
    expect(window.location.hash).toBe('#/cells?segment=dmz');
    expect(screen.getByTestId('cell-count').textContent).toContain('Showing 2 of 5 cells');
  });

  it('sorts by a column and reverses on a second click', async () => {
    window.location.hash = '#/cells';
    const { client } = fakeApi({ '/api/cells': () => cellsResponse() });
    renderWithApi(<Cells />, client);
    await screen.findAllByTestId('cell-row');
    await userEvent.click(screen.getByRole('button', { name: /^CPU/ }));
    await waitFor(() => expect(screen.getAllByTestId('cell-row').map((r) => r.dataset.cpu)).toEqual(['85', '55', '28', '12', '']));
    const th = screen.getByRole('button', { name: /^CPU/ }).closest('th');
    expect(th?.getAttribute('aria-sort')).toBe('descending');
    await userEvent.click(screen.getByRole('button', { name: /^CPU/ }));
    await waitFor(() => expect(screen.getAllByTestId('cell-row').map((r) => r.dataset.cpu)).toEqual(['', '12', '28', '55', '85']));
    expect(th?.getAttribute('aria-sort')).toBe('ascending');
  });

  it('marks estimated capacity and unknown CPU', async () => {
    const estimated = cell('diego_cell/7', { cpu_percent: null, memory: { capacity_source: 'bosh_cloud_properties' } });
    const { client } = fakeApi({ '/api/cells': () => cellsResponse([estimated]) });
    renderWithApi(<Cells />, client);
    const row = await screen.findByTestId('cell-row');
    expect(row.querySelector('[data-provenance="bosh_cloud_properties"]')?.textContent).toContain(
      "estimate: estimate from the BOSH VM's RAM",
    );
    expect(within(row).getByText('no vitals', { exact: false })).toBeTruthy();
  });

  it('renders a window of rows, not all 1,000', async () => {
    const many = Array.from({ length: 1000 }, (_, i) =>
      cell(`diego_cell/${i}`, { id: `c${i}`, ip: `10.1.${Math.floor(i / 250)}.${i % 250}` }),
    );
    const { client } = fakeApi({ '/api/cells': () => cellsResponse(many) });
    renderWithApi(<Cells />, client);
    const rows = await screen.findAllByTestId('cell-row');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(60);
    expect(screen.getByTestId('cells-table').getAttribute('aria-rowcount')).toBe('1001');
    expect(screen.getByTestId('cell-count').textContent).toContain('Showing 1,000 of 1,000 cells');
  });

  it('says when no cell matches', async () => {
    window.location.hash = '#/cells?segment=nowhere';
    const { client } = fakeApi({ '/api/cells': () => cellsResponse() });
    renderWithApi(<Cells />, client);
    expect(await screen.findByText('No cells match these filters')).toBeTruthy();
  });
});
