// The one place that talks HTTP to the capacity API: builds URLs from VITE_API_URL, attaches
// credentials (the seam UAA sign-in plugs into: a token provider, and a 401 handler that may
// renew the token for one retry), parses the API's error JSON, retries "refresh in progress",
// and reports download progress.

import type {
  ApiErrorBody,
  AppsQuery,
  AppsResponse,
  CellsResponse,
  DashboardResponse,
  FieldError,
  HealthResponse,
  ImportResponse,
  RecommendationsResponse,
  ScenarioRequest,
  ScenarioResponse,
  SegmentsResponse,
  Snapshot,
} from './types';

/** A failed API call, carrying what the API said. `status` is 0 when no response arrived. */
export class ApiError extends Error {
  readonly status: number;
  /** Short summary (the API's `error`). */
  readonly summary: string;
  /** Explanation safe to show (the API's `details`). */
  readonly details: string;
  /** Seconds the API asked us to wait (`Retry-After`). */
  readonly retryAfter: number | null;
  /** The invalid fields of a request body (400 "invalid input"), by the API's field path. */
  readonly fields: FieldError[];

  constructor(status: number, summary: string, details: string, retryAfter: number | null = null, fields: FieldError[] = []) {
    super(details ? `${summary}: ${details}` : summary);
    this.name = 'ApiError';
    this.status = status;
    this.summary = summary;
    this.details = details;
    this.retryAfter = retryAfter;
    this.fields = fields;
  }
}

/** Returns a bearer token, or null when not signed in. */
export type TokenProvider = () => string | null | Promise<string | null>;

/**
 * Told about a 401 and the token the request carried; answering true (after renewing the token)
 * sends the request once more with the provider's new token.
 */
export type UnauthorizedHandler = (error: ApiError, sentToken: string | null) => boolean | void | Promise<boolean | void>;

/** Where a request is: waiting for the server, then receiving `bytes`. */
export interface Progress {
  phase: 'waiting' | 'receiving';
  bytes: number;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Ask the API to re-collect unless its data is very young (`?refresh=true`). */
  refresh?: boolean;
  onProgress?: (progress: Progress) => void;
}

export type Params = Record<string, string | number | boolean | null | undefined>;

export interface ClientOptions {
  /** API origin (and optional path prefix); '' means same origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
  getToken?: TokenProvider;
  /** Called on 401 so a sign-in flow can renew the token (and the request be retried once). */
  onUnauthorized?: UnauthorizedHandler;
  /** Retries of a 503 that carries Retry-After (e.g. "refresh in progress"). */
  maxRetries?: number;
  /** Longest Retry-After honoured automatically (seconds). */
  maxRetryAfter?: number;
}

/** Normalises a configured base URL: no trailing slash; '' for same origin. */
export function normaliseBase(base: string | undefined | null): string {
  const trimmed = (base ?? '').trim();
  return trimmed.replace(/\/+$/, '');
}

/** `base + path + ?query`, leaving out empty parameters. */
export function buildUrl(base: string, path: string, params: Params = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    query.append(key, String(value));
  }
  const qs = query.toString();
  const p = path.startsWith('/') ? path : `/${path}`;
  return `${normaliseBase(base)}${p}${qs ? `?${qs}` : ''}`;
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  return typeof value === 'object' && value !== null && typeof (value as { error?: unknown }).error === 'string';
}

function fieldErrors(value: unknown): FieldError[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (f): f is FieldError =>
      typeof f === 'object' && f !== null && typeof (f as FieldError).field === 'string' && typeof (f as FieldError).message === 'string',
  );
}

function parseRetryAfter(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header.trim());
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

