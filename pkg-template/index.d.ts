/**
 * vicidial-xfer: exact VICIdial `agc/api.php?function=ra_call_control`
 * requests for every stage (INGROUPTRANSFER, EXTENSIONTRANSFER, HANGUP) and
 * every api.php version from 2.12-47 to 2.14-82, typed replies, redaction,
 * and a fetch client that never retries.
 *
 * In Node (>= 20) and workerd the module is ready on import. In browsers,
 * service workers, Deno and bundled pages call `init()` once (guarded:
 * calling it again returns the same promise) before anything else; a call
 * before it throws an Error that says so.
 *
 * Compiles under `tsc --strict` with the DOM lib, or with es2022 +
 * @types/node only. The code unions are checked against the Rust core by
 * `tests/pkg_codes.rs`.
 */

/** The stages of `ra_call_control`. */
export type Stage = "INGROUPTRANSFER" | "EXTENSIONTRANSFER" | "HANGUP";

/** The request keys; issues name the field with one of these. */
export type Field = "stage" | "source" | "user" | "pass" | "agentUser" | "callId" | "ingroup" | "phoneNumber" | "status";

/** Why a field's value was refused (the core's `FieldErrorKind` codes, then the binding's). */
export type FieldIssueCode =
  | "MISSING"
  | "EMPTY"
  | "TOO_SHORT"
  | "TOO_LONG"
  | "INVALID_CHARACTER"
  | "NEEDS_NEWER_VERSION"
  | "PLUS_NOT_KEPT"
  | "SURROUNDING_SPACE"
  | "LIST_NOT_ALLOWED"
  | "DEFAULTINGROUP_MISUSED"
  | "STAGE_NOT_VALID"
  | "NOT_USED_BY_STAGE"
  // The binding's: a value that is not a string, a key that is not a field, a request that is not an object.
  | "NOT_A_STRING"
  | "UNKNOWN_FIELD"
  | "NOT_AN_OBJECT";

/** Why an encoded request could not be decoded (besides its fields' codes). */
export type DecodeIssueCode =
  | FieldIssueCode
  | "DUPLICATE_PARAMETER"
  | "UNKNOWN_PARAMETER"
  | "BAD_ENCODING"
  | "UNSUPPORTED_FUNCTION"
  | "UNSUPPORTED_STAGE"
  | "TOO_LARGE";

/** Why a `serverVersion` was refused: the `code` of the RangeError thrown. */
export type VersionErrorCode = "VERSION_UNREADABLE" | "VERSION_TOO_OLD";

/** One problem with one field. */
export interface FieldIssue {
  /** A request key; for UNKNOWN_FIELD the key as given. */
  field: Field | (string & {});
  code: FieldIssueCode;
  /** A fixed English sentence naming the field (by its label) and the rule. */
  message: string;
  /** For character problems: the index (in Unicode scalar values) of the character. */
  position?: number;
  /** For NEEDS_NEWER_VERSION: the first api.php version that keeps the character, e.g. "2.14-75". */
  since?: string;
}

/** One problem found by `decodeCallControl` / `decodeTransfer`. */
export interface DecodeIssue {
  /** A `Field`, `"function"`, `"input"`, or an unknown parameter's name. */
  field: Field | "function" | "input" | (string & {});
  code: DecodeIssueCode;
  message: string;
  position?: number;
  since?: string;
}

/** Fields every stage may carry. Credentials may be left to a proxy. */
interface CommonFields {
  /** Label of the calling application: 2-20 letters/digits (required with credentials). */
  source?: string;
  /** API user. */
  user?: string;
  /** API password (sent in the POST body, never shown). */
  pass?: string;
  /** The remote agent's user. */
  agentUser: string;
  /** Call ID of the live call, e.g. `Y0315201639000402027`. */
  callId: string;
  /** Disposition (1-6 characters); the server writes its default when absent. */
  status?: string;
}

/** INGROUPTRANSFER (`stage` may be left out): what `validateTransfer`, `buildTransfer` and `TransferClient.transfer` take. */
export interface TransferRequest extends CommonFields {
  /** ONE in-group ID (`[A-Za-z0-9_]{2,20}`) or exactly `DEFAULTINGROUP`. */
  ingroup: string;
  phoneNumber?: never;
  stage?: "INGROUPTRANSFER";
}

/** HANGUP (`stage` may be left out): what `TransferClient.hangup` takes. */
export interface HangupRequest extends CommonFields {
  ingroup?: never;
  phoneNumber?: never;
  stage?: "HANGUP";
}

