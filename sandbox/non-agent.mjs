// In-memory stand-in for VICIdial's non-agent API,
// `vicidial/non_agent_api.php` 2.14-198 (build 250105-1001), restricted to the
// read functions a call-control proxy uses: version, agent_status,
// logged_in_agents, callid_info, agent_campaigns, in_group_status (and the
// coffee teapot). Ground truth: tests/recordings/nonagent-2.14-82.jsonl and
// the code facts in shared/realserver/README.md ("The non-agent API"), each
// rule below naming the PHP it follows.

import { PHP_ARRAY, toBinary, binaryToText } from './php-request.mjs';
import { LOGIN_FAILURE_HEADERS } from './vicidial.mjs';

export const NON_AGENT_VERSION = '2.14-198';
export const NON_AGENT_BUILD = '250105-1001';

const COFFEE = new Set(['coffee', 'start_coffee', 'make_coffee', 'brew_coffee']);
const MODELLED = new Set(['version', 'agent_status', 'logged_in_agents', 'callid_info', 'agent_campaigns', 'in_group_status']);
// Real non_agent_api.php functions the sandbox does not answer (they get an explicit HTTP 501).
const NOT_MODELLED = new Set([
  'sounds_list', 'moh_list', 'vm_list', 'ingroup_list', 'callmenu_list', 'container_list', 'agent_ingroup_info',
  'campaigns_list', 'hopper_list', 'blind_monitor', 'add_user', 'copy_user', 'update_user', 'update_remote_agent',
  'add_group_alias', 'add_dnc_phone', 'delete_dnc_phone', 'add_fpg_phone', 'delete_fpg_phone', 'add_phone',
  'update_phone', 'add_phone_alias', 'update_phone_alias', 'server_refresh', 'update_list', 'list_info',
  'list_custom_fields', 'add_list', 'update_campaign', 'update_alt_url', 'update_presets', 'add_did', 'copy_did',
  'update_did', 'update_cid_group_entry', 'recording_lookup', 'did_log_export', 'phone_number_log',
  'agent_stats_export', 'user_group_status', 'user_details', 'ccc_lead_info', 'lead_callback_info', 'lead_dearchive',
  'lead_field_info', 'lead_all_info', 'lead_status_search', 'lead_search', 'update_log_entry', 'add_lead',
  'update_lead', 'batch_update_lead', 'check_phone_number', 'call_status_stats', 'call_dispo_report',
]);

// Input filters, use_non_latin=0 (non_agent_api.php lines 817-1034) / 1 (1087-1193).
const LATIN = {
  function: /[^-_0-9a-zA-Z]/g, user: /[^-_0-9a-zA-Z]/g, pass: /[^-_0-9a-zA-Z]/g, agent_user: /[^-_0-9a-zA-Z]/g,
  source: /[^0-9a-zA-Z]/g, stage: /[^-_0-9a-zA-Z]/g, header: /[^0-9a-zA-Z]/g, include_ip: /[^0-9a-zA-Z]/g,
  show_sub_status: /[^A-Z]/g, detail: /[^A-Z]/g, ignore_agentdirect: /[^A-Z]/g, campaign_id: /[^-_0-9a-zA-Z]/g,
  user_groups: /[^-|,_0-9a-zA-Z]/g, in_groups: /[^-|,_0-9a-zA-Z]/g, call_id: /[^0-9a-zA-Z]/g, campaigns: /[^-,|_0-9a-zA-Z]/g,
};
const NON_LATIN = {
  ...LATIN,
  user: /[^-_0-9\p{L}]/gu, pass: /[^-_0-9\p{L}]/gu, agent_user: /[^-_0-9\p{L}]/gu, source: /[^0-9\p{L}]/gu,
  campaign_id: /[^-_0-9\p{L}]/gu, user_groups: /[^-|,_0-9\p{L}]/gu, in_groups: /[^-|,_0-9\p{L}]/gu,
  call_id: /[^0-9\p{L}]/gu, campaigns: /[^-,|_0-9\p{L}]/gu,
};

class Fatal extends Error {}

