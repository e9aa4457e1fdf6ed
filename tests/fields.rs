//! Field rules: what each parameter accepts, what it refuses and why.

use vicidial_xfer::fields::{check, FIELDS};
use vicidial_xfer::{Field, FieldErrorKind as K, ServerVersion, Target};

const ANY: Target = Target::AnyVersion;
const NEWEST: Target = Target::Version(ServerVersion::NEWEST);

/// The spec's table of characters EVERY supported api.php (2.12-47 ..
/// 2.14-82) keeps, per parameter (with `use_non_latin=0`); in-groups as the
/// admin screen creates them.
fn kept_by_every_version(field: Field) -> &'static str {
    const WORD: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    match field {
        Field::Source | Field::AgentUser | Field::Stage => WORD,
        Field::User | Field::Status | Field::Pass | Field::CallId => {
            concat!("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "-_")
        }
        Field::Ingroup => concat!("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "_"),
        Field::PhoneNumber => "0123456789",
    }
}

#[test]
fn without_a_version_only_characters_every_version_keeps_are_accepted() {
    for field in Field::ALL.into_iter().filter(|f| *f != Field::Stage) {
        let spec = kept_by_every_version(field).as_bytes();
        for b in 0u8..=127 {
            assert_eq!(field.keeps(b), spec.contains(&b), "{field} byte {b:#04x} ({:?})", b as char);
            let value = format!("12{}", b as char);
            // `check` agrees with `keeps` (a trailing space is its own error).
            if b != b' ' {
                assert_eq!(check(field, &value, ANY).is_ok(), spec.contains(&b), "{field} check of {value:?}");
            }
        }
    }
}

#[test]
fn filters_only_grow_so_the_oldest_row_is_what_every_version_keeps() {
    for spec in FIELDS {
        assert_eq!(spec.kept[0].since, ServerVersion::OLDEST, "{}", spec.param);
        for pair in spec.kept.windows(2) {
            assert!(pair[0].since < pair[1].since, "{} rows in version order", spec.param);
            for b in 0u8..128 {
                assert!(!pair[0].set.contains(b) || pair[1].set.contains(b), "{} loses {b} at {}", spec.param, pair[1].since);
            }
        }
    }
}

#[test]
fn a_character_kept_only_by_newer_versions_names_the_version_that_keeps_it() {
    let cases = [
        (Field::AgentUser, "ra_1", "Agent user may contain - and _ only on api.php 2.14-75 and newer: pass serverVersion"),
        (Field::Pass, "pa+ss", "API password may contain . + / = only on api.php 2.14-72 and newer: pass serverVersion"),
        (Field::CallId, "M1|2", "Call ID may contain | only on api.php 2.14-67 and newer: pass serverVersion"),
        (Field::PhoneNumber, "*8500", "Phone number may contain * and # only on api.php 2.12-50 and newer: pass serverVersion"),
        (Field::PhoneNumber, "AGENT1028", "Phone number may contain letters only on api.php 2.14-82 and newer: pass serverVersion"),
    ];
    for (field, value, message) in cases {
        let e = check(field, value, ANY).unwrap_err();
        assert_eq!((e.field, e.kind, e.message().as_str()), (field, K::NeedsNewerVersion, message), "{value}");
        assert!(check(field, value, NEWEST).is_ok(), "{value} is kept by the newest version");
    }
    let old = Target::Version(ServerVersion::new(14, 56));
    let e = check(Field::AgentUser, "ra_1", old).unwrap_err();
    assert_eq!(e.message(), "Agent user may contain - and _ only on api.php 2.14-75 and newer (api.php 2.14-56 deletes them)");
    assert_eq!(e.position, Some(2));
}

#[test]
fn phone_numbers_are_two_to_two_hundred_dialable_characters_and_never_a_plus() {
    assert_eq!(check(Field::PhoneNumber, "7275559999", ANY), Ok(()));
    assert_eq!(check(Field::PhoneNumber, "*8500#", NEWEST), Ok(()));
    assert_eq!(kind(Field::PhoneNumber, "9"), Some(K::TooShort));
    assert_eq!(kind(Field::PhoneNumber, &"1".repeat(200)), None);
    assert_eq!(kind(Field::PhoneNumber, &"1".repeat(201)), Some(K::TooLong));
    let plus = check(Field::PhoneNumber, "+17275559999", NEWEST).unwrap_err();
    assert_eq!((plus.kind, plus.position), (K::PlusNotKept, Some(0)));
    assert!(plus.message().contains("the server deletes it"));
    for bad in ["727-555-9999", "(727) 5559999", "727.555.9999", "7275559999;"] {
        assert_eq!(check(Field::PhoneNumber, bad, NEWEST).unwrap_err().kind, K::InvalidCharacter, "{bad}");
    }
}

#[test]
fn the_stage_is_one_of_three_words_compared_exactly() {
    for ok in ["INGROUPTRANSFER", "EXTENSIONTRANSFER", "HANGUP"] {
        assert_eq!(check(Field::Stage, ok, ANY), Ok(()));
    }
    for bad in ["hangup", "HANGUP ", "XYZ", "<b>X</b>", "DEFAULTINGROUP"] {
        assert_eq!(check(Field::Stage, bad, ANY).unwrap_err().kind, K::StageNotValid, "{bad}");
    }
}

fn kind(field: Field, value: &str) -> Option<K> {
    check(field, value, NEWEST).err().map(|e| {
        assert_eq!(e.field, field);
        e.kind
    })
}

#[test]
fn ingroup_accepts_ids_as_the_admin_screen_creates_them_and_keeps_case() {
    for ok in ["SALESLINE", "SalesLine", "AB", "A_1", "X2345678901234567890", "DEFAULTINGROUP", "default_q"] {
        assert_eq!(kind(Field::Ingroup, ok), None, "{ok}");
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
    let e = check(Field::Ingroup, "SALES.LINE", ANY).unwrap_err();
    assert_eq!((e.position, e.code()), (Some(5), "INVALID_CHARACTER"));
    let e = check(Field::CallId, "Y€3.", ANY).unwrap_err();
    assert_eq!(e.position, Some(1), "positions count characters, not bytes");
    let e = check(Field::Ingroup, "SALESLINE ", ANY).unwrap_err();
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
}

#[test]
fn source_needs_two_letters_or_digits_and_nothing_else() {
    assert_eq!(kind(Field::Source, "crm"), None);
    assert_eq!(kind(Field::Source, "c"), Some(K::TooShort));
    assert_eq!(kind(Field::Source, "c.r.m"), Some(K::InvalidCharacter));
    assert_eq!(kind(Field::Source, "my_crm"), Some(K::InvalidCharacter));
    assert_eq!(kind(Field::Source, "a23456789012345678901"), Some(K::TooLong));
}

#[test]
fn call_id_keeps_pipe_dash_underscore_and_refuses_a_trailing_dot() {
    assert_eq!(kind(Field::CallId, "Y0315201639000402027"), None);
    assert_eq!(kind(Field::CallId, "M1|2-3_4"), None);
    assert_eq!(check(Field::CallId, "M1|2", Target::Version(ServerVersion::new(14, 66))).unwrap_err().kind, K::NeedsNewerVersion);
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
}

#[test]
fn password_keeps_plus_slash_equals_dot_from_2_14_72() {
    assert_eq!(kind(Field::Pass, "a+b/c=d.e-f_g"), None);
    assert_eq!(check(Field::Pass, "a+b", Target::Version(ServerVersion::new(14, 71))).unwrap_err().kind, K::NeedsNewerVersion);
    assert_eq!(kind(Field::Pass, "p@ss"), Some(K::InvalidCharacter));
    assert_eq!(kind(Field::Pass, &"x".repeat(101)), Some(K::TooLong));
}

#[test]
fn every_error_names_its_field_and_has_a_stable_code_and_a_message() {
    for field in Field::ALL {
        for value in ["", " x", "x ", "a.b", "a", &"a".repeat(101)] {
            if let Err(e) = check(field, value, ANY) {
                assert_eq!(e.field, field);
                assert!(e.message().starts_with(field.label()), "{field}: {:?} message {:?}", e.kind, e.message());
                assert!(e.code().chars().all(|c| c.is_ascii_uppercase() || c == '_'));
            }
        }
    }
}
