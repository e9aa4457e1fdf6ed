// Helpers to run workerd from Node: write a Cap'n Proto config, start
// `workerd serve` on 127.0.0.1, learn the ports it bound (--control-fd),
// and stop it. Used by demo/start.mjs and tests/proxy/.
//
// Configs embed files by absolute path inside the repository (`embed
// "/proxy/worker.mjs"`, resolved through `--import-path <repo>`), so the
// config file itself can live in a temporary directory.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WORKERD = path.join(ROOT, 'node_modules', '.bin', 'workerd');
export const COMPATIBILITY_DATE = '2025-06-01';

/** A Cap'n Proto text literal. */
export function capnpString(value) {
  const s = String(value);
  if (/[\x00-\x1f\x7f]/.test(s)) throw new Error('control characters are not supported in config strings');
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

// `import ... from './x'`, `export ... from './x'`, `import './x'` at the start of a line.
const STATIC_IMPORT = /^[ \t]*(?:import|export)\b(?:[^;'"]*?\bfrom)?\s*['"](\.{1,2}\/[^'"]+)['"]/gm;

/** Source text without comments (good enough to find static imports). */
function stripComments(source) {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^[ \t]*\/\/.*$/gm, '');
}

function moduleType(file) {
  if (/\.(m?js)$/.test(file)) return 'esModule';
  if (file.endsWith('.wasm')) return 'wasm';
  if (file.endsWith('.json')) return 'json';
  if (/\.(txt|html|css)$/.test(file)) return 'text';
  return 'data';
}

/**
 * The modules a worker needs: `entry` (a path relative to the repository)
 * and every file it imports with a relative static import, transitively.
 * @returns {{ name: string, type: string }[]} the entry first; names relative to ROOT
 */
export function collectModules(entry, root = ROOT) {
  const seen = new Map();
  const queue = [path.posix.normalize(entry)];
  while (queue.length > 0) {
    const name = queue.shift();
    if (seen.has(name)) continue;
    if (name.startsWith('..') || path.isAbsolute(name)) throw new Error(`module outside the repository: ${name}`);
    const file = path.join(root, name);
    if (!existsSync(file)) throw new Error(`missing module ${name} (is pkg/ built? run: make pkg)`);
    const type = moduleType(name);
    seen.set(name, { name, type });
    if (type !== 'esModule') continue;
    const source = stripComments(readFileSync(file, 'utf8'));
    for (const m of source.matchAll(STATIC_IMPORT)) {
      queue.push(path.posix.normalize(path.posix.join(path.posix.dirname(name), m[1])));
    }
  }
  return [...seen.values()];
}

/**
 * A `bindings = [...]` list from `{ NAME: "text" | { service: "name" } | { durableObjectNamespace: "ClassName" } }`.
 */
export function capnpBindings(bindings) {
  return Object.entries(bindings)
    .filter(([, v]) => v !== undefined)
    .map(([name, v]) => {
      if (typeof v === 'object' && v !== null && 'service' in v) return `(name = ${capnpString(name)}, service = ${capnpString(v.service)})`;
      if (typeof v === 'object' && v !== null && 'durableObjectNamespace' in v) {
        // Another service's namespace: { durableObjectNamespace: "Class", serviceName: "svc" }.
        const ns = v.serviceName
          ? `(className = ${capnpString(v.durableObjectNamespace)}, serviceName = ${capnpString(v.serviceName)})`
          : capnpString(v.durableObjectNamespace);
        return `(name = ${capnpString(name)}, durableObjectNamespace = ${ns})`;
      }
      return `(name = ${capnpString(name)}, text = ${capnpString(v)})`;
    })
    .join(',\n        ');
}

/**
 * One worker service. `globalOutbound`: the name of a network service, optional.
 * `durableObjects`: `{ classes: [{ className, uniqueKey }], storage: 'inMemory' | { localDisk: 'diskServiceName' } }`, optional.
 */
export function workerService({ name, entry, bindings = {}, globalOutbound, durableObjects }) {
  const modules = collectModules(entry)
    .map((m) => `(name = ${capnpString(m.name)}, ${m.type} = embed ${capnpString(`/${m.name}`)})`)
    .join(',\n        ');
  let objects = '';
  if (durableObjects) {
    const classes = durableObjects.classes
      .map((c) => `(className = ${capnpString(c.className)}, uniqueKey = ${capnpString(c.uniqueKey)})`)
      .join(', ');
    const storage = durableObjects.storage === 'inMemory' || durableObjects.storage === undefined
      ? 'inMemory = void'
      : `localDisk = ${capnpString(durableObjects.storage.localDisk)}`;
    objects = `\n      durableObjectNamespaces = [ ${classes} ],\n      durableObjectStorage = (${storage}),`;
  }
  return `(name = ${capnpString(name)}, worker = (
      modules = [
        ${modules}
      ],
      compatibilityDate = ${capnpString(COMPATIBILITY_DATE)},
      bindings = [
        ${capnpBindings(bindings)}
      ],${globalOutbound ? `\n      globalOutbound = ${capnpString(globalOutbound)},` : ''}${objects}
    ))`;
}

/**
 * The proxy worker (proxy/worker.mjs) with its per-call memory: the Durable
 * Object class CallLedger bound as CALLS. `storageService`: the name of a
 * writable disk service (writableDiskService) to keep the memory on disk
 * across restarts; without it the memory lives in memory only. `ledgerOf`:
 * the name of another proxy service whose CallLedger namespace to use.
 */
export function proxyWorkerService({ name, bindings = {}, globalOutbound, storageService, uniqueKey = 'vicidial-xfer-proxy-calls', ledgerOf }) {
  if (ledgerOf) {
    // Another proxy service's memory (a second isolate sharing the same Durable Objects).
    return workerService({
      name,
      entry: 'proxy/worker.mjs',
      bindings: { ...bindings, CALLS: { durableObjectNamespace: 'CallLedger', serviceName: ledgerOf } },
      globalOutbound,
    });
  }
  return workerService({
    name,
    entry: 'proxy/worker.mjs',
    bindings: { ...bindings, CALLS: { durableObjectNamespace: 'CallLedger' } },
    globalOutbound,
    durableObjects: {
      classes: [{ className: 'CallLedger', uniqueKey }],
      storage: storageService ? { localDisk: storageService } : 'inMemory',
    },
  });
}

/** A writable disk service (e.g. Durable Object storage) over one directory. */
export function writableDiskService(name, dir) {
  return `(name = ${capnpString(name)}, disk = (path = ${capnpString(path.resolve(dir))}, writable = true))`;
}

/** A disk service serving one directory, read-only, no dotfiles. */
export function diskService(name, dir) {
  return `(name = ${capnpString(name)}, disk = (path = ${capnpString(path.resolve(dir))}, writable = false, allowDotfiles = false))`;
}

/** A network service that may reach 127.0.0.1 (for upstreams on this machine). */
export function loopbackNetwork(name) {
  return `(name = ${capnpString(name)}, network = (allow = ["public", "private", "local"], tlsOptions = (trustBrowserCas = true)))`;
}

/** A whole config: services (strings) and sockets `{ name, service, port }` bound to 127.0.0.1. */
export function capnpConfig({ services, sockets }) {
  const socketText = sockets
    .map((s) => `(name = ${capnpString(s.name)}, address = ${capnpString(`127.0.0.1:${s.port ?? 0}`)}, http = (), service = ${capnpString(s.service)})`)
    .join(',\n    ');
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    ${services.join(',\n    ')}
  ],
  sockets = [
    ${socketText}
  ],
);
`;
}

/**
 * Starts `workerd serve` with `configText` and waits until every socket
 * listens. Resolves to `{ ports: { socketName: port }, pid, stop(), stderr() }`.
 * `stdout`: a file descriptor to write workerd's stdout to (console.log,
 * e.g. audit lines) instead of this process reading it; stderr stays piped.
 * `stop()` sends SIGTERM to this workerd only (by PID), then SIGKILL after 3 s.
 */
export async function startWorkerd(configText, { sockets, timeoutMs = 20000, verbose = false, stdio = 'pipe', stdout } = {}) {
  if (!existsSync(WORKERD)) throw new Error(`workerd not found at ${WORKERD} (run npm ci)`);
  if (!Array.isArray(sockets) || sockets.length === 0) throw new Error('startWorkerd: pass the socket names to wait for');
  const dir = mkdtempSync(path.join(tmpdir(), 'vicidial-xfer-workerd-'));
  const configPath = path.join(dir, 'config.capnp');
  writeFileSync(configPath, configText);
  const args = ['serve', configPath, '--import-path', ROOT, '--control-fd', '3'];
  if (verbose) args.push('--verbose');
  const child = spawn(WORKERD, args, {
    cwd: ROOT,
    stdio: ['ignore', stdout ?? (stdio === 'inherit' ? 'inherit' : 'pipe'), stdio === 'inherit' ? 'inherit' : 'pipe', 'pipe'],
  });
  let errText = '';
  child.stdout?.on('data', (d) => {
    errText = (errText + d).slice(-20000);
  });
  child.stderr?.on('data', (d) => {
    errText = (errText + d).slice(-20000);
  });

  let exited = false;
  const exitPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
  });
  const cleanupDir = () => rmSync(dir, { recursive: true, force: true });
  // If this Node process ends without stop() (an uncaught error, a signal
  // nobody handles), take this workerd and its config along.
  const killOnExit = () => {
    if (!exited) child.kill('SIGKILL');
    cleanupDir();
  };
  const onSignal = (signal) => {
    // Someone else handles the signal (e.g. demo/run.mjs): leave it to them.
    if (process.listenerCount(signal) > 1) return;
    forget();
    killOnExit();
    process.kill(process.pid, signal); // the default action, now that we are gone
  };
  const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  function forget() {
    process.removeListener('exit', killOnExit);
    for (const sig of SIGNALS) process.removeListener(sig, onSignal);
  }
  process.once('exit', killOnExit);
  for (const sig of SIGNALS) process.on(sig, onSignal);

  async function stop() {
    forget();
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!exited) child.kill('SIGKILL');
      }, 3000);
      await exitPromise;
      clearTimeout(timer);
    }
    cleanupDir();
  }

  const wanted = new Set(sockets ?? []);
  const ports = {};
  try {
    await new Promise((resolve, reject) => {
      let buf = '';
      const timer = setTimeout(() => reject(new Error(`workerd did not listen within ${timeoutMs} ms\n${errText}`)), timeoutMs);
      child.stdio[3].on('data', (d) => {
        buf += d;
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          try {
            const msg = JSON.parse(line);
            if (msg.event === 'listen') {
              ports[msg.socket] = msg.port;
              wanted.delete(msg.socket);
              if (wanted.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            }
          } catch {
            /* not a control message */
          }
        }
      });
      exitPromise.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`workerd exited (code ${code}, signal ${signal}) before listening\n${errText}`));
      });
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { ports, pid: child.pid, stop, exited: exitPromise, stderr: () => errText };
}

/** GETs `url` until it answers (any HTTP status), for at most `timeoutMs`. */
export async function waitForHttp(url, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return res.status;
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms: ${last?.message}`);
}
