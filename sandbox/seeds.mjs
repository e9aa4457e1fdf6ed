// The two seeded databases the real server was recorded against.
//
// "default": shared/README.md and shared/vicidial-replies/real-2.14-82.jsonl.
// "more":    shared/vicidial-replies/real-2.14-82-more.jsonl (inferred from its
//            db_effects and notes).
// Everything the recordings show is reproduced; values they do not show are
// marked INVENTED (chosen to be plausible; no recorded reply depends on them).
//
// Table rows use the VICIdial column meaning, camelCased. Lookup keys are
// built by the sandbox (case-insensitive, trailing spaces ignored).

/** API users' allowed functions: VICIdial's default for full access. */
const ALL = ' ALL_FUNCTIONS ';

function user(u, pass, extra = {}) {
  return {
    user: u,
    pass,
    userLevel: 9,
    active: 'Y',
    apiAccess: 1, // vdc_agent_api_access
    allowedFunctions: ALL, // api_allowed_functions
    userGroup: 'ADMIN',
    failedLoginCount: 0,
    lastLoginDate: null, // set to the seeding time (see buildSeed)
    ...extra,
  };
}

const DEFAULT_SEED = {
  // servers: 10.0.0.5 with context `default` (README)
  servers: [{ serverIp: '10.0.0.5', extContext: 'default', active: 'Y', activeAsteriskServer: 'Y' }],
  users: [
    user('6666', '1234'), // all functions (README)
    user('apinoaccess', 'secret99', { apiAccess: 0 }), // agent API access off (README)
    user('apilimited', 'secret99', { allowedFunctions: ' version external_status ' }), // README
    user('1028', 'agent1028', { userLevel: 1, apiAccess: 0, userGroup: 'AGENTS' }), // INVENTED pass/group
  ],
  inboundGroups: [
    { groupId: 'SALESLINE', active: 'Y', defaultXferGroup: 'BILLING' }, // default_in_resolves
    { groupId: 'BILLING', active: 'Y', defaultXferGroup: '' }, // default INVENTED
    { groupId: 'OLDQUEUE', active: 'N', defaultXferGroup: '' }, // ingroup_inactive
    { groupId: 'NODEFAULT', active: 'Y', defaultXferGroup: '' }, // default_in_empty
  ],
  campaigns: [
    { campaignId: 'OUTCAMP', defaultXferGroup: 'SALESLINE' }, // default_out_resolves
    // README: "campaign with no default"; the id and the '---NONE---' value
    // (VICIdial's unset default, spec "Other server facts") are INVENTED.
    { campaignId: 'NODEFCAMP', defaultXferGroup: '---NONE---' },
  ],
  defaultCampaign: 'OUTCAMP',
  leads: [
    { leadId: 1001, phoneNumber: '7275551212', status: 'NEW' }, // list_status before: NEW
    { leadId: 1002, phoneNumber: '7275553434', status: 'NEW' },
  ],
  liveAgents: [
    {
      user: '1028', serverIp: '10.0.0.5', status: 'INCALL', leadId: 1001,
      uniqueid: '1700000000.1', callerid: 'Y0315201639000402027', channel: 'SIP/carrier-0001',
      randomId: '11111111', ringCallerid: '', extension: 'R/1028',
    },
  ],
  calls: [
    // outbound, campaign OUTCAMP (success_named_out db_effects)
    { callerid: 'Y0315201639000402027', callType: 'OUT', campaignId: 'OUTCAMP', leadId: 1001, phoneNumber: '7275551212',
      channel: 'SIP/carrier-0001', serverIp: '10.0.0.5', uniqueid: '1700000000.1', status: 'XFER' },
    // inbound from SALESLINE (default_in_resolves db_effects)
    { callerid: 'Y0315201640000402028', callType: 'IN', campaignId: 'SALESLINE', leadId: 1002, phoneNumber: '7275553434',
      channel: 'SIP/carrier-0002', serverIp: '10.0.0.5', uniqueid: '1700000000.2', status: 'XFER' },
    // inbound from NODEFAULT, lead 1002 (README); channel/uniqueid INVENTED
    { callerid: 'Y0315201641000402029', callType: 'IN', campaignId: 'NODEFAULT', leadId: 1002, phoneNumber: '7275553434',
      channel: 'SIP/carrier-0003', serverIp: '10.0.0.5', uniqueid: '1700000000.3', status: 'XFER' },
    // outbound from a campaign with no default (README); lead/channel/uniqueid INVENTED
    { callerid: 'Y0315201642000402030', callType: 'OUT', campaignId: 'NODEFCAMP', leadId: 1001, phoneNumber: '7275551212',
      channel: 'SIP/carrier-0004', serverIp: '10.0.0.5', uniqueid: '1700000000.4', status: 'XFER' },
  ],
  // vicidial_log (outbound) and vicidial_closer_log (inbound) rows of the live calls
  vicidialLog: [
    { uniqueid: '1700000000.1', leadId: 1001, status: 'INCALL', user: '1028' },
    { uniqueid: '1700000000.4', leadId: 1001, status: 'INCALL', user: '1028' },
  ],
  closerLog: [
    { closecallid: 1, uniqueid: '1700000000.2', leadId: 1002, campaignId: 'SALESLINE', status: 'INCALL', user: '1028' },
    { closecallid: 2, uniqueid: '1700000000.3', leadId: 1002, campaignId: 'NODEFAULT', status: 'INCALL', user: '1028' },
  ],
  nextLeadId: 2001,
};