/** Turns a non-2xx response into an ApiError, preferring the API's own JSON message. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
  let text = '';
  try {
    text = await response.text();
  } catch {
    // The body is optional; the status is enough.
  }
  try {
    const body: unknown = JSON.parse(text);
    if (isErrorBody(body)) {
      return new ApiError(response.status, body.error, body.details ?? '', retryAfter, fieldErrors(body.fields));
    }
  } catch {
    // Not JSON (a proxy's HTML page, say): fall through.
  }
  const summary = response.statusText || `HTTP ${response.status}`;
  const details = text && text.length <= 300 && !text.trimStart().startsWith('<') ? text.trim() : '';
  return new ApiError(response.status, summary, details, retryAfter);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}

async function readBody(response: Response, onProgress?: (p: Progress) => void): Promise<string> {
  if (!onProgress || !response.body) return response.text();
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    text += decoder.decode(value, { stream: true });
    onProgress({ phase: 'receiving', bytes });
  }
  return text + decoder.decode();
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

export class ApiClient {
  readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private getToken: TokenProvider | null;
  private onUnauthorized: UnauthorizedHandler | null;
  private readonly maxRetries: number;
  private readonly maxRetryAfter: number;

  constructor(options: ClientOptions = {}) {
    this.baseUrl = normaliseBase(options.baseUrl);
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.getToken = options.getToken ?? null;
    this.onUnauthorized = options.onUnauthorized ?? null;
    this.maxRetries = options.maxRetries ?? 2;
    this.maxRetryAfter = options.maxRetryAfter ?? 10;
  }

  /** Installs the sign-in seam: every request carries `Authorization: Bearer <token>`. */
  setTokenProvider(provider: TokenProvider | null): void {
    this.getToken = provider;
  }

  /** Installs what a 401 does (renew the token and retry once, or start a sign-in). */
  setUnauthorizedHandler(handler: UnauthorizedHandler | null): void {
    this.onUnauthorized = handler;
  }

  url(path: string, params: Params = {}): string {
    return buildUrl(this.baseUrl, path, params);
  }

  /** GET a JSON document; throws ApiError (or the AbortError when aborted). */
  get<T>(path: string, params: Params = {}, options: RequestOptions = {}): Promise<T> {
    return this.send<T>('GET', path, params, undefined, options);
  }

  /** POST a JSON body and read the JSON answer; throws ApiError (or the AbortError when aborted). */
  post<T>(path: string, body: unknown, options: RequestOptions = {}): Promise<T> {
    return this.send<T>('POST', path, {}, JSON.stringify(body), options);
  }

  private async send<T>(
    method: 'GET' | 'POST',
    path: string,
    params: Params,
    body: string | undefined,
    options: RequestOptions,
  ): Promise<T> {
    const url = this.url(path, options.refresh ? { ...params, refresh: true } : params);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let token = this.getToken ? await this.getToken() : null;
    if (token) headers.Authorization = `Bearer ${token}`;
    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      options.onProgress?.({ phase: 'waiting', bytes: 0 });
      let response: Response;
      try {
        const init: RequestInit = { headers: { ...headers }, signal: options.signal, credentials: 'same-origin' };
        if (method !== 'GET') {
          init.method = method;
          init.body = body;
        }
        response = await this.fetchImpl(url, init);
      } catch (error) {
        if (isAbort(error) || options.signal?.aborted) throw error;
        throw new ApiError(0, 'Cannot reach the API', `${url}: ${(error as Error).message || 'network error'}`);
      }
      if (response.ok) {
        const text = await readBody(response, options.onProgress);
        try {
          return JSON.parse(text) as T;
        } catch {
          throw new ApiError(response.status, 'Unreadable response', `${path} did not return JSON`);
        }
      }
      const error = await errorFromResponse(response);
      if (error.status === 401 && this.onUnauthorized && !renewed) {
        // Once per request: a token that is refused again right after renewal is not retried.
        renewed = true;
        if ((await this.onUnauthorized(error, token)) === true && !options.signal?.aborted) {
          token = this.getToken ? await this.getToken() : null;
          if (token) headers.Authorization = `Bearer ${token}`;
          else delete headers.Authorization;
          attempt--; // not one of the 503 retries
          continue;
        }
      }
      const retryable =
        error.status === 503 && error.retryAfter !== null && error.retryAfter <= this.maxRetryAfter && attempt < this.maxRetries;
      if (!retryable) throw error;
      await sleep((error.retryAfter ?? 1) * 1000, options.signal);
    }
  }

  health(options?: RequestOptions): Promise<HealthResponse> {
    return this.get('/api/health', {}, options);
  }

  dashboard(options?: RequestOptions): Promise<DashboardResponse> {
    return this.get('/api/dashboard', {}, options);
  }

  /** Every cell (filtering and sorting happen in the browser: the list is complete). */
  cells(options?: RequestOptions): Promise<CellsResponse> {
    return this.get('/api/cells', {}, options);
  }

  segments(options?: RequestOptions): Promise<SegmentsResponse> {
    return this.get('/api/segments', {}, options);
  }

  /** One page of apps, filtered and sorted by the server. */
  apps(query: AppsQuery, options?: RequestOptions): Promise<AppsResponse> {
    return this.get('/api/apps', { ...query }, options);
  }

  /** Plans a scenario against the live foundation, or against `request.snapshot` when given. */
  scenario(request: ScenarioRequest, options?: RequestOptions): Promise<ScenarioResponse> {
    return this.post('/api/scenario', request, { ...options, refresh: false });
  }

  /** Today's verdict, bottlenecks and recommendations (`?refresh=true` re-collects first). */
  recommendations(options?: RequestOptions): Promise<RecommendationsResponse> {
    return this.get('/api/recommendations', {}, options);
  }

  /** The live foundation as a planning snapshot (schema_version 1). */
  snapshot(options?: RequestOptions): Promise<Snapshot> {
    return this.get('/api/snapshot', {}, options);
  }

  /** Validates a snapshot (ours, or the peer tool's sample format) and returns it in ours. */
  importSnapshot(document: unknown, options?: RequestOptions): Promise<ImportResponse> {
    return this.post('/api/snapshot/import', document, { ...options, refresh: false });
  }
}

/** The API origin chosen at build time: same origin unless VITE_API_URL is set. */
export const API_BASE = normaliseBase(import.meta.env.VITE_API_URL);

/** The client the app uses (tests inject their own through ApiProvider). */
export const defaultClient = new ApiClient({ baseUrl: API_BASE });
