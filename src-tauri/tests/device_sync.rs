//! The device core against a real relay: login and first download, reports
//! filed offline and delivered exactly once, tasks dispatched through
//! Open311 arriving at the next pull.

mod common;

use common::{demo, shared_data, Relay};
use gridline_app::core::model::{NewReportInput, Position, SyncMark};
use gridline_app::core::Device;
use gridline_schema::{Domain, PositionSource};

fn photo(name: &str) -> Vec<u8> {
    std::fs::read(shared_data().join("photos").join(name)).unwrap()
}

fn report(description: &str, lat: f64, lon: f64, photos: Vec<String>) -> NewReportInput {
    NewReportInput {
        domain: Domain::WorkSafety,
        subcategory: None,
        subject: None,
        focus_tag: None,
        description: description.into(),
        position: Some(Position {
            lat,
            lon,
            accuracy_m: Some(12.0),
            source: PositionSource::Manual,
        }),
        photos,
    }
}

async fn open311_requests(relay: &Relay) -> Vec<serde_json::Value> {
    let url = format!("{}/open311/v2/requests.json", relay.url());
    reqwest::get(url).await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn a_report_filed_offline_reaches_the_relay_exactly_once_when_it_returns() {
    let dir = tempfile::tempdir().unwrap();
    let creds = demo(&dir.path().join("relay"));
    let mut relay = Relay::start(&dir.path().join("relay")).await;
    let device = Device::open(&dir.path().join("phone")).unwrap();
    let leader = &creds.leaders[0];

    let session = device
        .login(&relay.url(), &leader.account, &leader.password)
        .await
        .unwrap();
    let home = device.home_summary().unwrap();
    assert_eq!(session.grid.code, leader.grid_code);
    assert!(
        home.residents > 0 && home.households == 20,
        "first download: {home:?}"
    );
    assert_eq!(home.sync.pending, 0);

    relay.stop().await;
    let shot = device.import_photo(&photo("Oppo-R7-Plus.jpg")).unwrap();
    let filed = device
        .create_report(report(
            "配电箱门损坏",
            leader.point.lat,
            leader.point.lon,
            vec![shot.sha256],
        ))
        .unwrap();
    let offline = device.sync_now().await.unwrap_err();

    assert_eq!(offline.code(), "relay_unreachable");
    assert_eq!(filed.sync, SyncMark::Pending);
    assert_eq!(
        device.sync_state().unwrap().pending,
        1,
        "the report stays queued offline"
    );
    assert_eq!(device.my_reports().unwrap()[0].sync, SyncMark::Pending);

    relay.resume().await;
    let first = device.sync_now().await.unwrap();
    let second = device.sync_now().await.unwrap();

    assert_eq!((first.pushed, first.sync.pending), (1, 0));
    assert_eq!(second.pushed, 0, "nothing is sent twice");
    let offset = second
        .sync
        .clock_offset_ms
        .expect("the relay's clock is known after a pull");
    assert!(
        offset.abs() < 60_000,
        "same machine, same clock: {offset} ms"
    );
    assert!(!second.sync.clock_suspect);
    let mine = device.my_reports().unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].sync, SyncMark::Synced);
    assert!(
        mine[0].received_at_ms.is_some(),
        "the relay's receipt is shown"
    );
    let at_platform: Vec<_> = open311_requests(&relay)
        .await
        .into_iter()
        .filter(|r| r["description"] == "配电箱门损坏")
        .collect();
    assert_eq!(at_platform.len(), 1, "exactly one copy at the platform");
    assert_eq!(at_platform[0]["service_code"], "work_safety");
}

#[tokio::test]
async fn an_answer_lost_after_the_relay_applied_a_push_does_not_duplicate_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let creds = demo(&dir.path().join("relay"));
    let relay = Relay::start(&dir.path().join("relay")).await;
    let leader = &creds.leaders[0];
    let phone = dir.path().join("phone");
    let device = Device::open(&phone).unwrap();
    device
        .login(&relay.url(), &leader.account, &leader.password)
        .await
        .unwrap();
    device
        .create_report(report(
            "井盖缺失",
            leader.point.lat,
            leader.point.lon,
            vec![],
        ))
        .unwrap();

    // Deliver the queued operation behind the device's back, as if the
    // relay had applied it and the answer was lost on the way.
    let op_json: String = rusqlite::Connection::open(phone.join("gridline.db"))
        .unwrap()
        .query_row("SELECT op_json FROM outbox", [], |r| r.get(0))
        .unwrap();
    let token = login_token(&relay, leader).await;
    let body = format!("{{\"ops\":[{op_json}]}}");
    let pushed = reqwest::Client::new()
        .post(format!("{}/api/v1/push", relay.url()))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(pushed.status().is_success());

    let outcome = device.sync_now().await.unwrap();

    assert_eq!(
        (outcome.pushed, outcome.sync.pending),
        (1, 0),
        "answered duplicate, settled"
    );
    let copies = open311_requests(&relay)
        .await
        .into_iter()
        .filter(|r| r["description"] == "井盖缺失")
        .count();
    assert_eq!(copies, 1);
}

