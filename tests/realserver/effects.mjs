// What api.php's ra_call_control does to the database, computed from the
// state before the request and the request the package was asked to send
// (read from the ra_call_control block of ../shared/realserver/vendor/api.php;
// the same for 2.14-56 .. 2.14-82). A test compares the whole snapshot after
// the request with this, so any change the server made to a value (a
// character deleted, a column cut) or any row touched that should not be
// shows up as a difference.

export const WIRE_STAGE = new Set(["INGROUPTRANSFER", "EXTENSIONTRANSFER", "HANGUP"]);

/** The reply line api.php prints for a success of `request`. */
export function successLine(request) {
  if (request.stage === "HANGUP") {
    return `SUCCESS: ra_call_control hungup - ${request.agentUser}|${request.callId}|HANGUP\n`;
  }
  return `SUCCESS: ra_call_control transfer - ${request.agentUser}|${request.callId}|${request.phoneNumber ?? ""}\n`;
}

/** The in-group a DEFAULTINGROUP request resolves to on the call `call`. */
export function defaultIngroup(before, call) {
  const row = call.call_type === "IN"
    ? before.ingroups.find((g) => g.group_id === call.campaign_id)
    : before.campaigns.find((c) => c.campaign_id === call.campaign_id);
  return row ? row.default_xfer_group : null;
}

function apiLogRow(request, result, reason) {
  return {
    user: request.user, agent_user: request.agentUser, function: "ra_call_control", value: request.callId,
    result, result_reason: reason, source: request.source,
  };
}

/**
 * The snapshot after a successful `request` (JS keys of the package). Throws
 * when the seeded state cannot give a success (the scenario is wrong).
 */
export function afterSuccess(before, request) {
  const after = structuredClone(before);
  const call = writeStatuses(after, before, request);
  const server = before.servers.find((s) => s.server_ip === call.server_ip);
  // 2. the manager command
  const row = { server_ip: call.server_ip, status: "NEW", cmd_line_c: "", cmd_line_d: "", cmd_line_e: "", cmd_line_f: "", cmd_line_g: "" };
  const tail = request.callId.slice(4);
  if (request.stage === "HANGUP") {
    Object.assign(row, { action: "Hangup", callerid: `HAPI${tail}`, cmd_line_b: `Channel: ${call.channel}` });
  } else {
    let exten;
    if (request.stage === "EXTENSIONTRANSFER") {
      exten = request.phoneNumber;
    } else {
      const ingroup = request.ingroup === "DEFAULTINGROUP" ? defaultIngroup(before, call) : request.ingroup;
      exten = `90009*${ingroup}**${call.lead_id}**${call.phone_number}**${request.agentUser}**`;
    }
    Object.assign(row, {
      action: "Redirect", callerid: `XAPI${tail}`, cmd_line_b: `Channel: ${call.channel}`,
      cmd_line_c: `Context: ${server.ext_context}`, cmd_line_d: `Exten: ${exten}`,
      cmd_line_e: "Priority: 1", cmd_line_f: `CallerID: XAPI${tail}`,
    });
  }
  after.manager.push(row);

  // 3. the agent holding the call (not necessarily agent_user) is READY and off the call
  const holder = before.agents.find((a) => a.callerid === request.callId);
  if (holder) {
    for (const a of after.agents) {
      if (a.user === holder.user && a.server_ip === holder.server_ip) {
        Object.assign(a, { status: "READY", lead_id: 0, uniqueid: "", callerid: "", channel: "" });
      }
    }
  }
  // 4. the call row is deleted; ring_callerid cleared
  after.calls = after.calls.filter((c) => c.callerid !== request.callId);
  for (const a of after.agents) if (a.ring_callerid === request.callId) a.ring_callerid = "";
  // 5. the API log
  after.api_log.push(apiLogRow(request, "SUCCESS", request.stage === "HANGUP" ? "ra_call_control hungup" : "ra_call_control transfer"));
  return after;
}

// 1. statuses: the call's log row, then the lead (written before the manager command)
function writeStatuses(after, before, request) {
  const call = before.calls.find((c) => c.callerid === request.callId);
  if (!call) throw new Error(`scenario error: no live call ${request.callId} in the seeded state`);
  const status = request.status ? request.status : "RAXFER";
  if (call.call_type === "IN") {
    const rows = after.closer.filter((r) => r.uniqueid === call.uniqueid && r.lead_id === call.lead_id && r.campaign_id === call.campaign_id);
    if (rows.length) rows[rows.length - 1].status = status;
  } else {
    const rows = after.log.filter((r) => r.uniqueid === call.uniqueid && r.lead_id === call.lead_id);
    if (rows.length) Object.assign(rows[rows.length - 1], { status, user: request.agentUser });
  }
  for (const lead of after.list) if (lead.lead_id === call.lead_id) lead.status = status;
  return call;
}

/**
 * Strict sql_mode: the SUCCESS line and the API log row, the statuses
 * written, then the manager insert fails (HTTP 500): nothing queued, the
 * agent and the call untouched.
 */
export function afterSuccessNotCompleted(before, request) {
  const after = structuredClone(before);
  writeStatuses(after, before, request);
  after.api_log.push(apiLogRow(request, "SUCCESS", request.stage === "HANGUP" ? "ra_call_control hungup" : "ra_call_control transfer"));
  return after;
}

/** The snapshot after a refused request: only the API log grows. */
export function afterError(before, request, reason) {
  const after = structuredClone(before);
  after.api_log.push(apiLogRow(request, "ERROR", reason));
  return after;
}
