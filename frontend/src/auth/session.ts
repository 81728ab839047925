// The sign-in session: reads how the API authenticates (`/api/health`), runs the UAA round trip,
// keeps the tokens in memory (never in storage or cookies), renews them before they expire and
// once on a 401, and plugs into the API client's seam. React reads its state through
// subscribe / getState (useSyncExternalStore).

import { ApiError, type ApiClient } from '../api/client';
import type { PublicHealthResponse, UaaSignIn } from '../api/types';
import { clearResourceCache } from '../api/useResource';
import { forgetSource } from '../views/planning/kept';
import {
  authorizeUrl,
  checkCallback,
  exchangeCode,
  parseCallback,
  readClaims,
  redirectUriFor,
  refreshDelayMs,
  refreshTokens,
  savePending,
  takePending,
  TokenError,
  withoutCallback,
  type Callback,
  type PendingSignIn,
  type SignInProblem,
  type TokenSet,
} from './oauth';
import { challengeS256, createState, createVerifier, webCrypto } from './pkce';
import { roleOf, type Role } from './roles';

/** Who is signed in, from the access token (display only). */
export interface SignedInUser {
  name: string | null;
  scopes: string[];
  role: Role;
}

export type AuthState =
  /** Reading the API's sign-in settings. */
  | { status: 'starting' }
  /** `/api/health` could not be read. */
  | { status: 'unavailable'; error: ApiError }
  /** The API accepts every request (AUTH_MODE=disabled, the demo's default). */
  | { status: 'disabled' }
  /** On the way to UAA's login page. */
  | { status: 'redirecting'; uaa: string }
  /** Back from UAA: trading the code for tokens. */
  | { status: 'completing'; uaa: string }
  /** No token: a sign-in button, with what happened (`message`) or went wrong (`problem`). */
  | { status: 'signed-out'; uaa: string; message: string | null; problem: SignInProblem | null }
  | { status: 'signed-in'; user: SignedInUser };

/** What the session needs from the browser (tests give their own). */
export interface AuthEnvironment {
  /** For UAA's token endpoint (not the API client's fetch: no API base, no bearer token). */
  fetch: typeof fetch;
  /** sessionStorage: holds state and verifier during the round trip, nothing else. */
  storage: () => Storage;
  href: () => string;
  /** Leaves the page for UAA. */
  redirect: (url: string) => void;
  /** Rewrites the address bar without a reload or history entry. */
  replaceUrl: (url: string) => void;
  crypto: () => Crypto;
  now: () => number;
}

export function browserEnvironment(): AuthEnvironment {
  return {
    fetch: (input, init) => globalThis.fetch(input, init),
    storage: () => window.sessionStorage,
    href: () => window.location.href,
    redirect: (url) => window.location.assign(url),
    replaceUrl: (url) => window.history.replaceState(window.history.state, '', url),
    crypto: () => webCrypto(),
    now: () => Date.now(),
  };
}

/** A token this close to expiry is renewed before it is sent. */
export const EXPIRY_MARGIN_MS = 5_000;
/** After a renewal that got no answer (or a 5xx), try again this much later while the token lasts. */
export const RETRY_RENEWAL_MS = 15_000;
/** setTimeout's longest delay. */
const MAX_DELAY_MS = 2_147_483_647;

interface Tokens {
  access: string;
  refresh: string | null;
  /** ms since epoch */
  expiresAt: number;
  /** When to renew (ms since epoch). */
  renewAt: number;
}

function toApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, 'Unexpected error', error instanceof Error ? error.message : String(error));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sameUser(a: SignedInUser, b: SignedInUser): boolean {
  return a.name === b.name && a.role === b.role && a.scopes.join(' ') === b.scopes.join(' ');
}

