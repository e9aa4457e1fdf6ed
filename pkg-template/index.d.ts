/**
 * vicidial-xfer: exact VICIdial `ra_call_control` INGROUPTRANSFER requests
 * and typed replies, in WebAssembly.
 *
 * In Node (>= 20) and workerd the module is ready on import. In browsers,
 * MV3 service workers and Deno call `init()` once (it is guarded: calling
 * it again returns the same promise) before anything else.
 */

/** The request keys; errors name the field with one of these. */
export type Field = "source" | "user" | "pass" | "agentUser" | "callId" | "ingroup" | "status";

/** Why a field's value was refused. */
export type FieldIssueCode =
  | "MISSING"
  | "EMPTY"
  | "TOO_SHORT"
  | "TOO_LONG"
  | "INVALID_CHARACTER"
  | "SURROUNDING_SPACE"
  | "LIST_NOT_ALLOWED"
  | "DEFAULTINGROUP_MISUSED"
  | "NOT_A_STRING";

/** Why an encoded request could not be decoded. */
export type DecodeIssueCode =
  | FieldIssueCode
  | "DUPLICATE_PARAMETER"
  | "UNKNOWN_PARAMETER"
  | "BAD_ENCODING"
  | "UNSUPPORTED_FUNCTION"
  | "UNSUPPORTED_STAGE"
  | "TOO_LARGE";

/** One problem with one field. */
export interface FieldIssue {
  field: Field;
  code: FieldIssueCode;
  /** A fixed English sentence naming the field and its rule. */
  message: string;
  /** For INVALID_CHARACTER / SURROUNDING_SPACE: index of the character. */
  position?: number;
}

/** One problem found by `decodeTransfer`. */
export interface DecodeIssue {
  /** A `Field`, `"function"`, `"stage"`, `"input"`, or an unknown parameter's name. */
  field: Field | "function" | "stage" | "input" | (string & {});
  code: DecodeIssueCode;
  message: string;
}

/** An INGROUPTRANSFER request. Credentials may be left to a proxy. */
export interface TransferRequest {
  /** Label of the calling application: 2-20 letters/digits. */
  source?: string;
  /** API user. */
  user?: string;
  /** API password (sent in the POST body, never shown). */
  pass?: string;
  /** The remote agent's user. */
  agentUser: string;
  /** Call ID of the live call, e.g. `Y0315201639000402027`. */
  callId: string;
  /** ONE in-group ID (`[A-Za-z0-9_]{2,20}`) or exactly `DEFAULTINGROUP`. */
  ingroup: string;
  /** Disposition (1-6 of `A-Z a-z 0-9 - _`); the server writes RAXFER when absent. */
  status?: string;
}

/** The same encoded string serves as GET query and POST body. */
export interface BuiltTransfer {
  query: string;
  body: string;
  /** The encoding with the password masked, for previews and logs. */
  preview: string;
}

/** Thrown by `buildTransfer` for an invalid request. */
export interface TransferValidationError extends Error {
  issues: FieldIssue[];
}

export type DecodedTransfer =
  | { ok: true; request: TransferRequest & { pass?: string } }
  | { ok: false; issues: DecodeIssue[] };

/** Stable codes of `ra_call_control` replies. */
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
  | "SERVER_ERROR"
  | "EMPTY_REPLY"
  | "UNRECOGNIZED";

/** Why the server refused credentials. */
export type AuthReason = "BAD_PASSWORD" | "NO_API_ACCESS" | "LOCKED" | "NO_SERVERS" | "OTHER";

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
  | { code: "SERVER_ERROR"; excerpt: string }
  | { code: "EMPTY_REPLY" }
  | { code: "UNRECOGNIZED"; excerpt: string };

/** `parseReply`'s result: the typed fields plus a verdict, a message and the redacted text. */
export type ParsedReply = ReplyFields & {
  /** True for TRANSFERRED and HUNGUP. */
  ok: boolean;
  /** One line for people. Plain text: never insert it as HTML. */
  message: string;
  /** The body, password and SQL removed, at most 512 bytes. Plain text. */
  raw: string;
};

/** Codes a transfer can end with besides reply codes. */
export type TransportCode = "TIMEOUT" | "NETWORK_ERROR" | "ABORTED" | "HTTP_ERROR" | "INVALID_REQUEST";

export type OutcomeCode = ReplyCode | TransportCode;

/** What `TransferClient.transfer` resolves to. It never rejects for a failed transfer. */
export interface TransferOutcome {
  /** True only for TRANSFERRED with HTTP 2xx and no PHP fatal error. */
  ok: boolean;
  code: OutcomeCode;
  message: string;
  /** The request may have reached the server: do NOT retry; check the call. */
  outcomeUnknown: boolean;
  /** NO_ACTIVE_CALL for a call this client already moved (or may have). */
  likelyAlreadyTransferred: boolean;
  httpStatus?: number;
  /** The parsed reply, when a response arrived. */
  reply?: ReplyFields;
  /** The body, redacted, at most 512 bytes. Plain text. */
  raw?: string;
  /** For INVALID_REQUEST: what is wrong (nothing was sent). */
  issues?: FieldIssue[];
}

export interface TransferClientOptions {
  /** Absolute URL of `.../agc/api.php` (CORS-enabled server) or a proxy speaking the same format. */
  endpoint: string;
  /** POST (default: credentials stay out of URLs) or GET. */
  method?: "POST" | "GET";
  /** Abort after this many milliseconds (default 15000). The outcome is then TIMEOUT, outcome unknown. */
  timeoutMs?: number;
  /** Extra request headers, e.g. `{ Authorization: "Bearer ..." }` for a proxy. */
  headers?: Record<string, string>;
  /** Defaults merged into every request (e.g. source, user, pass when calling VICIdial directly). */
  defaults?: Partial<TransferRequest>;
}

export declare class TransferClient {
  constructor(options: TransferClientOptions);
  /** Sends one transfer. Never retries; resolves to an outcome for every failure. */
  transfer(request: TransferRequest, options?: { signal?: AbortSignal }): Promise<TransferOutcome>;
  /** Frees the wasm memory held by this client. */
  free(): void;
}

/** Every problem with `request`; empty when valid. */
export declare function validateTransfer(request: TransferRequest): FieldIssue[];
/** Encodes a valid request; throws a `TransferValidationError` otherwise. */
export declare function buildTransfer(request: TransferRequest): BuiltTransfer;
/** Decodes a query string or form body (for proxies). */
export declare function decodeTransfer(encoded: string): DecodedTransfer;
/** Classifies a reply body. Never throws. */
export declare function parseReply(body: string, options?: { secret?: string }): ParsedReply;
/** Removes passwords (the auth line's echo, its SQL, `pass=` values, and `secret`) from text, keeping at most `maxBytes` (default 512). */
export declare function redactReply(body: string, options?: { secret?: string; maxBytes?: number }): string;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;
/** Loads the wasm (browsers, service workers, Deno). Guarded: later calls return the first promise. A no-op in Node and workerd. */
export default function init(input?: { module_or_path?: InitInput | Promise<InitInput> } | InitInput): Promise<void>;
/** Synchronous init from compiled bytes or a `WebAssembly.Module` (workerd, tests). */
export declare function initSync(input: { module: BufferSource | WebAssembly.Module } | BufferSource | WebAssembly.Module): void;