const MORE_SEED = {
  // server_ip 10.10.10.15, Context: default (03q db_effects)
  servers: [{ serverIp: '10.10.10.15', extContext: 'default', active: 'Y', activeAsteriskServer: 'Y' }],
  users: [
    user('apiuser', 'Xfer2024'), // README; user group INVENTED
    user('1028', 'agent1028', { userLevel: 1, apiAccess: 0, userGroup: 'AGENTS' }), // INVENTED pass/group
  ],
  inboundGroups: [
    { groupId: 'SALESLINE', active: 'Y', defaultXferGroup: 'BILLING' }, // active (03q); default INVENTED
    { groupId: 'BILLING', active: 'Y', defaultXferGroup: 'SALESLINE' }, // the call's in-group (03q); default INVENTED
    { groupId: 'OLDQUEUE', active: 'N', defaultXferGroup: '' }, // 12b: not valid
    { groupId: 'NODEFAULT', active: 'Y', defaultXferGroup: '' }, // 02c notes: default_xfer_group=''
  ],
  campaigns: [
    { campaignId: 'TESTCAMP', defaultXferGroup: 'SALESLINE' }, // INVENTED (the outbound call's campaign is not recorded)
  ],
  defaultCampaign: 'TESTCAMP',
  leads: [
    { leadId: 1001, phoneNumber: '3125551001', status: 'INCALL' }, // 03q vicidial_list before
    { leadId: 1002, phoneNumber: '3125551002', status: 'INCALL' }, // INVENTED phone
    { leadId: 1003, phoneNumber: '3125551003', status: 'INCALL' }, // INVENTED (call ...401003)
  ],
  liveAgents: [
    {
      // 03q vicidial_live_agents before
      user: '1028', serverIp: '10.10.10.15', status: 'INCALL', leadId: 1001,
      uniqueid: '1795000000.1001', callerid: 'Y0315201639000402027', channel: 'SIP/carrier-0000a001',
      randomId: '11111111', ringCallerid: '', extension: 'R/1028',
    },
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
  vicidialLog: [{ uniqueid: '1795000000.1002', leadId: 1002, status: 'INCALL', user: '1028' }],
  closerLog: [
    // 03q vicidial_closer_log before (length_in_sec 60 after: started 60 s before)
    { closecallid: 49, uniqueid: '1795000000.1001', leadId: 1001, campaignId: 'BILLING', status: 'INCALL', user: '1028' },
    { closecallid: 50, uniqueid: '1795000000.1003', leadId: 1003, campaignId: 'NODEFAULT', status: 'INCALL', user: '1028' },
  ],
  nextLeadId: 2001,
};

export const SEEDS = { default: DEFAULT_SEED, more: MORE_SEED };

/**
 * A fresh mutable copy of a seed. `epoch` (seconds) is the seeding time:
 * calls started 60 s before it, users last logged in at it.
 */
export function buildSeed(name, epoch) {
  const seed = SEEDS[name];
  if (!seed) throw new Error(`unknown sandbox seed ${JSON.stringify(name)} (known: ${Object.keys(SEEDS).join(', ')})`);
  const copy = (rows, extra = {}) => rows.map((r) => ({ ...r, ...extra }));
  return {
    servers: copy(seed.servers),
    users: copy(seed.users, { lastLoginDate: epoch }),
    inboundGroups: copy(seed.inboundGroups),
    campaigns: copy(seed.campaigns),
    defaultCampaign: seed.defaultCampaign,
    leads: copy(seed.leads),
    liveAgents: copy(seed.liveAgents, { lastCallFinish: epoch - 300, lastStateChange: epoch - 60 }),
    calls: copy(seed.calls, { agentUser: '1028' }),
    vicidialLog: copy(seed.vicidialLog, { startEpoch: epoch - 60, endEpoch: null, lengthInSec: null }),
    closerLog: copy(seed.closerLog, { startEpoch: epoch - 60, endEpoch: null, lengthInSec: null }),
    nextLeadId: seed.nextLeadId,
  };
}
