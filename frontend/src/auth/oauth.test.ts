import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeTokenEndpoint, jwt, tokenJson, UAA } from '../test/fakeUaa';
import {
  authorizeUrl,
  checkCallback,
  exchangeCode,
  parseCallback,
  PENDING_KEY,
  readClaims,
  redirectUriFor,
  refreshDelayMs,
  refreshTokens,
  requestToken,
  savePending,
  scopeList,
  takePending,
  TokenError,
  withoutCallback,
  type PendingSignIn,
} from './oauth';

const pending: PendingSignIn = {
  state: 'st4te',
  verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
  redirectUri: 'https://capacity.example.com/',
  returnTo: '#/cells?segment=dmz',
  startedAt: 1,
};

afterEach(() => sessionStorage.clear());

describe('the authorize redirect', () => {
  it("returns to the app's own URL, without query or hash", () => {
    expect(redirectUriFor('https://capacity.example.com/#/cells?segment=dmz')).toBe('https://capacity.example.com/');
    expect(redirectUriFor('http://127.0.0.1:8080/dash/index.html?code=abc&state=x#/apps')).toBe('http://127.0.0.1:8080/dash/index.html');
  });

  it('asks UAA for a code with an S256 challenge, the client, the scopes and the state', () => {
    const url = authorizeUrl(
      { ...UAA, scopes: ' openid  diego_capacity.viewer diego_capacity.operator ' },
      { redirectUri: 'https://capacity.example.com/', state: 'st4te', challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' },
    );
    expect(url).toBe(
      'https://uaa.example.com/oauth/authorize?response_type=code&client_id=diego_capacity_dashboard' +
        '&redirect_uri=https%3A%2F%2Fcapacity.example.com%2F&state=st4te' +
        '&scope=openid+diego_capacity.viewer+diego_capacity.operator' +
        '&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256',
    );
    const params = new URL(url).searchParams;
    expect(params.get('scope')).toBe('openid diego_capacity.viewer diego_capacity.operator');
    expect(params.has('client_secret')).toBe(false);
  });

  it('leaves out an empty scope and keeps what the authorize URL already has', () => {
    const settings = { ...UAA, authorize_url: 'https://login.example.com/oauth/authorize?login_hint=uaa', scopes: '' };
    const url = new URL(authorizeUrl(settings, { redirectUri: pending.redirectUri, state: 's', challenge: 'c' }));
    expect(url.searchParams.get('login_hint')).toBe('uaa');
    expect(url.searchParams.has('scope')).toBe(false);
  });

  it('reads scopes in either form', () => {
    expect(scopeList('openid  diego_capacity.viewer')).toEqual(['openid', 'diego_capacity.viewer']);
    expect(scopeList(['openid', 7, 'diego_capacity.operator'])).toEqual(['openid', 'diego_capacity.operator']);
    expect(scopeList(undefined)).toEqual([]);
  });
});

describe('the state of a sign-in under way', () => {
  it('lives in sessionStorage for the round trip and is deleted when read', () => {
    savePending(sessionStorage, pending);
    expect(JSON.parse(sessionStorage.getItem(PENDING_KEY)!)).toEqual(pending);
    expect(takePending(sessionStorage)).toEqual(pending);
    expect(sessionStorage.getItem(PENDING_KEY)).toBeNull();
    expect(takePending(sessionStorage)).toBeNull();
  });

  it('ignores (and deletes) something unreadable', () => {
    sessionStorage.setItem(PENDING_KEY, '{"state":1}');
    expect(takePending(sessionStorage)).toBeNull();
    sessionStorage.setItem(PENDING_KEY, 'not json');
    expect(takePending(sessionStorage)).toBeNull();
    expect(sessionStorage.length).toBe(0);
  });

  it("reads UAA's answer from the query", () => {
    expect(parseCallback('https://capacity.example.com/?code=c0de&state=st4te')).toEqual({ kind: 'code', code: 'c0de', state: 'st4te' });
    expect(parseCallback('https://capacity.example.com/?error=access_denied&error_description=User+denied+access&state=st4te')).toEqual({
      kind: 'error',
      error: 'access_denied',
      description: 'User denied access',
      state: 'st4te',
    });
    expect(parseCallback('https://capacity.example.com/#/cells?code=not-from-uaa')).toBeNull();
    expect(parseCallback('https://capacity.example.com/?state=only')).toBeNull();
  });

  it("takes UAA's parameters out of the address bar and returns to the remembered route", () => {
    expect(withoutCallback('https://capacity.example.com/?code=c0de&state=st4te', '#/cells?segment=dmz')).toBe('/#/cells?segment=dmz');
    expect(withoutCallback('https://capacity.example.com/dash/?x=1&error=e&error_description=d&state=s#/apps')).toBe('/dash/?x=1#/apps');
    expect(withoutCallback('https://capacity.example.com/?code=c0de', '')).toBe('/');
  });

  it('accepts a code only for the state this tab sent', () => {
    expect(checkCallback({ kind: 'code', code: 'c0de', state: 'st4te' }, pending)).toEqual({ ok: true, code: 'c0de', pending });
    const forged = checkCallback({ kind: 'code', code: 'c0de', state: 'other' }, pending);
    expect(forged).toMatchObject({ ok: false, problem: { title: 'Sign-in could not be completed' } });
    expect(!forged.ok && forged.problem.details).toMatch(/does not match/);
    const unknown = checkCallback({ kind: 'code', code: 'c0de', state: 'st4te' }, null);
    expect(!unknown.ok && unknown.problem.details).toMatch(/did not start/);
    const missing = checkCallback({ kind: 'code', code: 'c0de', state: null }, pending);
    expect(missing.ok).toBe(false);
  });

  it("explains UAA's error redirect", () => {
    const refused = checkCallback({ kind: 'error', error: 'invalid_scope', description: 'Invalid scope: x', state: 'st4te' }, pending);
    expect(refused).toEqual({
      ok: false,
      problem: { title: 'UAA did not sign you in', details: 'UAA answered: Invalid scope: x (invalid_scope).' },
    });
    const bare = checkCallback({ kind: 'error', error: 'access_denied', description: '', state: null }, null);
    expect(!bare.ok && bare.problem.details).toBe('UAA answered: access_denied.');
  });
});

describe('token requests', () => {
  it('trades the code with the verifier, as a public client (no secret)', async () => {
    const uaa = fakeTokenEndpoint({ scopes: ['openid', 'diego_capacity.viewer'] });
    const spy = vi.fn(uaa.fetch);
    const tokens = await exchangeCode(spy, UAA, { code: 'c0de', verifier: pending.verifier, redirectUri: pending.redirectUri });
    expect(Object.fromEntries(uaa.forms[0]!)).toEqual({
      grant_type: 'authorization_code',
      code: 'c0de',
      redirect_uri: 'https://capacity.example.com/',
      client_id: 'diego_capacity_dashboard',
      code_verifier: pending.verifier,
    });
    const init = spy.mock.calls[0]![1]!;
    expect(init.method).toBe('POST');
    expect(init.headers).toEqual({ Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(init.credentials).toBe('omit');
    expect(tokens).toMatchObject({ refreshToken: 'refresh-token-1', expiresIn: 1199, scopes: ['openid', 'diego_capacity.viewer'] });
    expect(readClaims(tokens.accessToken).userName).toBe('viewer');
  });

  it('renews with the refresh token', async () => {
    const uaa = fakeTokenEndpoint();
    await refreshTokens(uaa.fetch, UAA, 'refresh-token-0');
    expect(Object.fromEntries(uaa.forms[0]!)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'refresh-token-0',
      client_id: 'diego_capacity_dashboard',
    });
  });

  it("reports UAA's OAuth error without quoting the secrets sent", async () => {
    const answer = async () =>
      tokenJson({ error: 'invalid_grant', error_description: 'Invalid refresh token: refresh-token-0 has expired' }, 400);
    const error = (await refreshTokens(fakeTokenEndpoint({ answer }).fetch, UAA, 'refresh-token-0').catch((e: unknown) => e)) as TokenError;
    expect(error).toBeInstanceOf(TokenError);
    expect(error).toMatchObject({ status: 400, code: 'invalid_grant', transient: false });
    expect(error.message).toBe('UAA refused the token request (HTTP 400): invalid_grant: Invalid refresh token: [redacted] has expired');
  });

  it('says when UAA cannot be reached (CORS or CSP included), and that it may pass', async () => {
    const fetch = async () => {
      throw new TypeError('Failed to fetch');
    };
    const error = (await requestToken(fetch, UAA.token_url, { grant_type: 'refresh_token' }).catch((e: unknown) => e)) as TokenError;
    expect(error).toMatchObject({ status: 0, transient: true });
    expect(error.message).toMatch(/^cannot reach UAA at https:\/\/uaa.example.com\/oauth\/token \(Failed to fetch\); .*CORS.*CSP/);
    const busy = await requestToken(
      async () => new Response('<html>', { status: 503, statusText: 'Service Unavailable' }),
      UAA.token_url,
      {},
    ).catch((e: unknown) => e);
    expect(busy).toMatchObject({ status: 503, transient: true, message: 'UAA refused the token request (HTTP 503): Service Unavailable' });
  });

  it('needs an access token; takes the lifetime from the JWT when expires_in is missing', async () => {
    await expect(requestToken(async () => tokenJson({ token_type: 'bearer' }), UAA.token_url, {})).rejects.toThrow(
      /without an access token/,
    );
    const now = Date.UTC(2026, 10, 22);
    const token = jwt({ exp: now / 1000 + 600, scope: ['diego_capacity.operator'] });
    const tokens = await requestToken(async () => tokenJson({ access_token: token }), UAA.token_url, {}, now);
    expect(tokens).toEqual({ accessToken: token, refreshToken: null, expiresIn: 600, scopes: ['diego_capacity.operator'] });
  });
});

describe('claims for display', () => {
  it('reads the user, scopes and expiry without verifying', () => {
    const claims = readClaims(jwt({ user_name: 'admin', scope: ['openid', 'diego_capacity.operator'], exp: 1795309001 }));
    expect(claims).toEqual({ userName: 'admin', scopes: ['openid', 'diego_capacity.operator'], expiresAt: 1795309001000 });
  });

  it('reads nothing from something that is not a JWT', () => {
    const none = { userName: null, scopes: [], expiresAt: null };
    expect(readClaims('opaque-token')).toEqual(none);
    expect(readClaims('a.!!!.c')).toEqual(none);
  });
});

describe('renewal time', () => {
  it('renews when a fifth of the life is left, at most a minute early', () => {
    expect(refreshDelayMs(1199)).toBe(1_139_000);
    expect(refreshDelayMs(300)).toBe(240_000);
    expect(refreshDelayMs(30)).toBe(24_000);
    expect(refreshDelayMs(1)).toBe(800);
    expect(refreshDelayMs(0)).toBe(0);
    expect(refreshDelayMs(-5)).toBe(0);
  });
});
