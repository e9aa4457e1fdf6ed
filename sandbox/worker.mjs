// workerd / Cloudflare module worker serving the sandbox VICIdial.
// Routes: see router.mjs. Configuration from env bindings: SANDBOX_SEED
// ("default" | "more"), SANDBOX_API_ACTIVE, SANDBOX_STRICT_SQL,
// SANDBOX_DISPLAY_ERRORS, SANDBOX_USE_NON_LATIN, SANDBOX_ACTIVE_SERVERS
// ("1"/"0", "true"/"false"). The state lives in this module, so it persists
// across requests within one isolate (and is lost when the isolate is).
// Run locally: node_modules/.bin/workerd serve sandbox/workerd.capnp

import { createSandbox } from './vicidial.mjs';
import { handleRequest, optionsFromEnv } from './router.mjs';

let sandbox = null;

export default {
  async fetch(request, env) {
    if (sandbox === null) sandbox = createSandbox(optionsFromEnv(env || {}));
    return handleRequest(sandbox, request);
  },
};
