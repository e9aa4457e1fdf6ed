// The demo page. No framework and no build step: copy what you need.
//
// Rules this file keeps, and a dashboard should too:
// - call `init()` once before using the package (it loads the WebAssembly);
// - show every message and reply with `textContent`, never as HTML: VICIdial
//   echoes parts of the request unescaped;
// - never resend a request by itself: moving or hanging up a call is not
//   idempotent;
// - an outcome belongs to the request that was sent: when the form changes,
//   mark it as outdated.
import init, { validateCallControl, buildCallControl, TransferClient } from './pkg/index.js';

/** The form's fields, by the package's request keys, and their labels (the words messages use). */
const LABELS = {
  stage: 'Stage',
  agentUser: 'Agent user',
  callId: 'Call ID',
  ingroup: 'In-group',
  phoneNumber: 'Phone number',
  status: 'Status',
  source: 'Source',
  user: 'API user',
  pass: 'API password',
};
const INPUT_FIELDS = ['agentUser', 'callId', 'ingroup', 'phoneNumber', 'status'];
/** The fields each stage sends (besides stage, agentUser, callId); the others are hidden. */
const STAGE_FIELDS = {
  INGROUPTRANSFER: ['ingroup', 'status'],
  EXTENSIONTRANSFER: ['phoneNumber', 'status'],
  HANGUP: ['status'],
};
const STAGE_WORDS = {
  INGROUPTRANSFER: { send: 'Transfer through the proxy', done: 'transferred' },
  EXTENSIONTRANSFER: { send: 'Transfer through the proxy', done: 'transferred' },
  HANGUP: { send: 'Hang up through the proxy', done: 'hung up' },
};
/** The versions the page compares; '' is "unknown": only rules every supported version keeps. */
const VERSIONS = ['', '2.14-82', '2.14-75', '2.14-72', '2.14-56'];
const ENDPOINT = new URL('/agc/api.php', location.href).href;

const $ = (id) => document.getElementById(id);
const form = $('call-form');
const sendButton = $('send');
const touched = new Set();
let sending = false;
/** What the shown outcome was for: the form's key at Send, and a description. */
let shownFor = null;
/** How many outcomes were shown (data-renders on #outcome: tests wait on it). */
let renders = 0;

try {
  await init();
} catch (error) {
  showLoadError(error);
  throw error;
}

const label = (field) => LABELS[field] ?? field;

function stage() {
  return form.querySelector('input[name="stage"]:checked').value;
}

function versionOptions() {
  const serverVersion = $('serverVersion').value;
  return serverVersion === '' ? {} : { serverVersion };
}

/** The request as typed, with only the fields its stage sends. Values are kept exactly (no trimming). */
function currentRequest() {
  const s = stage();
  const request = { stage: s, agentUser: $('agentUser').value, callId: $('callId').value };
  for (const name of STAGE_FIELDS[s]) {
    const value = $(name).value;
    if (name === 'status' && value === '') continue; // optional
    request[name] = value;
  }
  return request;
}

/** Everything a sent outcome depends on: the request, the version and the token. */
function formKey() {
  return JSON.stringify([currentRequest(), $('serverVersion').value, $('token').value]);
}

/** Validates, shows errors at the touched fields, refreshes preview, version list and staleness. */
function refresh() {
  const request = currentRequest();
  const issues = validateCallControl(request, versionOptions());
  const visible = new Set(['stage', 'agentUser', 'callId', ...STAGE_FIELDS[request.stage]]);

  const byField = new Map();
  for (const issue of issues) {
    const list = byField.get(issue.field) ?? [];
    list.push(issue.message);
    byField.set(issue.field, list);
  }
  for (const name of INPUT_FIELDS) {
    showFieldError(name, touched.has(name) && visible.has(name) ? byField.get(name) : undefined);
  }
  $('stage-error').textContent = (byField.get('stage') ?? []).join(' ');
  $('stage-error').hidden = !byField.has('stage');
  // Issues with fields this form does not show (none expected: the proxy adds source and credentials).
  const other = issues.filter((issue) => issue.field !== 'stage' && !visible.has(issue.field));
  $('other-errors').textContent = other.map((issue) => issue.message).join(' ');
  $('other-errors').hidden = other.length === 0;

  renderPreview(request, issues);
  renderVersions(request);
  markStale();
  return issues;
}

