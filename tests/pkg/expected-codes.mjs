// The code each recorded scenario implies (the Rust suite checks the typed
// fields too: tests/recorded_replies.rs).
export const expectedCodes = {
  success_named_out: "TRANSFERRED", default_in_resolves: "TRANSFERRED", default_out_resolves: "TRANSFERRED",
  default_in_empty: "INGROUP_NOT_VALID", ingroup_inactive: "INGROUP_NOT_VALID", ingroup_missing_group: "INGROUP_NOT_VALID",
  ingroup_one_char: "INGROUP_NOT_VALID", ingroup_empty: "INGROUP_NOT_VALID", ingroup_absent: "INGROUP_NOT_VALID",
  ingroup_space: "INGROUP_NOT_VALID", no_active_call: "NO_ACTIVE_CALL", agent_not_logged_in: "AGENT_NOT_LOGGED_IN",
  missing_value: "NOT_VALID", missing_stage: "NOT_VALID", stage_invalid: "STAGE_NOT_VALID",
  bad_password: "INVALID_CREDENTIALS", source_one_char: "INVALID_SOURCE", source_missing: "INVALID_SOURCE",
  user_no_api_access: "INVALID_CREDENTIALS", user_function_not_allowed: "PERMISSION_DENIED", api_not_active: "API_NOT_ACTIVE",
  lockout_fail_1: "INVALID_CREDENTIALS", lockout_fail_2: "INVALID_CREDENTIALS", lockout_then_good_password: "TRANSFERRED",
  status_default: "TRANSFERRED", status_sale: "TRANSFERRED", twice_first: "TRANSFERRED", post_form: "TRANSFERRED",
  get_and_post_mixed: "TRANSFERRED", version: "UNRECOGNIZED", function_missing: "EMPTY_REPLY", function_unknown: "EMPTY_REPLY",
  hangup: "HUNGUP", extension_ok: "TRANSFERRED",
  "12b_warn_ingroup_invalid": "INGROUP_NOT_VALID", "13a_strict_success_IN": "TRANSFERRED",
  "02c_DEFAULTINGROUP_IN_default_empty": "INGROUP_NOT_VALID", "03q_duplicate_param_last_wins": "TRANSFERRED",
  "08c_success_POST_multipart": "TRANSFERRED", "04g_invalid_stage_XYZ": "STAGE_NOT_VALID",
  "04i_invalid_stage_and_wrong_call": "NO_ACTIVE_CALL",
  doc_not_valid: "NOT_VALID", doc_no_user_found: "NO_USER_FOUND", doc_user_not_logged_in: "AGENT_NOT_LOGGED_IN",
  doc_no_active_call: "NO_ACTIVE_CALL", doc_phone_number_not_valid: "PHONE_NUMBER_NOT_VALID",
  doc_ingroup_not_valid: "INGROUP_NOT_VALID", doc_stage_not_valid: "STAGE_NOT_VALID", doc_transferred: "TRANSFERRED",
  doc_hungup: "HUNGUP",
};
