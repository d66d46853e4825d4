//! The life of an issue: steps from the platform and from the grid's
//! devices, the lifecycle enforced, stale steps kept without effect.

use gridline_schema::lifecycle::EventKind;
use gridline_schema::wire::{Action, Entity, IssueEventRecord, NewIssueEvent};
use uuid::Uuid;

use super::*;

/// A hotline case the platform files in grid A; it arrives dispatched.
async fn dispatched_case(base: &str) -> Uuid {
    let (lat, lon) = (IN_A.0.to_string(), IN_A.1.to_string());
    let response = Client::new()
        .post(format!("{base}/open311/v2/requests.json"))
        .form(&[
            ("api_key", API_KEY),
            ("service_code", "public_service"),
            ("lat", lat.as_str()),
            ("long", lon.as_str()),
            ("description", "市民反映小区路灯不亮"),
            ("attribute[source]", "hotline_12345"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let created: Vec<Value> = response.json().await.unwrap();
    created[0]["service_request_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn platform_step(base: &str, issue: Uuid, body: Value) -> reqwest::Response {
    Client::new()
        .post(format!("{base}/api/v1/platform/issues/{issue}/events"))
        .header("x-api-key", API_KEY)
        .json(&body)
        .send()
        .await
        .unwrap()
}

fn step_op(issue: Uuid, kind: EventKind, expected: IssueStatus, photos: Vec<String>) -> Operation {
    let step = NewIssueEvent {
        issue_id: issue,
        kind,
        expected_status: Some(expected),
        note: (kind == EventKind::Escalate).then(|| "需要城管执法部门联合处置".to_owned()),
        photos,
        position: None,
        at_ms: 1_000,
    };
    Operation {
        id: Uuid::now_v7(),
        entity: Entity::IssueEvent,
        row_id: Uuid::now_v7(),
        action: Action::Create,
        fields: serde_json::to_value(step).unwrap(),
        author: ACCOUNT_A.to_owned(),
        device_id: "device-1".to_owned(),
        hlc: format!("{:015}-00000-device-1", store_now()),
        created_at_ms: store_now(),
    }
}

fn store_now() -> i64 {
    gridline_relay::store::now_ms()
}

fn issue_status(changes: &[Change], id: Uuid) -> IssueStatus {
    let change = changes
        .iter()
        .find(|c| c.entity == Entity::Issue && c.row_id == id)
        .unwrap();
    serde_json::from_value::<IssueRecord>(change.data.clone().unwrap())
        .unwrap()
        .status
}

fn events(changes: &[Change]) -> Vec<IssueEventRecord> {
    changes
        .iter()
        .filter(|c| c.entity == Entity::IssueEvent)
        .map(|c| serde_json::from_value(c.data.clone().unwrap()).unwrap())
        .collect()
}

#[tokio::test]
async fn a_dispatched_case_is_started_then_handled_with_an_after_photo() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let device = Device::login(&base, ACCOUNT_A).await;
    let issue = dispatched_case(&base).await;
    let photo = jpeg(41);
    let sha = sha256_hex(&photo);

    let started = device
        .push(&[step_op(
            issue,
            EventKind::Start,
            IssueStatus::Dispatched,
            vec![],
        )])
        .await;
    let no_photo = device
        .push(&[step_op(
            issue,
            EventKind::Handle,
            IssueStatus::Handling,
            vec![],
        )])
        .await;
    let early = device
        .push(&[step_op(
            issue,
            EventKind::Handle,
            IssueStatus::Handling,
            vec![sha.clone()],
        )])
        .await;
    device.put_photo(&sha, photo).await;
    let handled = device
        .push(&[step_op(
            issue,
            EventKind::Handle,
            IssueStatus::Handling,
            vec![sha],
        )])
        .await;
    let pulled = device.pull_all().await;

    assert_eq!(started[0].outcome, Outcome::Applied);
    assert_eq!(no_photo[0].code.as_deref(), Some("photo_required"));
    assert_eq!(early[0].outcome, Outcome::Retry, "waits for its photo");
    assert_eq!(handled[0].outcome, Outcome::Applied, "{handled:?}");
    assert_eq!(issue_status(&pulled, issue), IssueStatus::Handled);
    let kinds: Vec<_> = events(&pulled).iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [EventKind::Start, EventKind::Handle]);
}

#[tokio::test]
async fn a_step_on_a_view_the_platform_has_moved_past_is_kept_but_moves_nothing() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let device = Device::login(&base, ACCOUNT_A).await;
    let issue = dispatched_case(&base).await;
    device
        .push(&[step_op(
            issue,
            EventKind::Start,
            IssueStatus::Dispatched,
            vec![],
        )])
        .await;
    // Meanwhile the supervisors flag it.
    let supervised = platform_step(&base, issue, json!({"kind": "supervise"})).await;
    assert_eq!(supervised.status(), 201);

    let escalate = step_op(issue, EventKind::Escalate, IssueStatus::Handling, vec![]);
    let result = device.push(std::slice::from_ref(&escalate)).await;
    let replay = device.push(&[escalate]).await;
    let pulled = device.pull_all().await;

    assert_eq!(result[0].outcome, Outcome::Merged);
    assert_eq!(result[0].code.as_deref(), Some("stale_transition"));
    assert_eq!(replay[0].outcome, Outcome::Duplicate);
    assert_eq!(issue_status(&pulled, issue), IssueStatus::Supervised);
    let kept = events(&pulled)
        .into_iter()
        .find(|e| e.kind == EventKind::Escalate)
        .unwrap();
    assert!(!kept.effective);
    assert!(kept.reason.unwrap().starts_with("stale_transition"));
    assert_eq!(
        (kept.from_status, kept.to_status),
        (IssueStatus::Supervised, IssueStatus::Supervised)
    );
}

#[tokio::test]
async fn a_leader_may_not_verify_or_close() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let device = Device::login(&base, ACCOUNT_A).await;
    let issue = dispatched_case(&base).await;

    let result = device
        .push(&[step_op(
            issue,
            EventKind::Verify,
            IssueStatus::Dispatched,
            vec![],
        )])
        .await;

    assert_eq!(result[0].code.as_deref(), Some("step_not_permitted"));
    assert_eq!(fixture.count("SELECT COUNT(*) FROM issue_events"), 0);
}