function showFieldError(name, messages) {
  const input = $(name);
  const error = $(`${name}-error`);
  const hint = `${name}-hint`;
  if (messages && messages.length > 0) {
    error.textContent = messages.join(' ');
    error.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', `${name}-error ${hint}`);
  } else {
    error.textContent = '';
    error.hidden = true;
    input.removeAttribute('aria-invalid');
    input.setAttribute('aria-describedby', hint);
  }
}

function showStageFields() {
  const s = stage();
  for (const field of form.querySelectorAll('[data-stages]')) {
    field.hidden = !field.dataset.stages.split(' ').includes(s);
  }
  sendButton.textContent = STAGE_WORDS[s].send;
}

function renderPreview(request, issues) {
  const preview = $('preview');
  if (issues.length > 0) {
    const names = [...new Set(issues.map((issue) => label(issue.field)))];
    preview.textContent = `(Not built yet: fix ${names.join(', ')}.)`;
    preview.classList.add('muted');
    return;
  }
  let built;
  try {
    built = buildCallControl(request, versionOptions());
  } catch (error) {
    const names = (error.issues ?? []).map((issue) => issue.message);
    preview.textContent = `(Not built: ${names.length > 0 ? names.join(' ') : error.message})`;
    preview.classList.add('muted');
    return;
  }
  preview.classList.remove('muted');
  preview.textContent = [
    `POST ${ENDPOINT}`,
    'Content-Type: application/x-www-form-urlencoded',
    'Authorization: Bearer ********',
    '',
    built.preview,
    '',
    '# Readable:',
    ...built.preview.split('&').map(readableParam),
  ].join('\n');
}

function readableParam(pair) {
  const eq = pair.indexOf('=');
  const name = eq < 0 ? pair : pair.slice(0, eq);
  const raw = eq < 0 ? '' : pair.slice(eq + 1);
  let value = raw;
  try {
    value = decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    // keep it encoded
  }
  return `#   ${name} = ${JSON.stringify(value)}`;
}

/** The same request checked for every version: shows which rules change with the server. */
function renderVersions(request) {
  const chosen = $('serverVersion').value;
  const items = VERSIONS.map((version) => {
    const issues = validateCallControl(request, version === '' ? {} : { serverVersion: version });
    const item = document.createElement('li');
    item.dataset.version = version;
    item.dataset.valid = String(issues.length === 0);
    if (version === chosen) item.classList.add('chosen');
    const name = document.createElement('strong');
    name.textContent = version === '' ? 'unknown' : version;
    const verdict = document.createElement('span');
    verdict.textContent = issues.length === 0
      ? ': valid'
      : `: ${[...new Set(issues.map((issue) => label(issue.field)))].join(', ')} refused`;
    item.append(name, verdict);
    item.title = issues.map((issue) => issue.message).join('\n');
    return item;
  });
  $('versions').replaceChildren(...items);
}

// One client per token and server version: it remembers the calls it sent,
// which is how it can tell that a later "no active call" most likely means
// "already transferred" (or "already hung up").
let client = null;
let clientKey = null;
function currentClient() {
  const key = JSON.stringify([$('token').value, $('serverVersion').value]);
  if (client && clientKey === key) return client;
  client?.free();
  client = new TransferClient({
    endpoint: ENDPOINT,
    headers: { Authorization: `Bearer ${$('token').value}` },
    ...versionOptions(),
  });
  clientKey = key;
  return client;
}

