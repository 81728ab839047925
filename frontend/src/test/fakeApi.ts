import { ApiClient } from '../api/client';

export type Handler = (url: URL, init?: RequestInit) => unknown | Response | Promise<unknown | Response>;

/** `/api/health` of an API with authentication disabled (the default answer of fakeApi). */
export const HEALTH_AUTH_DISABLED = { status: 'ok', version: 'test', auth: { mode: 'disabled' } };

/**
 * A real ApiClient whose fetch answers from handlers keyed by path (given the request's init, for
 * POST bodies); records every URL asked. `/api/health` says authentication is disabled unless a
 * handler says otherwise.
 */
export function fakeApi(given: Record<string, Handler>) {
  const handlers: Record<string, Handler> = { '/api/health': () => HEALTH_AUTH_DISABLED, ...given };
  const calls: URL[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input), 'http://dashboard.test');
    calls.push(url);
    const handler = handlers[url.pathname];
    if (!handler) return new Response(JSON.stringify({ error: 'not found', details: 'no such API route', code: 404 }), { status: 404 });
    if (init?.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    const result = await handler(url, init);
    if (result instanceof Response) return result;
    return new Response(JSON.stringify(result), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return { client: new ApiClient({ fetch, maxRetries: 0 }), calls };
}

export function errorResponse(status: number, error: string, details: string): Response {
  return new Response(JSON.stringify({ error, details, code: status }), { status, headers: { 'content-type': 'application/json' } });
}
