import { describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError, buildUrl, errorFromResponse, normaliseBase, type Progress } from './client';

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

describe('URLs', () => {
  it('is same-origin by default and strips trailing slashes from a configured base', () => {
    expect(normaliseBase(undefined)).toBe('');
    expect(normaliseBase('')).toBe('');
    expect(normaliseBase(' https://abc.execute-api.eu-west-1.amazonaws.com/prod/ ')).toBe(
      'https://abc.execute-api.eu-west-1.amazonaws.com/prod',
    );
  });

  it('builds paths with encoded parameters and leaves out empty ones', () => {
    expect(buildUrl('', '/api/apps', { q: 'web app', segment: undefined, org: null, space: '', limit: 50, offset: 0 })).toBe(
      '/api/apps?q=web+app&limit=50&offset=0',
    );
    expect(buildUrl('https://gw.example/prod', 'api/cells')).toBe('https://gw.example/prod/api/cells');
  });
});

describe('ApiClient', () => {
  it('GETs JSON from the base URL', async () => {
    const fetch = vi.fn(async () => json({ status: 'ok' }));
    const client = new ApiClient({ baseUrl: 'https://gw.example/prod/', fetch });
    await expect(client.health()).resolves.toEqual({ status: 'ok' });
    expect(fetch).toHaveBeenCalledWith(
      'https://gw.example/prod/api/health',
      expect.objectContaining({ headers: { Accept: 'application/json' } }),
    );
  });

  it('asks for fresh data with ?refresh=true', async () => {
    const fetch = vi.fn(async (_url: RequestInfo | URL) => json({}));
    const client = new ApiClient({ fetch });
    await client.dashboard({ refresh: true });
    expect(fetch.mock.calls[0]?.[0]).toBe('/api/dashboard?refresh=true');
  });

  it('sends apps queries to the server', async () => {
    const fetch = vi.fn(async (_url: RequestInfo | URL) => json({}));
    await new ApiClient({ fetch }).apps({ q: 'pay', sort: 'reclaimable', order: 'desc', limit: 25, offset: 50 });
    expect(fetch.mock.calls[0]?.[0]).toBe('/api/apps?q=pay&sort=reclaimable&order=desc&limit=25&offset=50');
  });

  it('attaches a bearer token when a token provider is installed', async () => {
    const fetch = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => json({}));
    const client = new ApiClient({ fetch });
    client.setTokenProvider(async () => 'tok-123');
    await client.segments();
    expect(fetch.mock.calls[0]?.[1]?.headers).toEqual({ Accept: 'application/json', Authorization: 'Bearer tok-123' });
    client.setTokenProvider(() => null);
    await client.segments();
    expect(fetch.mock.calls[1]?.[1]?.headers).toEqual({ Accept: 'application/json' });
  });

  it("turns the API's error JSON into an ApiError", async () => {
    const body = { error: 'Cloud Foundry API unavailable', details: 'cf is unreachable (/v3/apps)', code: 503 };
    const client = new ApiClient({ fetch: async () => json(body, 503), maxRetries: 0 });
    const error = await client.dashboard().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 503, summary: 'Cloud Foundry API unavailable', details: 'cf is unreachable (/v3/apps)' });
    expect((error as ApiError).message).toBe('Cloud Foundry API unavailable: cf is unreachable (/v3/apps)');
  });

  it('reports 400s with the parameter the API names', async () => {
    const body = { error: 'bad request', details: 'limit must be between 1 and 500', code: 400 };
    const client = new ApiClient({ fetch: async () => json(body, 400) });
    await expect(client.apps({ limit: 0 })).rejects.toMatchObject({ status: 400, details: 'limit must be between 1 and 500' });
  });

  it('POSTs a scenario as JSON, with the snapshot when planning offline', async () => {
    const fetch = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => json({ verdict: { status: 'fits' } }));
    const client = new ApiClient({ baseUrl: 'https://gw.example/prod', fetch });
    client.setTokenProvider(() => 'tok');
    const snapshot = { schema_version: 1, name: 'lab', segments: [] };
    await client.scenario({ scenario: { segment: 'shared', cell_count: 6 }, snapshot }, { refresh: true });
    const [url, init] = fetch.mock.calls[0]!;
    // A scenario never carries ?refresh=true: the view refreshes through /api/recommendations.
    expect(url).toBe('https://gw.example/prod/api/scenario');
    expect(init?.method).toBe('POST');
    expect(init?.headers).toEqual({ Accept: 'application/json', 'Content-Type': 'application/json', Authorization: 'Bearer tok' });
    expect(JSON.parse(String(init?.body))).toEqual({ scenario: { segment: 'shared', cell_count: 6 }, snapshot });
  });

  it('imports a snapshot and exports the live one', async () => {
    const fetch = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => json({}));
    const client = new ApiClient({ fetch });
    await client.importSnapshot({ name: 'lab', clusters: [] });
    await client.snapshot();
    await client.recommendations({ refresh: true });
    expect(fetch.mock.calls.map(([u, i]) => `${i?.method ?? 'GET'} ${String(u)}`)).toEqual([
      'POST /api/snapshot/import',
      'GET /api/snapshot',
      'GET /api/recommendations?refresh=true',
    ]);
    expect(fetch.mock.calls[0]?.[1]?.body).toBe('{"name":"lab","clusters":[]}');
  });

  it('keeps the invalid fields of a 400', async () => {
    const body = {
      error: 'invalid input',
      details: 'invalid input: cell_count: must be between 1 and 10000 cells',
      code: 400,
      fields: [{ field: 'cell_count', message: 'must be between 1 and 10000 cells' }, { bogus: true }],
    };
    const client = new ApiClient({ fetch: async () => json(body, 400) });
    const error = (await client.scenario({ scenario: { cell_count: 0 } }).catch((e: unknown) => e)) as ApiError;
    expect(error).toMatchObject({ status: 400, summary: 'invalid input' });
    expect(error.fields).toEqual([{ field: 'cell_count', message: 'must be between 1 and 10000 cells' }]);
    const plain = await errorFromResponse(json({ error: 'bad request', details: 'd', code: 400 }, 400));
    expect(plain.fields).toEqual([]);
  });

  it('retries "refresh in progress" after Retry-After, then succeeds', async () => {
    vi.useFakeTimers();
    try {
      const fetch = vi
        .fn<() => Promise<Response>>()
        .mockResolvedValueOnce(json({ error: 'refresh in progress', details: 'x', code: 503 }, 503, { 'retry-after': '1' }))
        .mockResolvedValueOnce(json({ ok: true }));
      const promise = new ApiClient({ fetch }).dashboard();
      await vi.advanceTimersByTimeAsync(1000);
      await expect(promise).resolves.toEqual({ ok: true });
      expect(fetch).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not retry a 503 without Retry-After', async () => {
    const fetch = vi.fn(async () => json({ error: 'cache unavailable', details: 'd', code: 503 }, 503));
    await expect(new ApiClient({ fetch }).dashboard()).rejects.toMatchObject({ status: 503 });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('calls onUnauthorized on 401 (the seam for sign-in)', async () => {
    const onUnauthorized = vi.fn();
    const fetch = vi.fn(async () => json({ error: 'unauthorized', details: 'token expired', code: 401 }, 401));
    const client = new ApiClient({ fetch, onUnauthorized });
    await expect(client.cells()).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledWith(expect.objectContaining({ details: 'token expired' }), null);
    // The handler did not renew anything: no retry.
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  describe('401 → renew → retry', () => {
    const unauthorized = () => json({ error: 'unauthorized', details: 'invalid token: ExpiredSignature', code: 401 }, 401);

    it('sends the request once more with the renewed token', async () => {
      let token = 'old-token';
      const fetch = vi
        .fn<(url: RequestInfo | URL, init?: RequestInit) => Promise<Response>>()
        .mockResolvedValueOnce(unauthorized())
        .mockResolvedValueOnce(json({ verdict: { status: 'fits' } }));
      const client = new ApiClient({ fetch });
      client.setTokenProvider(() => token);
      const renew = vi.fn(async () => {
        token = 'new-token';
        return true;
      });
      client.setUnauthorizedHandler(renew);
      await expect(client.scenario({ scenario: { cell_count: 6 } })).resolves.toEqual({ verdict: { status: 'fits' } });
      expect(renew).toHaveBeenCalledTimes(1);
      expect(renew).toHaveBeenCalledWith(expect.objectContaining({ status: 401 }), 'old-token');
      const sent = fetch.mock.calls.map(([, init]) => (init?.headers as Record<string, string>).Authorization);
      expect(sent).toEqual(['Bearer old-token', 'Bearer new-token']);
      // The POST body goes again, unchanged.
      expect(fetch.mock.calls[1]?.[1]?.body).toBe('{"scenario":{"cell_count":6}}');
      expect(fetch.mock.calls[1]?.[1]?.method).toBe('POST');
    });

    it('retries only once: a renewed token refused again is an error', async () => {
      const fetch = vi.fn(async () => unauthorized());
      const renew = vi.fn(async () => true);
      const client = new ApiClient({ fetch, getToken: () => 'tok', onUnauthorized: renew });
      await expect(client.dashboard()).rejects.toMatchObject({ status: 401, details: 'invalid token: ExpiredSignature' });
      expect(fetch).toHaveBeenCalledTimes(2);
      expect(renew).toHaveBeenCalledTimes(1);
    });

    it('does not retry when the renewal failed, nor after the handler is removed', async () => {
      const fetch = vi.fn(async () => unauthorized());
      const renew = vi.fn(async () => false);
      const client = new ApiClient({ fetch, getToken: () => 'tok', onUnauthorized: renew });
      await expect(client.cells()).rejects.toMatchObject({ status: 401 });
      expect(fetch).toHaveBeenCalledTimes(1);
      client.setUnauthorizedHandler(null);
      await expect(client.cells()).rejects.toMatchObject({ status: 401 });
      expect(fetch).toHaveBeenCalledTimes(2);
      expect(renew).toHaveBeenCalledTimes(1);
    });

    it('does not renew on 403: the role is missing, not the token', async () => {
      const fetch = vi.fn(async () => json({ error: 'forbidden', details: 'needs the operator role', code: 403 }, 403));
      const renew = vi.fn(async () => true);
      const client = new ApiClient({ fetch, getToken: () => 'tok', onUnauthorized: renew });
      await expect(client.importSnapshot({})).rejects.toMatchObject({ status: 403, summary: 'forbidden' });
      expect(renew).not.toHaveBeenCalled();
      expect(fetch).toHaveBeenCalledTimes(1);
    });
  });

  it('explains a network failure', async () => {
    const client = new ApiClient({
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    await expect(client.health()).rejects.toMatchObject({
      status: 0,
      summary: 'Cannot reach the API',
      details: '/api/health: Failed to fetch',
    });
  });

  it('rejects a 200 that is not JSON', async () => {
    const client = new ApiClient({ fetch: async () => new Response('<html>login</html>', { status: 200 }) });
    await expect(client.health()).rejects.toMatchObject({ summary: 'Unreadable response' });
  });

  it('passes aborts through untouched', async () => {
    const controller = new AbortController();
    const client = new ApiClient({
      fetch: (_url, init) =>
        new Promise((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    });
    const promise = client.cells({ signal: controller.signal });
    controller.abort();
    await expect(promise).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('reports progress while the body streams in', async () => {
    const progress: Progress[] = [];
    const client = new ApiClient({ fetch: async () => json({ cells: new Array(100).fill('x') }) });
    await client.cells({ onProgress: (p) => progress.push(p) });
    expect(progress[0]).toEqual({ phase: 'waiting', bytes: 0 });
    const last = progress[progress.length - 1];
    expect(last?.phase).toBe('receiving');
    expect(last?.bytes).toBeGreaterThan(400);
  });
});

describe('errorFromResponse', () => {
  it('falls back to the status text for a non-JSON error page', async () => {
    const e = await errorFromResponse(new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    expect(e).toMatchObject({ status: 502, summary: 'Bad Gateway', details: '' });
  });

  it('keeps a short plain-text body as the details', async () => {
    const e = await errorFromResponse(new Response('upstream timed out', { status: 504 }));
    expect(e).toMatchObject({ status: 504, summary: 'HTTP 504', details: 'upstream timed out' });
  });
});
