// The authorization-code flow with PKCE against UAA, as pure functions: the authorize URL, the
// round trip's state kept in sessionStorage, the answer UAA sends back, the token requests,
// the claims shown to the user, and when to renew. No token is ever written to storage.

import type { UaaSignIn } from '../api/types';
import { decodeBase64Url } from './pkce';

/** The sessionStorage key of a sign-in under way (state, verifier, where to return). */
export const PENDING_KEY = 'diego-capacity.sign-in';

/** What a sign-in needs to remember across the redirect to UAA and back. */
export interface PendingSignIn {
  state: string;
  verifier: string;
  /** The `redirect_uri` sent to UAA (the token request must repeat it exactly). */
  redirectUri: string;
  /** The hash route to return to, e.g. `#/cells?segment=dmz` ('' for the overview). */
  returnTo: string;
  /** When the sign-in started (ms since epoch). */
  startedAt: number;
}

/** Something that went wrong signing in, worded for the user. */
export interface SignInProblem {
  title: string;
  details: string;
}

/** The app's own URL without query or hash: where UAA sends the browser back. */
export function redirectUriFor(href: string): string {
  const url = new URL(href);
  return `${url.origin}${url.pathname}`;
}

/** Scopes as a list, from UAA's space-separated form (or a JWT's array). */
export function scopeList(scopes: string | readonly unknown[] | null | undefined): string[] {
  const list = Array.isArray(scopes) ? scopes : typeof scopes === 'string' ? scopes.split(/\s+/) : [];
  return list.filter((s): s is string => typeof s === 'string' && s !== '');
}

/** UAA's `/oauth/authorize` URL for a code with an S256 challenge. */
export function authorizeUrl(settings: UaaSignIn, request: { redirectUri: string; state: string; challenge: string }): string {
  const url = new URL(settings.authorize_url);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', settings.client_id);
  url.searchParams.set('redirect_uri', request.redirectUri);
  url.searchParams.set('state', request.state);
  const scope = scopeList(settings.scopes).join(' ');
  if (scope) url.searchParams.set('scope', scope);
  url.searchParams.set('code_challenge', request.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

/** What UAA put in the query of the redirect back to the app. */
export type Callback =
  { kind: 'code'; code: string; state: string | null } | { kind: 'error'; error: string; description: string; state: string | null };

const CALLBACK_PARAMS = ['code', 'state', 'error', 'error_description', 'error_uri'];

/** The answer in `href`'s query, or null when the page was not opened by UAA's redirect. */
export function parseCallback(href: string): Callback | null {
  const query = new URL(href).searchParams;
  const state = query.get('state');
  const error = query.get('error');
  if (error) return { kind: 'error', error, description: query.get('error_description') ?? '', state };
  const code = query.get('code');
  if (code) return { kind: 'code', code, state };
  return null;
}

/**
 * `href` as a same-origin path without UAA's parameters (other query parameters are kept), with
 * `hash` (the route to return to) when given, else the current one.
 */
export function withoutCallback(href: string, hash?: string): string {
  const url = new URL(href);
  for (const name of CALLBACK_PARAMS) url.searchParams.delete(name);
  const search = url.searchParams.toString();
  const fragment = hash ?? url.hash;
  return `${url.pathname}${search ? `?${search}` : ''}${fragment && fragment !== '#' ? fragment : ''}`;
}

/** Remembers a sign-in for the round trip to UAA (sessionStorage: this tab only). */
export function savePending(storage: Storage, pending: PendingSignIn): void {
  storage.setItem(PENDING_KEY, JSON.stringify(pending));
}

/** Reads and deletes the sign-in under way; null when there is none (or it is unreadable). */
export function takePending(storage: Storage): PendingSignIn | null {
  const raw = storage.getItem(PENDING_KEY);
  storage.removeItem(PENDING_KEY);
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<PendingSignIn>;
    if (typeof value.state !== 'string' || typeof value.verifier !== 'string' || typeof value.redirectUri !== 'string') return null;
    return {
      state: value.state,
      verifier: value.verifier,
      redirectUri: value.redirectUri,
      returnTo: typeof value.returnTo === 'string' ? value.returnTo : '',
      startedAt: typeof value.startedAt === 'number' ? value.startedAt : 0,
    };
  } catch {
    return null;
  }
}

export type CallbackCheck = { ok: true; code: string; pending: PendingSignIn } | { ok: false; problem: SignInProblem };

/** Accepts a code only for the sign-in this tab started (same `state`); explains anything else. */
export function checkCallback(callback: Callback, pending: PendingSignIn | null): CallbackCheck {
  if (callback.kind === 'error') {
    const reason = callback.description ? `${callback.description} (${callback.error})` : callback.error;
    return { ok: false, problem: { title: 'UAA did not sign you in', details: `UAA answered: ${reason}.` } };
  }
  if (!pending) {
    return {
      ok: false,
      problem: {
        title: 'Sign-in could not be completed',
        details: 'UAA answered a sign-in that this tab did not start, or one already finished: there is no state to check it against.',
      },
    };
  }
  if (callback.state !== pending.state) {
    return {
      ok: false,
      problem: {
        title: 'Sign-in could not be completed',
        details: 'The state UAA returned does not match the sign-in this tab started, so its answer was ignored.',
      },
    };
  }
  return { ok: true, code: callback.code, pending };
}

/** The tokens of a successful token request (kept in memory only). */
export interface TokenSet {
  accessToken: string;
  /** Absent when UAA issues none (the client lacks the refresh_token grant). */
  refreshToken: string | null;
  /** Seconds the access token is valid for, from the response. */
  expiresIn: number;
  scopes: string[];
}

/** A failed token request: `status` 0 when UAA did not answer. */
export class TokenError extends Error {
  readonly status: number;
  /** UAA's OAuth error code (`invalid_grant`), or ''. */
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'TokenError';
    this.status = status;
    this.code = code;
  }

  /** Worth another try later: no answer, rate limiting, or a server error. */
  get transient(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** Replaces every secret in `text` (UAA may quote a code or refresh token back). */
function redact(text: string, secrets: string[]): string {
  return secrets.filter((s) => s.length >= 8).reduce((t, s) => t.split(s).join('[redacted]'), text);
}

/** Seconds until the JWT's `exp`, when it has one. */
function secondsLeft(token: string, now: number): number | null {
  const exp = readClaims(token).expiresAt;
  return exp === null ? null : Math.max(0, Math.round((exp - now) / 1000));
}

/** POSTs a form to UAA's token endpoint and reads the token response. */
export async function requestToken(
  fetchImpl: typeof fetch,
  tokenUrl: string,
  form: Record<string, string>,
  now: number = Date.now(),
): Promise<TokenSet> {
  const secrets = [form.code ?? '', form.refresh_token ?? '', form.code_verifier ?? ''];
  let response: Response;
  try {
    response = await fetchImpl(tokenUrl, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
      credentials: 'omit',
    });
  } catch (error) {
    const reason = error instanceof Error && error.message ? error.message : 'network error';
    throw new TokenError(
      0,
      '',
      `cannot reach UAA at ${tokenUrl} (${reason}); UAA must allow this origin (CORS) and the page's CSP must allow connecting to it`,
    );
  }
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(await response.text());
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: the status says enough.
  }
  const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : '');
  if (!response.ok) {
    const code = text('error');
    const description = text('error_description');
    const reason = [code, description].filter(Boolean).join(': ') || response.statusText || 'no reason given';
    throw new TokenError(response.status, code, redact(`UAA refused the token request (HTTP ${response.status}): ${reason}`, secrets));
  }
  const accessToken = text('access_token');
  if (!accessToken) throw new TokenError(response.status, '', 'UAA answered without an access token');
  const expiresIn = typeof body.expires_in === 'number' && body.expires_in >= 0 ? body.expires_in : (secondsLeft(accessToken, now) ?? 300);
  const scope = text('scope');
  return {
    accessToken,
    refreshToken: text('refresh_token') || null,
    expiresIn,
    scopes: scope ? scopeList(scope) : readClaims(accessToken).scopes,
  };
}

