// The sandbox's module worker under real workerd (sandbox/workerd.capnp) on a
// free 127.0.0.1 port, for the suites that talk to it over HTTP. Under
// CI=true a missing workerd is a failure (the suites run and fail to spawn
// it), never a skip: `skipWithoutWorkerd` is false there.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WORKERD = path.join(repoRoot, 'node_modules', '.bin', 'workerd');
export const skipWithoutWorkerd = !fs.existsSync(WORKERD) && !process.env.CI && 'workerd not installed (npm ci)';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

/** Starts workerd serving the sandbox; resolves `{ base, stop() }` once it answers. */
export async function startSandboxWorkerd() {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(WORKERD, ['serve', path.join(repoRoot, 'sandbox', 'workerd.capnp'), '--socket-addr', `http=127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const stop = () => { if (child.exitCode === null) child.kill('SIGTERM'); };
  const deadline = Date.now() + 20000;
  for (;;) {
    try {
      const r = await fetch(`${base}/sandbox/stats`);
      if (r.ok) { await r.arrayBuffer(); break; }
    } catch { /* not up yet */ }
    if (Date.now() > deadline || child.exitCode !== null) {
      stop();
      throw new Error(`workerd did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, stop };
}
