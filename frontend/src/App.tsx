import {
  lazy,
  Suspense,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type ComponentType,
  type LazyExoticComponent,
} from 'react';
import { ApiContext } from './api/context';
import { API_BASE, defaultClient, type ApiClient } from './api/client';
import { AccessContext, type Access } from './auth/context';
import { AuthSession } from './auth/session';
import { AccountStatus } from './components/Account';
import { SignIn } from './components/SignIn';
import { LoadingState } from './components/States';
import { hrefFor, ROUTES, useLocation, type RouteId } from './router';
import Overview from './views/Overview';

// The first view ships in the entry chunk; the others load when first visited.
const VIEWS: Record<RouteId, ComponentType | LazyExoticComponent<ComponentType>> = {
  overview: Overview,
  cells: lazy(() => import('./views/Cells')),
  segments: lazy(() => import('./views/Segments')),
  apps: lazy(() => import('./views/Apps')),
  planning: lazy(() => import('./views/Planning')),
};

function NotFound({ path }: { path: string }) {
  return (
    <section className="view" aria-labelledby="view-title">
      <h1 id="view-title" tabIndex={-1}>
        Page not found
      </h1>
      <p>
        There is no view at <code>{path}</code>. <a href={hrefFor('/')}>Go to the overview</a>.
      </p>
    </section>
  );
}

interface AppProps {
  client?: ApiClient;
  /** The sign-in session (tests give one with a fake browser); by default one for `client`. */
  session?: AuthSession;
}

export function App({ client = defaultClient, session }: AppProps) {
  const [auth] = useState(() => session ?? new AuthSession(client));
  const state = useSyncExternalStore(auth.subscribe, auth.getState);
  useEffect(() => auth.attach(), [auth]);
  // The views show once the API lets us in: signed in, or authentication disabled.
  const ready = state.status === 'signed-in' || state.status === 'disabled';
  const access = useMemo<Access>(
    () =>
      state.status === 'signed-in'
        ? { mode: 'uaa', user: state.user, canOperate: state.user.role === 'operator' }
        : { mode: state.status === 'disabled' ? 'disabled' : 'uaa', user: null, canOperate: state.status === 'disabled' },
    [state],
  );

  const location = useLocation();
  const route = location.route;
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  useEffect(() => {
    document.title = `${ready ? (route ? route.title : 'Not found') : 'Sign in'} · Diego Capacity Analyzer`;
    // After in-app navigation (or signing in), move focus to the new view so keyboard and
    // screen-reader users start at its top; on the first load the browser's own focus is left alone.
    if (first.current) {
      first.current = false;
      return;
    }
    if (ready) main.current?.focus({ preventScroll: false });
  }, [route, ready]);

  const View = route ? VIEWS[route.id] : null;
  return (
    <ApiContext.Provider value={client}>
      <AccessContext.Provider value={access}>
        <button
          type="button"
          className="skip-link"
          onClick={() => {
            main.current?.focus();
          }}
        >
          Skip to content
        </button>
        <header className="app-header">
          <a className="brand" href={hrefFor('/')}>
            <svg viewBox="0 0 32 32" width="24" height="24" aria-hidden="true" focusable="false">
              <rect width="32" height="32" rx="6" fill="#fff" fillOpacity="0.15" />
              <rect x="6" y="18" width="5" height="8" fill="#fff" />
              <rect x="13.5" y="12" width="5" height="14" fill="#9cc3ee" />
              <rect x="21" y="6" width="5" height="20" fill="#fff" />
            </svg>
            Diego Capacity Analyzer
          </a>
          {ready && (
            <nav aria-label="Views">
              <ul className="nav">
                {ROUTES.map((r) => (
                  <li key={r.id}>
                    <a href={hrefFor(r.path)} aria-current={route?.id === r.id ? 'page' : undefined} data-route={r.id}>
                      {r.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
          <AccountStatus state={state} onSignOut={() => auth.signOut()} />
        </header>
        <main ref={main} tabIndex={-1} id="main">
          {ready ? (
            <Suspense fallback={<LoadingState what="the view" progress={{ phase: 'waiting', bytes: 0 }} startedAt={null} />}>
              {View ? <View key={route?.id} /> : <NotFound path={location.path} />}
            </Suspense>
          ) : (
            <SignIn state={state} onSignIn={() => void auth.signIn()} onRetry={() => auth.retry()} />
          )}
        </main>
        <footer className="app-footer">
          <span>API: {API_BASE || 'same origin'}</span>
          <span>
            Sizes in binary units (1 GiB = 1,024 MiB). <a href={`${API_BASE}/api/health`}>API health</a>
          </span>
        </footer>
      </AccessContext.Provider>
    </ApiContext.Provider>
  );
}
