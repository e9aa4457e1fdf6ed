//! Field rules: what each parameter accepts, what it refuses and why.

use vicidial_xfer::fields::{check, AgentUser, CallId, Ingroup, Password, Source, Status, User};
use vicidial_xfer::{Field, FieldErrorKind as K};

/// The spec's table of characters the server keeps, per parameter (with
/// `use_non_latin=0`); in-groups as the admin screen creates them.
fn kept_by_spec(field: Field) -> &'static str {
    const WORD: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    match field {
        Field::Source => WORD,
        Field::User | Field::AgentUser | Field::Status => concat!("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "-_"),
        Field::Pass => concat!("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "-_.+/="),
        Field::CallId => concat!("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "-_|"),
        Field::Ingroup => concat!("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "_"),
    }
}

#[test]
fn kept_character_sets_match_the_servers_filters_for_every_ascii_byte() {
    for field in Field::ALL {
        let spec = kept_by_spec(field).as_bytes();
        for b in 0u8..=127 {
            assert_eq!(field.keeps(b), spec.contains(&b), "{field} byte {b:#04x} ({:?})", b as char);
            let value = format!("ab{}", b as char);
            // `check` agrees with `keeps` (a trailing space is its own error).
            let ok = check(field, &value).is_ok();
            if b != b' ' && field != Field::Ingroup || b.is_ascii_alphanumeric() || b == b'_' {
                assert_eq!(ok, spec.contains(&b), "{field} check of {value:?}");
            }
        }
    }
}

fn kind(field: Field, value: &str) -> Option<K> {
    check(field, value).err().map(|e| {
        assert_eq!(e.field, field);
        e.kind
    })
}

#[test]
fn ingroup_accepts_ids_as_the_admin_screen_creates_them_and_keeps_case() {
    for ok in ["SALESLINE", "SalesLine", "AB", "A_1", "X2345678901234567890", "DEFAULTINGROUP", "default_q"] {
        assert_eq!(kind(Field::Ingroup, ok), None, "{ok}");
        assert_eq!(Ingroup::new(ok).unwrap().as_str(), ok);
    }
}

#[test]
fn ingroup_refuses_every_value_the_server_would_rewrite_or_never_match() {
    let cases = [
        ("", K::Empty),
        ("S", K::TooShort),
        ("X23456789012345678901", K::TooLong),
        ("SALES.LINE", K::InvalidCharacter),
        ("SALES LINE", K::InvalidCharacter),
        ("SALES-LINE", K::InvalidCharacter),
        ("SALES+LINE", K::InvalidCharacter),
        ("SALESLINE ", K::SurroundingSpace),
        (" SALESLINE", K::SurroundingSpace),
        ("SALESLINE,BILLING", K::ListNotAllowed),
        ("XDEFAULTINGROUPX", K::DefaultIngroupMisused),
        ("DEFAULTINGROUP_2", K::DefaultIngroupMisused),
        ("defaultingroup", K::Missing),
        ("SALES€LINE", K::InvalidCharacter),
        ("SALESLINE\t", K::InvalidCharacter),
        ("SALES\nLINE", K::InvalidCharacter),
    ];
    for (value, want) in cases {
        let got = kind(Field::Ingroup, value);
        if want == K::Missing {
            // Case-sensitive substring: the lower-case word is an ordinary ID.
            assert_eq!(got, None, "{value:?}");
        } else {
            assert_eq!(got, Some(want), "{value:?}");
        }
    }
}

#[test]
fn invalid_character_errors_point_at_the_character() {
    let e = Ingroup::new("SALES.LINE").unwrap_err();
    assert_eq!((e.position, e.code()), (Some(5), "INVALID_CHARACTER"));
    let e = CallId::new("Y€3.").unwrap_err();
    assert_eq!(e.position, Some(1), "positions count characters, not bytes");
    let e = Ingroup::new("SALESLINE ").unwrap_err();
    assert_eq!((e.position, e.code()), (Some(9), "SURROUNDING_SPACE"));
}

#[test]
fn status_is_at_most_six_of_the_kept_characters() {
    assert_eq!(kind(Field::Status, "RAXFER"), None);
    assert_eq!(kind(Field::Status, "SALE"), None);
    assert_eq!(kind(Field::Status, "A-_b1"), None);
    assert_eq!(kind(Field::Status, "TOOLONGX"), Some(K::TooLong));
    assert_eq!(kind(Field::Status, "A.B"), Some(K::InvalidCharacter));
    assert_eq!(kind(Field::Status, ""), Some(K::Empty));
    assert_eq!(Status::new("Sale").unwrap().as_str(), "Sale");
}

#[test]
fn source_needs_two_letters_or_digits_and_nothing_else() {
    assert_eq!(kind(Field::Source, "crm"), None);
    assert_eq!(kind(Field::Source, "c"), Some(K::TooShort));
    assert_eq!(kind(Field::Source, "c.r.m"), Some(K::InvalidCharacter));
    assert_eq!(kind(Field::Source, "my_crm"), Some(K::InvalidCharacter));
    assert_eq!(kind(Field::Source, "a23456789012345678901"), Some(K::TooLong));
    assert!(Source::new("CRM2").is_ok());
}

#[test]
fn call_id_keeps_pipe_dash_underscore_and_refuses_a_trailing_dot() {
    assert_eq!(kind(Field::CallId, "Y0315201639000402027"), None);
    assert_eq!(kind(Field::CallId, "M1|2-3_4"), None);
    assert_eq!(kind(Field::CallId, "Y0315201639000402027."), Some(K::InvalidCharacter));
    assert_eq!(kind(Field::CallId, "Y03152016390004020271"), Some(K::TooLong));
}

#[test]
fn users_are_at_most_twenty_of_the_kept_characters() {
    for field in [Field::User, Field::AgentUser] {
        assert_eq!(kind(field, "1028"), None);
        assert_eq!(kind(field, "agent_1-b"), None);
        assert_eq!(kind(field, "a23456789012345678901"), Some(K::TooLong));
        assert_eq!(kind(field, "o'brien"), Some(K::InvalidCharacter));
        assert_eq!(kind(field, "a b"), Some(K::InvalidCharacter));
        assert_eq!(kind(field, " 1028"), Some(K::SurroundingSpace));
    }
    assert!(User::new("6666").is_ok() && AgentUser::new("1028").is_ok());
}

#[test]
fn password_keeps_plus_slash_equals_dot_and_hides_itself() {
    assert_eq!(kind(Field::Pass, "a+b/c=d.e-f_g"), None);
    assert_eq!(kind(Field::Pass, "p@ss"), Some(K::InvalidCharacter));
    assert_eq!(kind(Field::Pass, &"x".repeat(101)), Some(K::TooLong));
    let p = Password::new("hunter2+").unwrap();
    assert!(!format!("{p} {p:?}").contains("hunter2"));
    assert_eq!(p.expose(), "hunter2+");
}

#[test]
fn every_error_names_its_field_and_has_a_stable_code_and_a_message() {
    for field in Field::ALL {
        for value in ["", " x", "x ", "a.b", "a", &"a".repeat(101)] {
            if let Err(e) = check(field, value) {
                assert_eq!(e.field, field);
                assert!(e.message().starts_with(field.name()), "{field}: {:?} message {:?}", e.kind, e.message());
                assert!(e.code().chars().all(|c| c.is_ascii_uppercase() || c == '_'));
            }
        }
    }
}
