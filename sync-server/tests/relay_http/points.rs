//! Visits, the points rules, and changing a password.

use gridline_schema::lifecycle::EventKind;
use gridline_schema::wire::{Action, Entity, NewIssueEvent, NewVisit, PointRecord, Subject};
use uuid::Uuid;

use super::*;

fn op(entity: Entity, row_id: Uuid, fields: Value) -> Operation {
    Operation {
        id: Uuid::now_v7(),
        entity,
        row_id,
        action: Action::Create,
        fields,
        author: ACCOUNT_A.to_owned(),
        device_id: "device-1".to_owned(),
        hlc: format!("{:015}-00000-device-1", gridline_relay::store::now_ms()),
        created_at_ms: gridline_relay::store::now_ms(),
    }
}

async fn household(device: &Device) -> Uuid {
    let id = Uuid::now_v7();
    let fields = json!({"address": "金河社区1号楼", "head_name": "区建华", "members": 2});
    assert_eq!(
        device.push(&[op(Entity::Household, id, fields)]).await[0].outcome,
        Outcome::Applied
    );
    id
}

fn visit(household: Uuid, note: &str) -> Operation {
    let visit = NewVisit {
        subject: Subject {
            entity: Entity::Household,
            id: household,
        },
        note: note.to_owned(),
        photo: None,
        position: None,
        at_ms: 1_000,
    };
    op(
        Entity::Visit,
        Uuid::now_v7(),
        serde_json::to_value(visit).unwrap(),
    )
}

fn points(changes: &[Change]) -> Vec<PointRecord> {
    changes
        .iter()
        .filter(|c| c.entity == Entity::PointEntry)
        .map(|c| serde_json::from_value(c.data.clone().unwrap()).unwrap())
        .collect()
}

async fn platform(base: &str, issue: Uuid, body: Value) -> u16 {
    Client::new()
        .post(format!("{base}/api/v1/platform/issues/{issue}/events"))
        .header("x-api-key", API_KEY)
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn each_visit_earns_a_point_once_and_no_more_than_twenty_a_day() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let device = Device::login(&base, ACCOUNT_A).await;
    let home = household(&device).await;
    let first = visit(home, "走访独居老人，身体状况良好");

    device.push(std::slice::from_ref(&first)).await;
    device.push(&[first]).await;
    let more: Vec<_> = (0..22)
        .map(|n| visit(home, &format!("第{n}次走访")))
        .collect();
    let results = device.push(&more).await;
    let earned = points(&device.pull_all().await);

    assert!(results.iter().all(|r| r.outcome == Outcome::Applied));
    assert_eq!(fixture.count("SELECT COUNT(*) FROM visits"), 23);
    assert_eq!(earned.len(), 20, "twenty visits a day are credited");
    assert!(earned
        .iter()
        .all(|p| p.reason == "visit" && p.points == 1 && p.account == ACCOUNT_A));
}

#[tokio::test]
async fn a_verified_report_earns_its_reporter_five_and_a_merged_duplicate_earns_nothing() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let device = Device::login(&base, ACCOUNT_A).await;
    let (original, duplicate) = (
        report_op("楼道堆放杂物", vec![]),
        report_op("楼道堆放杂物（重复）", vec![]),
    );
    device.push(&[original.clone(), duplicate.clone()]).await;
    let photo = jpeg(12);
    let sha = sha256_hex(&photo);
    device.put_photo(&sha, photo).await;

    for kind in ["accept", "dispatch"] {
        assert_eq!(
            platform(&base, original.row_id, json!({"kind": kind})).await,
            201
        );
    }
    assert_eq!(
        platform(
            &base,
            duplicate.row_id,
            json!({"kind": "merge", "note": "与另一上报重复"})
        )
        .await,
        201
    );
    for (kind, photos) in [(EventKind::Start, vec![]), (EventKind::Handle, vec![sha])] {
        let step = NewIssueEvent {
            issue_id: original.row_id,
            kind,
            expected_status: None,
            note: None,
            photos,
            position: None,
            at_ms: 2_000,
        };
        let result = device
            .push(&[op(
                Entity::IssueEvent,
                Uuid::now_v7(),
                serde_json::to_value(step).unwrap(),
            )])
            .await;
        assert_eq!(result[0].outcome, Outcome::Applied, "{result:?}");
    }
    assert_eq!(
        platform(&base, original.row_id, json!({"kind": "verify"})).await,
        201
    );
    let mut earned: Vec<_> = points(&device.pull_all().await)
        .into_iter()
        .map(|p| (p.reason, p.ref_id, p.points))
        .collect();
    earned.sort();

    assert_eq!(
        earned,
        [
            ("handled_on_time".to_owned(), original.row_id, 3),
            ("report_verified".to_owned(), original.row_id, 5)
        ]
    );
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_signs_out_the_other_devices() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let this = Device::login_as(&base, ACCOUNT_A, "phone-1").await;
    let other = Device::login_as(&base, ACCOUNT_A, "phone-2").await;
    let change = |current: &str, new: &str| {
        this.client
            .post(format!("{base}/api/v1/password"))
            .bearer_auth(&this.token)
            .json(&json!({"current_password": current, "new_password": new}))
            .send()
    };

    let wrong = change("not-it", "新密码-2026-网格").await.unwrap();
    let short = change(PASSWORD, "short").await.unwrap();
    let changed = change(PASSWORD, "新密码-2026-网格").await.unwrap();
    let old_login = Client::new()
        .post(format!("{base}/api/v1/login"))
        .json(&json!({"account": ACCOUNT_A, "password": PASSWORD, "device_id": "phone-3"}))
        .send()
        .await
        .unwrap();
    let other_pull = other
        .client
        .get(format!("{base}/api/v1/pull"))
        .bearer_auth(&other.token)
        .send()
        .await
        .unwrap();
    let this_pull = this
        .client
        .get(format!("{base}/api/v1/pull"))
        .bearer_auth(&this.token)
        .send()
        .await
        .unwrap();

    assert_eq!(error_body(wrong).await.code, "wrong_password");
    assert_eq!(error_body(short).await.code, "weak_password");
    assert_eq!(changed.status(), 204);
    assert_eq!(old_login.status(), 401);
    assert_eq!(other_pull.status(), 401, "the other device is signed out");
    assert_eq!(this_pull.status(), 200, "this device stays signed in");
}