async function send(event) {
  event.preventDefault();
  if (sending) return;
  for (const name of INPUT_FIELDS) touched.add(name);
  const issues = refresh();
  if (issues.length > 0) {
    const first = INPUT_FIELDS.find((name) => issues.some((issue) => issue.field === name));
    if (first) $(first).focus();
    return;
  }

  const request = currentRequest();
  const key = formKey();
  sending = true;
  sendButton.disabled = true;
  sendButton.textContent = 'Sending…';
  $('outcome').setAttribute('aria-busy', 'true');
  let outcome;
  try {
    outcome = await currentClient().callControl(request);
  } catch (error) {
    // callControl() resolves for every failed request; this is a bug or a load problem.
    outcome = { ok: false, code: 'PAGE_ERROR', message: String(error?.message ?? error) };
  } finally {
    sending = false;
    sendButton.disabled = false;
    showStageFields();
    $('outcome').removeAttribute('aria-busy');
  }
  renderOutcome(outcome, request, key);
}

/** Reply and transport codes, in words. `r` is the request the outcome is for. */
const HEADLINES = {
  TRANSFERRED: (r) => r.stage === 'EXTENSIONTRANSFER'
    ? `Transferred to phone number ${r.phoneNumber}`
    : `Transferred to in-group ${r.ingroup}`,
  HUNGUP: () => 'Hung up',
  NO_ACTIVE_CALL: (r) => `No active call ${r.callId}`,
  INGROUP_NOT_VALID: (r) => `In-group ${r.ingroup} is not valid on the server`,
  PHONE_NUMBER_NOT_VALID: (r) => `Phone number ${r.phoneNumber} is not valid on the server`,
  AGENT_NOT_LOGGED_IN: (r) => `Agent user ${r.agentUser} is not logged in`,
  NO_USER_FOUND: () => 'The server found no such user',
  NOT_VALID: () => 'The server found the request incomplete',
  STAGE_NOT_VALID: () => 'The server does not know this stage',
  INVALID_CREDENTIALS: () => 'The proxy\'s VICIdial credentials were refused',
  INVALID_SOURCE: () => 'The server refused the source',
  API_NOT_ACTIVE: () => 'The VICIdial API is switched off',
  PERMISSION_DENIED: () => 'The proxy\'s API user may not use ra_call_control',
  SUCCESS_NOT_COMPLETED: () => 'The server said SUCCESS, then failed: nothing was done',
  TRANSLATED: () => 'The reply is translated: nothing was done; read the raw reply',
  SERVER_ERROR: () => 'The server failed',
  EMPTY_REPLY: () => 'The server answered nothing',
  UNRECOGNIZED: () => 'Unrecognized reply: read the raw reply',
  TIMEOUT: () => 'No answer in time: the outcome is unknown',
  NETWORK_ERROR: () => 'The network failed: the outcome is unknown',
  ABORTED: () => 'Cancelled before an answer: the outcome is unknown',
  INVALID_REQUEST: () => 'Not sent: the request is invalid',
  PAGE_ERROR: () => 'The page failed',
};

