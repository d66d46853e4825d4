//! Test numbers are built from the Huiji District address code 410108, a
//! birth date and a sequence, with the check character worked out by hand
//! from the GB 11643 weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 and the
//! table `10X98765432` indexed by the weighted sum modulo 11.

use super::*;

mod region;

/// 4101081990030700 1: products 28 9 0 5 0 32 2 9 54 0 0 27 0 35 0 0 2,
/// sum 203, 203 mod 11 = 5, table[5] = '7'. A man (sequence ends in 1).
const CHECK_7: &str = "410108199003070017";

/// 41010819850604123: products 28 9 0 5 0 32 2 9 48 15 0 54 0 20 8 8 6,
/// sum 244, 244 mod 11 = 2, table[2] = 'X'.
const CHECK_X: &str = "41010819850604123X";

/// 41010819900307018: products 28 9 0 5 0 32 2 9 54 0 0 27 0 35 0 4 16,
/// sum 221, 221 mod 11 = 1, table[1] = '0'. A woman (sequence ends in 8).
const CHECK_0: &str = "410108199003070180";

/// 41010820000229002: products 28 9 0 5 0 32 4 0 0 0 0 18 20 45 0 0 4,
/// sum 165, 165 mod 11 = 0, table[0] = '1'. Born on a leap day.
const LEAP_DAY_2000: &str = "410108200002290021";

/// 41010819000101001: products 28 9 0 5 0 32 2 9 0 0 0 9 0 5 0 0 2,
/// sum 101, 101 mod 11 = 2, table[2] = 'X'. The earliest birth date allowed.
const FIRST_DAY_1900: &str = "41010819000101001X";

/// A fixed "today" so date tests do not depend on the clock.
const TODAY: Date = (2024, 6, 1);

/// Completes a 17-digit body with its check character, for tests about
/// other parts of the number. The check character itself is tested against
/// the hand-worked constants above.
fn with_check(body: &str) -> String {
    let check = citizen_id_check_char(body).expect("test bodies are 17 digits");
    format!("{body}{check}")
}

#[test]
fn check_characters_match_the_hand_worked_examples() {
    for id in [CHECK_7, CHECK_X, CHECK_0, LEAP_DAY_2000, FIRST_DAY_1900] {
        let expected = id.chars().last().unwrap();

        assert_eq!(citizen_id_check_char(&id[..17]), Some(expected), "for {id}");
    }
}

#[test]
fn check_character_needs_exactly_17_ascii_digits() {
    assert_eq!(citizen_id_check_char("4101081990030700"), None, "16 digits");
    assert_eq!(
        citizen_id_check_char("410108199003070017"),
        None,
        "18 digits"
    );
    assert_eq!(citizen_id_check_char("4101081990030700A"), None, "a letter");
    assert_eq!(
        citizen_id_check_char("４10108199003070017"),
        None,
        "a full-width digit"
    );
}

#[test]
fn valid_numbers_parse_to_themselves() {
    for id in [CHECK_7, CHECK_X, CHECK_0, LEAP_DAY_2000, FIRST_DAY_1900] {
        let parsed = parse_as_of(id, TODAY);

        assert_eq!(
            parsed.as_ref().map(CitizenId::as_str),
            Ok(id),
            "{id} is valid"
        );
    }
}

#[test]
fn lower_case_x_is_stored_upper_case() {
    let parsed = parse_as_of("41010819850604123x", TODAY).unwrap();

    assert_eq!(parsed.as_str(), CHECK_X);
}

#[test]
fn full_width_digits_x_and_spaces_are_folded_to_the_canonical_form() {
    let typed = "\u{3000}４１０１０８１９８５０６０４１２３ｘ\u{3000}";

    let parsed = parse_as_of(typed, TODAY).unwrap();

    assert_eq!(parsed.as_str(), CHECK_X);
    assert_eq!(
        parse_as_of("４１０１０８１９８５０６０４１２３Ｘ", TODAY).unwrap(),
        parsed
    );
}

#[test]
fn surrounding_ascii_whitespace_is_ignored() {
    let parsed = parse_as_of(" \t410108199003070017\n", TODAY).unwrap();

    assert_eq!(parsed.as_str(), CHECK_7);
}

