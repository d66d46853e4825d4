//! Finding rows by ID, phone and credit code numbers and by address; masking.

use super::*;

#[test]
fn a_citizen_id_is_found_in_full_or_by_its_last_four_or_more_digits() {
    let conn = database();
    add_resident(&conn, "r1", "张三", "41010519800101123", None);
    add_resident(&conn, "r2", "李四", "41010519900202456", None);
    let index = SearchIndex::build(&conn).unwrap();
    let full = citizen_id("41010519800101123");

    let exact = index.search(&full, 10);
    let last4 = index.search(&full[14..], 10);
    let last6 = index.search(&full[12..], 10);

    assert_eq!(ids(&exact), vec!["r1"]);
    assert_eq!(
        (exact[0].matched, exact[0].quality),
        (Field::CitizenId, Quality::Exact)
    );
    assert_eq!(ids(&last4), vec!["r1"]);
    assert_eq!(ids(&last6), vec!["r1"]);
    assert!(
        index.search(&full[15..], 10).is_empty(),
        "three digits say too little"
    );
    assert!(
        index.search(&full[6..14], 10).is_empty(),
        "the birth date is no search key"
    );
}

#[test]
fn a_phone_number_is_found_in_full_or_by_four_or_more_of_its_digits() {
    let conn = database();
    add_resident(
        &conn,
        "r1",
        "张三",
        "41010519800101123",
        Some("138 0013 8000"),
    );
    add_resident(
        &conn,
        "r2",
        "李四",
        "41010519900202456",
        Some("13912345678"),
    );
    let index = SearchIndex::build(&conn).unwrap();

    let full = index.search("13800138000", 10);
    let middle = index.search("0013", 10);

    assert_eq!(ids(&full), vec!["r1"]);
    assert_eq!(
        (full[0].matched, full[0].quality),
        (Field::Phone, Quality::Exact)
    );
    assert_eq!(ids(&middle), vec!["r1"]);
    assert_eq!(
        index.search("5678", 10)[0].quality,
        Quality::Prefix,
        "尾号 is a prefix"
    );
    assert!(
        index.search("138", 10).is_empty(),
        "three digits say too little"
    );
}

#[test]
fn the_last_digits_of_an_id_number_outrank_a_phone_number_starting_with_them() {
    let conn = database();
    let full = citizen_id("41010519800101123");
    let tail = full[14..].to_owned();
    add_resident(
        &conn,
        "phone",
        "李四",
        "41010519900202456",
        Some(&format!("{tail}0000000")),
    );
    add_resident(&conn, "id", "张三", "41010519800101123", None);
    let index = SearchIndex::build(&conn).unwrap();

    let hits = index.search(&tail, 10);

    assert_eq!(ids(&hits), vec!["id", "phone"]);
    assert_eq!(
        (hits[0].matched, hits[0].quality),
        (Field::CitizenId, Quality::Prefix)
    );
}

#[test]
fn households_and_enterprises_are_found_by_address_name_and_credit_code() {
    let conn = database();
    add_household(
        &conn,
        "h1",
        "郑州市金水区文化路街道幸福小区3号楼2单元501",
        "张三",
    );
    add_enterprise(
        &conn,
        "e1",
        "郑州市好邻居便利店有限公司",
        "91410105MA44ABCD7X",
        "刘强",
    );
    let index = SearchIndex::build(&conn).unwrap();

    assert_eq!(first_id(&index, "幸福小区3号楼").as_deref(), Some("h1"));
    assert_eq!(first_id(&index, "好邻居").as_deref(), Some("e1"));
    assert_eq!(
        first_id(&index, "91410105MA44ABCD7X").as_deref(),
        Some("e1")
    );
    assert_eq!(first_id(&index, "ma44abcd").as_deref(), Some("e1"));
    assert_eq!(first_id(&index, "花园路88号").as_deref(), Some("e1"));
    assert_eq!(
        index.search("91410105MA44ABCD7X", 1)[0].matched,
        Field::CreditCode
    );
}

#[test]
fn full_width_input_is_folded_to_ascii() {
    let conn = database();
    add_resident(
        &conn,
        "r1",
        "张三",
        "41010519800101123",
        Some("13800138000"),
    );
    let index = SearchIndex::build(&conn).unwrap();

    assert_eq!(first_id(&index, "ＺＳ").as_deref(), Some("r1"));
    assert_eq!(
        first_id(&index, "ｚｈａｎｇ　ｓａｎ").as_deref(),
        Some("r1")
    );
    assert_eq!(first_id(&index, "８０００").as_deref(), Some("r1"));
}

#[test]
fn id_and_phone_numbers_in_hits_are_masked() {
    let conn = database();
    add_resident(
        &conn,
        "r1",
        "张三",
        "41010519800101123",
        Some("13800138000"),
    );
    let index = SearchIndex::build(&conn).unwrap();
    let full_id = citizen_id("41010519800101123");

    let by_id = index.search(&full_id, 1);
    let by_phone = index.search("13800138000", 1);

    assert_eq!(
        by_id[0].subtitle,
        format!("410105********{}", &full_id[14..])
    );
    assert_eq!(by_phone[0].subtitle, "138****8000");
    let json = serde_json::to_string(&[&by_id, &by_phone]).unwrap();
    assert!(
        !json.contains(&full_id),
        "the full ID number left the index"
    );
    assert!(
        !json.contains("13800138000"),
        "the full phone number left the index"
    );
}