/** Trades the authorization code for tokens (public client: `client_id`, no secret). */
export function exchangeCode(
  fetchImpl: typeof fetch,
  settings: UaaSignIn,
  request: { code: string; verifier: string; redirectUri: string },
): Promise<TokenSet> {
  return requestToken(fetchImpl, settings.token_url, {
    grant_type: 'authorization_code',
    code: request.code,
    redirect_uri: request.redirectUri,
    client_id: settings.client_id,
    code_verifier: request.verifier,
  });
}

/** New tokens for a refresh token. */
export function refreshTokens(fetchImpl: typeof fetch, settings: UaaSignIn, refreshToken: string): Promise<TokenSet> {
  return requestToken(fetchImpl, settings.token_url, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: settings.client_id,
  });
}

/** What the dashboard shows about the signed-in user. */
export interface TokenClaims {
  userName: string | null;
  scopes: string[];
  /** `exp` in ms since epoch. */
  expiresAt: number | null;
}

/**
 * Reads a JWT's payload for display only: the signature is not checked (the API verifies every
 * token; the browser only shows who is signed in and hides what their role cannot do).
 */
export function readClaims(token: string): TokenClaims {
  const none: TokenClaims = { userName: null, scopes: [], expiresAt: null };
  const payload = token.split('.')[1];
  if (!payload) return none;
  try {
    const claims = JSON.parse(decodeBase64Url(payload)) as Record<string, unknown>;
    return {
      userName: typeof claims.user_name === 'string' ? claims.user_name : null,
      scopes: scopeList(claims.scope as string | unknown[] | undefined),
      expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : null,
    };
  } catch {
    return none;
  }
}

/** The longest lead: renew at most a minute before expiry. */
export const MAX_REFRESH_LEAD_MS = 60_000;

/**
 * How long to wait before renewing a token valid for `expiresIn` seconds: until a fifth of its
 * life (at most a minute) is left.
 */
export function refreshDelayMs(expiresIn: number): number {
  const life = Math.max(0, expiresIn) * 1000;
  return Math.round(life - Math.min(MAX_REFRESH_LEAD_MS, life / 5));
}
