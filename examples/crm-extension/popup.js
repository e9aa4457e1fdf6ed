// The popup picks the in-group and shows the answer; the service worker
// holds the package, asks the proxy for the agent's current call and moves it.
import { headline, tone } from './outcome-words.js';

const $ = (id) => document.getElementById(id);
// Remembered in this extension's localStorage (on disk in the browser
// profile, unencrypted): the in-group, the endpoint and the token.
const REMEMBERED = ['ingroup', 'endpoint', 'token'];

for (const id of REMEMBERED) {
  const saved = localStorage.getItem(id);
  if (saved !== null) $(id).value = saved;
}

$('form').addEventListener('submit', async (event) => {
  event.preventDefault();
  for (const id of REMEMBERED) localStorage.setItem(id, $(id).value);
  $('send').disabled = true;
  show({ code: '…', message: 'Asking the proxy for your current call and moving it' }, true);
  try {
    const outcome = await chrome.runtime.sendMessage({
      type: 'transferCurrentCall',
      ingroup: $('ingroup').value,
      endpoint: $('endpoint').value,
      token: $('token').value,
    });
    show(outcome ?? { ok: false, code: 'EXTENSION_ERROR', message: 'The service worker did not answer.' });
  } catch (error) {
    show({ ok: false, code: 'EXTENSION_ERROR', message: String(error?.message ?? error) });
  } finally {
    $('send').disabled = false;
  }
});

// Everything as text: replies can carry markup VICIdial echoed from the request.
function show(outcome, pending = false) {
  $('headline').textContent = pending ? 'Sending…' : headline(outcome);
  $('code').textContent = outcome.proxyCode ? `${outcome.code} · ${outcome.proxyCode}` : outcome.code;
  $('message').textContent = outcome.code === 'PROXY_REFUSED' ? (outcome.reason ?? outcome.message ?? '') : (outcome.message ?? '');
  $('call').textContent = outcome.call?.callId
    ? `Call ${outcome.call.callId} of agent user ${outcome.call.agentUser}${outcome.call.status ? ` (${outcome.call.status})` : ''}`
    : '';
  $('hint').textContent = outcome.outcomeUnknown
    ? 'Outcome unknown: it may have reached VICIdial. Do not retry; check the call.'
    : outcome.likelyAlreadyTransferred
      ? 'Likely already transferred by an earlier attempt. Do not send again.'
      : '';
  $('issues').replaceChildren(...(outcome.issues ?? []).map((issue) => {
    const item = document.createElement('li');
    item.textContent = issue.message;
    return item;
  }));
  $('raw').textContent = outcome.raw ?? '';
  document.body.dataset.outcome = outcome.code;
  document.body.dataset.tone = pending ? '' : tone(outcome);
}
