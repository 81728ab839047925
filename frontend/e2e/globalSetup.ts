// Runs once before the end-to-end tests: checks Chromium, builds and starts the demo server,
// and hands its URLs to the tests. A failure here fails the run before any test is collected.

import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { CHROMIUM, startDemoServer, type DemoServer } from './harness';

let server: DemoServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: run scripts/install-browser (or set CHROMIUM_PATH).`);
  }
  server = await startDemoServer();
  project.provide('server', { url: server.url, simUrl: server.simUrl, pid: server.pid, logPath: server.logPath });
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    server: { url: string; simUrl: string; pid: number; logPath: string };
  }
}