#[test]
fn a_wrong_check_character_names_the_expected_one() {
    let err = parse_as_of("410108199003070015", TODAY).unwrap_err();

    assert_eq!(
        err,
        CitizenIdError::CheckChar {
            expected: '7',
            found: '5'
        }
    );
    assert_eq!(err.code(), "id_check_char");
    assert!(
        err.to_string().contains('7'),
        "message must name the expected character: {err}"
    );
}

#[test]
fn a_mistyped_body_digit_is_caught_by_the_check_character() {
    // Two digits of the birth date swapped: still a real date, wrong check.
    let err = parse_as_of("410108199007030017", TODAY).unwrap_err();

    assert!(
        matches!(err, CitizenIdError::CheckChar { found: '7', .. }),
        "got {err:?}"
    );
}

#[test]
fn february_29_exists_in_2000_but_not_in_1900_or_2001() {
    assert!(
        parse_as_of(LEAP_DAY_2000, TODAY).is_ok(),
        "2000 is a leap year"
    );

    for body in ["41010819000229001", "41010820010229001"] {
        let err = parse_as_of(&with_check(body), TODAY).unwrap_err();

        assert_eq!(err, CitizenIdError::BirthDate, "{body} has no 29 February");
    }
}

#[test]
fn impossible_months_and_days_are_refused() {
    for body in [
        "41010819901301001",
        "41010819900001001",
        "41010819900100001",
        "41010819900431001",
    ] {
        let err = parse_as_of(&with_check(body), TODAY).unwrap_err();

        assert_eq!(err, CitizenIdError::BirthDate, "{body}");
        assert_eq!(err.code(), "id_birth_date");
    }
}

#[test]
fn births_before_1900_are_refused() {
    let err = parse_as_of(&with_check("41010818991231001"), TODAY).unwrap_err();

    assert_eq!(err, CitizenIdError::BirthDate);
}

#[test]
fn a_birth_today_is_accepted_and_tomorrow_is_refused() {
    let today = parse_as_of(&with_check("41010820240601002"), TODAY);
    let tomorrow = parse_as_of(&with_check("41010820240602002"), TODAY);

    assert!(today.is_ok(), "born today: {today:?}");
    assert_eq!(tomorrow.unwrap_err(), CitizenIdError::BirthDate);
}

#[test]
fn the_public_parser_refuses_dates_after_the_real_today() {
    let err = parse_citizen_id(&with_check("41010829990101001")).unwrap_err();

    assert_eq!(err, CitizenIdError::BirthDate);
    assert!(parse_citizen_id(CHECK_7).is_ok(), "1990 is in the past");
}

#[test]
fn wrong_lengths_report_the_length_found() {
    for (input, found) in [
        ("", 0),
        ("41010819900307001", 17),
        ("4101081990030700171", 19),
        ("410108900307001", 15),
        ("4101 08199003070017", 19),
    ] {
        let err = parse_as_of(input, TODAY).unwrap_err();

        assert_eq!(err, CitizenIdError::Length { found }, "for {input:?}");
        assert_eq!(err.code(), "id_length");
    }
}

#[test]
fn length_is_counted_in_characters_not_bytes() {
    let err = parse_as_of("41010819900307001郑", TODAY).unwrap_err();

    assert_eq!(err, CitizenIdError::Character { position: 18 });
}

#[test]
fn letters_inside_the_number_are_refused_with_their_position() {
    let err = parse_as_of("4101081990A3070017", TODAY).unwrap_err();

    assert_eq!(err, CitizenIdError::Character { position: 11 });
    assert_eq!(err.code(), "id_character");
}

#[test]
fn x_is_allowed_only_as_the_check_character() {
    let err = parse_as_of("4101081985060412X3", TODAY).unwrap_err();

    assert_eq!(err, CitizenIdError::Character { position: 17 });
}

#[test]
fn only_x_is_allowed_as_a_letter_check_character() {
    let err = parse_as_of("41010819850604123Y", TODAY).unwrap_err();

    assert_eq!(err, CitizenIdError::Character { position: 18 });
}

