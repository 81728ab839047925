// Hash routing: `#/cells?segment=dmz&sort=cpu`. It works on any static host (S3 included, which
// has no SPA fallback) and keeps every view's filters in a shareable URL.

import { useMemo, useSyncExternalStore } from 'react';

export type RouteId = 'overview' | 'cells' | 'segments' | 'apps' | 'planning';

export interface RouteDef {
  id: RouteId;
  path: string;
  label: string;
  title: string;
}

/** The views, in navigation order. */
export const ROUTES: readonly RouteDef[] = [
  { id: 'overview', path: '/', label: 'Overview', title: 'Overview' },
  { id: 'cells', path: '/cells', label: 'Cells', title: 'Cells' },
  { id: 'segments', path: '/segments', label: 'Segments', title: 'Isolation segments' },
  { id: 'apps', path: '/apps', label: 'Apps', title: 'Apps' },
  { id: 'planning', path: '/planning', label: 'Planning', title: 'Planning' },
];

export interface Location {
  /** The route, or null for an unknown path. */
  route: RouteDef | null;
  path: string;
  params: URLSearchParams;
}

/** Parses `#/cells?segment=dmz` (or '' / '#') into a location. */
export function parseHash(hash: string): Location {
  const raw = hash.replace(/^#/, '') || '/';
  const [pathPart = '/', query = ''] = raw.split('?', 2);
  const path = `/${pathPart.replace(/^\/+/, '').replace(/\/+$/, '')}`;
  const route = ROUTES.find((r) => r.path === path) ?? null;
  return { route, path, params: new URLSearchParams(query) };
}

/** `#/cells?segment=dmz`, leaving out empty parameters. */
export function hrefFor(path: string, params: Record<string, string | number | null | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined && v !== '') query.set(k, String(v));
  }
  const qs = query.toString();
  return `#${path}${qs ? `?${qs}` : ''}`;
}

const listeners = new Set<() => void>();

function notify() {
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (listeners.size === 1) {
    window.addEventListener('hashchange', notify);
    window.addEventListener('popstate', notify);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      window.removeEventListener('hashchange', notify);
      window.removeEventListener('popstate', notify);
    }
  };
}

function snapshot(): string {
  return window.location.hash;
}

/** The current location, re-rendering on navigation. */
export function useLocation(): Location {
  const hash = useSyncExternalStore(subscribe, snapshot, () => '');
  return useMemo(() => parseHash(hash), [hash]);
}

/**
 * Goes to `href` (`#/…`). `replace` updates the URL without a history entry: filters typed into
 * a view should not fill the back button.
 */
export function navigate(href: string, options: { replace?: boolean } = {}): void {
  if (href === window.location.hash) return;
  if (options.replace) {
    window.history.replaceState(window.history.state, '', href);
  } else {
    window.history.pushState(window.history.state, '', href);
  }
  notify();
}

/** Sets some parameters of the current route, keeping the others. */
export function updateParams(
  location: Location,
  changes: Record<string, string | number | null | undefined>,
  options: { replace?: boolean } = { replace: true },
): void {
  const params: Record<string, string> = Object.fromEntries(location.params.entries());
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === undefined || v === '') delete params[k];
    else params[k] = String(v);
  }
  navigate(hrefFor(location.path, params), options);
}
