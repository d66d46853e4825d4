//! The order of results, across kinds of record.

use super::*;

#[test]
fn residents_households_and_enterprises_come_back_in_one_list() {
    let conn = database();
    add_household(&conn, "h1", "幸福小区1号", "张三");
    add_resident(&conn, "r1", "张三", "41010519800101123", None);
    add_enterprise(&conn, "e1", "三和商行", "91410105MA44ABCD7X", "张三");
    let index = SearchIndex::build(&conn).unwrap();

    let hits = index.search("zs", 10);

    let kinds: Vec<HitKind> = hits.iter().map(|h| h.kind).collect();
    assert_eq!(
        kinds,
        vec![HitKind::Resident, HitKind::Household, HitKind::Enterprise]
    );
    assert_eq!(hits[1].matched, Field::HeadName);
    assert_eq!(hits[2].matched, Field::LegalRepresentative);
}

#[test]
fn exact_matches_rank_before_prefix_matches_before_substring_matches() {
    let index = grid_of(&[("inner", "李张三"), ("prefix", "张三丰"), ("exact", "张三")]);

    let hits: Vec<Hit> = index
        .search("张三", 10)
        .into_iter()
        .filter(|h| h.kind == HitKind::Resident)
        .collect();

    assert_eq!(ids(&hits), ["exact", "prefix", "inner"]);
    let qualities: Vec<Quality> = hits.iter().map(|h| h.quality).collect();
    assert_eq!(
        qualities,
        [Quality::Exact, Quality::Prefix, Quality::Substring]
    );
}

#[test]
fn a_moved_out_resident_ranks_below_a_present_one() {
    let conn = database();
    add_resident(&conn, "gone", "张三", "41010519800101123", None);
    add_resident(&conn, "here", "张三", "41010519900202456", None);
    conn.execute(
        "UPDATE residents SET moved_out_at_ms = 1 WHERE id = 'gone'",
        [],
    )
    .unwrap();
    let index = SearchIndex::build(&conn).unwrap();

    let hits = index.search("张三", 10);

    assert_eq!(ids(&hits), vec!["here", "gone"]);
    assert!(hits[1].moved_out && !hits[0].moved_out);
}

#[test]
fn the_limit_caps_the_hits_and_keeps_the_best() {
    let names: Vec<(String, String)> = (0..50)
        .map(|n| (format!("r{n:02}"), format!("张三{n}")))
        .collect();
    let mut rows: Vec<(&str, &str)> = names
        .iter()
        .map(|(i, n)| (i.as_str(), n.as_str()))
        .collect();
    rows.push(("exact", "张三"));
    let index = grid_of(&rows);

    let hits = index.search("zs", 5);

    assert_eq!(hits.len(), 5);
    assert_eq!(hits[0].id, "exact");
}
