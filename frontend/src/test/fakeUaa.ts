// A fake UAA for sign-in tests: its sign-in settings, unsigned JWTs, and a token endpoint that
// records every form it is sent.

import type { UaaSignIn } from '../api/types';
import { base64Url } from '../auth/pkce';

export const UAA: UaaSignIn = {
  authorize_url: 'https://uaa.example.com/oauth/authorize',
  token_url: 'https://uaa.example.com/oauth/token',
  client_id: 'diego_capacity_dashboard',
  scopes: 'openid diego_capacity.viewer diego_capacity.operator',
};

export const HEALTH_UAA = { status: 'ok', version: 'test', auth: { mode: 'uaa', uaa: UAA } };

function encode(value: unknown): string {
  return base64Url(new TextEncoder().encode(JSON.stringify(value)));
}

/** A JWT-shaped token (not signed: the browser never verifies one). */
export function jwt(claims: Record<string, unknown>): string {
  return `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(claims)}.c2lnbmF0dXJl`;
}

export function tokenJson(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export type TokenAnswer = (form: URLSearchParams) => Response | Promise<Response>;

/** The token endpoint: answers with `answer` (by default, tokens for `user`) and records each form. */
export function fakeTokenEndpoint(options: { user?: string; scopes?: string[]; expiresIn?: number; answer?: TokenAnswer } = {}) {
  const forms: URLSearchParams[] = [];
  let issued = 0;
  const scopes = options.scopes ?? ['openid', 'diego_capacity.viewer'];
  const issue = () => {
    issued += 1;
    return tokenJson({
      access_token: jwt({ user_name: options.user ?? 'viewer', scope: scopes, jti: `access-${issued}` }),
      refresh_token: `refresh-token-${issued}`,
      expires_in: options.expiresIn ?? 1199,
      scope: scopes.join(' '),
      token_type: 'bearer',
    });
  };
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    if (String(input) !== UAA.token_url) return tokenJson({ error: 'not_found' }, 404);
    const form = new URLSearchParams(String(init?.body ?? ''));
    forms.push(form);
    return options.answer ? options.answer(form) : issue();
  };
  return { fetch, forms, issue, issued: () => issued };
}
