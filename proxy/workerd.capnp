# Runs the proxy alone in workerd, configured from the environment:
#
#   make pkg
#   UPSTREAM_URL=https://vicidial.example.com/agc/api.php VICIDIAL_USER=apiuser \
#   VICIDIAL_PASS=... PROXY_TOKEN=... TOKEN_AGENTS='...:1028' \
#   ALLOWED_ORIGINS=https://crm.example.com \
#     node_modules/.bin/workerd serve proxy/workerd.capnp
#
# Listens on 127.0.0.1:8788 (override: --socket-addr http=127.0.0.1:PORT).
# Unset optional variables take the defaults listed in proxy/README.md.
# To reach an upstream on this machine or a private network, the worker's
# globalOutbound below allows public, private and local addresses; narrow it
# to ["public"] when the upstream is on the internet.

using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "proxy", worker = .proxyWorker),
    (name = "upstream-net", network = (allow = ["public", "private", "local"], tlsOptions = (trustBrowserCas = true))),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8788", http = (), service = "proxy") ],
);

const proxyWorker :Workerd.Worker = (
  modules = [
    (name = "proxy/worker.mjs", esModule = embed "worker.mjs"),
    (name = "proxy/config.mjs", esModule = embed "config.mjs"),
    (name = "proxy/handler.mjs", esModule = embed "handler.mjs"),
    (name = "pkg/workerd.js", esModule = embed "../pkg/workerd.js"),
    (name = "pkg/vicidial_xfer.js", esModule = embed "../pkg/vicidial_xfer.js"),
    (name = "pkg/api.js", esModule = embed "../pkg/api.js"),
    (name = "pkg/vicidial_xfer_bg.wasm", wasm = embed "../pkg/vicidial_xfer_bg.wasm"),
  ],
  compatibilityDate = "2025-06-01",
  globalOutbound = "upstream-net",
  bindings = [
    (name = "UPSTREAM_URL", fromEnvironment = "UPSTREAM_URL"),
    (name = "VICIDIAL_SOURCE", fromEnvironment = "VICIDIAL_SOURCE"),
    (name = "VICIDIAL_USER", fromEnvironment = "VICIDIAL_USER"),
    (name = "VICIDIAL_PASS", fromEnvironment = "VICIDIAL_PASS"),
    (name = "ALLOWED_ORIGINS", fromEnvironment = "ALLOWED_ORIGINS"),
    (name = "PROXY_TOKEN", fromEnvironment = "PROXY_TOKEN"),
    (name = "PROXY_TOKENS", fromEnvironment = "PROXY_TOKENS"),
    (name = "TOKEN_AGENTS", fromEnvironment = "TOKEN_AGENTS"),
    (name = "RATE_LIMIT", fromEnvironment = "RATE_LIMIT"),
    (name = "RATE_BURST", fromEnvironment = "RATE_BURST"),
    (name = "UPSTREAM_TIMEOUT_MS", fromEnvironment = "UPSTREAM_TIMEOUT_MS"),
    (name = "MAX_BODY_BYTES", fromEnvironment = "MAX_BODY_BYTES"),
  ],
);
