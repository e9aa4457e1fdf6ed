// The shipped wasm's stack (.cargo/config.toml: 64 KiB, not rustc's 1 MiB)
// holds its deepest call chain many times over. A wasm32 module has no
// guard page: its stack grows down from the stack size towards address 0
// (rustc links the stack first), so an overflow would wrap below 0 and
// trap on the next access, a failure of every later call. So the depth is
// checked here, statically, on pkg/vicidial_xfer_bg.wasm as disassembled
// by binaryen's wasm-dis: each function's frame (its prologue moves the
// stack pointer, global 0, down by a constant), the longest chain of
// direct calls, and for an indirect call (the `&mut dyn FnMut` callbacks
// of src/wasm) the deepest function in the table. A cycle (recursion)
// fails the test: its depth would be unbounded.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { root } from "./installed.mjs";

/** Each function of the wasm-dis text: frame bytes, direct callees, whether it calls indirectly; the table; the stack size. */
export function stackModel(wat) {
  const stackSize = Number(/^ \(global \$global\$0 \(mut i32\) \(i32\.const (\d+)\)\)$/m.exec(wat)?.[1]);
  const table = (/^ \(elem \$\w+ \(i32\.const \d+\)((?: \$\S+)*)\)$/m.exec(wat)?.[1] ?? "").trim().split(/\s+/).filter(Boolean);
  const functions = new Map();
  for (const body of wat.split(/\n (?=\(func )/).slice(1)) {
    const name = /^\(func (\$\S+)/.exec(body)[1];
    // The prologue: global.set $global$0 (local.tee $n (i32.sub (global.get $global$0) (i32.const N))),
    // or i32.add of -N (binaryen writes -64 so: one byte of LEB128 fewer).
    const prologue = /\(global\.set \$global\$0\s+\(local\.tee \$\w+\s+\(i32\.(sub|add)\s+\(global\.get \$global\$0\)\s+\(i32\.const (-?\d+)\)/.exec(body);
    const frame = prologue ? Math.abs(Number(prologue[2])) : 0;
    const calls = new Set([...body.matchAll(/\(call (\$[^\s)]+)/g)].map((m) => m[1]));
    functions.set(name, { frame, calls, indirect: /\(call_indirect\b/.test(body) });
  }
  return { stackSize, table, functions };
}

/** The deepest chain from any function: [bytes, chain]; throws on a cycle. */
export function deepest({ table, functions }) {
  const memo = new Map();
  const onPath = new Set();
  const depth = (name) => {
    if (memo.has(name)) return memo.get(name);
    if (onPath.has(name)) throw new Error(`recursion through ${name}: the stack depth is unbounded`);
    const f = functions.get(name);
    if (!f) return [0, []]; // an import
    onPath.add(name);
    let best = [0, []];
    for (const callee of [...f.calls, ...(f.indirect ? table : [])]) {
      const d = depth(callee);
      if (d[0] > best[0]) best = d;
    }
    onPath.delete(name);
    const result = [f.frame + best[0], [name, ...best[1]]];
    memo.set(name, result);
    return result;
  };
  return [...functions.keys()].map(depth).reduce((a, b) => (b[0] > a[0] ? b : a), [0, []]);
}

const wasmDis = join(root, "node_modules", "binaryen", "bin", "wasm-dis");
const disassemble = (file) => execFileSync(process.execPath, [wasmDis, file], { encoding: "utf8", maxBuffer: 64 << 20 });

test("the deepest call chain of the shipped wasm uses at most an eighth of its stack", () => {
  const model = stackModel(disassemble(join(root, "pkg", "vicidial_xfer_bg.wasm")));
  assert.equal(model.stackSize, 65536, "the stack size (global 0's start) is .cargo/config.toml's -zstack-size");
  assert.ok(model.functions.size > 100, `found ${model.functions.size} functions: did wasm-dis change its output?`);
  // At least the exports that take strings move the stack pointer: the pattern still matches.
  assert.ok([...model.functions.values()].filter((f) => f.frame > 0).length > 20, "fewer than 20 frames found: review the prologue pattern");
  const [bytes, chain] = deepest(model);
  assert.ok(bytes > 0 && bytes <= model.stackSize / 8, `the deepest chain needs ${bytes} B of a ${model.stackSize} B stack: ${chain.join(" -> ")}`);
});

test("the stack check finds recursion, frames and indirect calls", () => {
  // A hand-written module in wasm-dis's layout: $a (frame 32) calls $b indirectly, $b (frame 64, as i32.add -64) calls $c.
  const wat = [
    "(module",
    " (global $global$0 (mut i32) (i32.const 65536))",
    " (elem $0 (i32.const 1) $b)",
    " (func $a",
    "  (global.set $global$0\n   (local.tee $1\n    (i32.sub\n     (global.get $global$0)\n     (i32.const 32)\n    )\n   )\n  )",
    "  (call_indirect (type $t) (i32.const 1))",
    " )",
    " (func $b",
    "  (global.set $global$0\n   (local.tee $2\n    (i32.add\n     (global.get $global$0)\n     (i32.const -64)\n    )\n   )\n  )",
    "  (call $c)",
    " )",
    " (func $c",
    " )",
    ")",
  ].join("\n");
  const model = stackModel(wat);
  assert.equal(model.stackSize, 65536);
  assert.deepEqual(model.table, ["$b"]);
  assert.deepEqual(deepest(model), [96, ["$a", "$b"]]); // $c moves no stack: not counted in the chain
  assert.throws(() => deepest(stackModel(wat.replace(" (func $c\n", " (func $c\n  (call $a)\n"))), /recursion through \$a/);
});