#[test]
fn accessors_read_birth_date_and_sex() {
    let man = parse_as_of(CHECK_7, TODAY).unwrap();
    let woman = parse_as_of(CHECK_0, TODAY).unwrap();

    assert_eq!(man.birth_date(), (1990, 3, 7));
    assert!(man.is_male(), "sequence 001 ends in an odd digit");
    assert!(!woman.is_male(), "sequence 018 ends in an even digit");
}

#[test]
fn masking_keeps_six_leading_and_four_trailing_characters() {
    let id = parse_as_of(CHECK_X, TODAY).unwrap();

    assert_eq!(id.masked(), "410108********123X");
}

#[test]
fn debug_and_display_never_show_the_birth_date() {
    let id = parse_as_of(CHECK_X, TODAY).unwrap();

    let shown = format!("{id} {id:?} {:?}", Some(&id));

    assert!(!shown.contains("19850604"), "leaked: {shown}");
    assert_eq!(id.to_string(), "410108********123X");
    assert_eq!(format!("{id:?}"), "CitizenId(\"410108********123X\")");
}

#[test]
fn from_str_parses_like_the_function() {
    let parsed: Result<CitizenId, _> = CHECK_X.parse();

    assert_eq!(
        parsed.map(|id| id.as_str().to_owned()),
        Ok(CHECK_X.to_owned())
    );
}

#[test]
fn error_codes_are_stable() {
    let errors = [
        CitizenIdError::Length { found: 3 },
        CitizenIdError::Character { position: 1 },
        CitizenIdError::Region,
        CitizenIdError::BirthDate,
        CitizenIdError::CheckChar {
            expected: 'X',
            found: '1',
        },
    ];

    let codes: Vec<_> = errors.iter().map(CitizenIdError::code).collect();

    assert_eq!(
        codes,
        [
            "id_length",
            "id_character",
            "id_region",
            "id_birth_date",
            "id_check_char"
        ]
    );
}

/// A 64-bit linear congruential generator (Knuth's MMIX constants): enough
/// spread for test data without a `rand` dependency.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        // The high bits of an LCG are far better mixed than the low ones.
        (self.0 >> 33) % bound
    }
}

#[test]
fn appending_the_check_character_validates_any_body_with_a_valid_region_and_date() {
    let mut rng = Lcg(0x5EED_2024);
    let mut valid = 0;

    for _ in 0..1_000 {
        // Mostly real provinces, some impossible ones; years on both sides
        // of the allowed range; days that overrun short months.
        let province = if rng.below(5) == 0 {
            90 + rng.below(10) as u32
        } else {
            PROVINCE_CODES[rng.below(PROVINCE_CODES.len() as u64) as usize]
        };
        let rest_of_region = rng.below(10_000);
        let year = 1890 + rng.below(145) as i32;
        let month = 1 + rng.below(12) as u32;
        let day = 1 + rng.below(31) as u32;
        let sequence = rng.below(1_000);
        let body =
            format!("{province:02}{rest_of_region:04}{year:04}{month:02}{day:02}{sequence:03}");

        let region_ok = province < 90 && rest_of_region != 0;
        let date_ok = is_real_date((year, month, day))
            && (year, month, day) >= EARLIEST_BIRTH_DATE
            && (year, month, day) <= TODAY;
        let check = citizen_id_check_char(&body).unwrap();
        let parsed = parse_as_of(&format!("{body}{check}"), TODAY);

        if region_ok && date_ok {
            valid += 1;
            assert_eq!(
                parsed.map(|id| id.as_str().to_owned()),
                Ok(format!("{body}{check}"))
            );
            for other in CHECK_CHARS.into_iter().filter(|&c| c != check) {
                let err = parse_as_of(&format!("{body}{other}"), TODAY).unwrap_err();

                assert_eq!(
                    err,
                    CitizenIdError::CheckChar {
                        expected: check,
                        found: other
                    },
                    "{body}{other}"
                );
            }
        } else {
            let expected = if region_ok {
                CitizenIdError::BirthDate
            } else {
                CitizenIdError::Region
            };
            assert_eq!(parsed.unwrap_err(), expected, "{body}{check}");
        }
    }

    assert!(
        valid > 300,
        "only {valid} of 1000 bodies were valid; the generator needs fixing"
    );
}
