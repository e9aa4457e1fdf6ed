// Named sandbox states, and the recorded setups they reproduce.
//
// A recording's `setup_sql` (rv.py: SQL run after the reseed, before the
// request) is NOT interpreted: each recorded statement is mapped, by its exact
// text, to a named state here. An unknown statement throws (a new recording
// needs a new entry, never a guess).

/** name -> (sandbox internals, args) => void */
export const STATES = Object.freeze({
  /**
   * The agent's row points at a live call, as the remote-agent loop leaves it:
   * status, callerid, lead_id, uniqueid, channel of that call (as_on_call_*,
   * seq3_01). args: { agentUser, callId, status = 'INCALL' | 'QUEUE' }.
   */
  agentOnCall(sb, { agentUser, callId, status = 'INCALL' }) {
    const { db, dbKey, epoch } = sb._internals;
    const a = need(db.liveAgents.get(dbKey(String(agentUser))), `agent ${agentUser} is not logged in`);
    const c = need(db.calls.get(dbKey(String(callId))), `no live call ${callId}`);
    if (status !== 'INCALL' && status !== 'QUEUE') throw new Error(`status must be INCALL or QUEUE (got ${JSON.stringify(status)})`);
    Object.assign(a, { status, callerid: c.callerid, leadId: c.leadId, uniqueid: c.uniqueid, channel: c.channel, lastStateChange: epoch() });
  },
  /**
   * A second agent joins the lead of a call (3-way): status INCALL, lead_id and
   * callerid of the call, last_call_time now; uniqueid/channel untouched (li_3way).
   */
  agentThreeWay(sb, { agentUser, callId }) {
    const { db, dbKey, epoch } = sb._internals;
    const a = need(db.liveAgents.get(dbKey(String(agentUser))), `agent ${agentUser} is not logged in`);
    const c = need(db.calls.get(dbKey(String(callId))), `no live call ${callId}`);
    Object.assign(a, { status: 'INCALL', leadId: c.leadId, callerid: c.callerid, lastCallTime: epoch() });
  },
  /** The agent is logged in without a call: READY, call fields cleared (as_no_call). */
  agentReady(sb, { agentUser }) {
    const { db, dbKey } = sb._internals;
    const a = need(db.liveAgents.get(dbKey(String(agentUser))), `agent ${agentUser} is not logged in`);
    Object.assign(a, { status: 'READY', callerid: '', leadId: 0, uniqueid: '', channel: '' });
  },
  /**
   * One more live OUT call with its vicidial_log row (call_date now), no agent
   * on it (realserver-extra *_callid_with_pipe: a call ID holding `|`).
   * args: { callId, uniqueid, channel, leadId, campaignId, phoneNumber, user }.
   */
  liveOutboundCall(sb, { callId, uniqueid, channel, leadId, campaignId, phoneNumber, user }) {
    const { db, dbKey, epoch } = sb._internals;
    if (db.calls.has(dbKey(callId))) throw new Error(`call ${callId} is already live`);
    db.calls.set(dbKey(callId), {
      callerid: callId, callType: 'OUT', campaignId, leadId, phoneNumber, channel, serverIp: '10.0.0.5', uniqueid, status: 'LIVE',
    });
    const row = { uniqueid, leadId, listId: 101, campaignId, status: 'INCALL', phoneNumber, user, callDate: null, startEpoch: epoch(), endEpoch: null, lengthInSec: 0 };
    db.vicidialLog.push(row);
    const rows = db.vicidialLogByUid.get(uniqueid);
    if (rows) rows.push(row);
    else db.vicidialLogByUid.set(uniqueid, [row]);
  },
  /** Every agent logged out (li_none). */
  noAgentsLoggedIn(sb) {
    sb._internals.db.liveAgents.clear();
  },
});

function need(v, message) {
  if (v === undefined) throw new Error(message);
  return v;
}

