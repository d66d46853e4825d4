//! Registry rows: created by devices, merged per field, conflicts recorded,
//! deletions kept as tombstones.

use gridline_schema::wire::{Action, ConflictRecord, Entity, HouseholdRecord};
use uuid::Uuid;

use super::*;

/// An operation on a registry row from `device`, stamped at `wall` ms.
fn registry_op(
    entity: Entity,
    action: Action,
    row_id: Uuid,
    fields: Value,
    device: &str,
    wall: i64,
) -> Operation {
    Operation {
        id: Uuid::now_v7(),
        entity,
        row_id,
        action,
        fields,
        author: ACCOUNT_A.to_owned(),
        device_id: device.to_owned(),
        hlc: format!("{wall:015}-00000-{device}"),
        created_at_ms: wall,
    }
}

fn edit(row: Uuid, base: i64, set: Value, device: &str, wall: i64) -> Operation {
    registry_op(
        Entity::Household,
        Action::Update,
        row,
        json!({"base_version": base, "set": set}),
        device,
        wall,
    )
}

/// Two devices of grid A and a household both have at version 1.
async fn two_devices_and_a_household(base: &str) -> (Device, Device, Uuid) {
    let a = Device::login_as(base, ACCOUNT_A, "phone-a").await;
    let b = Device::login_as(base, ACCOUNT_A, "phone-b").await;
    let id = Uuid::now_v7();
    let create = registry_op(
        Entity::Household,
        Action::Create,
        id,
        json!({"address": "金河社区3号楼2单元101", "head_name": "曾建国", "members": 3}),
        "phone-a",
        1_000,
    );
    assert_eq!(a.push(&[create]).await[0].outcome, Outcome::Applied);
    (a, b, id)
}

fn household(changes: &[Change], id: Uuid) -> HouseholdRecord {
    let change = changes
        .iter()
        .find(|c| c.row_id == id)
        .expect("the household is pulled");
    serde_json::from_value(change.data.clone().expect("not deleted")).unwrap()
}

fn conflicts(changes: &[Change]) -> Vec<ConflictRecord> {
    changes
        .iter()
        .filter(|c| c.entity == Entity::Conflict)
        .map(|c| serde_json::from_value(c.data.clone().unwrap()).unwrap())
        .collect()
}

#[tokio::test]
async fn edits_of_different_fields_from_the_same_base_both_survive() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let (a, b, id) = two_devices_and_a_household(&base).await;

    let from_a = a
        .push(&[edit(id, 1, json!({"members": 4}), "phone-a", 2_000)])
        .await;
    let from_b = b
        .push(&[edit(
            id,
            1,
            json!({"head_name": "曾国强"}),
            "phone-b",
            3_000,
        )])
        .await;
    let pulled = a.pull_all().await;

    assert_eq!(from_a[0].outcome, Outcome::Applied);
    assert_eq!(from_b[0].outcome, Outcome::Merged);
    assert_eq!(from_b[0].code.as_deref(), Some("merged"));
    let row = household(&pulled, id);
    assert_eq!(
        (row.members, row.head_name.as_str(), row.version),
        (4, "曾国强", 3)
    );
    assert!(conflicts(&pulled).is_empty());
}

#[tokio::test]
async fn one_field_changed_on_two_devices_keeps_the_later_stamp_in_either_order_and_records_the_other(
) {
    let mut finals = Vec::new();
    for a_first in [true, false] {
        let fixture = Fixture::new();
        let base = fixture.serve().await;
        let (a, b, id) = two_devices_and_a_household(&base).await;
        let early = edit(
            id,
            1,
            json!({"address": "金河社区3号楼2单元102"}),
            "phone-a",
            2_000,
        );
        let late = edit(
            id,
            1,
            json!({"address": "金河社区5号楼1单元301"}),
            "phone-b",
            3_000,
        );

        if a_first {
            a.push(&[early]).await;
            let second = b.push(&[late]).await;
            assert_eq!(second[0].code.as_deref(), Some("conflict"));
        } else {
            b.push(&[late]).await;
            let second = a.push(&[early]).await;
            assert_eq!(second[0].outcome, Outcome::Merged);
            assert_eq!(second[0].code.as_deref(), Some("conflict"));
        }
        let pulled = a.pull_all().await;
        let recorded = conflicts(&pulled);

        assert_eq!(
            household(&pulled, id).address,
            "金河社区5号楼1单元301",
            "a_first = {a_first}"
        );
        assert_eq!(recorded.len(), 1);
        assert_eq!(recorded[0].field, "address");
        assert_eq!(recorded[0].kept, json!("金河社区5号楼1单元301"));
        assert_eq!(recorded[0].other, json!("金河社区3号楼2单元102"));
        assert_eq!(fixture.count("SELECT COUNT(*) FROM conflicts"), 1);
        finals.push(household(&pulled, id).address);
    }
    assert_eq!(
        finals[0], finals[1],
        "both orders of arrival end in the same row"
    );
}

