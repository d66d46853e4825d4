//! The address-code part of the number: provinces, prefectures and the
//! residence permits of Hong Kong, Macao and Taiwan residents.

use super::*;

#[test]
fn residence_permits_for_hong_kong_macao_and_taiwan_residents_are_accepted() {
    for body in [
        "81000019800101001",
        "82000019800101001",
        "83000019800101001",
    ] {
        assert!(parse_as_of(&with_check(body), TODAY).is_ok(), "{body}");
    }
    let other_in_taiwan = parse_as_of(&with_check("83010119800101001"), TODAY).unwrap_err();
    assert_eq!(
        other_in_taiwan,
        CitizenIdError::Region,
        "only the permit code itself"
    );
}

#[test]
fn unknown_province_codes_are_refused() {
    for body in [
        "10010119800101001",
        "16010119800101001",
        "66010119800101001",
        "83010119800101001",
        "99010119800101001",
    ] {
        let err = parse_as_of(&with_check(body), TODAY).unwrap_err();

        assert_eq!(err, CitizenIdError::Region, "{body}");
        assert_eq!(err.code(), "id_region");
    }
}

#[test]
fn every_province_level_code_is_accepted() {
    for province in PROVINCE_CODES {
        let id = with_check(&format!("{province}010119800101001"));

        assert!(parse_as_of(&id, TODAY).is_ok(), "province {province}");
    }
}

#[test]
fn a_bare_province_code_is_not_a_place_of_registration() {
    let err = parse_as_of(&with_check("41000019800101001"), TODAY).unwrap_err();

    assert_eq!(err, CitizenIdError::Region);
}

#[test]
fn prefecture_codes_ending_in_00_are_accepted() {
    // Some prefecture-level cities have no counties, so people are
    // registered directly under a code like 441900.
    let id = with_check("44190019800101001");

    assert!(parse_as_of(&id, TODAY).is_ok());
}
