// Plumbing for the real-server suite: finds ../shared/realserver (the real
// VICIdial agc/api.php over MariaDB and PHP), starts it in a run directory of
// its own, serves the older api.php revisions next to it (versions.sh), and
// stops exactly what it started (down.sh, which kills by recorded PID only).
//
// Settings (environment; defaults in brackets):
//   REALVICI_HARNESS        the harness directory [<repo>/../shared/realserver]
//   REALVICI_PORT           api.php 2.14-82 on 127.0.0.1 [18080]
//   REALVICI_DB_PORT        MariaDB on 127.0.0.1 [13306]
//   REALVICI_OLD_PORT_BASE  first port of the older revisions [18081]
//   REALVICI_KEEP=1         leave the servers and the run directory after the suite
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const RUN_PREFIX = "vicidial-xfer-realserver-";

export const root = resolve(import.meta.dirname, "..", "..");
export const harnessDir = process.env.REALVICI_HARNESS
  ? resolve(process.env.REALVICI_HARNESS)
  : resolve(root, "..", "shared", "realserver");
export const inCI = process.env.CI === "true";

/** Why the harness cannot be used here, or null when it is present. */
export function harnessMissing() {
  for (const f of ["up.sh", "down.sh", "reseed.sh", "versions.sh", "seed.sql", "vendor/api.php"]) {
    if (!existsSync(join(harnessDir, f))) return `${join(harnessDir, f)} does not exist`;
  }
  return null;
}

// Interrupted (Ctrl-C, a kill): stop every instance started, then exit.
const live = new Set();
let watching = false;
function watchSignals(server) {
  live.add(server);
  if (watching) return;
  watching = true;
  const onSignal = (signal) => {
    for (const s of live) {
      try { s.stopNow(); } catch { /* keep stopping the others */ }
    }
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
}

/** Two ports the system says are free now (for an extra instance). */
export async function freePorts() {
  const one = () => new Promise((done, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => { const { port } = srv.address(); srv.close(() => done(port)); });
  });
  const port = await one();
  let dbPort = await one();
  while (dbPort === port) dbPort = await one();
  return { port, dbPort };
}

function portOpen(port) {
  return new Promise((done) => {
    const s = connect({ host: "127.0.0.1", port });
    s.once("connect", () => { s.destroy(); done(true); });
    s.once("error", () => done(false));
  });
}

function intEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^[0-9]{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > 65535) {
    throw new Error(`${name} must be a TCP port number, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

/**
 * A running harness: api.php 2.14-82 plus every older revision versions.sh
 * serves, all over one MariaDB. Only one scenario may run at a time (one
 * database): the suite runs its tests in sequence.
 */
export class RealServer {
  /**
   * `sqlMode`: MariaDB sql_mode ("" as recorded). `ports`: { port, dbPort }
   * instead of the settings above; `old`: also serve the older revisions.
   */
  constructor({ sqlMode = "", ports = null, old = true } = {}) {
    this.port = ports ? ports.port : intEnv("REALVICI_PORT", 18080);
    this.dbPort = ports ? ports.dbPort : intEnv("REALVICI_DB_PORT", 13306);
    this.oldBase = intEnv("REALVICI_OLD_PORT_BASE", 18081);
    this.sqlMode = sqlMode;
    this.withOld = old;
    this.runDir = null;
    /** [{ version, port, versionLine }] newest first */
    this.servers = [];
    this.log = [];
  }

  env(extra = {}) {
    return {
      ...process.env,
      REALVICI_RUN: this.runDir,
      REALVICI_PORT: String(this.port),
      REALVICI_DB_PORT: String(this.dbPort),
      REALVICI_OLD_PORT_BASE: String(this.oldBase),
      REALVICI_EXTRAS: "0",
      REALVICI_NONAGENT: "0",
      REALVICI_VARIANT: "",
      REALVICI_SQL_MODE: this.sqlMode,
      REALVICI_DISPLAY_ERRORS: "0",
      ...extra,
    };
  }

  async sh(script, args = [], extra = {}, timeout = 120_000) {
    try {
      const { stdout, stderr } = await run("bash", [join(harnessDir, script), ...args], {
        env: this.env(extra), timeout, maxBuffer: 64 << 20, cwd: harnessDir,
      });
      this.log.push(`$ ${script} ${args.join(" ")}\n${stderr}${stdout}`);
      return stdout;
    } catch (e) {
      const tail = `${e.stderr ?? ""}${e.stdout ?? ""}`.split("\n").slice(-40).join("\n");
      throw new Error(`${script} ${args.join(" ")} failed (${e.code ?? e.signal ?? e.message}):\n${tail}`);
    }
  }

  /** up.sh (installs mariadb-server, php-cli, php-mysql with apt when missing), then versions.sh up. */
  async start() {
    const versionsList = (await run("bash", [join(harnessDir, "versions.sh"), "list"], {
      env: { ...process.env, REALVICI_RUN: join(tmpdir(), "unused"), REALVICI_OLD_PORT_BASE: String(this.oldBase) },
    })).stdout.trim().split("\n").filter(Boolean).map((l) => l.split(" "));
    const ports = [this.port, this.dbPort, ...(this.withOld ? versionsList.map(([, p]) => Number(p)) : [])];
    for (const p of ports) {
      if (await portOpen(p)) {
        const left = readdirSync(tmpdir()).filter((d) => d.startsWith(RUN_PREFIX)).map((d) => join(tmpdir(), d));
        throw new Error(`127.0.0.1:${p} is already in use by another process; the suite starts its own servers ` +
          `(set REALVICI_PORT, REALVICI_DB_PORT, REALVICI_OLD_PORT_BASE to free ports)` +
          (left.length ? `; run directories of earlier runs: ${left.join(", ")} (stop one with REALVICI_RUN=<dir> ${join(harnessDir, "down.sh")})` : ""));
      }
    }
    this.runDir = mkdtempSync(join(tmpdir(), RUN_PREFIX));
    watchSignals(this);
    // the apt install (first run on a fresh machine) waits up to 900 s for the dpkg lock
    await this.sh("up.sh", [], {}, 1_200_000);
    const out = this.withOld ? await this.sh("versions.sh", ["up"]) : "";
    const main = { version: "2.14-82", port: this.port };
    const old = out.trim().split("\n").filter(Boolean).map((l) => {
      const [version, port] = l.split(" ");
      return { version, port: Number(port) };
    });
    this.servers = [main, ...old.reverse()];
    for (const s of this.servers) {
      const r = await this.request(s, "GET", "function=version");
      const m = /^VERSION: ([0-9.]+-[0-9]+)\|BUILD: [0-9]{6}-[0-9]{4}\|/.exec(r.body);
      if (!m || m[1] !== s.version) {
        throw new Error(`api.php on port ${s.port} should be ${s.version}, answered ${JSON.stringify(r.body)}`);
      }
      s.versionLine = r.body.trim();
    }
    return this;
  }

  async stop() {
    if (!this.runDir) return;
    if (process.env.REALVICI_KEEP === "1") {
      process.stderr.write(`realserver: left running in ${this.runDir} (REALVICI_KEEP=1)\n`);
      return;
    }
    const pidsFile = join(this.runDir, "pids");
    const ours = existsSync(pidsFile)
      ? readFileSync(pidsFile, "utf8").trim().split("\n").filter(Boolean).map((l) => l.split(" "))
      : [];
    try {
      await this.sh("down.sh", [], { REALVICI_WIPE: "1" });
      // down.sh kills by the recorded PIDs only; check that each one is gone
      const alive = ours.filter(([, pid]) => { try { process.kill(Number(pid), 0); return true; } catch { return false; } });
      if (alive.length) throw new Error(`still running after down.sh: ${alive.map((a) => a.join(" ")).join(", ")}`);
    } finally {
      rmSync(this.runDir, { recursive: true, force: true });
      this.runDir = null;
      live.delete(this);
    }
  }

  /** Synchronous stop, for signal handlers. */
  stopNow() {
    if (!this.runDir || process.env.REALVICI_KEEP === "1") return;
    try {
      execFileSync("bash", [join(harnessDir, "down.sh")], { env: this.env({ REALVICI_WIPE: "1" }), stdio: "ignore", timeout: 60_000 });
    } finally {
      rmSync(this.runDir, { recursive: true, force: true });
      this.runDir = null;
    }
  }

  /** Back to seed.sql (+ seed-extras.sql), then optional SQL of the scenario. */
  async reseed({ extras = false, setupSql = "" } = {}) {
    await this.sh("reseed.sh", [], { REALVICI_EXTRAS: extras ? "1" : "0" });
    if (setupSql) await this.sql(setupSql);
  }

  /** `rv.py replay FILE` against 2.14-82: its report (it exits 1 when a scenario differs). */
  async replay(file) {
    try {
      const { stdout } = await run("python3", [join(harnessDir, "rv.py"), "replay", file], {
        env: this.env(), timeout: 300_000, maxBuffer: 64 << 20,
      });
      return stdout;
    } catch (e) {
      if (typeof e.stdout === "string" && e.stdout) return e.stdout;
      throw e;
    }
  }

  async sql(statements) {
    const { stdout } = await run("mariadb", [
      "--no-defaults", "-uroot", `--socket=${join(this.runDir, "mysqld.sock")}`,
      "--default-character-set=utf8mb4", "-N", "-B", "-r", "asterisk", "-e", statements,
    ], { maxBuffer: 64 << 20 });
    return stdout;
  }

  /** Every row the agent API's ra_call_control reads or writes, as JSON. */
  async snapshot() {
    const parts = Object.entries(SNAPSHOT).map(([key, [table, cols, order]]) =>
      `'${key}', (SELECT COALESCE(JSON_ARRAYAGG(JSON_OBJECT(${cols.map((c) => `'${c}', ${c}`).join(", ")}) ORDER BY ${order}), JSON_ARRAY()) FROM ${table})`);
    const out = await this.sql(`SELECT JSON_OBJECT(${parts.join(", ")});`);
    return JSON.parse(out);
  }

  /** One HTTP request to the api.php of `server` ({ port }); the reply as text and bytes. */
  async request(server, method, encoded, path = "/agc/api.php") {
    const url = `http://127.0.0.1:${server.port}${path}${method === "GET" && encoded ? `?${encoded}` : ""}`;
    const init = { method, redirect: "manual", signal: AbortSignal.timeout(30_000) };
    if (method === "POST") {
      init.body = encoded;
      init.headers = { "Content-Type": "application/x-www-form-urlencoded" };
    }
    const res = await fetch(url, init);
    const bytes = Buffer.from(await res.arrayBuffer());
    return { status: res.status, body: bytes.toString("utf8"), bytes, headers: res.headers };
  }
}