#[tokio::test]
async fn a_device_editing_its_own_field_twice_offline_is_not_a_conflict() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let (a, _, id) = two_devices_and_a_household(&base).await;

    let results = a
        .push(&[
            edit(id, 1, json!({"members": 4}), "phone-a", 2_000),
            edit(id, 1, json!({"members": 5}), "phone-a", 2_500),
        ])
        .await;

    assert!(
        results
            .iter()
            .all(|r| r.code.as_deref() != Some("conflict")),
        "{results:?}"
    );
    assert_eq!(household(&a.pull_all().await, id).members, 5);
    assert_eq!(fixture.count("SELECT COUNT(*) FROM conflicts"), 0);
}

#[tokio::test]
async fn settling_a_conflict_writes_the_chosen_value_and_marks_it_resolved() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let (a, b, id) = two_devices_and_a_household(&base).await;
    a.push(&[edit(id, 1, json!({"members": 2}), "phone-a", 2_000)])
        .await;
    b.push(&[edit(id, 1, json!({"members": 6}), "phone-b", 3_000)])
        .await;
    let conflict = conflicts(&a.pull_all().await).remove(0);

    let settle = registry_op(
        Entity::Household,
        Action::Update,
        id,
        json!({"base_version": 3, "set": {"members": 2}, "resolves": [conflict.id]}),
        "phone-a",
        4_000,
    );
    let result = a.push(&[settle]).await;
    let pulled = a.pull_all().await;

    assert_eq!(result[0].outcome, Outcome::Applied, "{result:?}");
    assert_eq!(household(&pulled, id).members, 2);
    assert!(conflicts(&pulled)[0].resolved_at_ms.is_some());
}

#[tokio::test]
async fn a_wrong_check_character_is_rejected_with_its_code_and_changes_nothing() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let (a, _, household_id) = two_devices_and_a_household(&base).await;
    let resident = json!({
        "household_id": household_id, "name": "单丽华", "gender": "female",
        "birth_date": "1949-12-31", "citizen_id": "110105194912310021", "relation": "spouse"
    });

    let result = a
        .push(&[registry_op(
            Entity::Resident,
            Action::Create,
            Uuid::now_v7(),
            resident,
            "phone-a",
            2_000,
        )])
        .await;

    assert_eq!(result[0].outcome, Outcome::Rejected);
    assert_eq!(result[0].code.as_deref(), Some("id_check_char"));
    assert!(
        result[0].message.as_deref().unwrap().contains('X'),
        "names the expected character"
    );
    assert_eq!(fixture.count("SELECT COUNT(*) FROM residents"), 0);
}

#[tokio::test]
async fn a_deleted_row_is_pulled_as_a_tombstone_and_later_edits_are_refused() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let (a, b, id) = two_devices_and_a_household(&base).await;

    let deleted = a
        .push(&[registry_op(
            Entity::Household,
            Action::Delete,
            id,
            json!({"base_version": 1}),
            "phone-a",
            2_000,
        )])
        .await;
    let late_edit = b
        .push(&[edit(id, 1, json!({"members": 9}), "phone-b", 3_000)])
        .await;
    let pulled = b.pull_all().await;

    assert_eq!(deleted[0].outcome, Outcome::Applied);
    assert_eq!(late_edit[0].code.as_deref(), Some("row_deleted"));
    let change = pulled.iter().find(|c| c.row_id == id).unwrap();
    assert_eq!(change.data, None, "a deletion travels as a tombstone");
    assert_eq!(
        fixture.count("SELECT COUNT(*) FROM households WHERE deleted_at_ms IS NOT NULL"),
        1
    );
}

#[tokio::test]
async fn a_household_with_residents_cannot_be_deleted() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let (a, _, household_id) = two_devices_and_a_household(&base).await;
    let resident = json!({
        "household_id": household_id, "name": "曾建国", "gender": "male",
        "birth_date": "1949-12-31", "citizen_id": "11010519491231002X", "relation": "head",
        "care_tags": ["elderly_alone"]
    });
    let created = a
        .push(&[registry_op(
            Entity::Resident,
            Action::Create,
            Uuid::now_v7(),
            resident,
            "phone-a",
            2_000,
        )])
        .await;

    let refused = a
        .push(&[registry_op(
            Entity::Household,
            Action::Delete,
            household_id,
            json!({"base_version": 1}),
            "phone-a",
            3_000,
        )])
        .await;

    assert_eq!(created[0].outcome, Outcome::Applied, "{created:?}");
    assert_eq!(refused[0].code.as_deref(), Some("household_not_empty"));
}

#[tokio::test]
async fn an_edit_based_on_a_version_the_relay_never_had_or_stamped_as_another_device_is_refused() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let (a, _, id) = two_devices_and_a_household(&base).await;
    let mut foreign = edit(id, 1, json!({"members": 5}), "phone-a", 2_000);
    foreign.hlc = "~".to_owned();

    let beyond = a
        .push(&[edit(id, 1_000_000, json!({"members": 4}), "phone-a", 2_000)])
        .await;
    let stamped = a.push(&[foreign]).await;

    assert_eq!(beyond[0].code.as_deref(), Some("invalid_base_version"));
    assert_eq!(stamped[0].code.as_deref(), Some("invalid_clock_stamp"));
    assert_eq!(
        fixture.count("SELECT members FROM households"),
        3,
        "nothing changed"
    );
}
