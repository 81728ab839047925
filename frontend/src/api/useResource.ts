import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, isAbort, type Progress, type RequestOptions } from './client';

export type Loader<T> = (options: RequestOptions) => Promise<T>;

export interface Resource<T> {
  /** The last data received for any key (kept while a new request runs). */
  data: T | undefined;
  /** Whether `data` answers the current key. */
  current: boolean;
  /** The error of the last request for the current key. */
  error: ApiError | undefined;
  /** A request for the current key is running. */
  loading: boolean;
  /** The running request asked for fresh data. */
  refreshing: boolean;
  progress: Progress;
  /** When the running request started (ms since epoch), else null. */
  startedAt: number | null;
  /** When `data` arrived (ms since epoch). */
  receivedAt: number | null;
  /** Re-requests the current key with `?refresh=true`. */
  refresh: () => void;
  /** Re-requests the current key as it is (after an error). */
  retry: () => void;
}

interface Settled<T> {
  ticket: string;
  data: T | undefined;
  error: ApiError | undefined;
  receivedAt: number | null;
}

interface Request {
  nonce: number;
  refresh: boolean;
}

/** The last answer per key of resources that asked to be kept: views reopen instantly. */
const kept = new Map<string, { data: unknown; receivedAt: number }>();

/** Forgets kept answers (tests; sign-out and session expiry). */
export function clearResourceCache(): void {
  kept.clear();
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, 'Unexpected error', error instanceof Error ? error.message : String(error));
}

/**
 * Loads `key` with `load`, cancelling the previous request when the key changes. Previous data
 * stays available while the next request runs, so a page can dim rather than blank. With
 * `keep`, the last answer for the key is shown at once on the next mount while it revalidates.
 * With `enabled: false` nothing is requested (e.g. what the signed-in role may not do).
 */
export function useResource<T>(key: string, load: Loader<T>, options: { keep?: boolean; enabled?: boolean } = {}): Resource<T> {
  const keep = options.keep ?? false;
  const enabled = options.enabled ?? true;
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });
  const [request, setRequest] = useState<Request>({ nonce: 0, refresh: false });
  const [settled, setSettled] = useState<Settled<T>>(() => {
    const last = keep ? kept.get(key) : undefined;
    return { ticket: '', data: last?.data as T | undefined, error: undefined, receivedAt: last?.receivedAt ?? null };
  });
  const [progress, setProgress] = useState<Progress>({ phase: 'waiting', bytes: 0 });
  const [active, setActive] = useState<{ startedAt: number; refresh: boolean } | null>(null);
  // The nonce whose refresh has been answered: later key changes (paging, filters) must not
  // ask the API to re-collect again.
  const refreshAnswered = useRef(0);
  const ticket = `${request.nonce}:${key}`;

  useEffect(() => {
    if (!enabled) return undefined;
    const controller = new AbortController();
    let lastReport = 0;
    const onProgress = (p: Progress) => {
      // At most a few renders a second while a large body streams in.
      const now = Date.now();
      if (p.phase === 'waiting' || now - lastReport > 150) {
        lastReport = now;
        setProgress(p);
      }
    };
    const refresh = request.refresh && refreshAnswered.current !== request.nonce;
    // A microtask keeps the state updates out of the effect's synchronous body.
    void Promise.resolve().then(() => {
      if (!controller.signal.aborted) setActive({ startedAt: Date.now(), refresh });
    });
    loadRef
      .current({ signal: controller.signal, refresh, onProgress })
      .then(
        (data) => {
          if (refresh) refreshAnswered.current = request.nonce;
          const receivedAt = Date.now();
          if (keep) kept.set(key, { data, receivedAt });
          setSettled({ ticket, data, error: undefined, receivedAt });
        },
        (error: unknown) => {
          if (controller.signal.aborted || isAbort(error)) return;
          if (refresh) refreshAnswered.current = request.nonce;
          setSettled((previous) => ({ ...previous, ticket, error: toApiError(error) }));
        },
      )
      .finally(() => {
        if (!controller.signal.aborted) setActive(null);
      });
    return () => controller.abort();
  }, [ticket, key, keep, enabled, request.refresh, request.nonce]);

  const refresh = useCallback(() => setRequest((r) => ({ nonce: r.nonce + 1, refresh: true })), []);
  const retry = useCallback(() => setRequest((r) => ({ nonce: r.nonce + 1, refresh: false })), []);
  const loading = enabled && settled.ticket !== ticket;
  return {
    data: settled.data,
    current: !loading && settled.error === undefined,
    error: loading ? undefined : settled.error,
    loading,
    refreshing: loading && (active?.refresh ?? false),
    progress,
    startedAt: loading ? (active?.startedAt ?? null) : null,
    receivedAt: settled.receivedAt,
    refresh,
    retry,
  };
}