/** The proxy's refusals, in words: the headline names the proxy's reason. */
const PROXY_HEADLINES = {
  TOKEN_MISSING: () => 'No proxy token: the proxy refused the request',
  TOKEN_INVALID: () => 'Wrong proxy token: the proxy refused it',
  RATE_LIMITED: (r, o) => `Rate limited: wait ${waitWords(o.retryAfter)} before sending again`,
  NOT_AGENTS_CALL: (r) => `Not this agent's call: call ${r.callId} is not agent user ${r.agentUser}'s current call`,
  ALREADY_ACTED: (r) => `Already moved: the proxy already acted on call ${r.callId}`,
  TRANSFER_IN_PROGRESS: (r) => `In progress: another request for call ${r.callId} is still running`,
  OUTCOME_UNKNOWN: (r) => `An earlier request on call ${r.callId} has an unknown outcome: check the call first`,
  CALL_RINGING: (r, o) => `Call ${r.callId} is still ringing: answer it first${o.retryAfter ? `, then try again in ${waitWords(o.retryAfter)}` : ''}`,
  CALL_ENDED: (r) => `Call ${r.callId} has ended`,
  AGENT_NOT_LOGGED_IN: (r) => `Agent user ${r.agentUser} is not logged in`,
  AGENT_NOT_ALLOWED: (r) => `This token may not act for agent user ${r.agentUser}`,
  TARGET_NOT_ALLOWED: () => 'This token may not send calls there',
  STAGE_NOT_ALLOWED: (r) => `This token may not use stage ${r.stage}`,
  OWNERSHIP_CHECK_FAILED: () => 'The proxy could not check whose call this is: nothing was sent',
  ORIGIN_NOT_ALLOWED: () => 'The proxy does not accept requests from this page\'s origin',
  AGENT_REQUIRED: () => 'The proxy needs to know which agent: this token acts for several',
  INVALID_REQUEST: () => 'The proxy found the request invalid',
  UNKNOWN_PARAMETER: () => 'The proxy refused a parameter it does not know',
  CREDENTIALS_NOT_ALLOWED: () => 'The proxy refused a request carrying VICIdial credentials: it adds them itself',
  FUNCTION_NOT_ALLOWED: () => 'The proxy only relays ra_call_control',
  BODY_TOO_LARGE: () => 'The proxy refused the request: too large',
  UNSUPPORTED_MEDIA_TYPE: () => 'The proxy refused the request: not a form body',
  REQUEST_TIMEOUT: () => 'The request did not reach the proxy in time: nothing was sent',
  METHOD_NOT_ALLOWED: () => 'The proxy does not take this HTTP method',
  NOT_FOUND: () => 'The proxy has no such endpoint',
  MISCONFIGURED: () => 'The proxy is misconfigured',
  PROXY_FAILURE: () => 'The proxy failed mid-request: the outcome is unknown, check the call',
  UPSTREAM_TIMEOUT: () => 'VICIdial did not answer in time: the outcome is unknown',
  UPSTREAM_BODY_TIMEOUT: () => 'VICIdial\'s answer did not complete: the outcome is unknown',
  UPSTREAM_CONNECTION_FAILED: () => 'The connection to VICIdial failed: the outcome is unknown',
  UPSTREAM_HTTP_ERROR: () => 'VICIdial answered with an HTTP error: the outcome is unknown',
  UPSTREAM_SERVER_ERROR: () => 'VICIdial failed while answering: the outcome is unknown',
  UPSTREAM_REPLY_TOO_LARGE: () => 'VICIdial\'s answer was too large: the outcome is unknown',
};

function waitWords(seconds) {
  const n = Number(seconds);
  if (!Number.isFinite(n) || n < 0) return 'a moment';
  return n === 1 ? '1 second' : `${n} seconds`;
}

export function headlineFor(outcome, request) {
  if (outcome.code === 'PROXY_REFUSED') {
    const words = PROXY_HEADLINES[outcome.proxyCode];
    return words ? words(request, outcome) : `The proxy refused the request (${outcome.proxyCode})`;
  }
  const words = HEADLINES[outcome.code];
  return words ? words(request, outcome) : outcome.message;
}

/** The proxy writes fields as `agentUser:CODE`; the page says "Agent user (CODE)". */
function withLabels(text) {
  return String(text ?? '').replace(/\b(agentUser|callId|ingroup|phoneNumber|status|stage|source|user|pass):([A-Z_]+)/g,
    (match, field, code) => `${label(field)} (${code})`);
}

