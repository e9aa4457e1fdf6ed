// The stages the proxy forwards, over whatever the package offers: the
// whole call control (decodeCallControl / buildCallControl) when the
// package has it, else INGROUPTRANSFER only (decodeTransfer / buildTransfer).
// The rest of the proxy sees one shape: { stage, target, request }.

/** The stages the loaded package can decode. */
export function supportedStages(api) {
  return typeof api.decodeCallControl === 'function'
    ? ['INGROUPTRANSFER', 'EXTENSIONTRANSFER', 'HANGUP']
    : ['INGROUPTRANSFER'];
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
 * Decodes the client's parameters (query and form body joined).
 * @returns {{ ok: true, stage, target, request } | { ok: false, issues }}
 */
export function decodeAction(api, encoded, serverVersion) {
  const options = serverVersion ? { serverVersion } : undefined;
  if (typeof api.decodeCallControl === 'function') {
    const d = api.decodeCallControl(encoded, options);
    if (!d.ok) return d;
    const stage = d.request.stage;
    return { ok: true, stage, target: targetOf(stage, d.request), request: d.request };
  }
  const d = api.decodeTransfer(encoded, options);
  if (!d.ok) return d;
  const request = { stage: 'INGROUPTRANSFER', ...d.request };
  return { ok: true, stage: 'INGROUPTRANSFER', target: request.ingroup, request };
}

/**
 * The form body sent upstream: the decoded request plus the proxy's credentials.
 * Throws the package's validation error (with `.issues`) if a credential is refused.
 */
export function buildForward(api, request, creds, serverVersion) {
  const options = serverVersion ? { serverVersion } : undefined;
  const full = { ...request, source: creds.source, user: creds.user, pass: creds.pass };
  if (typeof api.buildCallControl === 'function') return api.buildCallControl(full, options).body;
  const { stage, ...transfer } = full;
  return api.buildTransfer(transfer, options).body;
}

/** Which setting a credential issue of the package points at. */
export const CREDENTIAL_SETTINGS = Object.freeze({ source: 'VICIDIAL_SOURCE', user: 'VICIDIAL_USER', pass: 'VICIDIAL_PASS' });

/**
 * Checks the proxy's own credentials with the package once, at start-up,
 * on a sample request. Returns the names of the settings that are wrong.
 */
export function credentialProblems(api, creds, serverVersion) {
  const sample = { stage: 'INGROUPTRANSFER', agentUser: '1028', callId: 'Y0315201639000402027', ingroup: 'SALESLINE' };
  try {
    buildForward(api, sample, creds, serverVersion);
    return [];
  } catch (e) {
    const fields = (e.issues ?? []).map((i) => CREDENTIAL_SETTINGS[i.field]).filter(Boolean);
    return [...new Set(fields.length ? fields : Object.values(CREDENTIAL_SETTINGS))];
  }
}
