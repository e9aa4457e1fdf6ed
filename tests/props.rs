//! Property tests: round trips, and no panic or leak on any input.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use vicidial_xfer::redact::redact;
use vicidial_xfer::{decode_transfer, parse_reply, TransferDraft, TransferLog, Transport};

fn word(extra: &'static str, min: usize, max: usize) -> impl Strategy<Value = String> {
    let chars: Vec<char> = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".chars().chain(extra.chars()).collect();
    proptest::collection::vec(proptest::sample::select(chars), min..=max).prop_map(|v| v.into_iter().collect())
}

fn ingroup() -> impl Strategy<Value = String> {
    prop_oneof![
        9 => word("_", 2, 20).prop_filter("not containing DEFAULTINGROUP", |s| !s.contains("DEFAULTINGROUP")),
        1 => Just("DEFAULTINGROUP".to_string()),
    ]
}

#[derive(Debug, Clone)]
struct Parts {
    creds: Option<(Option<String>, String, String)>,
    agent: String,
    call: String,
    ingroup: String,
    status: Option<String>,
}

fn parts() -> impl Strategy<Value = Parts> {
    (
        proptest::option::of((proptest::option::of(word("", 2, 20)), word("-_", 1, 20), word("-_.+/=", 1, 100))),
        word("-_", 1, 20),
        word("-_|", 1, 20),
        ingroup(),
        proptest::option::of(word("-_", 1, 6)),
    )
        .prop_map(|(creds, agent, call, ingroup, status)| Parts { creds, agent, call, ingroup, status })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn build_then_decode_is_identity_for_every_valid_request(p in parts()) {
        let draft = TransferDraft {
            source: p.creds.as_ref().and_then(|c| c.0.as_deref()),
            user: p.creds.as_ref().map(|c| c.1.as_str()),
            pass: p.creds.as_ref().map(|c| c.2.as_str()),
            agent_user: Some(&p.agent),
            call_id: Some(&p.call),
            ingroup: Some(&p.ingroup),
            status: p.status.as_deref(),
        };
        let req = draft.validate().expect("generated values are valid");
        let encoded = req.encode();
        prop_assert!(encoded.is_ascii());
        prop_assert!(!encoded.contains('+'), "a + must travel as %2B, a space as +: none here");
        prop_assert_eq!(decode_transfer(&encoded).unwrap(), req);
    }

    #[test]
    fn decode_never_panics_on_arbitrary_text(input in ".{0,300}") {
        let _ = decode_transfer(&input);
    }

    #[test]
    fn decode_never_panics_on_form_like_text(input in "([a-z_]{0,16}(=[A-Za-z0-9%+.&=|-]{0,24})?&?){0,12}") {
        let _ = decode_transfer(&input);
    }

    #[test]
    fn parse_reply_never_panics_on_arbitrary_text(input in "(?s).{0,600}") {
        let r = parse_reply(&input);
        prop_assert!(!r.code().is_empty());
        prop_assert!(r.message().len() < 1024);
    }

    #[test]
    fn parse_reply_never_panics_on_reply_like_lines(
        head in "(SUCCESS: ra_call_control (transfer|transferred|hungup) - |ERROR: [a-zA-Z_ ]{0,40} - |ERROR: Invalid Username/Password: )",
        tail in "[|A-Za-z0-9 <>/']{0,80}",
    ) {
        let _ = parse_reply(&format!("{head}{tail}\n"));
    }

    #[test]
    fn password_in_the_auth_echo_never_appears_in_anything_returned(
        user in word("-_", 1, 20),
        pass in word("-_.+/=", 8, 40),
        auth in "[01]", api in "[01]",
        reason in "(BAD|GOOD|LOCK|ERRSERVERS)",
        noise_before in "[A-Za-z $:/.]{0,60}",
        noise_after in "[A-Za-z $:/.]{0,60}",
        crlf in any::<bool>(),
    ) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let body = format!(
            "{noise_before}{eol}ERROR: Invalid Username/Password: |{user}|{pass}|{auth}|{api}|{reason}|0|api|SELECT count(*) from vicidial_users where user='{user}' and pass='{pass}' and user_level > 0;|{eol}{noise_after}"
        );
        prop_assume!(!user.contains(&pass) && !noise_before.contains(&pass) && !noise_after.contains(&pass));
        let reply = parse_reply(&body);
        prop_assert_eq!(reply.code(), "INVALID_CREDENTIALS");
        let outcome = TransferLog::new().conclude("Y1", Transport::Response { status: 200, body: &body }, None);
        let shown = format!("{reply} {reply:?} {} {outcome:?} {}", serde_json::to_string(&reply).unwrap(), redact(&body, None, 4096));
        prop_assert!(!shown.contains(&pass), "leaked: {}", shown);
        prop_assert!(!shown.contains("SELECT"));
    }

    #[test]
    fn a_known_secret_never_survives_redaction_even_when_cut(
        text in "[a-z ]{0,40}",
        secret in "[A-Za-z0-9]{6,12}",
        max in 0usize..80,
    ) {
        let body = format!("{text}{secret}{text}{secret}");
        let out = redact(&body, Some(&secret), max);
        prop_assert!(!out.contains(&secret));
        prop_assert!(out.len() <= max);
        // Nor the first half of it, left at the cut.
        let half = &secret[..secret.len() / 2 + 1];
        prop_assert!(!out.ends_with(half) || half.len() < 3);
    }
}
