// In-memory stand-in for VICIdial `agc/api.php` (2.14-82, build 250122-1010,
// by default; option apiVersion picks an older revision's filters, see
// versions.mjs), restricted to `function=ra_call_control` (stages
// INGROUPTRANSFER, HANGUP, EXTENSIONTRANSFER), `function=version` and the 418
// coffee functions; plus `vicidial/non_agent_api.php` (non-agent.mjs) over the
// same tables, and the sandbox controls (live calls, ringing, ended calls).
//
// It follows the real server: the contract is shared/spec/ra_call_control.md,
// the ground truth the recordings in tests/recordings/. Each rule below names
// the server fact behind it. Pure JavaScript, no dependencies, no Node APIs:
// runs in Node 20, workerd and browsers.
//
//   import { createSandbox } from './sandbox/vicidial.mjs';
//   const vd = createSandbox({ seed: 'default' });
//   vd.handle({ method: 'GET', query: 'source=crm&user=6666&pass=1234&...' });
//   // -> { status: 200, headers: {...}, body: 'SUCCESS: ra_call_control transfer - 1028|Y...|\n' }

import { parseRequest, PHP_ARRAY, binaryToText, binaryToBytes, toBinary } from './php-request.mjs';
import {
  paramInitNoise, ACTION_NOISE, FUNCTIONS_PHP_NOISE, RA_DATA_NOISE, API_LOG_NOISE,
  arrayFatalText, sqlFatalText,
} from './php-noise.mjs';
import { buildSeed, SEEDS, COLUMN_WIDTHS, seedOfRecording } from './seeds.mjs';
import { resolveVersion, filtersFor, behaviourFor, VERSIONS, NEWEST } from './versions.mjs';
import { nonAgentApi, NON_AGENT_VERSION, NON_AGENT_BUILD } from './non-agent.mjs';
import { applyState, STATES } from './states.mjs';

export { SEEDS, VERSIONS, STATES, seedOfRecording, NON_AGENT_VERSION, NON_AGENT_BUILD };
/** The newest api.php the sandbox imitates (the default of option apiVersion). */
export const VERSION = NEWEST;
export const BUILD = resolveVersion(NEWEST).build;

/** The three headers api.php sets itself, exactly as recorded. */
export const RESPONSE_HEADERS = Object.freeze({
  'Content-type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-cache, must-revalidate',
  Pragma: 'no-cache',
});
/**
 * non_agent_api.php's login failure sets Content-type again after the other
 * two (PHP's header() replaces and appends): recorded order.
 */
export const LOGIN_FAILURE_HEADERS = Object.freeze({
  'Cache-Control': 'no-cache, must-revalidate',
  Pragma: 'no-cache',
  'Content-type': 'text/html; charset=utf-8',
});

export const DEFAULT_OPTIONS = Object.freeze({
  seed: 'default', // 'default' | 'extras' | 'nonagent' | 'extras+nonagent' | 'more' (seeds.mjs)
  apiVersion: NEWEST, // api.php version whose filters and replies are imitated (versions.mjs)
  apiActive: true, // system_settings.vdc_agent_api_active
  strictSql: false, // MariaDB strict sql_mode (13a_strict_success_IN)
  displayErrors: false, // PHP display_errors=On (12b_warn_ingroup_invalid)
  useNonLatin: false, // system_settings.use_non_latin
  activeServers: true, // false: no active Asterisk server -> auth message ERRSERVERS
  timezoneOffsetMinutes: 0, // server local time for DATE/entry dates (recorded server: UTC)
  now: () => Date.now(), // injectable clock, milliseconds
  apiLogLimit: 1000, // vicidial_api_log rows kept (ring buffer)
});

const PLUS = /\+/g; // ingroup_choices: `+` -> space before filtering

const AGENT_RE = /^[-_0-9A-Za-z]{1,20}$/;

const COFFEE = new Set(['coffee', 'start_coffee', 'make_coffee', 'brew_coffee']);

// Line numbers for the synthesised "strlen(): array given" fatal errors (INVENTED).
const LINE_SOURCE = 616;
const LINE_AUTH = 625;
const LINE_RA_VALID = 3512;
const LINE_RA_PHONE = 3572;
const LINE_RA_INGROUP = 3606;
const LINE_RA_STATUS = 3651;

/** A PHP fatal error: aborts the script; see handle(). */
class PhpFatal extends Error {
  constructor(displayText) {
    super('PHP fatal error');
    this.displayText = displayText;
  }
}

/**
 * MariaDB key of a string compared with `=` under VICIdial's *_general_ci
 * collations: case-insensitive (spec: users, passwords, call IDs, in-groups)
 * and PAD SPACE, i.e. trailing spaces ignored (spec: `SALESLINE ` is found
 * and answers SUCCESS).
 */
export function dbKey(s) {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 32) end--;
  return (end === s.length ? s : s.slice(0, end)).toUpperCase();
}

/** PHP string interpolation of a parameter value. */
function str(v) {
  return v === PHP_ARRAY ? 'Array' : v;
}

/** PHP strlen(): an array is a TypeError, i.e. a fatal error (HTTP 500). */
function strlen(v, line) {
  if (v === PHP_ARRAY) throw new PhpFatal(arrayFatalText(line));
  return v.length;
}

/** preg_replace("/^..../", $prefix, $value): the first four chars replaced. */
function replaceFirst4(value, prefix) {
  return value.length >= 4 ? prefix + value.slice(4) : value;
}

function pad2(n) {
  return n < 10 ? '0' + n : String(n);
}

