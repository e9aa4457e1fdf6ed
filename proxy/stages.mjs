// The stages the proxy forwards, over the package's whole call control
// (decodeCallControl / buildCallControl with { serverVersion }). The rest of
// the proxy sees one shape: { stage, target, request }.

/** The stages the package decodes (each token allows a subset: TOKEN_AGENTS "stages"). */
export const FORWARDED_STAGES = Object.freeze(['INGROUPTRANSFER', 'EXTENSIONTRANSFER', 'HANGUP']);

/** The stages the loaded package can decode. */
export function supportedStages() {
  return FORWARDED_STAGES;
}

/** What an action is aimed at: the in-group, the number, or '' (HANGUP). */
export function targetOf(stage, request) {
  if (stage === 'INGROUPTRANSFER') return request.ingroup ?? '';
  if (stage === 'EXTENSIONTRANSFER') return request.phoneNumber ?? '';
  return '';
}

/** The reply code that means the stage acted (the call moved or ended). */
export function successCode(stage) {
  return stage === 'HANGUP' ? 'HUNGUP' : 'TRANSFERRED';
}

/**
 * Decodes the client's parameters (query and form body joined). Throws the
 * package's RangeError when it does not support `serverVersion`.
 * @returns {{ ok: true, stage, target, request } | { ok: false, issues }}
 */
export function decodeAction(api, encoded, serverVersion) {
  const d = api.decodeCallControl(encoded, serverVersion ? { serverVersion } : undefined);
  if (!d.ok) return d;
  const stage = d.request.stage;
  return { ok: true, stage, target: targetOf(stage, d.request), request: d.request };
}

/**
 * The form body sent upstream: the decoded request plus the proxy's credentials.
 * Throws the package's validation error (with `.issues`) if a credential is refused.
 */
export function buildForward(api, request, creds, serverVersion) {
  const full = { ...request, source: creds.source, user: creds.user, pass: creds.pass };
  return api.buildCallControl(full, serverVersion ? { serverVersion } : undefined).body;
}

/** Which setting a credential issue of the package points at. */
export const CREDENTIAL_SETTINGS = Object.freeze({ source: 'VICIDIAL_SOURCE', user: 'VICIDIAL_USER', pass: 'VICIDIAL_PASS' });

/**
 * Checks the proxy's own credentials with the package on a sample request.
 * Returns the names of the settings that are wrong.
 */
export function credentialProblems(api, creds, serverVersion) {
  const sample = { stage: 'INGROUPTRANSFER', agentUser: '1028', callId: 'Y0315201639000402027', ingroup: 'SALESLINE' };
  try {
    buildForward(api, sample, creds, serverVersion);
    return [];
  } catch (e) {
    if (!Array.isArray(e.issues)) throw e;
    const fields = e.issues.map((i) => CREDENTIAL_SETTINGS[i.field]).filter(Boolean);
    return [...new Set(fields.length ? fields : Object.values(CREDENTIAL_SETTINGS))];
  }
}