// key -> [table, columns, order]
const SNAPSHOT = {
  manager: ["vicidial_manager", ["server_ip", "status", "action", "callerid", "cmd_line_b", "cmd_line_c", "cmd_line_d", "cmd_line_e", "cmd_line_f", "cmd_line_g"], "man_id"],
  list: ["vicidial_list", ["lead_id", "status", "phone_number"], "lead_id"],
  log: ["vicidial_log", ["uniqueid", "lead_id", "campaign_id", "status", "user"], "uniqueid"],
  closer: ["vicidial_closer_log", ["uniqueid", "lead_id", "campaign_id", "status", "user"], "closecallid"],
  calls: ["vicidial_auto_calls", ["callerid", "call_type", "campaign_id", "lead_id", "phone_number", "uniqueid", "channel", "server_ip", "status"], "callerid"],
  agents: ["vicidial_live_agents", ["user", "server_ip", "status", "callerid", "lead_id", "uniqueid", "channel", "ring_callerid"], "user"],
  api_log: ["vicidial_api_log", ["user", "agent_user", "function", "value", "result", "result_reason", "source"], "api_id"],
  servers: ["servers", ["server_ip", "ext_context"], "server_ip"],
  ingroups: ["vicidial_inbound_groups", ["group_id", "active", "default_xfer_group"], "group_id"],
  campaigns: ["vicidial_campaigns", ["campaign_id", "default_xfer_group"], "campaign_id"],
};

/** The filter probes of tests/recordings/filters/filters-<version>.json, or null. */
export function filterProbes(version) {
  const file = join(root, "tests", "recordings", "filters", `filters-${version}.json`);
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : null;
}