/** PHP date("Y-m-d H:i:s") in the server's time zone. */
export function formatDate(epoch, offsetMinutes = 0) {
  const d = new Date((epoch + offsetMinutes * 60) * 1000);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

function groupBy(rows, field) {
  const m = new Map();
  for (const r of rows) {
    const k = r[field];
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

function addTo(m, key, row) {
  const list = m.get(key);
  if (list) list.push(row);
  else m.set(key, [row]);
}

function indexBy(rows, field) {
  const m = new Map();
  for (const r of rows) m.set(dbKey(String(r[field])), r);
  return m;
}

class Sandbox {
  constructor(options = {}) {
    this._options = { ...DEFAULT_OPTIONS };
    this._callSeq = 0; // monotonic across resets: a started call ID is never reused
    this.reset(options);
  }

  /** Current options (a copy). */
  get options() {
    return { ...this._options };
  }

  /**
   * Change switches without touching the data (apiActive, strictSql,
   * displayErrors, useNonLatin, activeServers, now, timezoneOffsetMinutes).
   * A different seed needs reset({ seed }).
   */
  configure(options = {}) {
    for (const [k, v] of Object.entries(options)) {
      if (v === undefined) continue;
      if (!(k in DEFAULT_OPTIONS)) throw new Error(`unknown sandbox option ${k}`);
      if (k === 'seed' && v !== this._options.seed) throw new Error('changing the seed needs reset({ seed })');
      if (k === 'apiVersion') resolveVersion(v); // throws for an unknown version
      this._options[k] = v;
    }
    this._applyVersion();
  }

  _applyVersion() {
    const v = this._options.apiVersion;
    this._version = resolveVersion(v);
    this._filters = filtersFor(v);
    this._behaviour = behaviourFor(v);
  }

  /** Re-seed the database (optionally with new options) and clear the stats. */
  reset(options = {}) {
    for (const [k, v] of Object.entries(options)) {
      if (v === undefined) continue;
      if (!(k in DEFAULT_OPTIONS)) throw new Error(`unknown sandbox option ${k}`);
      if (k === 'apiVersion') resolveVersion(v); // throws for an unknown version, before anything changes
      if (k === 'seed' && !Object.prototype.hasOwnProperty.call(SEEDS, v)) throw new Error(`unknown sandbox seed ${JSON.stringify(v)} (known: ${Object.keys(SEEDS).join(', ')})`);
    }
    for (const [k, v] of Object.entries(options)) {
      if (v === undefined) continue;
      this._options[k] = v;
    }
    if (typeof this._options.now !== 'function') throw new Error('option now must be a function returning milliseconds');
    this._applyVersion();
    const s = buildSeed(this._options.seed, this._epoch(), (e) => formatDate(e, this._options.timezoneOffsetMinutes));
    this._db = {
      servers: indexBy(s.servers, 'serverIp'),
      users: indexBy(s.users, 'user'),
      userGroups: indexBy(s.userGroups, 'userGroup'),
      inboundGroups: indexBy(s.inboundGroups, 'groupId'),
      campaigns: indexBy(s.campaigns, 'campaignId'),
      defaultCampaign: s.campaigns[0].campaignId,
      leads: new Map(s.leads.map((l) => [l.leadId, l])),
      logExtended: s.logExtended,
      liveInboundAgents: s.liveInboundAgents,
      liveAgents: indexBy(s.liveAgents, 'user'),
      calls: indexBy(s.calls, 'callerid'),
      vicidialLog: s.vicidialLog,
      closerLog: s.closerLog,
      // uniqueid -> rows, so the UPDATE ... where uniqueid=... stays O(1) under load
      vicidialLogByUid: groupBy(s.vicidialLog, 'uniqueid'),
      closerLogByUid: groupBy(s.closerLog, 'uniqueid'),
      nextLeadId: s.nextLeadId,
      nextCloseCallId: Math.max(0, ...s.closerLog.map((r) => r.closecallid)) + 1,
      manager: [], // vicidial_manager: queued Asterisk manager commands
      nextManId: 1,
      apiLog: [], // vicidial_api_log (last apiLogLimit rows)
    };
    this._stats = { requests: 0, transfers: 0, hangups: 0, perCall: new Map() };
  }

  _epoch() {
    return Math.floor(this._options.now() / 1000);
  }

  // ---------------------------------------------------------------------------
  // The HTTP-level entry point

  /**
   * Answer one request to /agc/api.php.
   * @param {{method?: string, query?: string|Uint8Array, body?: string|Uint8Array, contentType?: string}} req
   *   query: the raw query string (no `?` needed); body: the raw request body;
   *   strings are taken as text (UTF-8), Uint8Array as raw bytes.
   * @returns {{status: number, headers: object, body: string, bytes: Uint8Array}}
   *   body is the reply decoded as UTF-8; bytes the exact reply bytes.
   */
  handle(req = {}) {
    this._stats.requests++;
    const { get, post } = parseRequest(req);
    // api.php: `if (isset($_GET[x])) ... elseif (isset($_POST[x]))`: the query
    // wins, even when empty; the body is read only for names not in the query.
    const param = (name) => (get.has(name) ? get.get(name) : post.get(name));
    const ctx = { out: '', status: 200 };
    try {
      this._api(param, ctx);
    } catch (e) {
      if (!(e instanceof PhpFatal)) throw e;
      // A fatal error after output: with display_errors=On the message is
      // printed and the status stays 200; otherwise HTTP 500 and the output so
      // far (13a_strict_success_IN: the SUCCESS line, then 500).
      if (this._options.displayErrors) ctx.out += e.displayText;
      else ctx.status = 500;
    }
    const raw = ctx.out;
    return {
      status: ctx.status,
      headers: RESPONSE_HEADERS,
      body: binaryToText(raw),
      get bytes() {
        return binaryToBytes(raw);
      },
    };
  }

  /** The input filter of `name` for the configured api.php version (versions.mjs). */
  _filter(v, name) {
    if (v === undefined) return ''; // preg_replace(null) -> ''
    if (v === PHP_ARRAY) return v; // preg_replace on an array returns an array
    if (!this._options.useNonLatin) {
      const re = this._filters.latin[name];
      return re === null ? v : v.replace(re, '');
    }
    const re = this._filters.nonLatin[name];
    if (re === null) return v;
    return re.unicode ? toBinary(binaryToText(v).replace(re, '')) : v.replace(re, '');
  }

  _apiLog(ctx, user, agentUser, fn, value, result, reason, source, data = '') {
    if (this._options.displayErrors) ctx.out += API_LOG_NOISE;
    // api.php up to 2.14-56: `data='$data'` in single quotes; a quote in
    // $data (the auth SQL) breaks the INSERT and PHP 8.2's mysqli throws.
    if (this._behaviour.apiLogSingleQuoted && data.indexOf("'") >= 0) {
      throw new PhpFatal(sqlFatalText('You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use'));
    }
    this._logRow({ user: str(user), agentUser: str(agentUser), function: str(fn), value: str(value), result, resultReason: reason, source: str(source), data });
  }

  /** INSERT INTO vicidial_api_log: VARCHAR columns cut to their width (non-strict MariaDB). */
  _logRow(r) {
    const W = COLUMN_WIDTHS;
    const cut = (v, n) => (v.length > n ? v.slice(0, n) : v);
    const log = this._db.apiLog;
    // keep the last apiLogLimit rows; trimmed in batches (amortised O(1))
    if (log.length >= 2 * this._options.apiLogLimit) log.splice(0, log.length - this._options.apiLogLimit + 1);
    log.push({
      user: cut(r.user, W.apiLogUser), agentUser: cut(r.agentUser, W.apiLogAgentUser), function: cut(r.function, W.apiLogFunction),
      value: cut(r.value, W.apiLogValue), result: cut(r.result, W.apiLogResult), resultReason: cut(r.resultReason, W.apiLogResultReason),
      source: cut(r.source, W.apiLogSource), data: r.data,
    });
  }

  _api(param, ctx) {
    const o = this._options;
    const db = this._db;
    if (o.displayErrors) ctx.out += paramInitNoise((name) => param(name) !== undefined);

    // Input filtering, before anything else (spec "Silent rewriting").
    const user = this._filter(param('user'), 'user');
    const pass = this._filter(param('pass'), 'pass');
    const agentUser = this._filter(param('agent_user'), 'agent_user');
    const fn = this._filter(param('function'), 'function');
    const value = this._filter(param('value'), 'value');
    const source = this._filter(param('source'), 'source');
    let ingroup = param('ingroup_choices');
    if (typeof ingroup === 'string') ingroup = ingroup.replace(PLUS, ' ');
    ingroup = this._filter(ingroup, 'ingroup_choices');
    const phone = this._filter(param('phone_number'), 'phone_number');
    const status = this._filter(param('status'), 'status');
    let stage = param('stage');
    stage = this._filter(stage, 'stage');

    const now = this._epoch();

    // function=version answers before any authentication (recorded `version`).
    if (fn === 'version') {
      const data = `VERSION: ${this._version.version}|BUILD: ${this._version.build}|DATE: ${formatDate(now, o.timezoneOffsetMinutes)}|EPOCH: ${now}`;
      ctx.out += data + '\n';
      this._apiLog(ctx, user, agentUser, fn, value, 'SUCCESS', '', source, data);
      return;
    }
    // Coffee functions: HTTP 418, no newline (spec "Noise", api.php 170815).
    if (COFFEE.has(fn)) {
      const data = `Coffee: ${fn}|Error 418 I'm a teapot`;
      ctx.status = 418;
      ctx.out += data;
      this._apiLog(ctx, user, agentUser, fn, value, 'ERROR', '', source, data);
      return;
    }
    if (o.displayErrors) ctx.out += ACTION_NOISE;

    // 1. source shorter than 2 after filtering.
    if (strlen(source, LINE_SOURCE) < 2) {
      ctx.out += `ERROR: Invalid Source - ${source}\n`;
      this._apiLog(ctx, user, agentUser, fn, value, 'ERROR', 'Invalid Source', source);
      return;
    }

    // 2. user_authorization() + API access; short user/pass also refused.
    if (o.displayErrors) ctx.out += FUNCTIONS_PHP_NOISE;
    const authMessage = this._userAuthorization(str(user), str(pass), now);
    const auth = authMessage === 'GOOD' ? 1 : 0;
    const urow = user === PHP_ARRAY ? undefined : db.users.get(dbKey(user));
    // SELECT count(*) from vicidial_users where user='$user' and vdc_agent_api_access='1'
    const authApi = urow && urow.apiAccess === 1 ? 1 : 0;
    if (strlen(user, LINE_AUTH) < 2 || strlen(pass, LINE_AUTH) < 2 || auth === 0 || authApi === 0) {
      // SECURITY (spec): the real server echoes the password and the SQL.
      const data = `${str(user)}|${str(pass)}|${auth}|${authApi}|${authMessage}|`;
      ctx.out += `ERROR: Invalid Username/Password: |${data}\n`;
      this._apiLog(ctx, user, agentUser, fn, value, 'ERROR', 'Invalid Username/Password', source, data);
      return;
    }

    // 3. system_settings.vdc_agent_api_active
    if (!o.apiActive) {
      ctx.out += 'ERROR: System API NOT ACTIVE\n';
      this._apiLog(ctx, user, agentUser, fn, value, 'ERROR', 'System API NOT ACTIVE', source);
      return;
    }

    if (fn === 'ra_call_control') {
      this._raCallControl(ctx, { user, urow, agentUser, fn, value, source, ingroup, phone, status, stage, now });
    }
    // Any other function (missing, unknown, or real but not modelled here):
    // nothing printed, HTTP 200 (recorded function_missing / function_unknown).
  }

  /**
   * functions.php user_authorization(): returns GOOD, BAD|0|api|<SQL>, LOCK or
   * ERRSERVERS. Lockout: `failed_login_count < 10 or last_login_date older than
   * 15 minutes` lets a password through. A failure adds 1 to the count while
   * it is below 10; at 10 or more, a failure either locks (last login within
   * 15 minutes: LOCK) or, when the last login is older, restarts the count at
   * 1 with last_login_date=now. An API call never resets the count
   * (user_update=0), so a success does not unlock. The timestamp in the SQL
   * is now-900 (recorded: 1795561464 = version EPOCH 1795562364 - 900).
   */
  _userAuthorization(user, pass, now) {
    const lockOver = now - 900;
    const row = this._db.users.get(dbKey(user));
    const ok =
      row !== undefined &&
      dbKey(row.pass) === dbKey(pass) &&
      row.userLevel > 0 &&
      row.active === 'Y' &&
      (row.failedLoginCount < 10 || row.lastLoginDate < lockOver);
    if (!ok) {
      const fields = this._behaviour.authBcryptSourceFields ? 'BAD|0|api|' : 'BAD|';
      let key = `${fields}SELECT count(*) from vicidial_users where user='${user}' and pass='${pass}' and user_level > 0 and active='Y' and ( (failed_login_count < 10) or (UNIX_TIMESTAMP(last_login_date) < ${lockOver}) );`;
      if (row !== undefined) {
        if (row.failedLoginCount < 10) row.failedLoginCount++;
        else if (lockOver > row.lastLoginDate) {
          row.lastLoginDate = now;
          row.failedLoginCount = 1;
        } else key = 'LOCK';
      }
      return key;
    }
    // SELECT count(*) FROM servers where active='Y' and active_asterisk_server='Y'
    if (!this._options.activeServers) return 'ERRSERVERS';
    return 'GOOD';
  }

  _raCallControl(ctx, r) {
    const { user, urow, agentUser, fn, value, source, ingroup, phone, status, stage, now } = r;
    const o = this._options;
    const db = this._db;
    const raLog = (result, reason) => {
      if (o.displayErrors) ctx.out += RA_DATA_NOISE;
      this._apiLog(ctx, user, agentUser, fn, value, result, reason, source);
    };

    // 4. value, agent_user or stage empty (PHP `or`: evaluated left to right).
    if (strlen(value, LINE_RA_VALID) < 1 || strlen(agentUser, LINE_RA_VALID) < 1 || strlen(stage, LINE_RA_VALID) < 1) {
      ctx.out += `ERROR: ra_call_control not valid - ${str(value)}|${str(agentUser)}|${str(stage)}\n`;
      raLog('ERROR', 'ra_call_control not valid');
      return;
    }
    // 5. api_allowed_functions must contain " ra_call_control " or ALL_FUNCTIONS (case-sensitive preg_match).
    const allowed = urow.allowedFunctions;
    if (allowed.indexOf(` ${fn} `) < 0 && allowed.indexOf('ALL_FUNCTIONS') < 0) {
      const reason = 'auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION';
      ctx.out += `ERROR: ${reason} - ${value}|${user}|${fn}|${urow.userGroup}\n`;
      this._apiLog(ctx, user, agentUser, fn, value, 'ERROR', reason, source);
      return;
    }
    // 6. select count(*) from vicidial_live_agents where user='$agent_user'
    if (!db.liveAgents.has(dbKey(agentUser))) {
      ctx.out += `ERROR: agent_user is not logged in - ${agentUser}\n`;
      raLog('ERROR', 'agent_user is not logged in');
      return;
    }
    // 7. select count(*) from vicidial_auto_calls where callerid='$value'
    //    (the stage is validated only after this: 04i_invalid_stage_and_wrong_call)
    const callKey = dbKey(value);
    const call = db.calls.get(callKey);
    if (call === undefined) {
      ctx.out += `ERROR: no active call found - ${value}\n`;
      raLog('ERROR', 'no active call found');
      return;
    }
    // The agent whose screen holds the call: `where callerid='$value'`. Only
    // that agent is set READY (not agent_user): default_in_resolves leaves
    // 1028 INCALL because 1028 holds another call.
    let raAgent;
    for (const a of db.liveAgents.values()) {
      if (a.callerid !== '' && dbKey(a.callerid) === callKey) { raAgent = a; break; }
    }

    let success = false;
    let command; // the vicidial_manager row to insert on success
    const server = db.servers.get(dbKey(call.serverIp));
    const extContext = server ? server.extContext : '';

    if (stage === 'HANGUP') {
      const cid = replaceFirst4(value, 'HAPI');
      command = { action: 'Hangup', callerid: cid, cmdLineB: `Channel: ${call.channel}`, cmdLineC: '', cmdLineD: '', cmdLineE: '', cmdLineF: '' };
      ctx.out += `SUCCESS: ra_call_control hungup - ${agentUser}|${value}|HANGUP\n`;
      raLog('SUCCESS', 'ra_call_control hungup');
      success = true;
    } else if (stage === 'EXTENSIONTRANSFER') {
      if (strlen(phone, LINE_RA_PHONE) < 2) {
        ctx.out += `ERROR: phone_number is not valid - ${phone}\n`;
        raLog('ERROR', 'phone_number is not valid');
      } else {
        command = this._redirect(value, call, extContext, phone);
        ctx.out += `SUCCESS: ra_call_control transfer - ${agentUser}|${value}|${phone}\n`;
        raLog('SUCCESS', 'ra_call_control transfer');
        success = true;
      }
    } else if (stage === 'INGROUPTRANSFER') {
      // 8. in-group shorter than 2, unknown or inactive
      if (strlen(ingroup, LINE_RA_INGROUP) < 2) {
        ctx.out += `ERROR: ingroup is not valid - ${ingroup}\n`;
        raLog('ERROR', 'ingroup is not valid');
      } else {
        let group = ingroup;
        // Any value CONTAINING "DEFAULTINGROUP" (case-sensitive) is replaced as a
        // whole by default_xfer_group of the call's in-group (IN) or campaign
        // (otherwise). A missing row reads as null -> "".
        if (group.indexOf('DEFAULTINGROUP') >= 0) {
          const origin = call.callType === 'IN'
            ? db.inboundGroups.get(dbKey(call.campaignId))
            : db.campaigns.get(dbKey(call.campaignId));
          group = origin ? origin.defaultXferGroup : '';
        }
        // select count(*) from vicidial_inbound_groups where group_id='$ingroup_choices' and active='Y'
        const row = db.inboundGroups.get(dbKey(group));
        if (row === undefined || row.active !== 'Y') {
          ctx.out += `ERROR: ingroup is not valid - ${group}\n`;
          raLog('ERROR', 'ingroup is not valid');
        } else {
          // The caller's spelling goes into the dial string (case and a
          // trailing space kept: `90009*SALESLINE **...`).
          const exten = `90009*${group}**${call.leadId}**${call.phoneNumber}**${agentUser}**`;
          command = this._redirect(value, call, extContext, exten);
          // Third field: the phone_number parameter, NOT the in-group.
          ctx.out += `SUCCESS: ra_call_control transfer - ${agentUser}|${value}|${str(phone)}\n`;
          raLog('SUCCESS', 'ra_call_control transfer');
          success = true;
        }
      }
    } else {
      // 9. stage compared exactly; echoed unfiltered except ' " \ ;
      ctx.out += `ERROR: stage is not valid - ${stage}\n`;
      raLog('ERROR', 'stage is not valid');
    }
    if (!success) return;

    // ---- after the SUCCESS line: the database writes, in api.php's order ----
    const st = strlen(status, LINE_RA_STATUS) < 1 ? 'RAXFER' : status;
    // The status columns are VARCHAR(6): non-strict MariaDB truncates
    // (TOOLONGX -> TOOLON); strict mode fails the first UPDATE instead.
    if (st.length > 6 && o.strictSql) {
      throw new PhpFatal(sqlFatalText("Data too long for column 'status' at row 1"));
    }
    const stored = st.length > 6 ? st.slice(0, 6) : st;
    if (call.callType === 'IN') {
      // UPDATE vicidial_closer_log ... where uniqueid, lead_id, campaign_id order by closecallid desc limit 1
      let hit;
      for (const row of db.closerLogByUid.get(call.uniqueid) ?? []) {
        if (row.uniqueid === call.uniqueid && row.leadId === call.leadId && dbKey(row.campaignId) === dbKey(call.campaignId)) {
          if (hit === undefined || row.closecallid > hit.closecallid) hit = row;
        }
      }
      if (hit) Object.assign(hit, { status: stored, lengthInSec: now - hit.startEpoch, endEpoch: now });
    } else {
      // UPDATE vicidial_log SET status, user=agent_user ... where uniqueid, lead_id (last one)
      let hit;
      for (const row of db.vicidialLogByUid.get(call.uniqueid) ?? []) if (row.uniqueid === call.uniqueid && row.leadId === call.leadId) hit = row;
      if (hit) Object.assign(hit, { status: stored, user: agentUser, lengthInSec: now - hit.startEpoch, endEpoch: now });
    }
    const lead = db.leads.get(call.leadId);
    if (lead) lead.status = stored; // UPDATE vicidial_list SET status

    // Strict sql_mode: the vicidial_manager INSERT passes '' for the
    // AUTO_INCREMENT man_id -> error 1366 -> PHP 8 throws. The log and lead
    // updates above are kept; nothing is queued, the agent and the call stay
    // (13a_strict_success_IN db_effects).
    if (o.strictSql) {
      throw new PhpFatal(sqlFatalText("Incorrect integer value: '' for column `asterisk`.`vicidial_manager`.`man_id` at row 1"));
    }

    const nowText = formatDate(now, o.timezoneOffsetMinutes);
    db.manager.push(this._managerRow({
      manId: db.nextManId++, entryDate: nowText, status: 'NEW', response: 'N', serverIp: call.serverIp, channel: '',
      ...command,
    }));
    const stats = this._stats;
    let perCall = stats.perCall.get(call.callerid);
    if (perCall === undefined) stats.perCall.set(call.callerid, (perCall = { transfers: 0, hangups: 0 }));
    if (command.action === 'Hangup') { stats.hangups++; perCall.hangups++; } else { stats.transfers++; perCall.transfers++; }

    if (raAgent) {
      Object.assign(raAgent, {
        randomId: String(10000000 + 1000000 + Math.floor(Math.random() * 9000000)),
        lastCallFinish: now, leadId: 0, uniqueid: '', callerid: '', channel: '', lastStateChange: now,
        status: 'READY',
      });
    }
    db.calls.delete(callKey); // DELETE from vicidial_auto_calls where callerid='$value'
    for (const a of db.liveAgents.values()) if (a.ringCallerid !== '' && dbKey(a.ringCallerid) === callKey) a.ringCallerid = '';
  }

  /** The Redirect row: callerid = value with its first 4 chars replaced by XAPI. */
  _redirect(value, call, extContext, exten) {
    const cid = replaceFirst4(value, 'XAPI');
    return {
      action: 'Redirect', callerid: cid, cmdLineB: `Channel: ${call.channel}`, cmdLineC: `Context: ${extContext}`,
      cmdLineD: `Exten: ${exten}`, cmdLineE: 'Priority: 1', cmdLineF: `CallerID: ${cid}`,
    };
  }

  /**
   * INSERT INTO vicidial_manager: non-strict MariaDB cuts every VARCHAR to its
   * width (cmd_line_d is VARCHAR(200): a 250-digit EXTENSIONTRANSFER number
   * is stored cut while the reply echoes it whole; realserver README).
   */
  _managerRow(row) {
    const W = COLUMN_WIDTHS;
    const cut = (v, n) => (typeof v === 'string' && v.length > n ? v.slice(0, n) : v);
    return {
      ...row,
      callerid: cut(row.callerid, W.managerCallerid),
      channel: cut(row.channel, W.managerCmdLine),
      cmdLineB: cut(row.cmdLineB, W.managerCmdLine),
      cmdLineC: cut(row.cmdLineC, W.managerCmdLine),
      cmdLineD: cut(row.cmdLineD, W.managerCmdLineD),
      cmdLineE: cut(row.cmdLineE, W.managerCmdLine),
      cmdLineF: cut(row.cmdLineF, W.managerCmdLine),
    };
  }

  // ---------------------------------------------------------------------------
  // Sandbox controls (not part of VICIdial)

  // ---------------------------------------------------------------------------
  // Sandbox controls (not part of VICIdial)

  /**
   * Put a new live call on an agent's screen, as VICIdial does when a call
   * reaches a remote agent: a new lead, a vicidial_auto_calls row with a fresh
   * call ID in the real 20-char format (`Y` inbound / `V` outbound + mdHis +
   * 9 digits), the call-log and vicidial_log_extended rows, and the agent's
   * vicidial_live_agents row pointing at the call: `INCALL` (default, the
   * remote-agent loop has confirmed the bridge) or `QUEUE` (state: 'QUEUE',
   * still ringing; answerCall() makes it INCALL). The new call replaces the
   * agent's current one on screen (the earlier call stays live, held by no
   * agent). An agent that is not
   * logged in is logged in (and created as a level-1 user in group ADMIN
   * when no such user exists). Bad input throws an Error naming the field.
   */
  startCall({ agentUser = '1028', direction = 'IN', ingroup = 'SALESLINE', campaign, phoneNumber, state = 'INCALL' } = {}) {
    const db = this._db;
    const now = this._epoch();
    const agent = String(agentUser);
    if (!AGENT_RE.test(agent)) throw new Error(`agentUser must be 1 to 20 of - _ 0-9 A-Z a-z (got ${JSON.stringify(agent)})`);
    const dirText = String(direction).toUpperCase();
    if (dirText !== 'IN' && dirText !== 'OUT') throw new Error(`direction must be "IN" or "OUT" (got ${JSON.stringify(direction)})`);
    if (state !== 'INCALL' && state !== 'QUEUE') throw new Error(`state must be "INCALL" or "QUEUE" (got ${JSON.stringify(state)})`);
    let origin;
    if (dirText === 'IN') {
      const g = db.inboundGroups.get(dbKey(String(ingroup)));
      if (!g) throw new Error(`ingroup ${JSON.stringify(String(ingroup))} is not an in-group of this sandbox (known: ${[...db.inboundGroups.values()].map((x) => x.groupId).join(', ')})`);
      origin = g.groupId;
    } else {
      const name = String(campaign ?? db.defaultCampaign);
      const c = db.campaigns.get(dbKey(name));
      if (!c) throw new Error(`campaign ${JSON.stringify(name)} is not a campaign of this sandbox (known: ${[...db.campaigns.values()].map((x) => x.campaignId).join(', ')})`);
      origin = c.campaignId;
    }
    const phone = phoneNumber === undefined ? undefined : String(phoneNumber);
    if (phone !== undefined && !/^[0-9]{1,18}$/.test(phone)) throw new Error(`phoneNumber must be 1 to 18 digits (got ${JSON.stringify(phone)})`);
    // An agent already on a call gets the new one on screen: the earlier call
    // stays live (vicidial_auto_calls) but no agent row points at it any more
    // (like Y...028 in the seed), so it is nobody's current call.

    const seq = ++this._callSeq;
    const serverIp = db.servers.values().next().value.serverIp;
    const d = new Date((now + this._options.timezoneOffsetMinutes * 60) * 1000);
    const mdHis = pad2(d.getUTCMonth() + 1) + pad2(d.getUTCDate()) + pad2(d.getUTCHours()) + pad2(d.getUTCMinutes()) + pad2(d.getUTCSeconds());
    const callId = (dirText === 'IN' ? 'Y' : 'V') + mdHis + String(500000000 + (seq % 500000000)).padStart(9, '0');
    const leadId = db.nextLeadId++;
    const number = phone ?? String(3125550000 + (leadId % 10000));
    const uniqueid = `${now}.${seq}`;
    const channel = `SIP/carrier-${seq.toString(16).padStart(8, '0')}`;
    const callDate = formatDate(now, this._options.timezoneOffsetMinutes);

    db.leads.set(leadId, { leadId, listId: 101, phoneNumber: number, status: 'INCALL', vendorLeadCode: '' });
    db.calls.set(dbKey(callId), {
      callerid: callId, callType: dirText, campaignId: origin, leadId, phoneNumber: number,
      channel, serverIp, uniqueid, status: 'LIVE',
    });
    if (dirText === 'IN') {
      const row = { closecallid: db.nextCloseCallId++, uniqueid, leadId, listId: 101, campaignId: origin, status: 'INCALL', phoneNumber: number, user: agent, callDate, startEpoch: now, endEpoch: null, lengthInSec: null };
      db.closerLog.push(row);
      addTo(db.closerLogByUid, uniqueid, row);
    } else {
      const row = { uniqueid, leadId, listId: 101, campaignId: origin, status: 'INCALL', phoneNumber: number, user: agent, callDate, startEpoch: now, endEpoch: null, lengthInSec: null };
      db.vicidialLog.push(row);
      addTo(db.vicidialLogByUid, uniqueid, row);
    }
    db.logExtended.push({ uniqueid, callDate, leadId, callerCode: callId });
    const a = this._loginAgent(agent, serverIp, now);
    Object.assign(a, { status: state, leadId, uniqueid, callerid: callId, channel, lastCallTime: now, lastStateChange: now });
    return { callId, agentUser: a.user, direction: dirText, ingroup: dirText === 'IN' ? origin : null, campaign: dirText === 'OUT' ? origin : null, leadId, phoneNumber: number, channel, uniqueid, state };
  }

  /** The agent's vicidial_live_agents row, logging the agent in (and creating the user) when needed. */
  _loginAgent(agent, serverIp, now) {
    const db = this._db;
    const key = dbKey(agent);
    let a = db.liveAgents.get(key);
    if (a === undefined) {
      if (!db.users.has(key)) {
        db.users.set(key, {
          user: agent, pass: '', fullName: `remote agent ${agent}`, userLevel: 1, userGroup: 'ADMIN', active: 'Y',
          apiAccess: 0, allowedFunctions: ' ALL_FUNCTIONS ', viewReports: 0, modifyUsers: 0, failedLoginCount: 0, lastLoginDate: now,
        });
      }
      a = {
        user: db.users.get(key).user, serverIp, confExten: '', extension: `R/${agent}`, status: 'READY', leadId: 0,
        campaignId: db.defaultCampaign, uniqueid: '', callerid: '', channel: '', randomId: '10000000', callsToday: 0,
        comments: 'REMOTE', closerCampaigns: '', ringCallerid: '', onHookAgent: 'N', agentLogId: 0, previewLeadId: 0,
        userLevel: 1, lastCallTime: now, lastCallFinish: now, lastStateChange: now,
      };
      db.liveAgents.set(key, a);
    }
    return a;
  }

  _agentOf(callId) {
    const key = dbKey(String(callId));
    for (const a of this._db.liveAgents.values()) if (a.callerid !== '' && dbKey(a.callerid) === key) return a;
    return undefined;
  }

  /** A ringing call (agent QUEUE) is answered: the agent becomes INCALL. */
  answerCall(callId) {
    const a = this._agentOf(callId);
    if (!a) throw new Error(`no agent holds call ${JSON.stringify(String(callId))}`);
    if (a.status !== 'QUEUE') throw new Error(`call ${callId} is not ringing (agent ${a.user} is ${a.status})`);
    if (!this._db.calls.has(dbKey(String(callId)))) throw new Error(`call ${callId} has ended`);
    Object.assign(a, { status: 'INCALL', lastStateChange: this._epoch() });
    return { callId: a.callerid, agentUser: a.user, status: a.status };
  }

  /**
   * The caller hangs up: the vicidial_auto_calls row goes; the agent's row
   * keeps the call ID (agent_status answers sub-status DEAD) until the
   * remote-agent loop cleans it, which `cleanup: true` does at once (READY).
   */
  endCall(callId, { cleanup = false } = {}) {
    const key = dbKey(String(callId));
    const call = this._db.calls.get(key);
    if (!call) throw new Error(`no live call ${JSON.stringify(String(callId))}`);
    this._db.calls.delete(key);
    const a = this._agentOf(callId);
    if (a && cleanup) this._clearAgent(a);
    return { callId: call.callerid, agentUser: a ? a.user : null, agentStatus: a ? a.status : null };
  }

  _clearAgent(a) {
    const now = this._epoch();
    Object.assign(a, { status: 'READY', leadId: 0, uniqueid: '', callerid: '', channel: '', lastCallFinish: now, lastStateChange: now });
  }

  /** The remote-agent loop: an agent whose call is gone is set READY. */
  cleanupAgent(agentUser) {
    const a = this._db.liveAgents.get(dbKey(String(agentUser)));
    if (!a) throw new Error(`agent ${JSON.stringify(String(agentUser))} is not logged in`);
    if (a.callerid !== '' && this._db.calls.has(dbKey(a.callerid))) throw new Error(`agent ${a.user} is still on live call ${a.callerid}`);
    this._clearAgent(a);
    return { agentUser: a.user, status: a.status };
  }

  /** Log an agent out (vicidial_live_agents row deleted). */
  logoutAgent(agentUser) {
    const key = dbKey(String(agentUser));
    if (!this._db.liveAgents.delete(key)) throw new Error(`agent ${JSON.stringify(String(agentUser))} is not logged in`);
    return { agentUser: String(agentUser), loggedIn: false };
  }

  /** The logged-in agents: user, status, callerid, leadId, and the sub-status agent_status would show. */
  listAgents() {
    return [...this._db.liveAgents.values()].map((a) => ({
      agentUser: a.user, status: a.status, callId: a.callerid, leadId: a.leadId,
      subStatus: a.status === 'INCALL' && a.callerid !== '' && !this._db.calls.has(dbKey(a.callerid)) ? 'DEAD' : '',
    }));
  }

  /** Apply a named state (states.mjs), e.g. the state a recording's setup_sql produced. */
  applyState(name, args = {}) {
    return applyState(this, name, args);
  }

  /** Answer one request to /vicidial/non_agent_api.php (2.14-198); same shape as handle(). */
  handleNonAgent(req = {}) {
    this._stats.requests++;
    const { get, post } = parseRequest(req);
    const ctx = { out: '', status: 200, headers: RESPONSE_HEADERS };
    nonAgentApi(this, { get, post }, ctx);
    const raw = ctx.out;
    return {
      status: ctx.status,
      headers: ctx.headers,
      body: binaryToText(raw),
      get bytes() {
        return binaryToBytes(raw);
      },
    };
  }

  /** Internal state for non-agent.mjs and states.mjs (not an API). */
  get _internals() {
    return { db: this._db, options: this._options, epoch: () => this._epoch(), logRow: (r) => this._logRow(r), dbKey };
  }

  /** The live calls (vicidial_auto_calls), with the agent whose row holds each. */
  listCalls() {
    return [...this._db.calls.values()].map((c) => {
      const a = this._agentOf(c.callerid);
      return {
        callId: c.callerid, direction: c.callType, ingroup: c.callType === 'IN' ? c.campaignId : null,
        campaign: c.callType === 'IN' ? null : c.campaignId, leadId: c.leadId, phoneNumber: c.phoneNumber,
        channel: c.channel, agentUser: a ? a.user : null, agentStatus: a ? a.status : null,
      };
    });
  }

  /**
   * The database-effects snapshot in the recordings' form (realserver/rv.py
   * dbfx: `mariadb -N -B` output of each query, trimmed; tabs between
   * columns, newlines between rows, \n \t \\ escaped inside values).
   */
  dbEffects() {
    const db = this._db;
    const esc = (v) => String(v ?? 'NULL').replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\0/g, '\\0');
    const out = (rows) => rows.map((r) => r.map(esc).join('\t')).join('\n').trim();
    const byKey = (f) => (x, y) => { const a = dbKey(String(f(x))); const b = dbKey(String(f(y))); return a < b ? -1 : a > b ? 1 : 0; };
    return {
      manager: out(db.manager.map((m) => [m.action, m.callerid, m.cmdLineB, m.cmdLineC, m.cmdLineD])),
      list_status: out([...db.leads.values()].sort((a, b) => a.leadId - b.leadId).map((l) => [l.leadId, l.status])),
      log_status: out([...db.vicidialLog].sort(byKey((r) => r.uniqueid)).map((r) => [r.uniqueid, r.status])),
      closer_status: out([...db.closerLog].sort((a, b) => a.closecallid - b.closecallid).map((r) => [r.uniqueid, r.status])),
      auto_calls: out([...db.calls.values()].sort(byKey((c) => c.callerid)).map((c) => [c.callerid])),
      agent: out([...db.liveAgents.values()].sort(byKey((a) => a.user)).map((a) => [a.user, a.status, a.callerid])),
      failed_logins: out([...db.users.values()].filter((u) => u.failedLoginCount > 0).sort(byKey((u) => u.user)).map((u) => [u.user, u.failedLoginCount])),
      api_log: out(db.apiLog.slice(-this._options.apiLogLimit).map((r) => [r.user, r.agentUser, r.function, r.value, r.result, r.resultReason, r.source, r.data])),
    };
  }

  /**
   * Counters for load tests: requests handled, Redirects (transfers) and
   * Hangups queued, per call ID, and the calls with more than one command.
   */
  stats() {
    const perCall = {};
    let duplicated = 0;
    for (const [id, c] of this._stats.perCall) {
      perCall[id] = { ...c };
      if (c.transfers + c.hangups > 1) duplicated++;
    }
    return {
      requests: this._stats.requests,
      transfers: this._stats.transfers,
      hangups: this._stats.hangups,
      liveCalls: this._db.calls.size,
      callsWithCommands: this._stats.perCall.size,
      duplicated,
      perCall,
    };
  }

  /** Queued manager commands (vicidial_manager rows), oldest first. */
  managerQueue() {
    return this._db.manager.map((m) => ({ ...m, line: managerLine(m) }));
  }

  /** A copy of the modelled tables, for tests and debugging. */
  snapshot() {
    const rows = (m) => [...m.values()].map((r) => ({ ...r }));
    const db = this._db;
    return {
      servers: rows(db.servers),
      users: rows(db.users),
      userGroups: rows(db.userGroups),
      liveAgents: rows(db.liveAgents),
      calls: rows(db.calls),
      leads: rows(db.leads),
      inboundGroups: rows(db.inboundGroups),
      campaigns: rows(db.campaigns),
      vicidialLog: db.vicidialLog.map((r) => ({ ...r })),
      closerLog: db.closerLog.map((r) => ({ ...r })),
      logExtended: db.logExtended.map((r) => ({ ...r })),
      liveInboundAgents: db.liveInboundAgents.map((r) => ({ ...r })),
      manager: this.managerQueue(),
      apiLog: db.apiLog.slice(-this._options.apiLogLimit).map((r) => ({ ...r })),
    };
  }
}

/** "Action\tcallerid\tcmd_line_b\t..." with the empty trailing lines left out (recordings' `manager` form). */
export function managerLine(m) {
  const parts = [m.action, m.callerid, m.cmdLineB, m.cmdLineC, m.cmdLineD];
  while (parts.length && parts[parts.length - 1] === '') parts.pop();
  return parts.join('\t');
}

/** Create a sandbox VICIdial. See DEFAULT_OPTIONS for the options. */
export function createSandbox(options = {}) {
  return new Sandbox(options);
}
