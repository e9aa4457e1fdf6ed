// workerd / Cloudflare module worker serving the sandbox VICIdial.
// Routes: see router.mjs. Configuration from env bindings: SANDBOX_SEED
// ("default" | "extras" | "nonagent" | "extras+nonagent" | "more"),
// SANDBOX_API_VERSION (api.php version imitated, default "2.14-82";
// an unknown one makes every request answer 500 naming it), SANDBOX_API_ACTIVE, SANDBOX_STRICT_SQL,
// SANDBOX_DISPLAY_ERRORS, SANDBOX_USE_NON_LATIN, SANDBOX_ACTIVE_SERVERS
// ("1"/"0", "true"/"false"). The state lives in this module, so it persists
// across requests within one isolate (and is lost when the isolate is).
// Run locally: node_modules/.bin/workerd serve sandbox/workerd.capnp

import { createSandbox } from './vicidial.mjs';
import { handleRequest, optionsFromEnv } from './router.mjs';

let sandbox = null;

export default {
  async fetch(request, env) {
    if (sandbox === null) {
      try {
        sandbox = createSandbox(optionsFromEnv(env || {}));
      } catch (e) {
        // a wrong binding (e.g. an unknown SANDBOX_API_VERSION): say which, on every request
        return new Response(`sandbox misconfigured: ${e && e.message ? e.message : e}\n`, {
          status: 500, headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        });
      }
    }
    return handleRequest(sandbox, request);
  },
};
