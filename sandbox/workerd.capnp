# workerd configuration serving the sandbox VICIdial (sandbox/worker.mjs).
#   node_modules/.bin/workerd serve sandbox/workerd.capnp
#   node_modules/.bin/workerd serve sandbox/workerd.capnp --socket-addr http=127.0.0.1:9000
# Switches are the text bindings below (see worker.mjs).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "sandbox", worker = .sandboxWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:8788", http = (), service = "sandbox") ],
);

const sandboxWorker :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "router.mjs", esModule = embed "router.mjs"),
    (name = "vicidial.mjs", esModule = embed "vicidial.mjs"),
    (name = "php-request.mjs", esModule = embed "php-request.mjs"),
    (name = "php-noise.mjs", esModule = embed "php-noise.mjs"),
    (name = "seeds.mjs", esModule = embed "seeds.mjs"),
    (name = "versions.mjs", esModule = embed "versions.mjs"),
    (name = "non-agent.mjs", esModule = embed "non-agent.mjs"),
    (name = "states.mjs", esModule = embed "states.mjs"),
  ],
  compatibilityDate = "2024-09-23",
  bindings = [
    (name = "SANDBOX_SEED", text = "nonagent"),  # seed.sql + seed-nonagent.sql (naapi/napass99)
    (name = "SANDBOX_API_VERSION", text = "2.14-82"),
    (name = "SANDBOX_API_ACTIVE", text = "1"),
    (name = "SANDBOX_STRICT_SQL", text = "0"),
    (name = "SANDBOX_DISPLAY_ERRORS", text = "0"),
  ],
);
