// Replays recorded VICIdial replies over real HTTP on 127.0.0.1, with CORS
// (the wasm test runner serves its page from another port), plus faults.
//   /reply/<scenario>  the recorded body and HTTP status of that scenario
//   /fault/slow        answers after 3 s          /fault/reset   destroys the socket
//   /fault/html502     an nginx-style HTML 502    /log           JSON of requests seen
//   /once              like the server: SUCCESS the first time a call ID is
//                      transferred or hung up, "no active call found" after (the call is gone)
//   /fault/redirect/<status>   a redirect to another origin (the client must not follow)
//   /fault/huge        a 300 KiB 200 reply      /fault/midbody  headers, part of a body, then reset
//   /proxy/refuse/<CODE>       a proxy refusal line with X-Proxy-Error (and Retry-After for RATE_LIMITED)
//   /proxy/current-call        the proxy's current-call JSON (Authorization: Bearer t0k3n required)
// Usage: node tests/support/replay-server.mjs <port>   (prints "listening <url>")
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const dir = join(root, "tests", "recordings");
const scenarios = new Map();
for (const file of ["real-2.14-82.jsonl", "real-2.14-82-more.jsonl", "stages-2.14-82.jsonl", "edge-2.14-82.jsonl", "strict-2.14-82.jsonl"]) {
  for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
    if (line.trim()) {
      const s = JSON.parse(line);
      scenarios.set(s.name, s);
    }
  }
}

/** Starts the server; resolves to { url, close, seen }. */
export function startReplayServer({ port = 0 } = {}) {
  const seen = [];
  const moved = new Set();
  const cors = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Authorization, X-Proxy-Token, X-Trace",
    "Access-Control-Expose-Headers": "X-Proxy-Error, Retry-After",
  };
  const PROXY_STATUS = { RATE_LIMITED: 429, TOKEN_INVALID: 401, UPSTREAM_TIMEOUT: 504, UPSTREAM_HTTP_ERROR: 502, ALREADY_ACTED: 409 };

  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      if (req.method === "OPTIONS") {
        res.writeHead(204, cors).end();
        return;
      }
      const path = req.url.split("?")[0];
      if (path === "/log") {
        res.writeHead(200, { ...cors, "Content-Type": "application/json" }).end(JSON.stringify(seen));
        return;
      }
      seen.push({ method: req.method, url: req.url, body, headers: req.headers });
      if (path.startsWith("/reply/")) {
        const s = scenarios.get(decodeURIComponent(path.slice(7)));
        if (!s) {
          res.writeHead(404, cors).end("no such scenario");
          return;
        }
        res.writeHead(s.http_status, { ...cors, "Content-Type": "text/html; charset=utf-8" }).end(s.reply);
      } else if (path === "/once") {
        const params = new URLSearchParams(req.method === "GET" ? req.url.split("?")[1] ?? "" : body);
        const [call, agent] = [params.get("value") ?? "", params.get("agent_user") ?? ""];
        const success = params.get("stage") === "HANGUP"
          ? `SUCCESS: ra_call_control hungup - ${agent}|${call}|HANGUP\n`
          : `SUCCESS: ra_call_control transfer - ${agent}|${call}|${params.get("phone_number") ?? ""}\n`;
        const reply = moved.has(call) ? `ERROR: no active call found - ${call}\n` : success;
        moved.add(call);
        res.writeHead(200, { ...cors, "Content-Type": "text/html; charset=utf-8" }).end(reply);
      } else if (path === "/fault/slow") {
        const t = setTimeout(() => res.writeHead(200, cors).end(scenarios.get("success_named_out").reply), 3000);
        res.on("close", () => clearTimeout(t));
      } else if (path.startsWith("/fault/redirect/")) {
        res.writeHead(Number(path.slice(16)), { ...cors, Location: "http://127.0.0.2:9/agc/api.php" }).end("moved\n");
      } else if (path === "/fault/huge") {
        res.writeHead(200, { ...cors, "Content-Type": "text/plain" }).end("x".repeat(300 * 1024));
      } else if (path === "/fault/midbody") {
        res.writeHead(200, { ...cors, "Content-Type": "text/plain" });
        res.write("SUCCESS: ra_call_control transfer - 1028|");
        setTimeout(() => req.socket.destroy(), 50);
      } else if (path.startsWith("/proxy/refuse/")) {
        const code = path.slice(14);
        const headers = { ...cors, "Content-Type": "text/plain; charset=utf-8", "X-Proxy-Error": code };
        if (code === "RATE_LIMITED") headers["Retry-After"] = "7";
        res.writeHead(PROXY_STATUS[code] ?? 403, headers).end(`ERROR: proxy ${code} - refused by the test proxy\n`);
      } else if (path === "/proxy/current-call") {
        if (req.headers.authorization !== "Bearer t0k3n") {
          res.writeHead(401, { ...cors, "Content-Type": "text/plain; charset=utf-8", "X-Proxy-Error": "TOKEN_INVALID" }).end("ERROR: proxy TOKEN_INVALID - unknown token\n");
        } else {
          res.writeHead(200, { ...cors, "Content-Type": "application/json" })
            .end(JSON.stringify({ agentUser: "1028", callId: "Y0315201639000402027", status: "INCALL", subStatus: "", movable: true }));
        }
      } else if (path === "/fault/reset") {
        req.socket.destroy();
      } else if (path === "/fault/html502") {
        res
          .writeHead(502, { ...cors, "Content-Type": "text/html" })
          .end("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>\n");
      } else {
        res.writeHead(404, cors).end("not found");
      }
    });
  });

  return closedPort().then((refusedUrl) => new Promise((ok) => {
    server.listen(port, "127.0.0.1", () => {
      const url = `http://127.0.0.1:${server.address().port}`;
      ok({ url, seen, refusedUrl, close: () => new Promise((done) => { server.closeAllConnections(); server.close(done); }) });
    });
  }));
}

/** A URL on a 127.0.0.1 port that was just free: connecting there is refused. */
function closedPort() {
  return new Promise((ok) => {
    const probe = createServer();
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => ok(`http://127.0.0.1:${port}`));
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url, refusedUrl, close } = await startReplayServer({ port: Number(process.argv[2] ?? 0) });
  console.log(`listening ${url} ${refusedUrl}`);
  for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => close().then(() => process.exit(0)));
}
