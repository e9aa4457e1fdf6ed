// The seeded databases the real server was recorded against.
//
// "default":  shared/realserver/seed.sql, row for row (the state of
//             real-2.14-82.jsonl, stages-, edge-, strict-2.14-82.jsonl).
// overlays:   "extras" = seed-extras.sql, "nonagent" = seed-nonagent.sql,
//             applied on top of seed.sql in reseed.sh's order (extras first).
//             Seed names: 'extras', 'nonagent', 'extras+nonagent'.
// "more":     the seed behind real-2.14-82-more.jsonl (inferred from its
//             db_effects and notes; values no recording shows are marked INVENTED).
//
// Schema defaults used where seed.sql does not name a column (from
// MySQL_AST_CREATE_tables.sql): default_xfer_group '---NONE---' (but seed.sql
// sets '' for NODEFCMP and NODEFAULT), servers.local_gmt '-5.00', the
// schema's own rows: in-groups AGENTDIRECT and AGENTDIRECT_CHAT (active),
// user group ADMIN (all campaigns, all groups viewable).
//
// Column widths that matter (VARCHAR, non-strict MariaDB cuts longer
// values): vicidial_campaigns.campaign_id 8, status columns 6,
// vicidial_manager.cmd_line_d 200 (COLUMN_WIDTHS below).

export const COLUMN_WIDTHS = Object.freeze({
  campaignId: 8, // vicidial_campaigns / vicidial_live_agents.campaign_id
  status: 6, // vicidial_log / vicidial_closer_log / vicidial_list.status
  managerCmdLineD: 200, // vicidial_manager.cmd_line_d (Exten: ...)
  managerCmdLine: 100, // vicidial_manager.cmd_line_b/c/e/f, channel
  managerCallerid: 20,
  apiLogUser: 20, apiLogFunction: 20, apiLogAgentUser: 20, apiLogValue: 255,
  apiLogResult: 10, apiLogResultReason: 255, apiLogSource: 20,
  autoCallsCampaignId: 20, inboundGroupId: 20, callerid: 20,
});

const ALL = ' ALL_FUNCTIONS ';

function user(u, pass, fullName, userLevel, extra = {}) {
  return {
    user: u, pass, fullName, userLevel, userGroup: 'ADMIN', active: 'Y',
    apiAccess: 1, // vdc_agent_api_access
    allowedFunctions: ALL, // api_allowed_functions
    viewReports: 0, modifyUsers: 0, // schema defaults '0'
    failedLoginCount: 0,
    lastLoginDate: null, // set to the seeding time (see buildSeed)
    ...extra,
  };
}

function liveAgent(u, extra = {}) {
  return {
    user: u, serverIp: '10.0.0.5', confExten: '', extension: `R/${u}`, status: 'READY', leadId: 0,
    campaignId: 'OUTCAMP', uniqueid: '', callerid: '', channel: '', randomId: '11111111',
    callsToday: 0, comments: '', closerCampaigns: '', ringCallerid: '', onHookAgent: 'N',
    agentLogId: 0, previewLeadId: 0, userLevel: 1,
    ...extra,
  };
}

