// Starts `capacity-server --demo` and headless Chromium for the end-to-end tests. Nothing here
// skips: a missing Chromium, cargo, binary or bundle is an error that says how to fix it.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const FRONTEND = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = path.resolve(FRONTEND, '..');
export const DIST = path.join(FRONTEND, 'dist');
export const SCREENSHOTS = path.join(REPO, 'docs', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags measured to work on these machines (no sandbox, no GPU, no network chatter). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: run scripts/install-browser (or set CHROMIUM_PATH).`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * The capacity-server binary: $CAPACITY_SERVER_BIN when set, else built by cargo (a no-op when
 * the binary is current) in $CARGO_TARGET_DIR or the workspace's target/.
 */
export function serverBinary(): string {
  const given = process.env.CAPACITY_SERVER_BIN;
  if (given) {
    if (!existsSync(given)) throw new Error(`CAPACITY_SERVER_BIN=${given} does not exist.`);
    return given;
  }
  const build = spawnSync('cargo', ['build', '--quiet', '-p', 'capacity-server', '--bin', 'capacity-server'], {
    cwd: REPO,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (build.error) throw new Error(`cannot run cargo to build capacity-server: ${build.error.message}`);
  if (build.status !== 0) throw new Error(`cargo build -p capacity-server failed (exit ${build.status}).`);
  const target = process.env.CARGO_TARGET_DIR ? path.resolve(REPO, process.env.CARGO_TARGET_DIR) : path.join(REPO, 'target');
  const binary = path.join(target, 'debug', 'capacity-server');
  if (!existsSync(binary)) throw new Error(`cargo built capacity-server but ${binary} is missing.`);
  return binary;
}

function listenable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** A port the kernel says is free right now. */
async function ephemeralPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '0.0.0.0', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The first of `count` consecutive free loopback ports (the simulator takes five). */
async function consecutivePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    let free = true;
    for (let p = base; p < base + count && free; p++) free = await listenable(p, '127.0.0.1');
    if (free) return base;
  }
  throw new Error(`no ${count} consecutive free loopback ports found`);
}

/** Where the tests find the running demo (as handed over by globalSetup). */
export interface DemoEndpoints {
  /** The dashboard's origin, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The simulator's CF listener; its /__sim/* admin routes control faults. */
  simUrl: string;
  pid: number;
  logPath: string;
}

export interface DemoServer extends DemoEndpoints {
  stop: () => Promise<void>;
}

async function waitForHealth(url: string, child: ChildProcess, logPath: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`capacity-server exited with ${child.exitCode} before answering:\n${tail(logPath)}`);
    }
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`capacity-server did not answer /api/health within ${timeoutMs / 1000} s:\n${tail(logPath)}`);
}

function tail(logPath: string, lines = 40): string {
  try {
    return readFileSync(logPath, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Starts `capacity-server --demo --demo-profile small` serving frontend/dist on free ports; with
 * `demoAuth`, adds `--demo-auth` so the API wants UAA tokens from the simulator's UAA.
 */
export async function startDemoServer(options: { demoAuth?: boolean } = {}): Promise<DemoServer> {
  if (!existsSync(path.join(DIST, 'index.html'))) {
    throw new Error(`${DIST}/index.html is missing: run \`npm run build\` first.`);
  }
  const binary = serverBinary();
  const port = await ephemeralPort();
  const simPort = await consecutivePorts(5);
  const logPath = path.join(os.tmpdir(), `capacity-server-e2e-${process.pid}${options.demoAuth ? '-auth' : ''}.log`);
  const log = openSync(logPath, 'w');
  const child = spawn(
    binary,
    [
      '--demo',
      '--demo-profile',
      'small',
      '--demo-sim-port',
      String(simPort),
      '--port',
      String(port),
      '--frontend-dir',
      DIST,
      ...(options.demoAuth ? ['--demo-auth'] : []),
    ],
    {
      cwd: REPO,
      // Every ?refresh=true re-collects, so the BOSH fault shows at once.
      env: { ...process.env, REFRESH_MIN_AGE_SECS: '0', RUST_LOG: process.env.RUST_LOG ?? 'info' },
      stdio: ['ignore', log, log],
    },
  );
  closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${binary}`);
  const pid = child.pid;
  // If the test process dies, do not leave the server behind.
  const killOnExit = () => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  process.once('exit', killOnExit);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(pid, 'SIGTERM');
    const timer = setTimeout(() => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitForHealth(url, child, logPath, 90_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, simUrl: `http://127.0.0.1:${simPort}`, pid, logPath, stop };
}

/** Replaces the simulator's faults (`{}` clears them). */
export async function setFaults(server: DemoEndpoints, faults: Record<string, unknown> | null): Promise<void> {
  const response = await fetch(`${server.simUrl}/__sim/faults`, {
    method: faults ? 'PUT' : 'DELETE',
    headers: { 'content-type': 'application/json' },
    body: faults ? JSON.stringify(faults) : undefined,
  });
  if (!response.ok) throw new Error(`simulator refused the faults: HTTP ${response.status} ${await response.text()}`);
}

export async function getJson<T>(server: DemoEndpoints, pathAndQuery: string): Promise<T> {
  const response = await fetch(`${server.url}${pathAndQuery}`);
  if (!response.ok) throw new Error(`${pathAndQuery}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export async function postJson<T>(server: DemoEndpoints, pathAndQuery: string, body: unknown): Promise<T> {
  const response = await fetch(`${server.url}${pathAndQuery}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${pathAndQuery}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
