// End to end sign-in: headless Chromium against `capacity-server --demo --demo-auth`, whose API
// wants UAA tokens from the simulator's UAA. The page goes to UAA's login form, comes back with
// an authorization code, redeems it with PKCE, and reads the API with the token it got.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, SCREENSHOTS, startDemoServer, type DemoServer } from './harness';

let server: DemoServer;
let browser: Browser;
let page: Page;
/** Console errors, page errors and CSP violations: a production page has none. */
const problems: string[] = [];
/** Every request the page made to the API, with whether it carried a bearer token. */
const apiRequests: { path: string; bearer: boolean }[] = [];

beforeAll(async () => {
  server = await startDemoServer({ demoAuth: true });
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.on('console', (message) => {
    // The API's 401 for the anonymous health check is expected; nothing else may complain.
    if (message.type() === 'error' && !message.text().includes('401')) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin === server.url && url.pathname.startsWith('/api/')) {
      apiRequests.push({ path: url.pathname, bearer: (request.headers().authorization ?? '').startsWith('Bearer ') });
    }
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 20 * 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signInAs(username: string, password: string): Promise<void> {
  // The simulator's UAA login form (a different origin from the dashboard).
  await page.waitForSelector('form[action="/login.do"]');
  expect(new URL(page.url()).origin).not.toBe(server.url);
  const authorize = new URL(page.url());
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('client_id')).toBe('diego_capacity_dashboard');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=account]');
}

async function storedText(): Promise<string> {
  return page.evaluate(() => {
    const all: string[] = [document.cookie];
    for (const store of [sessionStorage, localStorage]) {
      for (let i = 0; i < store.length; i++) all.push(`${store.key(i)}=${store.getItem(store.key(i)!)}`);
    }
    return all.join('\n');
  });
}

describe('signing in through UAA', () => {
  it('refuses the API without a token', async () => {
    const response = await fetch(`${server.url}/api/dashboard`);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toBe('unauthorized');
  });

  it('takes a first visit to UAA and back, then reads the API as a viewer', async () => {
    await page.goto(`${server.url}/#/cells`);
    await signInAs('viewer', 'sim-viewer-password');
    // Back on the view the user asked for, with the code and state gone from the address.
    expect(page.url()).toBe(`${server.url}/#/cells`);
    await expect.poll(() => page.textContent('[data-testid=user-name]')).toBe('viewer');
    expect(await page.textContent('[data-testid=user-role]')).toBe('viewer (read-only)');
    await page.waitForSelector('[data-testid=cells-table] tbody tr');
    const dataRequests = apiRequests.filter((r) => r.path !== '/api/health');
    expect(dataRequests.length).toBeGreaterThan(0);
    expect(dataRequests.every((r) => r.bearer)).toBe(true);
    // The token lives in memory only: no JWT in cookies or web storage.
    expect(await storedText()).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });

  it('keeps a viewer out of planning', async () => {
    await page.goto(`${server.url}/#/planning`);
    await page.waitForSelector('[data-testid=operator-only]');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'sign-in-viewer.png') });
  });

  it('signs out to the sign-in screen, and back in as an operator', async () => {
    await page.click('[data-testid=sign-out]');
    await page.waitForSelector('[data-testid=sign-in-screen]');
    expect(await page.$('[data-testid=account]')).toBeNull();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'sign-in.png') });
    await page.click('[data-testid=sign-in]');
    await signInAs('admin', 'sim-admin-password');
    expect(await page.textContent('[data-testid=user-role]')).toBe('operator');
    await page.goto(`${server.url}/#/planning`);
    await page.waitForSelector('[data-testid=verdict]');
    expect(await page.$('[data-testid=operator-only]')).toBeNull();
  });

  it('shows a wrong password on UAA’s form and signs nobody in', async () => {
    await page.click('[data-testid=sign-out]');
    await page.waitForSelector('[data-testid=sign-in-screen]');
    await page.click('[data-testid=sign-in]');
    await page.waitForSelector('form[action="/login.do"]');
    await page.fill('#username', 'viewer');
    await page.fill('#password', 'not-the-password');
    await page.click('button[type=submit]');
    await page.waitForSelector('form[action="/login.do"]');
    expect(new URL(page.url()).origin).not.toBe(server.url);
    expect(await page.$('[data-testid=account]')).toBeNull();
  });

  it('logged no errors', () => {
    expect(problems).toEqual([]);
  });
});