/** The proxy's detail starts in lower case: shown on its own, it reads as a sentence. */
function sentence(text) {
  const t = String(text ?? '');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

function describe(request) {
  const target = request.stage === 'INGROUPTRANSFER' ? ` to ${request.ingroup}`
    : request.stage === 'EXTENSIONTRANSFER' ? ` to ${request.phoneNumber}` : '';
  return `${request.stage}${target}, call ${request.callId || '(none)'}`;
}

function renderOutcome(outcome, request, key) {
  $('outcome-empty').hidden = true;
  $('outcome-body').hidden = false;
  const sentAt = new Date().toLocaleTimeString();
  renders += 1;
  shownFor = { key, text: `${describe(request)}, sent at ${sentAt}` };

  const warn = outcome.outcomeUnknown || outcome.likelyAlreadyTransferred || outcome.likelyAlreadyEnded
    || ['RATE_LIMITED', 'TRANSFER_IN_PROGRESS', 'ALREADY_ACTED', 'OUTCOME_UNKNOWN', 'CALL_RINGING'].includes(outcome.proxyCode);
  const tone = outcome.ok ? 'ok' : warn ? 'warn' : 'error';
  $('outcome').dataset.tone = tone;
  $('outcome').dataset.code = outcome.code;
  if (outcome.proxyCode) $('outcome').dataset.proxyCode = outcome.proxyCode;
  else delete $('outcome').dataset.proxyCode;

  $('outcome-headline').textContent = headlineFor(outcome, request);
  $('outcome-headline').className = `outcome-headline headline-${tone}`;
  const code = $('outcome-code');
  code.textContent = outcome.proxyCode ? `${outcome.code} · ${outcome.proxyCode}` : outcome.code;
  code.className = `badge badge-${tone}`;
  $('outcome-http').textContent = outcome.httpStatus === undefined ? '' : `HTTP ${outcome.httpStatus}`;
  const message = outcome.code === 'PROXY_REFUSED' ? sentence(outcome.reason ?? outcome.message) : outcome.message;
  $('outcome-message').textContent = withLabels(message);

  const already = outcome.likelyAlreadyTransferred || outcome.likelyAlreadyEnded;
  $('hint-already').hidden = !already;
  if (already) {
    $('hint-already-title').textContent = outcome.likelyAlreadyEnded ? 'Likely already hung up.' : 'Likely already transferred.';
    $('hint-already-text').textContent = 'This page already sent a request for this call; VICIdial deletes the live call '
      + 'when it acts on it, so a repeat finds no active call. Do not send again; check where the call is.';
  }
  $('hint-unknown').hidden = !outcome.outcomeUnknown;
  $('hint-replayed').hidden = outcome.replayed !== true;

  const list = $('outcome-issues');
  list.replaceChildren(
    ...(outcome.issues ?? []).map((issue) => {
      const item = document.createElement('li');
      item.textContent = issue.message;
      return item;
    }),
  );
  list.hidden = list.childElementCount === 0;

  const hasRaw = typeof outcome.raw === 'string';
  $('raw').hidden = !hasRaw;
  // Text only: the reply can contain markup VICIdial echoed from the request.
  $('raw-text').textContent = hasRaw ? (outcome.raw === '' ? '(empty body)' : outcome.raw) : '';
  markStale();
  $('outcome').dataset.renders = String(renders);
  bringIntoView($('outcome-card'));
}

/** An outcome for an earlier request is marked as such as soon as the form differs from what was sent. */
function markStale() {
  const banner = $('outcome-stale');
  const stale = shownFor !== null && shownFor.key !== formKey();
  banner.hidden = !stale;
  banner.textContent = stale ? `Outdated: this outcome is for the earlier request (${shownFor.text}). `
    + 'The form has changed since; send to see the outcome for the request as it is now.' : '';
  $('outcome-body').classList.toggle('stale', stale);
  if (shownFor !== null) $('outcome').dataset.stale = String(stale);
}

/** On a narrow screen the outcome is below the form: scroll it to the top unless it is already in view. */
function bringIntoView(element) {
  const box = element.getBoundingClientRect();
  const fits = box.top >= 0 && Math.min(box.bottom, box.top + 240) <= window.innerHeight;
  if (!fits) element.scrollIntoView({ block: 'start', behavior: 'instant' });
}

async function startSandboxCall() {
  const button = $('start-call');
  const status = $('call-status');
  button.disabled = true;
  status.textContent = 'Starting a sandbox call…';
  try {
    const agentUser = $('agentUser').value;
    const response = await fetch(new URL('/sandbox/calls', location.href), {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify(agentUser === '' ? {} : { agentUser }),
    });
    if (!response.ok) throw new Error(`the sandbox answered HTTP ${response.status}: ${(await response.text()).trim()}`);
    const call = await response.json();
    if (typeof call.callId !== 'string') throw new Error('the sandbox reply has no call ID');
    const via = call.direction === 'OUT'
      ? (call.campaign ? ` (outbound, campaign ${call.campaign})` : ' (outbound)')
      : (call.ingroup ? ` (it came in on ${call.ingroup})` : '');
    status.textContent = `Started call ${call.callId} for agent user ${call.agentUser ?? agentUser}${via}. `
      + 'Press "Use my current call" to fill it in, or type it.';
    status.dataset.callId = call.callId;
  } catch (error) {
    status.textContent = `Could not start a sandbox call: ${error.message}`;
  } finally {
    button.disabled = false;
  }
}

async function useCurrentCall() {
  const button = $('current-call');
  const status = $('call-status');
  button.disabled = true;
  status.textContent = 'Asking the proxy for the agent\'s current call…';
  try {
    const answer = await currentClient().currentCall();
    if (!answer.ok) {
      const request = { stage: stage(), agentUser: $('agentUser').value, callId: $('callId').value };
      const reason = answer.code === 'PROXY_REFUSED' ? (answer.reason ?? answer.message) : answer.message;
      status.textContent = `Could not get the current call. ${headlineFor(answer, request)}${reason ? `: ${withLabels(reason)}` : ''}`;
      return;
    }
    if (typeof answer.agentUser === 'string' && answer.agentUser !== '') {
      $('agentUser').value = answer.agentUser;
      touched.add('agentUser');
    }
    if (!answer.callId) {
      status.textContent = `Agent user ${answer.agentUser} has no call right now (status ${answer.status || 'unknown'}).`;
      refresh();
      return;
    }
    $('callId').value = answer.callId;
    touched.add('callId');
    refresh();
    const state = [answer.status, answer.subStatus].filter(Boolean).join(' ');
    status.textContent = `Agent user ${answer.agentUser} is on call ${answer.callId} (${state || 'status unknown'})`
      + (answer.movable === false ? ': it cannot be moved right now.' : '.');
  } catch (error) {
    status.textContent = `Could not get the current call: ${error?.message ?? error}`;
  } finally {
    button.disabled = false;
  }
}

async function copyCode() {
  const status = $('copy-status');
  try {
    await navigator.clipboard.writeText($('usage-code').textContent);
    status.textContent = 'Copied.';
  } catch {
    // Clipboard refused (permissions): select the code so Ctrl+C works.
    const range = document.createRange();
    range.selectNodeContents($('usage-code'));
    const selection = getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    status.textContent = 'Selected: press Ctrl+C to copy.';
  }
}

function showLoadError(error) {
  const banner = $('load-error');
  banner.textContent = `The package did not load, so nothing can be checked or sent: ${error?.message ?? error}`;
  banner.hidden = false;
  sendButton.disabled = true;
}

for (const name of INPUT_FIELDS) {
  const input = $(name);
  input.addEventListener('input', () => {
    touched.add(name);
    refresh();
  });
  input.addEventListener('blur', () => {
    if (input.value !== '' || name !== 'status') touched.add(name);
    refresh();
  });
}
for (const radio of form.querySelectorAll('input[name="stage"]')) {
  radio.addEventListener('change', () => {
    showStageFields();
    refresh();
  });
}
$('serverVersion').addEventListener('change', refresh);
$('token').addEventListener('input', markStale);
form.addEventListener('submit', send);
$('start-call').addEventListener('click', startSandboxCall);
$('current-call').addEventListener('click', useCurrentCall);
$('copy-code').addEventListener('click', copyCode);

showStageFields();
refresh();
document.documentElement.dataset.ready = 'true';
