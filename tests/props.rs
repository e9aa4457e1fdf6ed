//! Property tests: round trips, and no panic or leak on any input.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use vicidial_xfer::redact::redact;
use vicidial_xfer::client::Response;
use vicidial_xfer::{
    decode_call_control, decode_transfer, parse_reply, parse_reply_with_secret, CallControlDraft, Field, ServerVersion, Stage,
    Target, TransferLog, Transport,
};

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

/// The versions whose rules differ, and "unknown".
const TARGETS: [Target; 8] = [
    Target::AnyVersion,
    Target::Version(ServerVersion::new(12, 47)),
    Target::Version(ServerVersion::new(12, 50)),
    Target::Version(ServerVersion::new(14, 66)),
    Target::Version(ServerVersion::new(14, 67)),
    Target::Version(ServerVersion::new(14, 72)),
    Target::Version(ServerVersion::new(14, 75)),
    Target::Version(ServerVersion::NEWEST),
];

/// A value of `min..=max` characters the target keeps in `field`.
fn kept(field: Field, target: Target, min: usize, max: usize) -> impl Strategy<Value = String> {
    let set = field.kept(target);
    let chars: Vec<char> = (0u8..128).filter(|b| set.contains(*b)).map(char::from).collect();
    proptest::collection::vec(proptest::sample::select(chars), min..=max).prop_map(|v| v.into_iter().collect())
}

#[derive(Debug, Clone)]
struct Parts {
    target: Target,
    stage: Stage,
    creds: Option<(String, String, String)>,
    agent: String,
    call: String,
    ingroup: String,
    phone: String,
    status: Option<String>,
}

fn parts() -> impl Strategy<Value = Parts> {
    (proptest::sample::select(TARGETS.to_vec()), proptest::sample::select(Stage::ALL.to_vec())).prop_flat_map(|(target, stage)| {
        (
            proptest::option::of((
                kept(Field::Source, target, 2, 20),
                kept(Field::User, target, 1, 20),
                kept(Field::Pass, target, 1, 100),
            )),
            kept(Field::AgentUser, target, 1, 20),
            kept(Field::CallId, target, 1, 20),
            ingroup(),
            kept(Field::PhoneNumber, target, 2, 200),
            proptest::option::of(kept(Field::Status, target, 1, 6)),
        )
            .prop_map(move |(creds, agent, call, ingroup, phone, status)| Parts {
                target,
                stage,
                creds,
                agent,
                call,
                ingroup,
                phone,
                status,
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn build_then_decode_is_identity_for_every_stage_and_version(p in parts()) {
        let draft = CallControlDraft {
            stage: Some(p.stage.wire()),
            source: p.creds.as_ref().map(|c| c.0.as_str()),
            user: p.creds.as_ref().map(|c| c.1.as_str()),
            pass: p.creds.as_ref().map(|c| c.2.as_str()),
            agent_user: Some(&p.agent),
            call_id: Some(&p.call),
            ingroup: (p.stage == Stage::IngroupTransfer).then_some(p.ingroup.as_str()),
            phone_number: (p.stage == Stage::ExtensionTransfer).then_some(p.phone.as_str()),
            status: p.status.as_deref(),
        };
        let req = draft.validate(p.target).expect("generated values are valid");
        let encoded = req.encode();
        prop_assert!(encoded.is_ascii());
        prop_assert!(!encoded.contains('+'), "a + must travel as %2B, a space as +: none here");
        prop_assert_eq!(decode_call_control(&encoded, p.target).unwrap(), req.clone());
        // What the server reads back out of the form is what was validated.
        for (k, v) in form_urlencoded::parse(encoded.as_bytes()) {
            if k == "function" { continue; }
            let field = Field::from_param(&k).unwrap();
            let sent = if field == Field::Pass { req.expose_password() } else { req.get(field) };
            prop_assert_eq!(Some(v.as_ref()), sent);
        }
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
        let outcome = TransferLog::new().conclude(Stage::IngroupTransfer, "Y1", Transport::Response(Response::new(200, &body)), None);
        let shown = format!("{reply} {reply:?} {} {outcome:?} {}", serde_json::to_string(&reply).unwrap(), redact(&body, None, 4096));
        prop_assert!(!shown.contains(&pass), "leaked: {}", shown);
        prop_assert!(!shown.contains("SELECT"));
    }

    #[test]
    fn a_known_secret_never_survives_redaction_at_any_length(
        text in "[a-z \n]{0,40}",
        secret in "[A-Za-z0-9+/=._-]{1,12}",
        max in 0usize..120,
    ) {
        prop_assume!(!"[REDACTED]".contains(secret.as_str()));
        let body = format!("{text}{secret}{text}Debug: pass={secret}&x\n{secret}");
        let full = redact(&body, Some(&secret), usize::MAX);
        prop_assert!(!full.contains(&secret));
        let out = redact(&body, Some(&secret), max);
        prop_assert!(out.len() <= max);
        // Cut only after redacting: every cut is a prefix of the whole redacted text.
        prop_assert!(full.starts_with(&out), "{:?} is not a prefix of {:?}", out, full);
        if let vicidial_xfer::Reply::Unrecognized { excerpt } = parse_reply_with_secret(&body, Some(&secret)) {
            prop_assert!(full.trim().starts_with(&excerpt) && !excerpt.contains(&secret));
        }
    }
}
