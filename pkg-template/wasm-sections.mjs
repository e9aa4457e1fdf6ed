// Reading and writing the sections of a wasm module's bytes (the binary
// format's LEB128 numbers, names and sections), for pkg-template/build.mjs
// and bench/ (size.mjs, startup.mjs). Not shipped in the package.

/** `n` (an unsigned number) as LEB128 bytes. */
export function toLeb(n) {
  const out = [];
  do {
    out.push((n & 127) | (n > 127 ? 128 : 0));
    n >>>= 7;
  } while (n);
  return out;
}

/** `s` as the binary format writes a name: its UTF-8 length as LEB128, then its bytes. */
export function nameBytes(s) {
  return [...toLeb(Buffer.byteLength(s)), ...Buffer.from(s)];
}

/** A custom section named `name` holding `content` (bytes), as a Buffer. */
export function customSection(name, content = []) {
  const body = [...nameBytes(name), ...content];
  return Buffer.from([0, ...toLeb(body.length), ...body]);
}

/** Reads `bytes` (a wasm module) from `at`: `leb()` an unsigned LEB128, `name()` a UTF-8 string after its length. */
export function wasmReader(bytes, at = 8) {
  const r = {
    at,
    leb() {
      let n = 0;
      for (let shift = 0; ; shift += 7) {
        const b = bytes[r.at++];
        n |= (b & 127) << shift;
        if (!(b & 128)) return n;
      }
    },
    name() {
      const n = r.leb();
      r.at += n;
      return Buffer.from(bytes.subarray(r.at - n, r.at)).toString();
    },
  };
  return r;
}

/**
 * The sections of `bytes` (a wasm module): `{ id, start, end, name, r }`,
 * `start`..`end` the whole section, `name` a custom section's ("" for
 * others), `r` reading its content (after a custom section's name).
 */
export function* sections(bytes) {
  const r = wasmReader(bytes);
  while (r.at < bytes.length) {
    const start = r.at;
    const id = bytes[r.at++];
    const end = r.leb() + r.at;
    yield { id, start, end, name: id === 0 ? r.name() : "", r };
    r.at = end;
  }
}

/** The function names in the name section of `bytes` (a wasm module). */
export function functionNames(bytes) {
  for (const { end, name, r } of sections(bytes)) {
    if (name !== "name") continue;
    while (r.at < end) {
      const subsection = bytes[r.at++];
      const next = r.leb() + r.at;
      if (subsection === 1) {
        const out = [];
        for (let i = r.leb(); i > 0; i--) {
          r.leb(); // the function's index
          out.push(r.name());
        }
        return out;
      }
      r.at = next;
    }
  }
  throw new Error("the module has no function names (was it stripped?): NOT_INLINED cannot be checked");
}

/** The names of the functions `bytes` (a wasm module) exports. */
export function exportedFunctions(bytes) {
  const names = new Set();
  for (const { id, r } of sections(bytes)) {
    if (id !== 7) continue;
    for (let i = r.leb(); i > 0; i--) {
      const name = r.name();
      const kind = bytes[r.at++];
      r.leb(); // its index
      if (kind === 0) names.add(name);
    }
  }
  return names;
}
