// One fresh-process start-up sample (spawned by bench/startup.mjs):
//   node bench/startup/child.mjs wasm|js
// Prints {"ms": ...}: from the first line of this script to the end of the
// first parseReply call, including the import of the implementation.
const t0 = performance.now();
const which = process.argv[2];
const mod = which === 'wasm' ? await import('../../pkg/node.js') : await import('../js-baseline.mjs');
const r = mod.parseReply('SUCCESS: ra_call_control transfer - 1028|Y0315201639000402027|\n', { secret: '1234' });
const t1 = performance.now();
if (r.code !== 'TRANSFERRED') process.exit(1);
process.stdout.write(JSON.stringify({ ms: t1 - t0 }) + '\n');
