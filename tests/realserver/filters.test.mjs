// The per-version filter probes (tests/recordings/filters/), checked against
// the package with `serverVersion`: every value that version rewrote (a
// character deleted or changed) is refused on its field by
// validateCallControl; every value it kept exactly is accepted. The probes
// come from the real servers (../shared/realserver/filter-probe.py); this
// part needs only the repository.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { loadPackage, validate } from "./package.mjs";
import { encodedProbes, KEY_OF_PARAM, probedVersions } from "./probes.mjs";

const OUT = "Y0315201639000402027";
const BASE = { source: "crm", user: "6666", pass: "1234", agentUser: "1028", callId: OUT };

/** A request that is valid on every version, with `key` set to `value` (the probed field). */
function requestWith(param, key, value) {
  const stage = param === "phone_number" ? "EXTENSIONTRANSFER" : param === "ingroup_choices" ? "INGROUPTRANSFER" : "HANGUP";
  const request = { ...BASE, stage };
  if (stage === "EXTENSIONTRANSFER") request.phoneNumber = "8500";
  if (stage === "INGROUPTRANSFER") request.ingroup = "SALESLINE";
  request[key] = value;
  return request;
}

/**
 * Characters a version keeps that the package still refuses on purpose,
 * with the reason. Everything else kept exactly must be accepted.
 */
const REFUSED_ON_PURPOSE = {
  // VICIdial's admin screens make in-group IDs of letters, digits and _ only:
  // no in-group can be named with a space or a dash, so sending one is a mistake.
  ingroup_choices: new Set([" ", "-"]),
};

let pkg;
before(async () => { pkg = await loadPackage(); });

const versions = probedVersions();
test("probe files are present for 2.14-82 and older revisions", () => {
  assert.ok(versions.includes("2.14-82"), `versions probed: ${versions.join(", ")}`);
  assert.ok(versions.length >= 2, `versions probed: ${versions.join(", ")}`);
});

for (const version of versions) {
  describe(`filters of api.php ${version}`, () => {
    for (const param of Object.keys(KEY_OF_PARAM)) {
      test(`${param}: rewritten values refused, exactly kept values accepted (serverVersion ${version})`, () => {
        const probes = encodedProbes(version).filter((p) => p.param === param);
        assert.ok(probes.length >= 95, `${probes.length} probes of ${param}`);
        const wrong = [];
        let refused = 0;
        let accepted = 0;
        for (const p of probes) {
          const issues = validate(pkg, requestWith(param, p.key, p.sent), version);
          const onField = issues.filter((i) => i.field === p.key);
          if (!p.exact) {
            if (onField.length === 0) wrong.push(`${JSON.stringify(p.sent)} (server kept ${JSON.stringify(p.echoed)}) was accepted`);
            else refused++;
          } else if (REFUSED_ON_PURPOSE[param]?.has(p.sent.slice(2, -2))) {
            // must still be refused, on that field only
            if (onField.length === 0 || onField.length !== issues.length) wrong.push(`${JSON.stringify(p.sent)} (refused on purpose) gave ${JSON.stringify(issues)}`);
            else refused++;
          } else if (issues.length) {
            wrong.push(`${JSON.stringify(p.sent)} (kept exactly) was refused: ${issues.map((i) => `${i.field} ${i.code}`).join(", ")}`);
          } else accepted++;
        }
        assert.deepEqual(wrong, [], `${version} ${param}: ${wrong.length} wrong of ${probes.length}`);
        assert.ok(refused + accepted === probes.length);
      });
    }
  });
}
