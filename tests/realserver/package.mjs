// The npm package built from this tree (`make pkg` -> pkg/), and the few
// calls of its API the suite makes. The contract (notes/contracts.md):
// buildCallControl(request, { serverVersion }) / validateCallControl(...)
// for every stage; buildTransfer as the INGROUPTRANSFER shorthand.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { root } from "./harness.mjs";

export async function loadPackage() {
  const entry = join(root, "pkg", "node.js");
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build the package first (make pkg)`);
  return import(pathToFileURL(entry).href);
}

export class MissingApi extends Error {
  constructor(what) {
    super(`the package has no ${what} yet (contracts.md: pkg-template/, branch wip/pkg); this test needs it`);
    this.name = "MissingApi";
  }
}

export function hasCallControl(pkg) {
  return typeof pkg.buildCallControl === "function" && typeof pkg.validateCallControl === "function";
}

function optionsOf(serverVersion) {
  return serverVersion === undefined ? undefined : { serverVersion };
}

/** `{ query, body, preview }` for `request` (JS keys incl. stage), or throws the package's error. */
export function build(pkg, request, serverVersion) {
  if (typeof pkg.buildCallControl === "function") return pkg.buildCallControl(request, optionsOf(serverVersion));
  // before the call-control API: INGROUPTRANSFER only, and without version rules
  if (request.stage === "INGROUPTRANSFER" && serverVersion === undefined) {
    const { stage: _stage, ...rest } = request;
    return pkg.buildTransfer(rest);
  }
  throw new MissingApi(`buildCallControl (needed for ${request.stage}${serverVersion ? ` with serverVersion ${serverVersion}` : ""})`);
}

/** The issues validateCallControl reports for `request`. */
export function validate(pkg, request, serverVersion) {
  if (typeof pkg.validateCallControl !== "function") throw new MissingApi("validateCallControl");
  return pkg.validateCallControl(request, optionsOf(serverVersion));
}
