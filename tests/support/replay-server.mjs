// Replays recorded VICIdial replies over real HTTP on 127.0.0.1, with CORS
// (the wasm test runner serves its page from another port), plus faults.
//   /reply/<scenario>  the recorded body and HTTP status of that scenario
//   /fault/slow        answers after 3 s          /fault/reset   destroys the socket
//   /fault/html502     an nginx-style HTML 502    /log           JSON of requests seen
//   /once              like the server: SUCCESS the first time a call ID is
//                      transferred, "no active call found" after (the call is gone)
// Usage: node tests/support/replay-server.mjs <port>   (prints "listening <url>")
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const dir = join(root, "tests", "recordings");
const scenarios = new Map();
for (const file of ["real-2.14-82.jsonl", "real-2.14-82-more.jsonl"]) {
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
    "Access-Control-Allow-Headers": "Content-Type, Authorization, X-Proxy-Token",
  };

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
        const reply = moved.has(call)
          ? `ERROR: no active call found - ${call}\n`
          : `SUCCESS: ra_call_control transfer - ${agent}|${call}|\n`;
        moved.add(call);
        res.writeHead(200, { ...cors, "Content-Type": "text/html; charset=utf-8" }).end(reply);
      } else if (path === "/fault/slow") {
        const t = setTimeout(() => res.writeHead(200, cors).end(scenarios.get("success_named_out").reply), 3000);
        res.on("close", () => clearTimeout(t));
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

  return new Promise((ok) => {
    server.listen(port, "127.0.0.1", () => {
      const url = `http://127.0.0.1:${server.address().port}`;
      ok({ url, seen, close: () => new Promise((done) => { server.closeAllConnections(); server.close(done); }) });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url, close } = await startReplayServer({ port: Number(process.argv[2] ?? 0) });
  console.log(`listening ${url}`);
  for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => close().then(() => process.exit(0)));
}