function pad2(n) {
  return n < 10 ? '0' + n : String(n);
}
function dateText(epoch, offsetMinutes) {
  const d = new Date((epoch + offsetMinutes * 60) * 1000);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

/** `$DL` from stage: csv , / tab / pipe |, anything else | (and stage becomes pipe). */
function delimiter(stage) {
  if (stage === 'csv') return [',', 'csv'];
  if (stage === 'tab') return ['\t', 'tab'];
  return ['|', 'pipe'];
}

/** allowed_campaigns of a user group -> null (all) or the list. */
function allowedCampaigns(group) {
  const raw = group ? group.allowedCampaigns : '';
  if (/-ALL/i.test(raw)) return null;
  return raw.replace(/ -/g, '').split(' '); // IN('','OUTCAMP') as the PHP builds it
}

/**
 * Answer one non_agent_api.php request.
 * @param sb the sandbox (vicidial.mjs); uses its tables via sb._internals
 * @param {{get: Map, post: Map}} req PHP's $_GET / $_POST
 * @param ctx {out, status, headers}
 */
export function nonAgentApi(sb, { get, post }, ctx) {
  const { db, options, epoch, logRow, dbKey } = sb._internals;
  const raw = (name) => (get.has(name) ? get.get(name) : post.get(name));
  const filters = options.useNonLatin ? NON_LATIN : LATIN;
  const param = (name) => {
    const v = raw(name);
    if (v === undefined) return '';
    if (v === PHP_ARRAY) throw new Fatal(name);
    const re = filters[name];
    return re.unicode ? toBinary(binaryToText(v).replace(re, '')) : v.replace(re, '');
  };
  // foreach($_POST as $key=>$value) leaves $value = the last POST value;
  // api_log() logs that $value (recorded as_post: value 1028).
  let value = '';
  for (const v of post.values()) value = v === PHP_ARRAY ? 'Array' : v;

  try {
    run();
  } catch (e) {
    if (!(e instanceof Fatal)) throw e;
    // an array parameter: preg_replace returns an array, the first string
    // use is a TypeError -> PHP fatal error, HTTP 500 (display_errors off)
    ctx.out = '';
    ctx.status = 500;
  }

  function run() {
    const fn = param('function');
    const user = param('user');
    const pass = param('pass');
    const agentUser = param('agent_user');
    const source = param('source');
    const stageIn = param('stage');
    const header = param('header');
    const now = epoch();
    let data = '';
    const log = (result, reason, d = data) => logRow({ user, agentUser, function: fn, value, result, resultReason: reason, source, data: d });

    if (fn === 'version') {
      const server = db.servers.values().next().value;
      const gmt = server ? server.localGmt : '';
      const dst = 0; // date('I') in the server's zone (UTC, no DST; the sandbox has a fixed offset)
      data = `VERSION: ${NON_AGENT_VERSION}|BUILD: ${NON_AGENT_BUILD}|DATE: ${dateText(now, options.timezoneOffsetMinutes)}|EPOCH: ${now}|DST: ${dst}|TZ: ${gmt}|TZNOW: ${gmt}|`;
      ctx.out += data + '\n';
      log('SUCCESS', '');
      return;
    }
    if (COFFEE.has(fn)) {
      data = `Coffee: ${fn}|Error 418 I'm a teapot`;
      ctx.status = 418;
      ctx.out += data;
      log('ERROR', '');
      return;
    }

    // user_authorization($user,$pass,'REPORTS',1,1)
    const auth = authorize(user, pass, now);
    if (auth !== 'GOOD') {
      ctx.headers = LOGIN_FAILURE_HEADERS;
      if (auth === 'LOCK') ctx.out += `ERROR: Too many login attempts, try again in 15 minutes: |${user}|${auth}|\n`;
      else ctx.out += `ERROR: Login incorrect, please try again: |${user}|${pass}|${auth}|\n`;
      return; // no api_log
    }
    const me = db.users.get(dbKey(user));

    if (!MODELLED.has(fn)) {
      if (NOT_MODELLED.has(fn)) {
        ctx.status = 501;
        ctx.out += `ERROR: the sandbox does not model non_agent_api.php function=${fn}\n`;
        return;
      }
      ctx.out += 'ERROR: NO FUNCTION SPECIFIED\n';
      log('ERROR', 'NO FUNCTION SPECIFIED');
      return;
    }

    if (source.length < 2) {
      ctx.out += `ERROR: Invalid Source - ${source}\n`;
      log('ERROR', 'Invalid Source');
      ctx.out += `ERROR: Invalid Source: |${source}|\n`;
      return;
    }
    const allowed = me.allowedFunctions;
    if (allowed.indexOf(` ${fn} `) < 0 && allowed.indexOf('ALL_FUNCTIONS') < 0) {
      const reason = 'auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION';
      ctx.out += `ERROR: ${reason}: |${user}|${fn}|\n`;
      log('ERROR', reason, '');
      return;
    }
    // the function's own permission query
    const levelNeeded = fn === 'agent_campaigns' ? 7 : 6;
    const allowedUser =
      me.apiAccess === 1 && me.viewReports === 1 && me.userLevel > levelNeeded && me.active === 'Y' &&
      (fn !== 'agent_campaigns' || me.modifyUsers === 1) ? 1 : 0;
    if (allowedUser < 1) {
      const what = fn === 'callid_info' ? 'CALL INFO' : fn === 'in_group_status' ? 'IN-GROUP INFO' : 'AGENT INFO';
      const reason = `${fn} USER DOES NOT HAVE PERMISSION TO GET ${what}`;
      ctx.out += `ERROR: ${reason}: |${user}|${allowedUser}|\n`;
      log('ERROR', reason, String(allowedUser));
      return;
    }
    const group = db.userGroups.get(dbKey(me.userGroup));
    const [DL, stage] = delimiter(stageIn);
    const error = (reason, d) => {
      ctx.out += `ERROR: ${reason}: ${d}\n`;
      log('ERROR', reason, d);
    };
    const success = (output, reason, d) => {
      ctx.out += output;
      log('SUCCESS', reason, d);
    };

    if (fn === 'agent_status') {
      if (agentUser.length < 1 || agentUser.length >= 100) return error('agent_status INVALID SEARCH PARAMETERS', `${user}|${agentUser}`);
      const includeIp = param('include_ip') === 'YES';
      let output = '';
      if (header === 'YES') {
        output += ['status', 'callerid', 'lead_id', 'campaign_id', 'calls_today', 'full_name', 'user_group', 'user_level', 'pause_code', 'real_time_sub_status', 'phone_number', 'vendor_lead_code', 'session_id'].join(DL);
        if (includeIp) output += DL + 'computer_ip';
        output += '\n';
      }
      const u = db.users.get(dbKey(agentUser));
      if (!u) return error('agent_status AGENT NOT FOUND', `${user}|${agentUser}`);
      const a = db.liveAgents.get(dbKey(agentUser));
      if (!a) return error('agent_status AGENT NOT LOGGED IN', `${user}|${agentUser}`);
      const { rtr, leadId } = subStatus(a);
      let vendorLeadCode = '';
      let phone = '';
      if (leadId > 0) {
        const lead = db.leads.get(leadId);
        if (lead) { vendorLeadCode = lead.vendorLeadCode ?? ''; phone = lead.phoneNumber; }
      }
      if (a.callerid.length > 0) {
        const call = db.calls.get(dbKey(a.callerid));
        if (call && call.phoneNumber.length > 3) phone = call.phoneNumber;
      }
      // include_ip: computer_ip only from a vicidial_user_log LOGIN row older
      // than two days; the sandbox keeps no such rows (recorded as_include_ip).
      output += [a.status, a.callerid, leadId, a.campaignId, a.callsToday, u.fullName, u.userGroup, u.userLevel, '', rtr, phone, vendorLeadCode, a.confExten].join(DL) + '\n';
      return success(output, `agent_status ${output}`, `${user}|${agentUser}|${stage}`);
    }

    if (fn === 'logged_in_agents') {
      const campaigns = param('campaigns');
      const userGroups = param('user_groups');
      const showSub = param('show_sub_status') === 'YES';
      const allowedCamps = allowedCampaigns(group);
      const wantCamps = campaigns.length > 0 && campaigns.length < 10000 ? campaigns.split('|').map(dbKey) : null;
      const wantGroups = userGroups.length > 0 && userGroups.length < 10000 ? userGroups.split('|').map(dbKey) : null;
      let output = '';
      if (header === 'YES') {
        output += ['user', 'campaign_id', 'session_id', 'status', 'lead_id', 'callerid', 'calls_today', 'full_name', 'user_group', 'user_level'].join(DL);
        if (showSub) output += DL + 'pause_code' + DL + 'sub_status';
        output += '\n';
      }
      const agents = [...db.liveAgents.values()].filter((a) =>
        (allowedCamps === null || allowedCamps.map(dbKey).includes(dbKey(a.campaignId))) &&
        (wantCamps === null || wantCamps.includes(dbKey(a.campaignId))));
      let printed = 0;
      for (const a of agents) {
        const u = db.users.get(dbKey(a.user));
        if (!u) continue;
        if (wantGroups !== null && !wantGroups.includes(dbKey(u.userGroup))) continue;
        let sub = '';
        let leadId = a.leadId;
        if (showSub) {
          const s = subStatus(a);
          leadId = s.leadId;
          sub = `${DL}${DL}${s.rtr}`;
        }
        output += [a.user, a.campaignId, a.confExten, a.status, leadId, a.callerid, a.callsToday, u.fullName, u.userGroup, u.userLevel].join(DL) + sub + '\n';
        printed++;
      }
      if (printed > 0) return success(output, `logged_in_agents ${output}`, `${user}|${agents.length}|${stage}`);
      return error('logged_in_agents NO LOGGED IN AGENTS', `${user}|${agentUser}`);
    }

    if (fn === 'callid_info') {
      const callId = param('call_id').replace(/\n|\r|\t| /g, '');
      const detail = param('detail') === 'YES';
      if (!(callId.length > 17 && callId.length < 40 && /^(Y|J|V|M|DC|S|LP|VH|XL)/.test(callId))) {
        return error('callid_info INVALID SEARCH PARAMETERS', `${user}|${callId}`);
      }
      let output = '';
      if (header === 'YES') {
        output += (detail ? ['call_id', 'custtime', 'call_date', 'phone', 'call_type', 'campaign_id', 'list_id', 'status', 'user'] : ['call_id', 'custtime']).join(DL) + '\n';
      }
      const ext = db.logExtended.find((r) => dbKey(r.callerCode) === dbKey(callId));
      if (!ext) return error('callid_info CALL NOT FOUND', `${user}|${agentUser}`);
      let row;
      let callType;
      if (/^(Y|J|LP|VH)/.test(callId)) {
        callType = 'INBOUND';
        row = db.closerLog.find((r) => r.callDate === ext.callDate && r.uniqueid === ext.uniqueid && r.leadId === ext.leadId);
      } else {
        callType = /^V/.test(callId) ? 'OUTBOUND_AUTO' : /^M/.test(callId) ? 'OUTBOUND_MANUAL' : 'OUTBOUND_OTHER';
        row = db.vicidialLog.find((r) => r.uniqueid === ext.uniqueid && r.leadId === ext.leadId);
      }
      if (!row) return error('callid_info CALL LOG NOT FOUND', `${user}|${agentUser}`);
      const custSec = 0; // talk_sec - dead_sec of vicidial_agent_log: the sandbox keeps no agent log
      output += (detail
        ? [callId, custSec, ext.callDate, row.phoneNumber, callType, row.campaignId, row.listId, row.status, row.user]
        : [callId, custSec]).join(DL) + '\n';
      return success(output, `callid_info ${output}`, `${user}|${callId}|${stage}`);
    }

    if (fn === 'agent_campaigns') {
      const campaignId = param('campaign_id');
      const ignoreAgentDirect = param('ignore_agentdirect') === 'Y';
      const target = db.users.get(dbKey(agentUser));
      if (!target) {
        const reason = 'agent_campaigns AGENT USER DOES NOT EXIST';
        ctx.out += `ERROR: ${reason}: |${user}|${agentUser}\n`;
        log('ERROR', reason, agentUser);
        return;
      }
      const allowedCamps = allowedCampaigns(db.userGroups.get(dbKey(target.userGroup)));
      const camps = [...db.campaigns.values()].filter((c) =>
        c.active === 'Y' &&
        (allowedCamps === null || allowedCamps.map(dbKey).includes(dbKey(c.campaignId))) &&
        (campaignId.length === 0 || dbKey(c.campaignId) === dbKey(campaignId)));
      if (camps.length === 0) return error('agent_campaigns THIS AGENT USER HAS NO AVAILABLE CAMPAIGNS', `${agentUser}|${user}|`);
      const closer = new Set();
      for (const c of camps) for (const g of (c.closerCampaigns ?? '').replace(/-$/, '').split(' ')) if (g !== '') closer.add(dbKey(g));
      const groups = [...db.inboundGroups.values()]
        .filter((g) => g.active === 'Y' && closer.has(dbKey(g.groupId)) && !(ignoreAgentDirect && /^AGENTDIRECT/i.test(g.groupId)))
        .map((g) => g.groupId)
        .sort(); // primary-key order
      const campList = camps.map((c) => c.campaignId).join('-');
      const groupList = groups.join('-');
      let output = '';
      if (header === 'YES') output += ['user', 'allowed_campaigns_list', 'allowed_ingroups_list'].join(DL) + '\n';
      output += [agentUser, campList, groupList].join(DL) + '\n';
      return success(output, 'agent_campaigns RESULTS FOUND: 1', `${user}|${agentUser}|${campList}|${groupList}`);
    }

    if (fn === 'in_group_status') {
      const inGroups = param('in_groups');
      if (!(inGroups.length > 0 && inGroups.length < 10000)) return error('in_group_status INVALID SEARCH PARAMETERS', `${user}|${inGroups}`);
      const list = inGroups.split('|').map(dbKey);
      const allowedCamps = allowedCampaigns(group);
      let output = '';
      if (header === 'YES') output += ['ingroups', 'total_calls', 'calls_waiting', 'agents_logged_in', 'agents_in_calls', 'agents_waiting', 'agents_paused', 'agents_in_dispo', 'agents_in_dial'].join(DL) + '\n';
      let totalCalls = 0;
      let waiting = 0;
      for (const c of db.calls.values()) {
        if (!list.includes(dbKey(c.campaignId))) continue;
        if (allowedCamps !== null && !allowedCamps.map(dbKey).includes(dbKey(c.campaignId)) && !db.inboundGroups.has(dbKey(c.campaignId))) continue;
        totalCalls++;
        if (/LIVE/i.test(c.status)) waiting++;
      }
      const users = new Set(db.liveInboundAgents.filter((r) => list.includes(dbKey(r.groupId))).map((r) => dbKey(r.user)));
      let agents = 0; let inCalls = 0; let agentsWaiting = 0; let paused = 0; let dispo = 0; let dial = 0;
      for (const a of db.liveAgents.values()) {
        if (!users.has(dbKey(a.user)) || !db.users.has(dbKey(a.user))) continue;
        let st = a.status;
        if (/READY|PAUSED/i.test(st) && a.leadId > 0) st = 'DISPO';
        if (st === 'DISPO') dispo++;
        if (st === 'PAUSED') paused++;
        if (/INCALL|DIAL/i.test(st) || /QUEUE/i.test(st) || /PARK/i.test(st)) inCalls++;
        if (/DIAL/i.test(st)) dial++;
        if (/READY/i.test(st) || /CLOSER/i.test(st)) agentsWaiting++;
        agents++;
      }
      output += [inGroups.replace(/\|/g, ' '), totalCalls, waiting, agents, inCalls, agentsWaiting, paused, dispo, dial].join(DL) + '\n';
      return success(output, `in_group_status CALLS FOUND: ${agents}`, `${user}|${inGroups}|${stage}`);
    }
  }

  /** real_time_sub_status of an agent row (agent_status / logged_in_agents code). */
  function subStatus(a) {
    let rtr = '';
    let leadId = a.leadId;
    if (a.onHookAgent === 'Y' && a.ringCallerid.length > 18) rtr = 'RING';
    if (a.status === 'PAUSED' && a.leadId > 0) rtr = 'DISPO';
    if (a.status === 'PAUSED' && a.previewLeadId > 0) { rtr = 'PREVIEW'; leadId = a.previewLeadId; }
    if (a.status === 'INCALL') {
      if (a.leadId > 0) {
        let same = 0;
        for (const b of db.liveAgents.values()) if (b.leadId === a.leadId && b.status === 'INCALL') same++;
        if (same > 1) rtr = '3-WAY';
      }
      // parked_channels: the sandbox parks nothing; CHAT/EMAIL comments not modelled
      if (!/CHAT|EMAIL/i.test(a.comments)) {
        if (!db.calls.has(dbKey(a.callerid))) rtr = 'DEAD';
      }
    }
    return { rtr, leadId };
  }

  /** functions.php user_authorization($user,$pass,'REPORTS',1,1): GOOD, BAD or LOCK. */
  function authorize(user, pass, now) {
    const lockOver = now - 900;
    const row = user === '' ? undefined : db.users.get(dbKey(user));
    const ok = row !== undefined && dbKey(row.pass) === dbKey(pass) && row.userLevel > 6 && row.active === 'Y' &&
      (row.failedLoginCount < 10 || row.lastLoginDate < lockOver);
    if (!ok) {
      if (row === undefined) return 'BAD';
      if (row.failedLoginCount < 10) { row.failedLoginCount++; return 'BAD'; }
      if (lockOver > row.lastLoginDate) { row.lastLoginDate = now; row.failedLoginCount = 1; return 'BAD'; }
      return 'LOCK';
    }
    // user_update=1: a good login resets the count and stamps the login
    row.lastLoginDate = now;
    row.failedLoginCount = 0;
    return 'GOOD';
  }
}
