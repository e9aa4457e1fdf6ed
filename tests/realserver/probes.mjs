// The per-version filter probes (tests/recordings/filters/filters-<version>.json):
// for each wire parameter, `AB<c>CD` sent with every printable ASCII c (and
// é, €, NUL) percent-encoded, and what the server kept. Raw (unencoded) `+`
// probes are left out: the package never sends a raw `+` (it encodes %2B).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { filterProbes, root } from "./harness.mjs";

/** wire parameter -> the package's request key */
export const KEY_OF_PARAM = {
  value: "callId", agent_user: "agentUser", ingroup_choices: "ingroup", status: "status",
  phone_number: "phoneNumber", pass: "pass", user: "user", source: "source",
};

/** The versions with a probe file in the repository, oldest first. */
export function probedVersions() {
  return readdirSync(join(root, "tests", "recordings", "filters"))
    .map((f) => /^filters-(\d+\.\d+-\d+)\.json$/.exec(f)?.[1])
    .filter(Boolean)
    .sort(compareVersions);
}

export function compareVersions(a, b) {
  const pa = a.split(/[.-]/).map(Number);
  const pb = b.split(/[.-]/).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** The encoded probes of `version`: [{ param, key, sent, kept, exact, echoed }] */
export function encodedProbes(version) {
  const file = filterProbes(version);
  if (!file) return null;
  if (file.version !== version) throw new Error(`filters-${version}.json says version ${file.version}`);
  return file.probes
    .filter((p) => !String(p.query_part).includes("raw"))
    .map((p) => {
      if (typeof p.kept !== "boolean" || typeof p.exact !== "boolean") {
        throw new Error(`filters-${version}.json: probe ${JSON.stringify(p.sent)} of ${p.param} has no kept/exact flags`);
      }
      if (!KEY_OF_PARAM[p.param]) throw new Error(`filters-${version}.json: unknown parameter ${p.param}`);
      return { param: p.param, key: KEY_OF_PARAM[p.param], sent: p.sent, kept: p.kept, exact: p.exact, echoed: p.echoed_or_stored };
    });
}

/**
 * Whether every character of `value` survives `param`'s filter on `version`,
 * read from the probes (the probe character c of `AB<c>CD` counts as kept
 * when the server kept it as often as it was sent).
 */
export function keptBy(version, param, value) {
  const probes = encodedProbes(version).filter((p) => p.param === param);
  const kept = new Set();
  for (const p of probes) {
    const c = p.sent.slice(2, -2);
    if (p.kept) kept.add(c);
  }
  return [...value].every((c) => kept.has(c));
}