#[tokio::test]
async fn a_platform_step_sent_twice_with_its_id_is_taken_once() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let issue = dispatched_case(&base).await;
    let id = Uuid::now_v7();
    let body = json!({"id": id, "kind": "note", "note": "已电话联系市民"});

    let first = platform_step(&base, issue, body.clone()).await;
    let second = platform_step(&base, issue, body).await;
    let unkeyed = Client::new()
        .post(format!("{base}/api/v1/platform/issues/{issue}/events"))
        .json(&json!({"kind": "close"}))
        .send()
        .await
        .unwrap();

    assert_eq!(
        (first.status().as_u16(), second.status().as_u16()),
        (201, 200)
    );
    assert_eq!(fixture.count("SELECT COUNT(*) FROM issue_events"), 1);
    assert_eq!(unkeyed.status(), 403);
    assert_eq!(error_body(unkeyed).await.code, "forbidden");
}

#[tokio::test]
async fn dispatch_sets_the_deadline_devices_see() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let device = Device::login(&base, ACCOUNT_A).await;
    let issue = dispatched_case(&base).await;
    platform_step(&base, issue, json!({"kind": "start"})).await;
    platform_step(&base, issue, json!({"kind": "escalate", "note": "跨部门"})).await;

    let dispatched = platform_step(
        &base,
        issue,
        json!({"kind": "dispatch", "expected_status": "escalated", "deadline_at_ms": 1_900_000_000_000_i64}),
    )
    .await;
    let pulled = device.pull_all().await;

    assert_eq!(dispatched.status(), 201);
    let change = pulled.iter().find(|c| c.row_id == issue).unwrap();
    let record: IssueRecord = serde_json::from_value(change.data.clone().unwrap()).unwrap();
    assert_eq!(record.status, IssueStatus::Dispatched);
    assert_eq!(record.deadline_at_ms, Some(1_900_000_000_000));
}

#[tokio::test]
async fn a_step_on_a_report_still_waiting_for_its_photo_waits_too_and_applies_after_it() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let device = Device::login(&base, ACCOUNT_A).await;
    let photo = jpeg(61);
    let sha = sha256_hex(&photo);
    let report = report_op("井盖缺失", vec![sha.clone()]);
    let mut note = step_op(
        report.row_id,
        EventKind::Note,
        IssueStatus::Reported,
        vec![],
    );
    note.fields["note"] = json!("已设置警示标志");

    let waiting = device.push(&[report.clone(), note.clone()]).await;
    device.put_photo(&sha, photo).await;
    let later = device.push(&[report, note]).await;

    assert_eq!(
        (waiting[0].outcome, waiting[1].outcome),
        (Outcome::Retry, Outcome::Retry)
    );
    assert_eq!(
        (later[0].outcome, later[1].outcome),
        (Outcome::Applied, Outcome::Applied)
    );
}