export class AuthSession {
  private readonly client: ApiClient;
  private readonly env: AuthEnvironment;
  private state: AuthState = { status: 'starting' };
  private readonly listeners = new Set<() => void>();
  private settings: UaaSignIn | null = null;
  private tokens: Tokens | null = null;
  private started: Promise<void> | null = null;
  /** UAA's answer and the sign-in it belongs to, until the settings are known. */
  private callback: Callback | null = null;
  private pending: PendingSignIn | null = null;
  private renewing: Promise<boolean> | null = null;
  /** Bumped on sign-out and expiry: answers to older token requests are dropped. */
  private generation = 0;
  private attached = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(client: ApiClient, env: Partial<AuthEnvironment> = {}) {
    this.client = client;
    this.env = { ...browserEnvironment(), ...env };
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getState = (): AuthState => this.state;

  private set(state: AuthState): void {
    this.state = state;
    for (const listener of this.listeners) listener();
  }

  /** Starts (once) and renews tokens on time while attached; the returned function detaches. */
  attach(): () => void {
    this.attached++;
    void this.start();
    this.schedule();
    return () => {
      this.attached--;
      if (this.attached === 0) this.clearTimer();
    };
  }

  /** Reads UAA's answer if the page is one, then the API's settings; runs once. */
  start(): Promise<void> {
    this.started ??= this.load();
    return this.started;
  }

  private async load(): Promise<void> {
    // UAA's answer is taken out of the address bar at once, so a reload cannot replay it.
    const href = this.env.href();
    this.callback = parseCallback(href);
    if (this.callback) {
      try {
        this.pending = takePending(this.env.storage());
      } catch {
        this.pending = null;
      }
      this.env.replaceUrl(withoutCallback(href, this.pending?.returnTo));
    }
    await this.readSettings();
  }

  private async readSettings(): Promise<void> {
    this.set({ status: 'starting' });
    let health: PublicHealthResponse;
    try {
      health = await this.client.get<PublicHealthResponse>('/api/health');
    } catch (error) {
      this.set({ status: 'unavailable', error: toApiError(error) });
      return;
    }
    if (health.auth?.mode !== 'uaa') {
      this.client.setTokenProvider(null);
      this.client.setUnauthorizedHandler(null);
      this.callback = null;
      this.pending = null;
      this.set({ status: 'disabled' });
      return;
    }
    if (!health.auth.uaa?.authorize_url || !health.auth.uaa.token_url) {
      this.set({
        status: 'unavailable',
        error: new ApiError(0, 'No sign-in settings', 'the API requires UAA sign-in but /api/health names no authorize and token URLs'),
      });
      return;
    }
    this.settings = health.auth.uaa;
    this.client.setTokenProvider(() => this.token());
    this.client.setUnauthorizedHandler((_error, sent) => this.unauthorized(sent));
    const { callback, pending } = this;
    this.callback = null;
    this.pending = null;
    if (callback) await this.complete(callback, pending);
    else await this.signIn();
  }

  private uaa(): string {
    try {
      return this.settings ? new URL(this.settings.authorize_url).origin : '';
    } catch {
      return this.settings?.authorize_url ?? '';
    }
  }

  private signedOut(message: string | null, problem: SignInProblem | null = null): void {
    this.set({ status: 'signed-out', uaa: this.uaa(), message, problem });
  }

  private async complete(callback: Callback, pending: PendingSignIn | null): Promise<void> {
    const settings = this.settings;
    if (!settings) return;
    const check = checkCallback(callback, pending);
    if (!check.ok) {
      this.signedOut(null, check.problem);
      return;
    }
    this.set({ status: 'completing', uaa: this.uaa() });
    const generation = this.generation;
    try {
      const tokens = await exchangeCode(this.env.fetch, settings, {
        code: check.code,
        verifier: check.pending.verifier,
        redirectUri: check.pending.redirectUri,
      });
      if (generation === this.generation) this.accept(tokens);
    } catch (error) {
      this.signedOut(null, { title: 'Could not get a token from UAA', details: messageOf(error) });
    }
  }

  /** Leaves for UAA's login page, with a fresh verifier and state. */
  async signIn(): Promise<void> {
    const settings = this.settings;
    if (!settings) return;
    try {
      const crypto = this.env.crypto();
      const verifier = createVerifier(crypto);
      const state = createState(crypto);
      const challenge = await challengeS256(verifier, crypto);
      const href = this.env.href();
      const redirectUri = redirectUriFor(href);
      const returnTo = new URL(href).hash;
      savePending(this.env.storage(), { state, verifier, redirectUri, returnTo, startedAt: this.env.now() });
      this.set({ status: 'redirecting', uaa: this.uaa() });
      this.env.redirect(authorizeUrl(settings, { redirectUri, state, challenge }));
    } catch (error) {
      this.signedOut(null, { title: 'Cannot start the sign-in', details: messageOf(error) });
    }
  }

  /** After a failure: reads the settings again, or signs in again. */
  retry(): void {
    if (this.state.status === 'unavailable') void this.readSettings();
    else void this.signIn();
  }

  /** Drops the tokens (the UAA session itself is UAA's). */
  signOut(): void {
    this.drop();
    this.signedOut('You have signed out: the dashboard holds no token any more.');
  }

  private drop(): void {
    this.generation++;
    this.tokens = null;
    this.renewing = null;
    this.clearTimer();
    // Data read with the old token is not shown to whoever signs in next.
    clearResourceCache();
    forgetSource();
  }

  private expire(reason: string): void {
    this.drop();
    this.signedOut(null, { title: 'Your session has ended', details: reason });
  }

  private accept(tokens: TokenSet): void {
    const now = this.env.now();
    this.tokens = {
      access: tokens.accessToken,
      // UAA may keep the refresh token and send none with a renewal.
      refresh: tokens.refreshToken ?? this.tokens?.refresh ?? null,
      expiresAt: now + tokens.expiresIn * 1000,
      renewAt: now + refreshDelayMs(tokens.expiresIn),
    };
    const claims = readClaims(tokens.accessToken);
    const scopes = claims.scopes.length > 0 ? claims.scopes : tokens.scopes;
    const user: SignedInUser = { name: claims.userName, scopes, role: roleOf(scopes) };
    if (this.state.status !== 'signed-in' || !sameUser(this.state.user, user)) this.set({ status: 'signed-in', user });
    this.schedule();
  }

  /** The token provider of the API client: renews first when the token is (nearly) expired. */
  private async token(): Promise<string | null> {
    if (this.tokens && this.tokens.refresh && this.env.now() >= this.tokens.expiresAt - EXPIRY_MARGIN_MS) await this.renew();
    return this.tokens?.access ?? null;
  }

  /** The client's 401 handler: true when the request should go again with a new token. */
  private async unauthorized(sent: string | null): Promise<boolean> {
    if (!this.tokens) return false;
    // Renewed while the request was under way: just send it again.
    if (sent !== null && sent !== this.tokens.access) return true;
    return this.renew();
  }

  /** Renews the access token with the refresh token; one renewal at a time. */
  renew(): Promise<boolean> {
    if (this.renewing) return this.renewing;
    const { tokens, settings } = this;
    if (!tokens || !settings) return Promise.resolve(false);
    if (!tokens.refresh) {
      this.expire('the access token expired and UAA issued no refresh token to renew it.');
      return Promise.resolve(false);
    }
    const generation = this.generation;
    this.clearTimer();
    const renewal = refreshTokens(this.env.fetch, settings, tokens.refresh).then(
      (next) => {
        if (generation !== this.generation) return false;
        this.accept(next);
        return true;
      },
      (error: unknown) => {
        if (generation !== this.generation) return false;
        const now = this.env.now();
        if (error instanceof TokenError && error.transient && this.tokens && now + RETRY_RENEWAL_MS < this.tokens.expiresAt) {
          this.tokens.renewAt = now + RETRY_RENEWAL_MS;
          this.schedule();
          return false;
        }
        this.expire(`the token could not be renewed: ${messageOf(error)}`);
        return false;
      },
    );
    const renewing: Promise<boolean> = renewal.finally(() => {
      if (this.renewing === renewing) this.renewing = null;
    });
    this.renewing = renewing;
    return renewing;
  }

  private schedule(): void {
    this.clearTimer();
    if (this.attached === 0 || !this.tokens) return;
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, this.tokens.renewAt - this.env.now()));
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.renew();
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
