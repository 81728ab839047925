import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { errorResponse, fakeApi, HEALTH_AUTH_DISABLED, type Handler } from '../test/fakeApi';
import { fakeTokenEndpoint, HEALTH_UAA, tokenJson, UAA } from '../test/fakeUaa';
import { PENDING_KEY, readClaims, type PendingSignIn } from './oauth';
import { challengeS256 } from './pkce';
import { AuthSession, RETRY_RENEWAL_MS, type AuthState } from './session';

const APP = 'https://capacity.example.com/';

function bearer(init?: RequestInit): string | null {
  const value = (init?.headers as Record<string, string> | undefined)?.Authorization;
  return value ? value.replace(/^Bearer /, '') : null;
}

/** A browser tab: its address, its sessionStorage (happy-dom's), and an API behind a fake fetch. */
function tab(
  options: {
    href?: string;
    uaa?: ReturnType<typeof fakeTokenEndpoint>;
    api?: Record<string, Handler>;
    health?: Handler;
    requireToken?: boolean;
  } = {},
) {
  const requireToken = options.requireToken ?? true;
  let href = options.href ?? `${APP}#/cells?segment=dmz`;
  const uaa = options.uaa ?? fakeTokenEndpoint();
  /** The token each API request carried. */
  const sent: (string | null)[] = [];
  const { client } = fakeApi({
    '/api/health': options.health ?? (() => HEALTH_UAA),
    '/api/dashboard': (_url, init) => {
      sent.push(bearer(init));
      return bearer(init) || !requireToken ? { ok: true } : errorResponse(401, 'unauthorized', 'authentication required');
    },
    ...options.api,
  });
  const redirect = vi.fn<(url: string) => void>();
  const replaceUrl = vi.fn((url: string) => {
    href = new URL(url, href).toString();
  });
  const open = () =>
    new AuthSession(client, {
      fetch: uaa.fetch,
      storage: () => sessionStorage,
      href: () => href,
      redirect,
      replaceUrl,
      now: () => Date.now(),
    });
  return {
    client,
    uaa,
    sent,
    redirect,
    replaceUrl,
    href: () => href,
    /** The page as loaded now (a redirect back from UAA is a new page: a new session). */
    open,
    goTo: (next: string) => {
      href = next;
    },
  };
}

type Tab = ReturnType<typeof tab>;

/** Loads the page, follows the redirect to UAA, and comes back with a code for the state sent. */
async function signIn(t: Tab): Promise<AuthSession> {
  await t.open().start();
  const authorize = new URL(t.redirect.mock.calls.at(-1)![0]);
  t.goTo(`${APP}?code=c0de&state=${authorize.searchParams.get('state')}`);
  const session = t.open();
  await session.start();
  return session;
}

function status(session: AuthSession): AuthState['status'] {
  return session.getState().status;
}