#[tokio::test]
async fn a_complaint_posted_through_open311_appears_in_the_grid_tasks_after_a_pull() {
    let dir = tempfile::tempdir().unwrap();
    let creds = demo(&dir.path().join("relay"));
    let relay = Relay::start(&dir.path().join("relay")).await;
    let leader = &creds.leaders[1];
    let device = Device::open(&dir.path().join("phone")).unwrap();
    device
        .login(&relay.url(), &leader.account, &leader.password)
        .await
        .unwrap();
    let before = device.grid_tasks().unwrap().len();

    let form = [
        ("api_key", creds.api_key.clone()),
        ("service_code", "illegal_construction".into()),
        ("lat", leader.point.lat.to_string()),
        ("long", leader.point.lon.to_string()),
        ("description", "群众反映楼顶私搭乱建".into()),
    ];
    let posted = reqwest::Client::new()
        .post(format!("{}/open311/v2/requests.json", relay.url()))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 201);
    device.sync_now().await.unwrap();

    let tasks = device.grid_tasks().unwrap();
    assert_eq!(tasks.len(), before + 1);
    assert!(tasks.iter().any(
        |t| t.description == "群众反映楼顶私搭乱建" && t.domain == Domain::IllegalConstruction
    ));
}

#[tokio::test]
async fn bad_reports_are_refused_locally_with_a_code_and_nothing_is_queued() {
    let dir = tempfile::tempdir().unwrap();
    let creds = demo(&dir.path().join("relay"));
    let relay = Relay::start(&dir.path().join("relay")).await;
    let leader = &creds.leaders[0];
    let device = Device::open(&dir.path().join("phone")).unwrap();
    device
        .login(&relay.url(), &leader.account, &leader.password)
        .await
        .unwrap();

    let empty = device
        .create_report(report("   ", 34.86, 113.63, vec![]))
        .unwrap_err();
    let null_island = device
        .create_report(report("路灯不亮", 0.0, 0.0, vec![]))
        .unwrap_err();
    let unknown_photo = device
        .create_report(report("路灯不亮", 34.86, 113.63, vec!["ab".repeat(32)]))
        .unwrap_err();
    let heic = device
        .import_photo(&photo("Issue-263-dotnet.heic"))
        .unwrap_err();

    assert_eq!(empty.code(), "description_empty");
    assert_eq!(null_island.code(), "position_invalid");
    assert_eq!(unknown_photo.code(), "photo_not_found");
    assert_eq!(heic.code(), "photo_unsupported");
    assert_eq!(device.sync_state().unwrap().pending, 0);
}

#[tokio::test]
async fn a_position_is_checked_against_the_downloaded_grid_boundary() {
    let dir = tempfile::tempdir().unwrap();
    let creds = demo(&dir.path().join("relay"));
    let relay = Relay::start(&dir.path().join("relay")).await;
    let device = Device::open(&dir.path().join("phone")).unwrap();
    let (mine, other) = (&creds.leaders[0], &creds.leaders[40]);
    assert_eq!(
        device
            .position_in_grid(mine.point.lat, mine.point.lon)
            .unwrap(),
        None
    );

    device
        .login(&relay.url(), &mine.account, &mine.password)
        .await
        .unwrap();

    let inside = device
        .position_in_grid(mine.point.lat, mine.point.lon)
        .unwrap();
    let next_door = device
        .position_in_grid(other.point.lat, other.point.lon)
        .unwrap();
    let norway = device.position_in_grid(60.267464, 8.771132).unwrap();
    assert_eq!(
        (inside, next_door, norway),
        (Some(true), Some(false), Some(false))
    );
}

#[tokio::test]
async fn a_wrong_password_is_login_failed_and_leaves_no_session() {
    let dir = tempfile::tempdir().unwrap();
    let creds = demo(&dir.path().join("relay"));
    let relay = Relay::start(&dir.path().join("relay")).await;
    let device = Device::open(&dir.path().join("phone")).unwrap();

    let err = device
        .login(&relay.url(), &creds.leaders[0].account, "wrong")
        .await
        .unwrap_err();

    assert_eq!(err.code(), "login_failed");
    assert!(device.current_session().unwrap().is_none());
}

async fn login_token(relay: &Relay, leader: &common::Leader) -> String {
    let body = serde_json::json!({
        "account": leader.account, "password": leader.password, "device_id": "test-bench"
    });
    let resp: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/api/v1/login", relay.url()))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    resp["token"].as_str().unwrap().to_owned()
}
