// The demo page. No framework and no build step: copy what you need.
//
// Rules this file keeps, and a dashboard should too:
// - call `init()` once before using the package (it loads the WebAssembly);
// - show every message and reply with `textContent`, never as HTML: VICIdial
//   echoes parts of the request unescaped;
// - never resend a transfer by itself: it is not idempotent.
import init, { validateTransfer, buildTransfer, TransferClient } from './pkg/index.js';

const FORM_FIELDS = ['agentUser', 'callId', 'ingroup', 'status'];
const LABELS = { agentUser: 'Agent user', callId: 'Call ID', ingroup: 'In-group', status: 'Status' };
const ENDPOINT = new URL('/agc/api.php', location.href).href;

const $ = (id) => document.getElementById(id);
const form = $('transfer-form');
const sendButton = $('send');
const touched = new Set();
let sending = false;

try {
  await init();
} catch (error) {
  showLoadError(error);
  throw error;
}

/** The request as typed. Values are kept exactly (no trimming): the package reports stray spaces. */
function currentRequest() {
  const request = {
    agentUser: $('agentUser').value,
    callId: $('callId').value,
    ingroup: $('ingroup').value,
  };
  const status = $('status').value;
  if (status !== '') request.status = status;
  return request;
}

/** Validates, shows errors at the touched fields, refreshes the preview. Returns the issues. */
function refresh() {
  const request = currentRequest();
  const issues = validateTransfer(request);

  const byField = new Map();
  for (const issue of issues) {
    const list = byField.get(issue.field) ?? [];
    list.push(issue.message);
    byField.set(issue.field, list);
  }
  for (const name of FORM_FIELDS) {
    showFieldError(name, touched.has(name) ? byField.get(name) : undefined);
  }
  // Issues with fields this form does not have (none expected: the proxy adds source and credentials).
  const other = issues.filter((issue) => !FORM_FIELDS.includes(issue.field));
  $('other-errors').textContent = other.map((issue) => issue.message).join(' ');
  $('other-errors').hidden = other.length === 0;

  renderPreview(request, issues);
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

function renderPreview(request, issues) {
  const preview = $('preview');
  if (issues.length > 0) {
    const names = [...new Set(issues.map((issue) => LABELS[issue.field] ?? issue.field))];
    preview.textContent = `(Not built yet: fix ${names.join(', ')}.)`;
    preview.classList.add('muted');
    return;
  }
  let built;
  try {
    built = buildTransfer(request);
  } catch (error) {
    preview.textContent = `(Not built: ${error.message})`;
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

// One client per token: it remembers the calls it sent, which is how it can
// tell that a later "no active call" most likely means "already transferred".
let client = null;
let clientToken = null;
function clientFor(token) {
  if (client && clientToken === token) return client;
  client?.free();
  client = new TransferClient({ endpoint: ENDPOINT, headers: { Authorization: `Bearer ${token}` } });
  clientToken = token;
  return client;
}

async function send(event) {
  event.preventDefault();
  if (sending) return;
  for (const name of FORM_FIELDS) touched.add(name);
  const issues = refresh();
  if (issues.length > 0) {
    const first = FORM_FIELDS.find((name) => issues.some((issue) => issue.field === name));
    if (first) $(first).focus();
    return;
  }

  sending = true;
  sendButton.disabled = true;
  sendButton.textContent = 'Sending…';
  $('outcome').setAttribute('aria-busy', 'true');
  try {
    const outcome = await clientFor($('token').value).transfer(currentRequest());
    renderOutcome(outcome);
  } catch (error) {
    // transfer() resolves for every failed transfer; this is a bug or a load problem.
    renderOutcome({ ok: false, code: 'PAGE_ERROR', message: String(error?.message ?? error) });
  } finally {
    sending = false;
    sendButton.disabled = false;
    sendButton.textContent = 'Send through the proxy';
    $('outcome').removeAttribute('aria-busy');
  }
}

function renderOutcome(outcome) {
  $('outcome-empty').hidden = true;
  $('outcome-body').hidden = false;

  const code = $('outcome-code');
  code.textContent = outcome.code;
  code.className = `badge ${outcome.ok ? 'badge-ok' : outcome.outcomeUnknown || outcome.likelyAlreadyTransferred ? 'badge-warn' : 'badge-error'}`;
  $('outcome-http').textContent = outcome.httpStatus === undefined ? '' : `HTTP ${outcome.httpStatus}`;
  $('outcome-message').textContent = outcome.message;
  $('hint-already').hidden = !outcome.likelyAlreadyTransferred;
  $('hint-unknown').hidden = !outcome.outcomeUnknown;

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
  // On a narrow screen the outcome is below the fold; the live region announces it.
  $('outcome-heading').scrollIntoView({ block: 'nearest' });
}

async function startSandboxCall() {
  const button = $('start-call');
  const status = $('sandbox-status');
  button.disabled = true;
  status.textContent = 'Starting a sandbox call…';
  try {
    const response = await fetch(new URL('/sandbox/calls', location.href), {
      method: 'POST',
      headers: { Accept: 'application/json' },
    });
    if (!response.ok) throw new Error(`the sandbox answered HTTP ${response.status}`);
    const call = await response.json();
    if (typeof call.callId !== 'string') throw new Error('the sandbox reply has no callId');
    $('callId').value = call.callId;
    if (typeof call.agentUser === 'string') $('agentUser').value = call.agentUser;
    touched.add('callId');
    touched.add('agentUser');
    refresh();
    const via = call.direction === 'OUT'
      ? (call.campaign ? ` (outbound, campaign ${call.campaign})` : ' (outbound)')
      : (call.ingroup ? ` (it came in on ${call.ingroup})` : '');
    status.textContent = `Started call ${call.callId} for agent ${call.agentUser ?? $('agentUser').value}${via}.`;
  } catch (error) {
    status.textContent = `Could not start a sandbox call: ${error.message}`;
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

for (const name of FORM_FIELDS) {
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
form.addEventListener('submit', send);
$('start-call').addEventListener('click', startSandboxCall);
$('copy-code').addEventListener('click', copyCode);

refresh();
document.documentElement.dataset.ready = 'true';
