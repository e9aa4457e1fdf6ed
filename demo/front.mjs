// The demo's front worker: one origin for the page, the package, the proxy
// and the sandbox.
//
//   /agc/api.php, /proxy/*  -> the proxy worker (service binding PROXY):
//                    call control and the agent's current call (/proxy/current-call)
//   /sandbox/*    -> the sandbox VICIdial (service binding SANDBOX)
//   /pkg/*        -> files of pkg/ (disk service PKG)
//   everything else -> files of www/ (disk service WWW); / is /index.html
//
// Static files get their Content-Type from the extension (.wasm is
// application/wasm), `X-Content-Type-Options: nosniff`, and HTML pages a
// strict Content-Security-Policy.

const TYPES = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  wasm: 'application/wasm',
  json: 'application/json; charset=utf-8',
  map: 'application/json; charset=utf-8',
  ts: 'text/plain; charset=utf-8',
  md: 'text/plain; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
};

const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Path segments: letters, digits, `-`, `_`, `.`, never starting with a dot. */
const SAFE_PATH = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

function plain(status, text, extra = {}) {
  return new Response(`${text}\n`, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store', ...extra },
  });
}

async function serveFile(disk, relPath, method) {
  if (!SAFE_PATH.test(relPath)) return plain(404, 'not found');
  const ext = relPath.slice(relPath.lastIndexOf('.') + 1).toLowerCase();
  const type = TYPES[ext];
  if (!type || !relPath.includes('.')) return plain(404, 'not found');
  const res = await disk.fetch(new Request(`http://disk/${relPath}`));
  if (res.status !== 200) {
    await res.body?.cancel();
    return plain(404, 'not found');
  }
  const headers = new Headers({
    'Content-Type': type,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
    'Referrer-Policy': 'no-referrer',
  });
  if (ext === 'html') {
    headers.set('Content-Security-Policy', PAGE_CSP);
    headers.set('X-Frame-Options', 'DENY');
  }
  if (method === 'HEAD') {
    await res.body?.cancel();
    return new Response(null, { status: 200, headers });
  }
  return new Response(res.body, { status: 200, headers });
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const p = url.pathname;
    if (p === '/agc/api.php' || p.startsWith('/proxy/')) return env.PROXY.fetch(request);
    if (p.startsWith('/sandbox/')) return env.SANDBOX.fetch(request);
    const method = request.method.toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') return plain(405, 'method not allowed', { Allow: 'GET, HEAD' });
    if (p.startsWith('/pkg/')) return serveFile(env.PKG, p.slice('/pkg/'.length), method);
    return serveFile(env.WWW, p === '/' ? 'index.html' : p.slice(1), method);
  },
};
