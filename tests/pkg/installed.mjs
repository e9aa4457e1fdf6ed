// Packs pkg/ with npm (so the `files` whitelist is what gets installed),
// installs the tarball into a temporary project, and returns its path.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const root = resolve(import.meta.dirname, "..", "..");

/** `under`: a parent directory (default the system tmpdir; workerd embeds files from inside the repository only). */
export function installPackage({ under = tmpdir() } = {}) {
  mkdirSync(under, { recursive: true });
  const dir = mkdtempSync(join(under, "vicidial-xfer-pkg-"));
  const packed = JSON.parse(
    execFileSync("npm", ["pack", join(root, "pkg"), "--json", "--pack-destination", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }),
  )[0];
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", join(dir, packed.filename)], { cwd: dir, stdio: "ignore" });
  return { dir, files: packed.files.map((f) => f.path).sort() };
}

export function recordedScenarios() {
  const out = [];
  for (const file of ["real-2.14-82.jsonl", "real-2.14-82-more.jsonl", "documented-agent-api.jsonl"]) {
    const text = readFileSync(join(root, "tests", "recordings", file), "utf8");
    for (const line of text.split("\n")) if (line.trim()) out.push({ file, ...JSON.parse(line) });
  }
  return out;
}

export function passwordOf(scenario) {
  const params = new URLSearchParams(`${scenario.query ?? ""}&${scenario.body ?? ""}`);
  return params.get("pass") || null;
}
