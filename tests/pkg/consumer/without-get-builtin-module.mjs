// Preloaded with `node --import` to stand for Node 20.0-20.15, which have
// no `process.getBuiltinModule`: the package's Node entry must then import
// node:fs itself.
delete process.getBuiltinModule;
if (typeof process.getBuiltinModule !== "undefined") throw new Error("process.getBuiltinModule could not be removed");
