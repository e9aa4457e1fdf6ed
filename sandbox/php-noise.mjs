// PHP `display_errors=On` noise around the reply line.
//
// NOISE TEXT, NOT LOGIC. The warnings below are the ones recorded in
// shared/vicidial-replies/real-2.14-82-more.jsonl, scenario
// `12b_warn_ingroup_invalid` (php -S, display_errors=On, E_ALL, PHP 8.2,
// paths shown as /var/www/html). They are regenerated from this table so
// that scenario is reproduced byte for byte. How they are used for other
// requests is an approximation, documented in sandbox/README.md:
//   - PARAM_INIT: one "Undefined variable" (+ "Deprecated: preg_replace()")
//     per api.php input variable the request did NOT supply (a supplied one,
//     even empty, is defined, so PHP does not warn about it). Input variables
//     the recording did supply (source, user, pass, ...) have unknown line
//     numbers and never warn here.
//   - ACTION: printed once the user-validation section is reached (after
//     the version and coffee functions).
//   - FUNCTIONS_PHP: user_authorization() in functions.php; recorded for a
//     good password and reused for every path that reaches authentication.
//   - RA_DATA: after an ra_call_control reply line ($data is unset there).
//   - API_LOG: api_log() after every logged reply line.
// Fatal-error texts (strict SQL mode with errors shown, array parameters)
// are NOT recorded: they are synthesised in PHP's format, and their line
// numbers are invented.

const ROOT = '/var/www/html/agc/';

function warning(name, line, file = 'api.php') {
  return `\nWarning: Undefined variable $${name} in ${ROOT}${file} on line ${line}\n`;
}
function deprecated(line, file = 'api.php') {
  return `\nDeprecated: preg_replace(): Passing null to parameter #3 ($subject) of type array|string is deprecated in ${ROOT}${file} on line ${line}\n`;
}

// [variable, line, also "Deprecated: preg_replace()"?, is a request parameter?]
const PARAM_INIT_TABLE = [
  ['DB', 304, true, true],
  ['mel', 324, false, false],
  ['mel', 344, false, false],
  ['close_window_link', 360, true, true],
  ['dnc_check', 361, true, true],
  ['campaign_dnc_check', 362, true, true],
  ['notification_date', 363, true, true],
  ['multi_dial_phones', 364, true, true],
  ['md_check', 365, true, true],
  ['tw_check', 366, true, true],
  ['focus', 375, true, true],
  ['preview', 376, true, true],
  ['notes', 377, true, true],
  ['search', 379, true, true],
  ['group_alias', 380, true, true],
  ['dial_prefix', 381, true, true],
  ['format', 383, true, true],
  ['vtiger_callback', 384, true, true],
  ['alt_dial', 385, true, true],
  ['blended', 386, true, true],
  ['set_as_default', 388, true, true],
  ['phone_code', 389, true, true],
  ['phone_number', 390, true, true],
  ['lead_id', 391, true, true],
  ['vendor_id', 392, true, true],
  ['vendor_lead_code', 394, true, true],
  ['source_id', 396, true, true],
  ['gmt_offset_now', 398, true, true],
  ['title', 399, true, true],
  ['first_name', 400, true, true],
  ['middle_initial', 402, true, true],
  ['last_name', 403, true, true],
  ['address1', 405, true, true],
  ['address2', 406, true, true],
  ['address3', 407, true, true],
  ['city', 411, true, true],
  ['state', 413, true, true],
  ['province', 414, true, true],
  ['postal_code', 416, true, true],
  ['country_code', 418, true, true],
  ['gender', 419, true, true],
  ['date_of_birth', 420, true, true],
  ['alt_phone', 421, true, true],
  ['email', 423, true, true],
  ['security_phrase', 425, true, true],
  ['comments', 427, true, true],
  ['rank', 429, true, true],
  ['owner', 430, true, true],
  ['dial_override', 432, true, true],
  ['consultative', 433, true, true],
  ['callback_datetime', 434, true, true],
  ['callback_type', 436, true, true],
  ['callback_comments', 437, true, true],
  ['qm_dispo_code', 439, true, true],
  ['alt_user', 440, true, true],
  ['agent_debug', 442, true, true],
  ['status', 443, true, true],
  ['dial_ingroup', 444, true, true],
  ['cid_choice', 445, true, true],
  ['outbound_cid', 446, true, true],
  ['recipient', 447, true, true],
  ['recipient_type', 448, true, true],
  ['notification_text', 449, true, true],
  ['notification_retry', 451, true, true],
  ['text_size', 452, true, true],
  ['text_font', 453, true, true],
  ['text_weight', 454, true, true],
  ['text_color', 455, true, true],
  ['show_confetti', 456, true, true],
  ['duration', 457, true, true],
  ['maxParticleCount', 458, true, true],
  ['particleSpeed', 459, true, true],
];

const PARAM_INIT = PARAM_INIT_TABLE.map(([name, line, dep, isParam]) => ({
  name,
  isParam,
  text: warning(name, line) + (dep ? deprecated(line) : ''),
}));

/** All PARAM_INIT noise (nothing supplied), precomputed. */
const PARAM_INIT_ALL = PARAM_INIT.map((b) => b.text).join('');

/**
 * Noise of the input-variable section for a request.
 * @param {(name: string) => boolean} supplied whether the request set that parameter
 */
export function paramInitNoise(supplied) {
  let out = '';
  let any = false;
  for (const b of PARAM_INIT) {
    if (b.isParam && supplied(b.name)) { any = true; continue; }
    out += b.text;
  }
  return any ? out : PARAM_INIT_ALL;
}

export const ACTION_NOISE = warning('ACTION', 611);

export const FUNCTIONS_PHP_NOISE =
  warning('DB', 74, 'functions.php') +
  warning('DB', 120, 'functions.php') +
  warning('mel', 123, 'functions.php') +
  warning('DB', 183, 'functions.php') +
  warning('DB', 203, 'functions.php') +
  warning('DB', 213, 'functions.php');

export const RA_DATA_NOISE = warning('data', 3601);

export const API_LOG_NOISE = warning('DB', 5600) + warning('DB', 5619) + deprecated(5637);

// ---- synthesised (not recorded) fatal errors --------------------------------

/** PHP 8 TypeError from strlen() on an array parameter (line invented). */
export function arrayFatalText(line) {
  return `\nFatal error: Uncaught TypeError: strlen(): Argument #1 ($string) must be of type string, array given in ${ROOT}api.php:${line}\nStack trace:\n#0 {main}\n  thrown in ${ROOT}api.php on line ${line}\n`;
}

/** mysqli_sql_exception under strict sql_mode (message from MariaDB; lines invented). */
export function sqlFatalText(message) {
  return `\nFatal error: Uncaught mysqli_sql_exception: ${message} in ${ROOT}functions.php:32\nStack trace:\n#0 ${ROOT}functions.php(32): mysqli_query(Object(mysqli), '...')\n#1 ${ROOT}api.php(3655): mysql_to_mysqli('...', Object(mysqli))\n#2 {main}\n  thrown in ${ROOT}functions.php on line 32\n`;
}