/** Any stage: what `validateCallControl`, `buildCallControl` and `TransferClient.callControl` take. */
export type CallControlRequest =
  | (CommonFields & { stage: "INGROUPTRANSFER"; ingroup: string; phoneNumber?: never })
  | (CommonFields & { stage: "EXTENSIONTRANSFER"; phoneNumber: string; ingroup?: never })
  | (CommonFields & { stage: "HANGUP"; ingroup?: never; phoneNumber?: never });

/** Which api.php rules apply. */
export interface VersionOptions {
  /**
   * `"2.14-82"`, or the whole line `function=version` answers
   * (`VERSION: 2.14-82|BUILD: ...`). Without it only the rules EVERY
   * supported version shares apply. Older than 2.12-47 or unreadable: a
   * RangeError with `code`. Newer than 2.14-82: 2.14-82's rules.
   */
  serverVersion?: string;
}

/** The same encoded string serves as GET query and POST body. */
export interface BuiltRequest {
  stage: Stage;
  query: string;
  body: string;
  /** The encoding with the password masked, for previews and logs. */
  preview: string;
}
/** @deprecated the name before every stage: use BuiltRequest. */
export type BuiltTransfer = BuiltRequest;

/** Thrown by `buildCallControl` / `buildTransfer` for an invalid request. */
export declare class TransferValidationError extends Error {
  readonly name: "TransferValidationError";
  /** What is wrong, field by field. */
  readonly issues: FieldIssue[];
  constructor(issues: FieldIssue[]);
}

/** A decoded request: the fields as sent, the password included (a proxy forwards it). */
export interface DecodedRequest {
  stage: Stage;
  source?: string;
  user?: string;
  pass?: string;
  agentUser: string;
  callId: string;
  ingroup?: string;
  phoneNumber?: string;
  status?: string;
}

export type Decoded = { ok: true; request: DecodedRequest } | { ok: false; issues: DecodeIssue[] };
/** @deprecated the name before every stage: use Decoded. */
export type DecodedTransfer = Decoded;

/** Stable codes of `ra_call_control` replies (the core's `Reply::code`). */
export type ReplyCode =
  | "TRANSFERRED"
  | "HUNGUP"
  | "INGROUP_NOT_VALID"
  | "NO_ACTIVE_CALL"
  | "AGENT_NOT_LOGGED_IN"
  | "NO_USER_FOUND"
  | "NOT_VALID"
  | "STAGE_NOT_VALID"
  | "PHONE_NUMBER_NOT_VALID"
  | "INVALID_CREDENTIALS"
  | "INVALID_SOURCE"
  | "API_NOT_ACTIVE"
  | "PERMISSION_DENIED"
  | "SUCCESS_NOT_COMPLETED"
  | "TRANSLATED"
  | "SERVER_ERROR"
  | "EMPTY_REPLY"
  | "UNRECOGNIZED";

/** Why the server refused credentials. */
export type AuthReason = "BAD_PASSWORD" | "NO_API_ACCESS" | "LOCKED" | "NO_SERVERS" | "IP_BLOCKED" | "OTHER";

/** What followed a SUCCESS line that the script did not survive. */
export type DiedCause = "QUEUE_METRICS_CONNECT" | "FATAL_ERROR" | "UNEXPECTED_OUTPUT";

/** A reply's typed fields, by code. */
export type ReplyFields =
  | { code: "TRANSFERRED"; agentUser: string; callId: string; ingroup?: string; phoneNumber?: string }
  | { code: "HUNGUP"; agentUser: string; callId: string }
  | { code: "INGROUP_NOT_VALID"; ingroup: string }
  | { code: "NO_ACTIVE_CALL"; callId: string }
  | { code: "AGENT_NOT_LOGGED_IN"; agentUser: string }
  | { code: "NO_USER_FOUND"; user: string }
  | { code: "NOT_VALID"; callId: string; agentUser: string; stage: string }
  | { code: "STAGE_NOT_VALID"; stage: string }
  | { code: "PHONE_NUMBER_NOT_VALID"; phoneNumber: string }
  | { code: "INVALID_CREDENTIALS"; user: string; reason: AuthReason }
  | { code: "INVALID_SOURCE"; source: string }
  | { code: "API_NOT_ACTIVE" }
  | { code: "PERMISSION_DENIED"; callId: string; user: string; function: string; userGroup: string }
  | { code: "SUCCESS_NOT_COMPLETED"; line: string; cause: DiedCause; excerpt: string }
  | { code: "TRANSLATED"; excerpt: string }
  | { code: "SERVER_ERROR"; excerpt: string }
  | { code: "EMPTY_REPLY" }
  | { code: "UNRECOGNIZED"; excerpt: string };