// ---- seed.sql --------------------------------------------------------------
const DEFAULT_SEED = {
  servers: [{ serverIp: '10.0.0.5', extContext: 'default', active: 'Y', activeAsteriskServer: 'Y', localGmt: '-5.00' }],
  users: [
    user('6666', '1234', 'API user', 9),
    user('apinoaccess', 'secret99', 'API access off', 9, { apiAccess: 0 }),
    user('apilimited', 'secret99', 'API limited', 9, { allowedFunctions: ' version external_status ' }),
    user('lvl1', 'secret99', 'level 1 API user', 1),
    user('apiplus', 'pa+ss/w=rd', 'API user, plus in password', 9),
    user('1028', 'agent1028', 'remote agent 1028', 1, { apiAccess: 0 }),
  ],
  userGroups: [
    // the schema's row
    { userGroup: 'ADMIN', allowedCampaigns: ' -ALL-CAMPAIGNS- - -', adminViewableGroups: ' ---ALL--- ' },
  ],
  campaigns: [
    { campaignId: 'OUTCAMP', active: 'Y', defaultXferGroup: 'SALESLINE', closerCampaigns: '' },
    { campaignId: 'NODEFCMP', active: 'Y', defaultXferGroup: '', closerCampaigns: '' },
  ],
  inboundGroups: [
    { groupId: 'AGENTDIRECT', active: 'Y', defaultXferGroup: '---NONE---' }, // schema
    { groupId: 'AGENTDIRECT_CHAT', active: 'Y', defaultXferGroup: '---NONE---' }, // schema
    { groupId: 'SALESLINE', active: 'Y', defaultXferGroup: 'BILLING' },
    { groupId: 'BILLING', active: 'Y', defaultXferGroup: '---NONE---' },
    { groupId: 'OLDQUEUE', active: 'N', defaultXferGroup: '---NONE---' },
    { groupId: 'NODEFAULT', active: 'Y', defaultXferGroup: '' },
  ],
  leads: [
    { leadId: 1001, listId: 101, phoneNumber: '7275551212', status: 'NEW', vendorLeadCode: '' },
    { leadId: 1002, listId: 101, phoneNumber: '7275553434', status: 'NEW', vendorLeadCode: '' },
  ],
  liveAgents: [
    liveAgent('1028', {
      status: 'INCALL', leadId: 1001, uniqueid: '1700000000.1', callerid: 'Y0315201639000402027', channel: 'SIP/carrier-0001',
    }),
  ],
  calls: [
    { callerid: 'Y0315201639000402027', callType: 'OUT', campaignId: 'OUTCAMP', leadId: 1001, phoneNumber: '7275551212',
      channel: 'SIP/carrier-0001', serverIp: '10.0.0.5', uniqueid: '1700000000.1', status: 'LIVE' },
    { callerid: 'Y0315201640000402028', callType: 'IN', campaignId: 'SALESLINE', leadId: 1002, phoneNumber: '7275553434',
      channel: 'SIP/carrier-0002', serverIp: '10.0.0.5', uniqueid: '1700000000.2', status: 'LIVE' },
    { callerid: 'Y0315201641000402029', callType: 'IN', campaignId: 'NODEFAULT', leadId: 1002, phoneNumber: '7275553434',
      channel: 'SIP/carrier-0003', serverIp: '10.0.0.5', uniqueid: '1700000000.3', status: 'LIVE' },
    { callerid: 'Y0315201642000402030', callType: 'OUT', campaignId: 'NODEFCMP', leadId: 1001, phoneNumber: '7275551212',
      channel: 'SIP/carrier-0004', serverIp: '10.0.0.5', uniqueid: '1700000000.4', status: 'LIVE' },
  ],
  // one vicidial_log row (...1) and one vicidial_closer_log row (...2); call_date NOW()
  vicidialLog: [{ uniqueid: '1700000000.1', leadId: 1001, listId: 101, campaignId: 'OUTCAMP', status: 'INCALL', phoneNumber: '7275551212', user: '1028', callDate: null }],
  closerLog: [{ closecallid: 1, uniqueid: '1700000000.2', leadId: 1002, listId: 101, campaignId: 'SALESLINE', status: 'INCALL', phoneNumber: '7275553434', user: '1028', callDate: null }],
  logExtended: [],
  liveInboundAgents: [],
  nextLeadId: 2001,
};

// ---- seed-extras.sql -------------------------------------------------------
function applyExtras(s) {
  s.inboundGroups.push(
    { groupId: 'AB', active: 'Y', defaultXferGroup: '---NONE---' },
    { groupId: 'ABCDEFGHIJKLMNOPQRST', active: 'Y', defaultXferGroup: '---NONE---' },
    { groupId: 'SALES_LINE_2', active: 'Y', defaultXferGroup: '---NONE---' },
  );
  s.users.push(user('agent_7-b', 'agent7b', 'remote agent agent_7-b', 1, { apiAccess: 0 }));
  s.liveAgents.push(liveAgent('agent_7-b', { randomId: '22222222' }));
}

