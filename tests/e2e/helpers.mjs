// Shared by the e2e tests: the demo stack on a free port, Chromium, and the
// sandbox's own records (what VICIdial would have done).
import { createServer } from 'node:net';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUTPUT = join(ROOT, 'test-output', 'e2e');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts the demo stack (page, proxy, sandbox) from demo/start.mjs. */
export async function startStack(options = {}) {
  const { startDemo } = await import(join(ROOT, 'demo', 'start.mjs'));
  const port = await freePort();
  const demo = await startDemo({ port, ...options });
  return { ...demo, url: new URL('/', demo.url).href, port };
}

export async function outputPath(name) {
  await mkdir(OUTPUT, { recursive: true });
  return join(OUTPUT, name);
}

/** Starts a live call in the sandbox for `agentUser`, as the page's button does (`state: 'QUEUE'`: still ringing). */
export async function sandboxCall(baseUrl, agentUser = '1028', extra = {}) {
  const response = await fetch(new URL('/sandbox/calls', baseUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ agentUser, ...extra }),
  });
  if (!response.ok) throw new Error(`POST /sandbox/calls: HTTP ${response.status}`);
  return response.json();
}

/** The caller hangs up (the agent's row is left as VICIdial leaves it: DEAD). */
export async function sandboxEndCall(baseUrl, callId) {
  const response = await fetch(new URL(`/sandbox/calls/${encodeURIComponent(callId)}/end`, baseUrl), {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}',
  });
  if (!response.ok) throw new Error(`POST /sandbox/calls/${callId}/end: HTTP ${response.status}`);
  return response.json();
}

/** The sandbox's live calls. */
export async function sandboxCalls(baseUrl) {
  const response = await fetch(new URL('/sandbox/calls', baseUrl));
  if (!response.ok) throw new Error(`GET /sandbox/calls: HTTP ${response.status}`);
  return response.json();
}

/** The manager commands the sandbox queued (what VICIdial's Asterisk would do) for the call on `channel`. */
export async function managerCommandsFor(baseUrl, channel) {
  const response = await fetch(new URL('/sandbox/manager', baseUrl));
  if (!response.ok) throw new Error(`GET /sandbox/manager: HTTP ${response.status}`);
  const rows = await response.json();
  return rows.filter((row) => JSON.stringify(row).includes(channel));
}
