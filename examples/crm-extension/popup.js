// The popup only collects the request and shows the answer; the service
// worker holds the package and does the network call.
const $ = (id) => document.getElementById(id);
const REMEMBERED = ['endpoint', 'agentUser', 'ingroup'];

for (const id of REMEMBERED) {
  const saved = localStorage.getItem(id);
  if (saved !== null) $(id).value = saved;
}

$('form').addEventListener('submit', async (event) => {
  event.preventDefault();
  for (const id of REMEMBERED) localStorage.setItem(id, $(id).value);

  const request = { agentUser: $('agentUser').value, callId: $('callId').value, ingroup: $('ingroup').value };
  if ($('status').value !== '') request.status = $('status').value;

  $('send').disabled = true;
  show({ code: '…', message: 'Sending' });
  try {
    const outcome = await chrome.runtime.sendMessage({
      type: 'transfer',
      request,
      endpoint: $('endpoint').value,
      token: $('token').value,
    });
    show(outcome ?? { code: 'EXTENSION_ERROR', message: 'The service worker did not answer.' });
  } catch (error) {
    show({ code: 'EXTENSION_ERROR', message: String(error?.message ?? error) });
  } finally {
    $('send').disabled = false;
  }
});

// Everything as text: replies can carry markup VICIdial echoed from the request.
function show(outcome) {
  $('code').textContent = outcome.code;
  $('message').textContent = outcome.message ?? '';
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
}