// ---- seed-nonagent.sql -----------------------------------------------------
function applyNonAgent(s) {
  const na = (u, level, extra = {}) => user(u, 'napass99', '', level, { viewReports: 1, modifyUsers: 1, ...extra });
  s.users.push(
    na('naapi', 8, { fullName: 'non-agent API user' }),
    na('nalvl7', 7, { fullName: 'non-agent API user, level 7' }),
    na('nalvl6', 6, { fullName: 'non-agent API user, level 6' }),
    na('nanoview', 8, { fullName: 'level 8, view_reports off', viewReports: 0 }),
    na('nanoapi', 8, { fullName: 'level 8, API access off', apiAccess: 0 }),
    na('nalimited', 8, { fullName: 'level 8, only version and agent_status', allowedFunctions: ' version agent_status ' }),
    user('ra2000', 'ra2000pw', 'remote agent 2000, group RAGENTS', 1, { userGroup: 'RAGENTS', apiAccess: 0 }),
  );
  s.userGroups.push({ userGroup: 'RAGENTS', allowedCampaigns: ' OUTCAMP -', adminViewableGroups: ' ---ALL--- ' });
  s.campaigns.find((c) => c.campaignId === 'OUTCAMP').closerCampaigns = ' SALESLINE BILLING OLDQUEUE AGENTDIRECT -';
  s.campaigns.find((c) => c.campaignId === 'NODEFCMP').closerCampaigns = ' NODEFAULT -';
  Object.assign(s.liveAgents.find((a) => a.user === '1028'), { comments: 'REMOTE', closerCampaigns: ' SALESLINE BILLING -', callsToday: 3 });
  s.liveInboundAgents = [{ user: '1028', groupId: 'SALESLINE' }, { user: '1028', groupId: 'BILLING' }];
  s.vicidialLog.find((r) => r.uniqueid === '1700000000.1').callDate = '2025-03-15 20:16:39';
  s.closerLog.find((r) => r.uniqueid === '1700000000.2').callDate = '2025-03-15 20:16:40';
  s.logExtended = [
    { uniqueid: '1700000000.1', callDate: '2025-03-15 20:16:39', leadId: 1001, callerCode: 'Y0315201639000402027' },
    { uniqueid: '1700000000.2', callDate: '2025-03-15 20:16:40', leadId: 1002, callerCode: 'Y0315201640000402028' },
  ];
}

// ---- real-2.14-82-more.jsonl ------------------------------------------------
const MORE_SEED = {
  servers: [{ serverIp: '10.10.10.15', extContext: 'default', active: 'Y', activeAsteriskServer: 'Y', localGmt: '-5.00' }],
  users: [
    user('apiuser', 'Xfer2024', 'API user', 9), // README; full name INVENTED
    user('1028', 'agent1028', 'remote agent 1028', 1, { apiAccess: 0 }), // INVENTED pass
  ],
  userGroups: [{ userGroup: 'ADMIN', allowedCampaigns: ' -ALL-CAMPAIGNS- - -', adminViewableGroups: ' ---ALL--- ' }],
  inboundGroups: [
    { groupId: 'SALESLINE', active: 'Y', defaultXferGroup: 'BILLING' }, // active (03q); default INVENTED
    { groupId: 'BILLING', active: 'Y', defaultXferGroup: 'SALESLINE' }, // the call's in-group (03q); default INVENTED
    { groupId: 'OLDQUEUE', active: 'N', defaultXferGroup: '' }, // 12b: not valid
    { groupId: 'NODEFAULT', active: 'Y', defaultXferGroup: '' }, // 02c notes: default_xfer_group=''
  ],
  campaigns: [
    { campaignId: 'TESTCAMP', active: 'Y', defaultXferGroup: 'SALESLINE', closerCampaigns: '' }, // INVENTED
  ],
  leads: [
    { leadId: 1001, listId: 101, phoneNumber: '3125551001', status: 'INCALL', vendorLeadCode: '' }, // 03q vicidial_list before
    { leadId: 1002, listId: 101, phoneNumber: '3125551002', status: 'INCALL', vendorLeadCode: '' }, // INVENTED phone
    { leadId: 1003, listId: 101, phoneNumber: '3125551003', status: 'INCALL', vendorLeadCode: '' }, // INVENTED (call ...401003)
  ],
  liveAgents: [
    liveAgent('1028', { // 03q vicidial_live_agents before
      serverIp: '10.10.10.15', status: 'INCALL', leadId: 1001, campaignId: 'TESTCAMP',
      uniqueid: '1795000000.1001', callerid: 'Y0315201639000402027', channel: 'SIP/carrier-0000a001',
    }),
  ],
  calls: [
    // 03q vicidial_auto_calls_deleted
    { callerid: 'Y0315201639000402027', callType: 'IN', campaignId: 'BILLING', leadId: 1001, phoneNumber: '3125551001',
      channel: 'SIP/carrier-0000a001', serverIp: '10.10.10.15', uniqueid: '1795000000.1001', status: 'XFER' },
    // 02c: IN call from NODEFAULT; lead/channel/uniqueid INVENTED
    { callerid: 'Y0315201639000401003', callType: 'IN', campaignId: 'NODEFAULT', leadId: 1003, phoneNumber: '3125551003',
      channel: 'SIP/carrier-0000a003', serverIp: '10.10.10.15', uniqueid: '1795000000.1003', status: 'XFER' },
    // README: outbound call; everything but the call ID INVENTED
    { callerid: 'V1125000000000001002', callType: 'OUT', campaignId: 'TESTCAMP', leadId: 1002, phoneNumber: '3125551002',
      channel: 'SIP/carrier-0000a002', serverIp: '10.10.10.15', uniqueid: '1795000000.1002', status: 'XFER' },
  ],
  vicidialLog: [{ uniqueid: '1795000000.1002', leadId: 1002, listId: 101, campaignId: 'TESTCAMP', status: 'INCALL', phoneNumber: '3125551002', user: '1028', callDate: null }],
  closerLog: [
    // 03q vicidial_closer_log before (length_in_sec 60 after: started 60 s before)
    { closecallid: 49, uniqueid: '1795000000.1001', leadId: 1001, listId: 101, campaignId: 'BILLING', status: 'INCALL', phoneNumber: '3125551001', user: '1028', callDate: null },
    { closecallid: 50, uniqueid: '1795000000.1003', leadId: 1003, listId: 101, campaignId: 'NODEFAULT', status: 'INCALL', phoneNumber: '3125551003', user: '1028', callDate: null },
  ],
  logExtended: [],
  liveInboundAgents: [],
  nextLeadId: 2001,
};

