//! Two phones of one grid editing the same household, and a leader handling
//! a dispatched task offline, against a real relay on 127.0.0.1.

mod common;

use std::path::Path;

use common::{demo, shared_data, Credentials, Relay};
use gridline_app::core::model::Position;
use gridline_app::core::steps::StepInput;
use gridline_app::core::Device;
use gridline_schema::lifecycle::EventKind;
use gridline_schema::wire::Entity;
use gridline_schema::{IssueStatus, PositionSource};
use serde_json::{json, Map, Value};
use uuid::Uuid;

fn fields(value: Value) -> Map<String, Value> {
    value.as_object().unwrap().clone()
}

/// A value from the phone's own database file.
fn local<T: rusqlite::types::FromSql>(phone: &Path, sql: &str) -> T {
    let conn = rusqlite::Connection::open(phone.join("gridline.db")).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

async fn setup(dir: &Path) -> (Credentials, Relay) {
    let creds = demo(&dir.join("relay"));
    let relay = Relay::start(&dir.join("relay")).await;
    (creds, relay)
}

async fn phone(dir: &Path, name: &str, relay: &Relay, creds: &Credentials) -> Device {
    let device = Device::open(&dir.join(name)).unwrap();
    let leader = &creds.leaders[0];
    device
        .login(&relay.url(), &leader.account, &leader.password)
        .await
        .unwrap();
    device
}

#[tokio::test]
async fn two_phones_keep_each_others_fields_and_settle_a_field_both_changed() {
    let dir = tempfile::tempdir().unwrap();
    let (creds, relay) = setup(dir.path()).await;
    let (a, b) = (
        phone(dir.path(), "a", &relay, &creds).await,
        phone(dir.path(), "b", &relay, &creds).await,
    );
    let id: String = local(
        &dir.path().join("a"),
        "SELECT id FROM households ORDER BY id LIMIT 1",
    );
    let id = Uuid::parse_str(&id).unwrap();

    a.edit_row(Entity::Household, id, fields(json!({"members": 7})), vec![])
        .unwrap();
    b.edit_row(
        Entity::Household,
        id,
        fields(json!({"head_name": "仇志明"})),
        vec![],
    )
    .unwrap();
    for phone in [&a, &b, &a] {
        phone.sync_now().await.unwrap();
    }
    let on_a: (i64, String) = (
        local(
            &dir.path().join("a"),
            &format!("SELECT members FROM households WHERE id = '{id}'"),
        ),
        local(
            &dir.path().join("a"),
            &format!("SELECT head_name FROM households WHERE id = '{id}'"),
        ),
    );
    assert_eq!(
        on_a,
        (7, "仇志明".to_owned()),
        "edits of different fields both survive"
    );

    a.edit_row(
        Entity::Household,
        id,
        fields(json!({"address": "金水路1号院2号楼"})),
        vec![],
    )
    .unwrap();
    b.edit_row(
        Entity::Household,
        id,
        fields(json!({"address": "金水路1号院5号楼"})),
        vec![],
    )
    .unwrap();
    for phone in [&a, &b, &a] {
        phone.sync_now().await.unwrap();
    }
    let conflicts_a = a.open_conflicts().unwrap();
    let conflicts_b = b.open_conflicts().unwrap();
    assert_eq!(conflicts_a.len(), 1, "{conflicts_a:?}");
    assert_eq!(
        conflicts_a, conflicts_b,
        "both phones see the same conflict"
    );
    assert_eq!(
        conflicts_a[0].kept,
        json!("金水路1号院5号楼"),
        "the later edit stands"
    );
    assert_eq!(conflicts_a[0].other, json!("金水路1号院2号楼"));

    let conflict = Uuid::parse_str(&conflicts_a[0].id).unwrap();
    a.resolve_conflict(conflict, true).unwrap();
    for phone in [&a, &b] {
        phone.sync_now().await.unwrap();
    }
    for name in ["a", "b"] {
        let address: String = local(
            &dir.path().join(name),
            &format!("SELECT address FROM households WHERE id = '{id}'"),
        );
        assert_eq!(
            address, "金水路1号院2号楼",
            "phone {name} has the chosen value"
        );
    }
    assert!(b.open_conflicts().unwrap().is_empty());
    assert_eq!(
        (
            a.sync_state().unwrap().pending,
            b.sync_state().unwrap().pending
        ),
        (0, 0)
    );
}

#[tokio::test]
async fn a_wrong_id_number_is_refused_on_the_phone_with_its_code_and_nothing_is_queued() {
    let dir = tempfile::tempdir().unwrap();
    let (creds, relay) = setup(dir.path()).await;
    let a = phone(dir.path(), "a", &relay, &creds).await;
    let household: String = local(&dir.path().join("a"), "SELECT id FROM households LIMIT 1");
    let resident = json!({
        "household_id": household, "name": "单丽华", "gender": "female",
        "birth_date": "1949-12-31", "citizen_id": "110105194912310021", "relation": "spouse"
    });

    let err = a
        .create_row(Entity::Resident, fields(resident.clone()))
        .unwrap_err();
    let mut fixed = resident;
    fixed["citizen_id"] = json!("11010519491231002X");
    let added = a.create_row(Entity::Resident, fields(fixed)).unwrap();
    a.sync_now().await.unwrap();

    assert_eq!(err.code(), "id_check_char");
    assert!(
        err.to_string().contains("'X'") || err.to_string().contains('X'),
        "{err}"
    );
    let at_relay: i64 = {
        let conn = rusqlite::Connection::open(dir.path().join("relay/relay.db")).unwrap();
        conn.query_row(
            "SELECT COUNT(*) FROM residents WHERE id = ?1",
            [added.to_string()],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(at_relay, 1);
    assert_eq!(a.sync_state().unwrap().pending, 0);
    let count = |db: &Path, sql: &str| -> i64 {
        rusqlite::Connection::open(db)
            .unwrap()
            .query_row(sql, [&household], |r| r.get(0))
            .unwrap()
    };
    let living = count(
        &dir.path().join("a/gridline.db"),
        "SELECT COUNT(*) FROM residents WHERE household_id = ?1 AND moved_out_at_ms IS NULL",
    );
    let members = count(
        &dir.path().join("relay/relay.db"),
        "SELECT members FROM households WHERE id = ?1",
    );
    assert_eq!(
        members, living,
        "the household's size follows its new member to the relay"
    );
}

/// The demo's dispatched task in the leader's grid, and where it is.
fn first_task(device: &Device) -> (String, f64, f64) {
    let task = device
        .grid_tasks()
        .unwrap()
        .into_iter()
        .find(|t| t.status == IssueStatus::Dispatched)
        .unwrap();
    let p = task.position.expect("demo tasks have a position");
    (task.id, p.lat, p.lon)
}

fn at(lat: f64, lon: f64) -> Option<Position> {
    Some(Position {
        lat,
        lon,
        accuracy_m: Some(10.0),
        source: PositionSource::Device,
    })
}

fn step(
    issue: &str,
    kind: EventKind,
    photos: Vec<String>,
    position: Option<Position>,
) -> StepInput {
    let note = (kind == EventKind::Escalate).then(|| "需要住建部门处理".to_owned());
    StepInput {
        issue_id: issue.to_owned(),
        kind,
        note,
        photos,
        position,
    }
}

#[tokio::test]
async fn a_task_is_started_and_handled_at_the_scene_offline_and_the_relay_agrees_later() {
    let dir = tempfile::tempdir().unwrap();
    let (creds, mut relay) = setup(dir.path()).await;
    let device = phone(dir.path(), "a", &relay, &creds).await;
    let (task, lat, lon) = first_task(&device);
    let photo = std::fs::read(shared_data().join("photos/Oppo-R7-Plus.jpg")).unwrap();

    relay.stop().await;
    device
        .take_step(step(&task, EventKind::Start, vec![], None))
        .unwrap();
    let after = device.import_photo(&photo).unwrap().sha256;
    let without_photo = device
        .take_step(step(&task, EventKind::Handle, vec![], at(lat, lon)))
        .unwrap_err();
    let far = device
        .take_step(step(
            &task,
            EventKind::Handle,
            vec![after.clone()],
            at(lat + 0.01, lon),
        ))
        .unwrap_err();
    let handled = device
        .take_step(step(
            &task,
            EventKind::Handle,
            vec![after],
            at(lat + 0.0003, lon),
        ))
        .unwrap();
    let local_status: String = local(
        &dir.path().join("a"),
        &format!("SELECT status FROM issues WHERE id = '{task}'"),
    );

    assert_eq!(without_photo.code(), "photo_required");
    assert_eq!(far.code(), "too_far_from_issue", "1.1 km from the scene");
    assert!(handled.pending);
    assert_eq!(local_status, "handled", "shown at once, before any sync");
    assert_eq!(device.sync_state().unwrap().pending, 2);

    relay.resume().await;
    device.sync_now().await.unwrap();
    let timeline = device.timeline(&task).unwrap();
    let relay_status: String = {
        let conn = rusqlite::Connection::open(dir.path().join("relay/relay.db")).unwrap();
        conn.query_row("SELECT status FROM issues WHERE id = ?1", [&task], |r| {
            r.get(0)
        })
        .unwrap()
    };

    assert_eq!(relay_status, "handled");
    assert_eq!(
        timeline.iter().map(|e| e.kind).collect::<Vec<_>>(),
        [EventKind::Start, EventKind::Handle]
    );
    assert!(
        timeline
            .iter()
            .all(|e| !e.pending && e.effective && e.received_at_ms.is_some()),
        "{timeline:?}"
    );
    assert_eq!(timeline[1].photos.len(), 1);
    assert_eq!(device.sync_state().unwrap().pending, 0);
}

#[tokio::test]
async fn a_step_the_platform_overtook_is_kept_shown_with_its_reason_and_the_platforms_state_stands()
{
    let dir = tempfile::tempdir().unwrap();
    let (creds, relay) = setup(dir.path()).await;
    let device = phone(dir.path(), "a", &relay, &creds).await;
    let (task, _, _) = first_task(&device);
    device
        .take_step(step(&task, EventKind::Start, vec![], None))
        .unwrap();
    device.sync_now().await.unwrap();

    device
        .take_step(step(&task, EventKind::Escalate, vec![], None))
        .unwrap();
    let supervised = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/platform/issues/{task}/events",
            relay.url()
        ))
        .header("x-api-key", &creds.api_key)
        .json(&json!({"kind": "supervise", "note": "区督查室督办"}))
        .send()
        .await
        .unwrap();
    assert_eq!(supervised.status(), 201);
    device.sync_now().await.unwrap();

    let timeline = device.timeline(&task).unwrap();
    let escalate = timeline
        .iter()
        .find(|e| e.kind == EventKind::Escalate)
        .unwrap();
    let status: String = local(
        &dir.path().join("a"),
        &format!("SELECT status FROM issues WHERE id = '{task}'"),
    );
    assert!(!escalate.effective);
    assert_eq!(escalate.reason_code.as_deref(), Some("stale_transition"));
    assert_eq!(status, "supervised");
    assert_eq!(
        device.sync_state().unwrap().pending,
        0,
        "a kept step is not left pending"
    );
}

#[tokio::test]
async fn a_conflict_over_a_phone_number_shows_it_masked_and_settles_with_the_full_number() {
    let dir = tempfile::tempdir().unwrap();
    let (creds, relay) = setup(dir.path()).await;
    let (a, b) = (
        phone(dir.path(), "a", &relay, &creds).await,
        phone(dir.path(), "b", &relay, &creds).await,
    );
    let id: String = local(
        &dir.path().join("a"),
        "SELECT id FROM residents ORDER BY id LIMIT 1",
    );
    let id = Uuid::parse_str(&id).unwrap();

    a.edit_row(
        Entity::Resident,
        id,
        fields(json!({"phone": "13800138000"})),
        vec![],
    )
    .unwrap();
    b.edit_row(
        Entity::Resident,
        id,
        fields(json!({"phone": "13912345678"})),
        vec![],
    )
    .unwrap();
    for phone in [&a, &b, &a] {
        phone.sync_now().await.unwrap();
    }
    let shown = a.open_conflicts().unwrap();
    a.resolve_conflict(Uuid::parse_str(&shown[0].id).unwrap(), true)
        .unwrap();
    a.sync_now().await.unwrap();
    let stored: String = local(
        &dir.path().join("a"),
        &format!("SELECT phone FROM residents WHERE id = '{id}'"),
    );

    assert_eq!(
        (shown[0].kept.as_str(), shown[0].other.as_str()),
        (Some("139****5678"), Some("138****8000"))
    );
    assert_eq!(
        stored, "13800138000",
        "the full number of the chosen side is written"
    );
}