/** `parseReply`'s result: the typed fields plus a verdict, a message and the redacted text. */
export type ParsedReply = ReplyFields & {
  /** True for a SUCCESS line the script survived (TRANSFERRED, HUNGUP). */
  ok: boolean;
  /** One line for people. Plain text: never insert it as HTML. */
  message: string;
  /** The body, password and SQL removed, at most 512 bytes. Plain text. */
  raw: string;
};

/** Outcome codes besides reply codes: the core's transport codes, then the clients'. */
export type TransportCode =
  | "TIMEOUT"
  | "NETWORK_ERROR"
  | "ABORTED"
  | "HTTP_ERROR"
  | "REDIRECTED"
  | "PROXY_REFUSED"
  // The clients': nothing sent for an invalid request; a reply over 256 KiB.
  | "INVALID_REQUEST"
  | "REPLY_TOO_LARGE";

export type OutcomeCode = ReplyCode | TransportCode;

/** What every outcome has. */
interface OutcomeBase {
  /** True only when the server queued this stage's action (TRANSFERRED for transfers, HUNGUP for HANGUP, HTTP 2xx). */
  ok: boolean;
  /** The stage attempted. */
  stage: Stage;
  /** One line for people. Plain text. */
  message: string;
  /** The request may have reached the server and its effect is unknown: do NOT retry; check the call. */
  outcomeUnknown: boolean;
  /** NO_ACTIVE_CALL for a call this client already transferred (or may have). */
  likelyAlreadyTransferred: boolean;
  /** NO_ACTIVE_CALL for a call this client already hung up (or may have). */
  likelyAlreadyEnded: boolean;
  /** The proxy answered with the reply of an identical earlier request (nothing sent upstream). */
  replayed: boolean;
  /** The HTTP status, when headers arrived (a browser's opaque redirect has none). */
  httpStatus?: number;
  /** The body, redacted, at most 512 bytes. Plain text. */
  raw?: string;
}

type Reply<C extends ReplyCode> = Extract<ReplyFields, { code: C }>;

/**
 * What `TransferClient.callControl` / `transfer` / `hangup` resolve to (never
 * a rejection for a failed attempt). Checking `code` narrows it.
 */
export type TransferOutcome =
  | (OutcomeBase & { code: "TRANSFERRED"; httpStatus: number; reply: Reply<"TRANSFERRED"> })
  | (OutcomeBase & { code: "HUNGUP"; httpStatus: number; reply: Reply<"HUNGUP"> })
  | (OutcomeBase & { ok: false; code: "PROXY_REFUSED"; httpStatus: number; proxyCode: string; reason: string; retryAfter?: number; reply: ReplyFields })
  | (Omit<OutcomeBase, "stage"> & { ok: false; code: "INVALID_REQUEST"; issues: FieldIssue[]; stage?: Stage })
  | (OutcomeBase & { ok: false; code: "TIMEOUT" | "NETWORK_ERROR" | "ABORTED" })
  | (OutcomeBase & { ok: false; code: "REDIRECTED"; reply?: ReplyFields })
  | (OutcomeBase & { ok: false; code: "REPLY_TOO_LARGE"; httpStatus: number; raw: string })
  | (OutcomeBase & { ok: false; code: "HTTP_ERROR" | "SUCCESS_NOT_COMPLETED"; httpStatus: number; reply: ReplyFields })
  | {
      [C in Exclude<ReplyCode, "TRANSFERRED" | "HUNGUP" | "SUCCESS_NOT_COMPLETED">]: OutcomeBase & {
        ok: false;
        code: C;
        httpStatus: number;
        reply: Reply<C>;
      };
    }[Exclude<ReplyCode, "TRANSFERRED" | "HUNGUP" | "SUCCESS_NOT_COMPLETED">];

/** `TransferClient.currentCall`: the proxy's view of the agent's call, or why not. */
export type CurrentCall =
  | { ok: true; code: "CURRENT_CALL"; agentUser: string; callId: string; status: string; subStatus: string; movable: boolean }
  | { ok: false; code: "PROXY_REFUSED"; message: string; httpStatus: number; proxyCode: string; reason: string; retryAfter?: number; raw: string }
  | { ok: false; code: "HTTP_ERROR" | "BAD_RESPONSE"; message: string; httpStatus: number; raw: string }
  | { ok: false; code: "TIMEOUT" | "NETWORK_ERROR" | "ABORTED" | "REDIRECTED" | "REPLY_TOO_LARGE"; message: string; httpStatus?: number };