/** Seed name -> [base, overlays...]. */
export const SEEDS = Object.freeze({
  default: ['default'],
  extras: ['default', 'extras'],
  nonagent: ['default', 'nonagent'],
  'extras+nonagent': ['default', 'extras', 'nonagent'],
  more: ['more'],
});

/** The `seed` field of a recording (rv.py) -> sandbox seed name; throws for an unknown one. */
export function seedOfRecording(seed) {
  const map = {
    '': 'default',
    'seed.sql': 'default',
    'seed.sql+seed-extras.sql': 'extras',
    'seed.sql+seed-nonagent.sql': 'nonagent',
    'seed.sql+seed-extras.sql+seed-nonagent.sql': 'extras+nonagent',
  };
  const name = map[seed ?? ''];
  if (!name) throw new Error(`no sandbox seed reproduces the recorded seed ${JSON.stringify(seed)}`);
  return name;
}

function clone(rows) {
  return rows.map((r) => ({ ...r }));
}

/**
 * A fresh mutable copy of a seed. `epoch` (seconds) is the seeding time
 * (NOW() of the SQL): calls started 30 s before it, users last logged in at it.
 * `dateText(epoch)` formats a DATETIME (server time zone).
 */
export function buildSeed(name, epoch, dateText) {
  const parts = SEEDS[name];
  if (!parts) throw new Error(`unknown sandbox seed ${JSON.stringify(name)} (known: ${Object.keys(SEEDS).join(', ')})`);
  const base = parts[0] === 'more' ? MORE_SEED : DEFAULT_SEED;
  const s = {
    servers: clone(base.servers),
    users: clone(base.users),
    userGroups: clone(base.userGroups),
    campaigns: clone(base.campaigns),
    inboundGroups: clone(base.inboundGroups),
    leads: clone(base.leads),
    liveAgents: clone(base.liveAgents),
    calls: clone(base.calls),
    vicidialLog: clone(base.vicidialLog),
    closerLog: clone(base.closerLog),
    logExtended: clone(base.logExtended),
    liveInboundAgents: clone(base.liveInboundAgents),
    nextLeadId: base.nextLeadId,
  };
  if (parts.includes('extras')) applyExtras(s);
  if (parts.includes('nonagent')) applyNonAgent(s);
  const now = dateText(epoch);
  for (const u of s.users) u.lastLoginDate = epoch;
  for (const a of s.liveAgents) Object.assign(a, { lastCallTime: epoch, lastCallFinish: epoch, lastStateChange: epoch });
  for (const r of [...s.vicidialLog, ...s.closerLog]) {
    if (r.callDate === null) r.callDate = now;
    Object.assign(r, { startEpoch: epoch - 30, endEpoch: null, lengthInSec: null });
  }
  return s;
}