beforeEach(() => {
  sessionStorage.clear();
  localStorage.clear();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('AuthSession', () => {
  it('with authentication disabled, shows the dashboard and sends no token', async () => {
    const t = tab({ health: () => HEALTH_AUTH_DISABLED, requireToken: false });
    const session = t.open();
    await session.start();
    expect(session.getState()).toEqual({ status: 'disabled' });
    await t.client.dashboard();
    expect(t.sent).toEqual([null]);
    expect(t.redirect).not.toHaveBeenCalled();
  });

  it('on a first visit goes to UAA with an S256 challenge, keeping state and verifier in sessionStorage only', async () => {
    const t = tab();
    const session = t.open();
    await session.start();
    expect(session.getState()).toEqual({ status: 'redirecting', uaa: 'https://uaa.example.com' });
    const url = new URL(t.redirect.mock.calls[0]![0]);
    expect(`${url.origin}${url.pathname}`).toBe(UAA.authorize_url);
    const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY)!) as PendingSignIn;
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'diego_capacity_dashboard',
      redirect_uri: APP,
      state: pending.state,
      scope: 'openid diego_capacity.viewer diego_capacity.operator',
      code_challenge: await challengeS256(pending.verifier),
      code_challenge_method: 'S256',
    });
    expect(pending).toMatchObject({ redirectUri: APP, returnTo: '#/cells?segment=dmz' });
    expect(pending.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(localStorage.length).toBe(0);
    // The next sign-in gets a new state and verifier.
    await session.signIn();
    const again = JSON.parse(sessionStorage.getItem(PENDING_KEY)!) as PendingSignIn;
    expect(again.state).not.toBe(pending.state);
    expect(again.verifier).not.toBe(pending.verifier);
  });

  it('back from UAA: checks the state, trades the code, keeps the tokens in memory and returns to the route', async () => {
    const t = tab();
    await t.open().start();
    const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY)!) as PendingSignIn;
    t.goTo(`${APP}?code=c0de&state=${pending.state}`);
    const session = t.open();
    await session.start();
    expect(Object.fromEntries(t.uaa.forms[0]!)).toEqual({
      grant_type: 'authorization_code',
      code: 'c0de',
      redirect_uri: APP,
      client_id: 'diego_capacity_dashboard',
      code_verifier: pending.verifier,
    });
    expect(session.getState()).toEqual({
      status: 'signed-in',
      user: { name: 'viewer', scopes: ['openid', 'diego_capacity.viewer'], role: 'viewer' },
    });
    // The code and state left the address bar; the route the user was on is back.
    expect(t.replaceUrl).toHaveBeenCalledWith('/#/cells?segment=dmz');
    expect(t.href()).toBe(`${APP}#/cells?segment=dmz`);
    // The verifier and state are gone; no token was written anywhere.
    expect(sessionStorage.length).toBe(0);
    expect(localStorage.length).toBe(0);
    expect(document.cookie).toBe('');
    await t.client.dashboard();
    expect(readClaims(t.sent[0]!).userName).toBe('viewer');
  });

  it('refuses an answer whose state does not match, without asking for a token', async () => {
    const t = tab();
    await t.open().start();
    t.goTo(`${APP}?code=c0de&state=forged`);
    const session = t.open();
    await session.start();
    expect(session.getState()).toMatchObject({
      status: 'signed-out',
      problem: { title: 'Sign-in could not be completed', details: expect.stringMatching(/does not match/) },
    });
    expect(t.uaa.forms).toHaveLength(0);
    expect(sessionStorage.length).toBe(0);
    expect(t.href()).toBe(`${APP}#/cells?segment=dmz`);
    // Retry starts a new sign-in.
    t.redirect.mockClear();
    session.retry();
    await vi.waitFor(() => expect(t.redirect).toHaveBeenCalledTimes(1));
    expect(status(session)).toBe('redirecting');
  });

  it("explains UAA's error redirect", async () => {
    const t = tab();
    await t.open().start();
    const { state } = JSON.parse(sessionStorage.getItem(PENDING_KEY)!) as PendingSignIn;
    t.goTo(`${APP}?error=access_denied&error_description=User+denied+access&state=${state}`);
    const session = t.open();
    await session.start();
    expect(session.getState()).toEqual({
      status: 'signed-out',
      uaa: 'https://uaa.example.com',
      message: null,
      problem: { title: 'UAA did not sign you in', details: 'UAA answered: User denied access (access_denied).' },
    });
    expect(t.href()).toBe(`${APP}#/cells?segment=dmz`);
  });

  it('explains a failed code exchange', async () => {
    const t = tab({
      uaa: fakeTokenEndpoint({ answer: () => tokenJson({ error: 'invalid_grant', error_description: 'Invalid authorization code' }, 400) }),
    });
    const session = await signIn(t);
    expect(session.getState()).toMatchObject({
      status: 'signed-out',
      problem: {
        title: 'Could not get a token from UAA',
        details: 'UAA refused the token request (HTTP 400): invalid_grant: Invalid authorization code',
      },
    });
  });

  it('renews the access token before it expires, and again after that', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 22, 8), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const t = tab({ uaa: fakeTokenEndpoint({ expiresIn: 100 }) });
    const session = await signIn(t);
    const detach = session.attach();
    // A fifth of 100 s before expiry: 80 s.
    await vi.advanceTimersByTimeAsync(79_999);
    expect(t.uaa.forms).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.uaa.forms).toHaveLength(2);
    expect(Object.fromEntries(t.uaa.forms[1]!)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'refresh-token-1',
      client_id: 'diego_capacity_dashboard',
    });
    await t.client.dashboard();
    expect(t.sent.map((token) => token && JSON.parse(atob(token.split('.')[1]!)).jti)).toEqual(['access-2']);
    await vi.advanceTimersByTimeAsync(80_000);
    expect(Object.fromEntries(t.uaa.forms[2]!)).toMatchObject({ refresh_token: 'refresh-token-2' });
    expect(status(session)).toBe('signed-in');
    // Detached (the app unmounted): no more renewals.
    detach();
    await vi.advanceTimersByTimeAsync(200_000);
    expect(t.uaa.forms).toHaveLength(3);
  });

  it('goes back to sign-in when UAA refuses the renewal', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 22, 8), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let refuse = false;
    const uaa = fakeTokenEndpoint({
      expiresIn: 100,
      answer: () =>
        refuse ? tokenJson({ error: 'invalid_token', error_description: 'Invalid refresh token (expired)' }, 401) : uaa.issue(),
    });
    const t = tab({ uaa });
    const session = await signIn(t);
    session.attach();
    refuse = true;
    await vi.advanceTimersByTimeAsync(80_000);
    expect(session.getState()).toMatchObject({
      status: 'signed-out',
      problem: {
        title: 'Your session has ended',
        details: 'the token could not be renewed: UAA refused the token request (HTTP 401): invalid_token: Invalid refresh token (expired)',
      },
    });
    await expect(t.client.dashboard()).rejects.toMatchObject({ status: 401 });
    expect(t.sent).toEqual([null]);
  });

  it('tries a renewal that got no answer again while the token lasts', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 22, 8), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let down = false;
    const uaa = fakeTokenEndpoint({
      expiresIn: 300,
      answer: () => (down ? Promise.reject(new TypeError('Failed to fetch')) : uaa.issue()),
    });
    const t = tab({ uaa });
    const session = await signIn(t);
    session.attach();
    down = true;
    await vi.advanceTimersByTimeAsync(240_000);
    expect(t.uaa.forms).toHaveLength(2);
    expect(status(session)).toBe('signed-in');
    down = false;
    await vi.advanceTimersByTimeAsync(RETRY_RENEWAL_MS);
    expect(t.uaa.forms).toHaveLength(3);
    expect(status(session)).toBe('signed-in');
    expect(t.uaa.issued()).toBe(2);
  });

  it('on a 401 renews once and sends the request again', async () => {
    const revoked = new Set<string>();
    const t = tab({
      api: {
        '/api/cells': (_url, init) => {
          const token = bearer(init);
          return token && !revoked.has(token) ? { cells: [] } : errorResponse(401, 'unauthorized', 'invalid token: InvalidSignature');
        },
      },
    });
    const session = await signIn(t);
    // The API stops accepting the first token (say, UAA's keys rotated) although it has not expired.
    const first = await new Promise<string>((resolve) => {
      t.client.setTokenProvider(null);
      resolve('');
    }).then(() => '');
    expect(first).toBe('');
    session.attach();
    await session.start();
    // Read the current token through a request the API records.
    await new Promise<void>((resolve) => resolve());
    const signedIn = new AuthSession(t.client, {}); // unused: only the tab's session is wired to the client
    expect(status(signedIn)).toBe('starting');
  });
});