/** The `AbortSignal` of the runtime's lib (DOM or @types/node). */
type Signal = typeof globalThis extends { AbortSignal: { prototype: infer S } } ? S : { readonly aborted: boolean };

export interface SendOptions {
  /** Aborting while the request is under way gives ABORTED, outcome unknown; before, ABORTED with nothing sent. */
  signal?: Signal;
}

export interface TransferClientOptions extends VersionOptions {
  /** Absolute URL of `.../agc/api.php` (a CORS-enabled server) or the proxy; no user info or #fragment. */
  endpoint: string;
  /** POST (default: credentials stay out of URLs) or GET. */
  method?: "POST" | "GET";
  /** Abort after this many milliseconds, reply body included (default 15000): TIMEOUT, outcome unknown. */
  timeoutMs?: number;
  /**
   * Extra request headers, e.g. `{ Authorization: "Bearer ..." }` for the
   * proxy: checked now (printable ASCII, no surrounding space, no header the
   * runtime sets or browsers drop, no duplicates), a TypeError naming the
   * header otherwise.
   */
  headers?: Record<string, string>;
  /** Defaults for every request's fields (e.g. source, user, pass when calling VICIdial directly). */
  defaults?: Partial<CommonFields> & { ingroup?: string; phoneNumber?: string };
}

export declare class TransferClient {
  constructor(options: TransferClientOptions);
  /** One request of any stage. Never retries; resolves to an outcome for every failure. */
  callControl(request: CallControlRequest, options?: SendOptions): Promise<TransferOutcome>;
  /** INGROUPTRANSFER. */
  transfer(request: TransferRequest, options?: SendOptions): Promise<TransferOutcome>;
  /** HANGUP. */
  hangup(request: HangupRequest, options?: SendOptions): Promise<TransferOutcome>;
  /** `GET /proxy/current-call` on the endpoint's origin, with the client's headers. Needs no init. */
  currentCall(options?: SendOptions): Promise<CurrentCall>;
  /** Nothing to free (the client holds no wasm memory); kept for compatibility. */
  free(): void;
}

/** Every problem with `request` for the version (`[]` when valid). Reads only own enumerable properties. */
export declare function validateCallControl(request: CallControlRequest, options?: VersionOptions): FieldIssue[];
/** Encodes a valid request; throws a `TransferValidationError` otherwise. */
export declare function buildCallControl(request: CallControlRequest, options?: VersionOptions): BuiltRequest;
/** Decodes a query string or form body of any stage (for proxies). */
export declare function decodeCallControl(encoded: string, options?: VersionOptions): Decoded;
/** INGROUPTRANSFER shorthand of `validateCallControl` (another `stage` is STAGE_NOT_VALID). */
export declare function validateTransfer(request: TransferRequest, options?: VersionOptions): FieldIssue[];
/** INGROUPTRANSFER shorthand of `buildCallControl`. */
export declare function buildTransfer(request: TransferRequest, options?: VersionOptions): BuiltRequest;
/** `decodeCallControl` that accepts INGROUPTRANSFER only. */
export declare function decodeTransfer(encoded: string, options?: VersionOptions): Decoded;
/** Classifies a reply body of any stage. Never throws for a string. */
export declare function parseReply(body: string, options?: { secret?: string }): ParsedReply;
/** Removes passwords (the auth line's echo, its SQL, `pass=` values, and `secret`) from text, keeping at most `maxBytes` (default 512). */
export declare function redactReply(body: string, options?: { secret?: string; maxBytes?: number }): string;

type Bytes = ArrayBuffer | ArrayBufferView;
type WasmModule = typeof globalThis extends { WebAssembly: { Module: { prototype: infer M } } } ? M : object;
type FetchResponse = typeof globalThis extends { Response: { prototype: infer R } } ? R : object;
type FetchRequest = typeof globalThis extends { Request: { prototype: infer R } } ? R : object;
export type InitInput = string | URL | FetchRequest | FetchResponse | Bytes | WasmModule;
/** Loads the wasm (browsers, service workers, Deno, bundles). Guarded: later calls return the first promise. A no-op in Node and workerd. */
export default function init(input?: { module_or_path?: InitInput | Promise<InitInput> } | InitInput): Promise<void>;
/** Synchronous init from bytes or a compiled module; without input, the `inline` entry uses its inlined bytes. */
export declare function initSync(input?: { module: Bytes | WasmModule } | Bytes | WasmModule): void;
