// The apps view's URL state (`#/apps?q=…&page=2`) and the API query it stands for.

import type { AppSortKey, AppsQuery, SortOrder } from '../api/types';
import type { Location } from '../router';

const SORT_KEYS: readonly AppSortKey[] = ['requested', 'used', 'reclaimable', 'instances', 'name'];
export const PAGE_SIZES = [25, 50, 100, 200] as const;
export const DEFAULT_PAGE_SIZE = 50;
/** Typing pauses this long before the search goes to the server. */
export const SEARCH_DEBOUNCE_MS = 300;

export function defaultAppOrder(key: AppSortKey): SortOrder {
  return key === 'name' ? 'asc' : 'desc';
}

/** The API query of the apps view's URL (`#/apps?q=…&page=2`). */
export function appsQueryFrom(location: Location): AppsQuery & { page: number; size: number } {
  const p = location.params;
  const sort = SORT_KEYS.find((k) => k === p.get('sort')) ?? 'requested';
  const o = p.get('order');
  const order: SortOrder = o === 'asc' || o === 'desc' ? o : defaultAppOrder(sort);
  const sizeParam = Number(p.get('size'));
  const size = PAGE_SIZES.find((s) => s === sizeParam) ?? DEFAULT_PAGE_SIZE;
  const page = Math.max(1, Math.floor(Number(p.get('page')) || 1));
  const stateParam = p.get('state');
  return {
    q: p.get('q')?.trim() || undefined,
    segment: p.get('segment') || undefined,
    state: stateParam === 'started' || stateParam === 'stopped' ? stateParam : undefined,
    sort,
    order,
    limit: size,
    offset: (page - 1) * size,
    page,
    size,
  };
}
