// api.php versions the sandbox can imitate, and the input filters of each.
//
// ONE table: VERSIONS (the version strings the sandbox accepts, with the
// build `function=version` answers) and FILTER_RULES (for every parameter,
// the characters kept from a given version on). Sources:
// shared/spec/versions.md (the table "Characters each parameter keeps",
// read from the history of www/agc/api.php) and the filter probes of the
// real server, tests/recordings/filters/filters-<version>.json (2.14-56,
// 2.14-72, 2.14-75, 2.14-82; tests/sandbox/versions.test.mjs replays every
// probe against the sandbox). Builds: versions.md's "version / build"
// pairs, the vendored old api.php files (realserver/vendor/old/*), and for
// 2.14-81 the api.php of that version (`$build = '240429-2220'`, the first
// of the two commits that carry the string).
//
// An unknown version string is refused (no guessing of builds or filters).

/** [version, build] in version order. */
export const VERSIONS = Object.freeze([
  ['2.12-47', '150429-1717'], // user allowed-function restrictions
  ['2.12-49', '150626-2120'],
  ['2.14-56', '170527-2250'], // status/stage filtering added
  ['2.14-60', '180301-2302'],
  ['2.14-64', '190222-1152'], // auth message BAD|0|api|<SQL>
  ['2.14-67', '201112-2053'], // value keeps |
  ['2.14-68', '210222-1058'],
  ['2.14-70', '210616-2057'],
  ['2.14-72', '220220-0847'], // pass keeps . + / =
  ['2.14-75', '230519-0731'], // agent_user keeps - _
  ['2.14-81', '240429-2220'],
  ['2.14-82', '250122-1010'], // phone_number keeps letters
].map(([version, build]) => Object.freeze({ version, build })));

export const NEWEST = '2.14-82';

/** "2.14-82" -> [2, 14, 82]; null when unreadable. */
export function parseVersion(v) {
  const m = /^(\d+)\.(\d+)-(\d+)$/.exec(String(v));
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/** <0, 0, >0 like a comparator. Both must be readable. */
export function compareVersions(a, b) {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) throw new Error(`unreadable api.php version ${JSON.stringify(x ? b : a)}`);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/** The VERSIONS entry for a version string, or an Error naming the known ones. */
export function resolveVersion(v) {
  const hit = VERSIONS.find((e) => e.version === v);
  if (hit) return hit;
  throw new Error(
    `unknown api.php version ${JSON.stringify(v)} for the sandbox (SANDBOX_API_VERSION / apiVersion); known: ${VERSIONS.map((e) => e.version).join(', ')}`,
  );
}

// Filter rules (use_non_latin=0). For each parameter: [from version, regex of
// the characters DELETED], newest rule last; null = unfiltered.
const FILTER_RULES = {
  user: [['2.12-47', /[^-_0-9a-zA-Z]/g]], // since 2.10-44
  pass: [['2.12-47', /[^-_0-9a-zA-Z]/g], ['2.14-72', /[^-.+/=_0-9a-zA-Z]/g]],
  agent_user: [['2.12-47', /[^0-9a-zA-Z]/g], ['2.14-75', /[^-_0-9a-zA-Z]/g]],
  function: [['2.12-47', /[^-_0-9a-zA-Z]/g]],
  value: [['2.12-47', /[^-_0-9a-zA-Z]/g], ['2.14-67', /[^-|_0-9a-zA-Z]/g]],
  source: [['2.12-47', /[^0-9a-zA-Z]/g]],
  ingroup_choices: [['2.12-47', /[^- _0-9a-zA-Z]/g]], // after `+` -> space
  phone_number: [['2.12-47', /[^0-9]/g], ['2.12-50', /[^*#0-9]/g], ['2.14-82', /[^*#0-9a-zA-Z]/g]],
  status: [['2.12-47', null], ['2.14-56', /[^-_0-9a-zA-Z]/g]], // VARCHAR(6) cuts it anyway
  stage: [['2.12-47', null], ['2.14-56', /['"\\;]/g]],
};

// use_non_latin=1: from 2.14-72 the letter classes become \p{L}; before,
// value, ingroup_choices, status, user and pass were not filtered at all.
const NON_LATIN_RULES = {
  user: [['2.12-47', null], ['2.14-72', /[^-_0-9\p{L}]/gu]],
  pass: [['2.12-47', null], ['2.14-72', /[^-.+/=_0-9\p{L}]/gu]],
  agent_user: [['2.12-47', /[^0-9\p{L}]/gu], ['2.14-75', /[^-_0-9\p{L}]/gu]],
  function: [['2.12-47', /[^-_0-9\p{L}]/gu]],
  value: [['2.12-47', null], ['2.14-72', /[^-|_0-9\p{L}]/gu]],
  source: [['2.12-47', /[^0-9\p{L}]/gu]],
  ingroup_choices: [['2.12-47', null], ['2.14-72', /[^- _0-9\p{L}]/gu]],
  phone_number: [['2.12-47', /[^0-9]/g], ['2.12-50', /[^*#0-9]/g], ['2.14-82', /[^*#0-9\p{L}]/gu]],
  status: [['2.12-47', null], ['2.14-72', /[^-_0-9\p{L}]/gu]],
  stage: [['2.12-47', null], ['2.14-56', /['"\\;]/g]],
};

function pick(rules, version) {
  const out = {};
  for (const [param, list] of Object.entries(rules)) {
    let re = list[0][1];
    for (const [from, r] of list) if (compareVersions(version, from) >= 0) re = r;
    out[param] = re;
  }
  return Object.freeze(out);
}

/**
 * The deletion regexes of one version: { latin: {param: RegExp|null}, nonLatin: {...} }.
 * Throws for an unknown version.
 */
export function filtersFor(version) {
  resolveVersion(version);
  return Object.freeze({ latin: pick(FILTER_RULES, version), nonLatin: pick(NON_LATIN_RULES, version) });
}

/** Reply/behaviour differences of older versions besides the filters (shared/spec/versions.md, realserver README). */
export function behaviourFor(version) {
  return Object.freeze({
    // auth message `BAD|0|api|<SQL>` from 2.14-64; before: `BAD|<SQL>`
    authBcryptSourceFields: compareVersions(version, '2.14-64') >= 0,
    // up to 2.14-56 api_log() inserts data='$data' in single quotes: a
    // $data with a quote (the auth SQL) makes PHP 8.2's mysqli throw: HTTP 500
    apiLogSingleQuoted: compareVersions(version, '2.14-57') < 0,
  });
}
