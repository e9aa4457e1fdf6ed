// The package's .d.ts under `tsc --strict` (no skipLibCheck): the usage file
// compiles with the DOM lib and with es2022 + @types/node only, and every
// deliberate mistake in mistakes.ts is reported at its line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "./installed.mjs";

const dir = join(root, "tests", "pkg", "types");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");

for (const [name, config] of [["the DOM lib", "tsconfig.json"], ["es2022 + @types/node, no DOM", "tsconfig.node.json"]]) {
  test(`usage.ts compiles with tsc --strict against pkg/index.d.ts, ${name}`, () => {
    const r = spawnSync(process.execPath, [tsc, "-p", join(dir, config), "--pretty", "false"], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
}

test("every marked mistake in mistakes.ts fails to compile, at its line", () => {
  const run = spawnSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.mistakes.json"), "--pretty", "false"], { encoding: "utf8" });
  assert.notEqual(run.status, 0, "mistakes.ts must not compile");
  const lines = readFileSync(join(dir, "mistakes.ts"), "utf8").split("\n");
  const marked = lines.flatMap((l, i) => (l.includes("// MISTAKE") ? [i + 1] : []));
  const errorLines = new Set([...run.stdout.matchAll(/mistakes\.ts\((\d+),\d+\): error TS\d+/g)].map((m) => Number(m[1])));
  assert.equal(marked.length, 17);
  for (const line of marked) assert.ok(errorLines.has(line), `no type error at line ${line}: ${lines[line - 1].trim()}\n${run.stdout}`);
  for (const line of errorLines) assert.ok(marked.includes(line), `unexpected error at line ${line}\n${run.stdout}`);
});
