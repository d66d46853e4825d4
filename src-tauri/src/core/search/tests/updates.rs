//! Keeping the index current without rebuilding it.

use super::*;

#[test]
fn an_upserted_resident_is_found_by_its_new_name_and_not_its_old_one() {
    let mut index = grid_of(&[("r1", "张三")]);
    let mut row = ResidentRow {
        id: "r1".into(),
        household_id: "h1".into(),
        name: "李四".into(),
        citizen_id: citizen_id("41010519800101123"),
        phone: Some("13912345678".into()),
        relation: "户主".into(),
        moved_out: false,
    };

    index.upsert_resident(row.clone());

    assert_eq!(first_id(&index, "ls").as_deref(), Some("r1"));
    assert!(
        !index.search("zs", 10).iter().any(|h| h.id == "r1"),
        "old name still found"
    );
    assert_eq!(first_id(&index, "5678").as_deref(), Some("r1"));
    assert_eq!(index.len(), 2, "one resident and one household");

    row.id = "r2".into();
    index.upsert_resident(row);
    assert_eq!(ids(&index.search("ls", 10)), vec!["r1", "r2"]);
}

#[test]
fn a_removed_row_is_no_longer_found() {
    let mut index = grid_of(&[("r1", "张三"), ("r2", "张四")]);

    assert!(index.remove(HitKind::Resident, "r1"));

    assert_eq!(ids(&index.search("zhang", 10)), vec!["r2", "h1"]);
    assert!(!index.remove(HitKind::Resident, "r1"), "already gone");
}

#[test]
fn refresh_reads_one_changed_row_from_the_database() {
    let conn = database();
    add_resident(&conn, "r1", "张三", "41010519800101123", None);
    let mut index = SearchIndex::build(&conn).unwrap();

    conn.execute("UPDATE residents SET name = '王五' WHERE id = 'r1'", [])
        .unwrap();
    index.refresh(&conn, HitKind::Resident, "r1").unwrap();
    assert_eq!(first_id(&index, "ww").as_deref(), Some("r1"));
    assert!(index.search("zs", 10).is_empty());

    conn.execute("DELETE FROM residents WHERE id = 'r1'", [])
        .unwrap();
    index.refresh(&conn, HitKind::Resident, "r1").unwrap();
    assert!(index.search("ww", 10).is_empty());
    assert!(index.is_empty());
}

#[test]
fn many_updates_compact_the_index_without_losing_rows() {
    let mut index = grid_of(&[("r1", "张三"), ("r2", "李四")]);
    let row = |n: usize| ResidentRow {
        id: "r1".into(),
        household_id: "h1".into(),
        name: format!("王{}", ["一", "二", "三"][n % 3]),
        citizen_id: citizen_id("41010519800101123"),
        phone: None,
        relation: "户主".into(),
        moved_out: false,
    };

    for n in 0..3000 {
        index.upsert_resident(row(n));
    }

    assert!(
        index.records.len() < 2 * MIN_DEAD_TO_COMPACT + 10,
        "never compacted"
    );
    assert_eq!(index.len(), 3);
    assert_eq!(ids(&index.search("王", 10)), vec!["r1"]);
    assert_eq!(ids(&index.search("ls", 10)), vec!["r2"]);
    let tail = &citizen_id("41010519800101123")[14..];
    assert_eq!(ids(&index.search(tail, 10)), vec!["r1"]);
}
