# Runs the proxy alone in workerd, configured from the environment:
#
#   make pkg
#   UPSTREAM_URL=https://vicidial.example.com/agc/api.php VICIDIAL_USER=apiuser \
#   VICIDIAL_PASS=... NONAGENT_USER=naapi NONAGENT_PASS=... \
#   PROXY_TOKEN=... TOKEN_AGENTS='...:1028' ALLOWED_ORIGINS=https://crm.example.com \
#     node_modules/.bin/workerd serve proxy/workerd.capnp \
#       --directory-path calls-store=/var/lib/vicidial-xfer-proxy
#
# Listens on 127.0.0.1:8788 (override: --socket-addr http=127.0.0.1:PORT).
# The per-call memory (Durable Object CallLedger) is kept on disk in the
# directory of the `calls-store` service (must exist; override its path with
# --directory-path as above), so it survives a restart.
# Unset optional variables take the defaults listed in proxy/README.md.
# To reach an upstream on this machine or a private network, the worker's
# globalOutbound below allows public, private and local addresses; narrow it
# to ["public"] when the upstream is on the internet.

using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "proxy", worker = .proxyWorker),
    (name = "upstream-net", network = (allow = ["public", "private", "local"], tlsOptions = (trustBrowserCas = true))),
    (name = "calls-store", disk = (path = "/var/lib/vicidial-xfer-proxy", writable = true)),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8788", http = (), service = "proxy") ],
);

const proxyWorker :Workerd.Worker = (
  modules = [
    (name = "proxy/worker.mjs", esModule = embed "worker.mjs"),
    (name = "proxy/config.mjs", esModule = embed "config.mjs"),
    (name = "proxy/config-tokens.mjs", esModule = embed "config-tokens.mjs"),
    (name = "proxy/auth.mjs", esModule = embed "auth.mjs"),
    (name = "proxy/handler.mjs", esModule = embed "handler.mjs"),
    (name = "proxy/request.mjs", esModule = embed "request.mjs"),
    (name = "proxy/stages.mjs", esModule = embed "stages.mjs"),
    (name = "proxy/ownership.mjs", esModule = embed "ownership.mjs"),
    (name = "proxy/upstream.mjs", esModule = embed "upstream.mjs"),
    (name = "proxy/replies.mjs", esModule = embed "replies.mjs"),
    (name = "proxy/memory.mjs", esModule = embed "memory.mjs"),
    (name = "proxy/action.mjs", esModule = embed "action.mjs"),
    (name = "proxy/audit.mjs", esModule = embed "audit.mjs"),
    (name = "pkg/workerd.js", esModule = embed "../pkg/workerd.js"),
    (name = "pkg/vicidial_xfer.js", esModule = embed "../pkg/vicidial_xfer.js"),
    (name = "pkg/api.js", esModule = embed "../pkg/api.js"),
    (name = "pkg/vicidial_xfer_bg.wasm", wasm = embed "../pkg/vicidial_xfer_bg.wasm"),
  ],
  compatibilityDate = "2025-06-01",
  globalOutbound = "upstream-net",
  durableObjectNamespaces = [ (className = "CallLedger", uniqueKey = "vicidial-xfer-proxy-calls") ],
  durableObjectStorage = (localDisk = "calls-store"),
  bindings = [
    (name = "CALLS", durableObjectNamespace = "CallLedger"),
    (name = "UPSTREAM_URL", fromEnvironment = "UPSTREAM_URL"),
    (name = "UPSTREAM_API_VERSION", fromEnvironment = "UPSTREAM_API_VERSION"),
    (name = "VICIDIAL_SOURCE", fromEnvironment = "VICIDIAL_SOURCE"),
    (name = "VICIDIAL_USER", fromEnvironment = "VICIDIAL_USER"),
    (name = "VICIDIAL_PASS", fromEnvironment = "VICIDIAL_PASS"),
    (name = "NONAGENT_URL", fromEnvironment = "NONAGENT_URL"),
    (name = "NONAGENT_USER", fromEnvironment = "NONAGENT_USER"),
    (name = "NONAGENT_PASS", fromEnvironment = "NONAGENT_PASS"),
    (name = "OWNERSHIP_CHECK", fromEnvironment = "OWNERSHIP_CHECK"),
    (name = "ALLOW_ANY_AGENT_TOKENS", fromEnvironment = "ALLOW_ANY_AGENT_TOKENS"),
    (name = "ALLOWED_ORIGINS", fromEnvironment = "ALLOWED_ORIGINS"),
    (name = "PROXY_TOKEN", fromEnvironment = "PROXY_TOKEN"),
    (name = "PROXY_TOKENS", fromEnvironment = "PROXY_TOKENS"),
    (name = "TOKEN_AGENTS", fromEnvironment = "TOKEN_AGENTS"),
    (name = "RATE_LIMIT", fromEnvironment = "RATE_LIMIT"),
    (name = "RATE_BURST", fromEnvironment = "RATE_BURST"),
    (name = "UPSTREAM_TIMEOUT_MS", fromEnvironment = "UPSTREAM_TIMEOUT_MS"),
    (name = "BODY_TIMEOUT_MS", fromEnvironment = "BODY_TIMEOUT_MS"),
    (name = "MAX_BODY_BYTES", fromEnvironment = "MAX_BODY_BYTES"),
    (name = "REPLAY_WINDOW_SECONDS", fromEnvironment = "REPLAY_WINDOW_SECONDS"),
  ],
);