/** Apply a named state to a sandbox. */
export function applyState(sb, name, args = {}) {
  const f = Object.prototype.hasOwnProperty.call(STATES, name) ? STATES[name] : undefined;
  if (!f) throw new Error(`unknown sandbox state ${JSON.stringify(name)} (known: ${Object.keys(STATES).join(', ')})`);
  f(sb, args);
  return { state: name, ...args };
}

/** The recorded setup_sql statements (tests/recordings/*.jsonl), exact text -> state. */
export const RECORDED_SETUPS = Object.freeze({
  "UPDATE vicidial_live_agents SET status='INCALL',callerid='Y0315201640000402028',lead_id=1002,uniqueid='1700000000.2',channel='SIP/carrier-0002' WHERE user='1028';":
    ['agentOnCall', { agentUser: '1028', callId: 'Y0315201640000402028' }],
  "UPDATE vicidial_live_agents SET status='INCALL',callerid='Y0315201641000402029',lead_id=1002,uniqueid='1700000000.3',channel='SIP/carrier-0003' WHERE user='1028';":
    ['agentOnCall', { agentUser: '1028', callId: 'Y0315201641000402029' }],
  "UPDATE vicidial_live_agents SET status='INCALL',callerid='Y0315201642000402030',lead_id=1001,uniqueid='1700000000.4',channel='SIP/carrier-0004' WHERE user='1028';":
    ['agentOnCall', { agentUser: '1028', callId: 'Y0315201642000402030' }],
  "UPDATE vicidial_live_agents SET status='READY',callerid='',lead_id=0,uniqueid='',channel='' WHERE user='1028';":
    ['agentReady', { agentUser: '1028' }],
  "UPDATE vicidial_live_agents SET status='INCALL',lead_id=1001,callerid='Y0315201639000402027',last_call_time=NOW() WHERE user='agent_7-b';":
    ['agentThreeWay', { agentUser: 'agent_7-b', callId: 'Y0315201639000402027' }],
  'DELETE FROM vicidial_live_agents;': ['noAgentsLoggedIn', {}],
  // realserver-extra-2.14-82.jsonl: hangup_/ext_/ingroup_callid_with_pipe.
  "INSERT INTO vicidial_auto_calls (server_ip,campaign_id,status,lead_id,uniqueid,callerid,channel,phone_code,phone_number,call_time,call_type,stage,last_update_time,alt_dial,queue_priority,agent_only,agent_grab,queue_position) VALUES ('10.0.0.5','OUTCAMP','LIVE',1001,'1700000000.8','Y03|15201644000402|1','SIP/carrier-0008','1','7275551212',NOW(),'OUT','LIVE',NOW(),'MAIN',0,'','',1); INSERT INTO vicidial_log (uniqueid,lead_id,list_id,campaign_id,call_date,start_epoch,status,phone_code,phone_number,user,processed,length_in_sec) VALUES ('1700000000.8',1001,101,'OUTCAMP',NOW(),UNIX_TIMESTAMP(NOW()),'INCALL','1','7275551212','1028','N',0);":
    ['liveOutboundCall', {
      callId: 'Y03|15201644000402|1', uniqueid: '1700000000.8', channel: 'SIP/carrier-0008', leadId: 1001,
      campaignId: 'OUTCAMP', phoneNumber: '7275551212', user: '1028',
    }],
  "UPDATE vicidial_live_agents SET status='INCALL',lead_id=1002,callerid='Y0315201640000402028',uniqueid='1700000000.2',channel='SIP/carrier-0002' WHERE user='agent_7-b';":
    ['agentOnCall', { agentUser: 'agent_7-b', callId: 'Y0315201640000402028' }],
});

/** The named state for a recorded setup_sql; throws for a statement not mapped here. */
export function stateForSetupSql(sql) {
  const hit = Object.prototype.hasOwnProperty.call(RECORDED_SETUPS, sql) ? RECORDED_SETUPS[sql] : undefined;
  if (!hit) throw new Error(`no sandbox state reproduces the recorded setup_sql ${JSON.stringify(sql)}; add it to sandbox/states.mjs RECORDED_SETUPS`);
  return { name: hit[0], args: hit[1] };
}
