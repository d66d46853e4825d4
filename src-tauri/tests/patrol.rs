//! A patrol day against a real relay: the track, a visit that earns a
//! point, the duplicate hint, notices, settings and a password change.

mod common;

use std::path::Path;

use common::{demo, Credentials, Relay};
use gridline_app::core::model::{NewReportInput, Position};
use gridline_app::core::notices::NoticeKind;
use gridline_app::core::patrol::VisitInput;
use gridline_app::core::settings::{Settings, TileCrs};
use gridline_app::core::Device;
use gridline_schema::wire::Entity;
use gridline_schema::{Domain, PositionSource};

fn fix(lat: f64, lon: f64, accuracy_m: f64) -> Position {
    Position {
        lat,
        lon,
        accuracy_m: Some(accuracy_m),
        source: PositionSource::Device,
    }
}

async fn signed_in(dir: &Path) -> (Credentials, Relay, Device) {
    let creds = demo(&dir.join("relay"));
    let relay = Relay::start(&dir.join("relay")).await;
    let device = Device::open(&dir.join("phone")).unwrap();
    let leader = &creds.leaders[0];
    device
        .login(&relay.url(), &leader.account, &leader.password)
        .await
        .unwrap();
    (creds, relay, device)
}

#[tokio::test]
async fn a_patrol_keeps_only_real_fixes_and_a_visit_earns_a_point_from_the_relay() {
    let dir = tempfile::tempdir().unwrap();
    let (creds, _relay, device) = signed_in(dir.path()).await;
    let p = creds.leaders[0].point;

    let patrol = device.start_patrol().unwrap();
    let kept = [
        device.track_point(fix(0.0, 0.0, 5.0)).unwrap(),
        device.track_point(fix(p.lat, p.lon, 80.0)).unwrap(),
        device.track_point(fix(p.lat, p.lon, 8.0)).unwrap(),
        device.track_point(fix(p.lat + 0.05, p.lon, 8.0)).unwrap(),
        device
            .track_point(fix(p.lat + 0.0003, p.lon, 10.0))
            .unwrap(),
    ];
    let household: String = {
        let conn = rusqlite::Connection::open(dir.path().join("phone/gridline.db")).unwrap();
        conn.query_row("SELECT id FROM households LIMIT 1", [], |r| r.get(0))
            .unwrap()
    };
    let visit = VisitInput {
        entity: Entity::Household,
        id: household,
        note: "走访独居老人，血压平稳，已提醒用电安全".into(),
        photo: None,
        position: Some(fix(p.lat, p.lon, 10.0)),
    };
    device.record_visit(visit).unwrap();
    let stopped = device.stop_patrol().unwrap().unwrap();
    device.sync_now().await.unwrap();
    let summary = device.day_summary(device.now_ms()).unwrap();
    let points = device.points().unwrap();

    assert_eq!(
        kept,
        [false, false, true, false, true],
        "0,0, inaccurate and a 5 km jump are dropped"
    );
    assert_eq!(stopped.id, patrol.id);
    assert_eq!(device.patrol_track(&patrol.id).unwrap().len(), 2);
    assert!(
        (30.0..40.0).contains(&stopped.distance_m),
        "{}",
        stopped.distance_m
    );
    assert_eq!((summary.patrols, summary.visits), (1, 1));
    assert_eq!(points.total, 1);
    assert_eq!(points.entries[0].reason, "visit");
}

#[tokio::test]
async fn an_open_issue_of_the_same_domain_within_fifty_metres_is_offered_as_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let (creds, _relay, device) = signed_in(dir.path()).await;
    let p = creds.leaders[0].point;
    let report = NewReportInput {
        domain: Domain::WorkSafety,
        subcategory: Some("ebike_charging".into()),
        subject: None,
        focus_tag: None,
        description: "楼道内电动车飞线充电".into(),
        position: Some(fix(p.lat, p.lon, 6.0)),
        photos: vec![],
    };
    let filed = device.create_report(report).unwrap();

    // About 22 m and 89 m north.
    let near = device
        .nearby_open_issues(Domain::WorkSafety, p.lat + 0.0002, p.lon)
        .unwrap();
    let far = device
        .nearby_open_issues(Domain::WorkSafety, p.lat + 0.0008, p.lon)
        .unwrap();
    let other_domain = device
        .nearby_open_issues(Domain::PublicService, p.lat, p.lon)
        .unwrap();

    assert_eq!(
        near.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(),
        [filed.id.as_str()]
    );
    assert!((15.0..30.0).contains(&near[0].distance_m));
    assert!(far.is_empty() && other_domain.is_empty());
}

#[tokio::test]
async fn a_task_due_within_a_day_is_a_notice_and_new_tasks_stop_being_new_once_seen() {
    let dir = tempfile::tempdir().unwrap();
    let (creds, relay, device) = signed_in(dir.path()).await;
    let p = creds.leaders[0].point;
    let new_before = device.notices().unwrap();
    device.mark_tasks_seen().unwrap();
    let response = reqwest::Client::new()
        .post(format!("{}/open311/v2/requests.json", relay.url()))
        .form(&[
            ("api_key", creds.api_key.as_str()),
            ("service_code", "public_service"),
            ("lat", &p.lat.to_string()),
            ("long", &p.lon.to_string()),
            ("description", "市民反映小区停水"),
            ("attribute[source]", "hotline_12345"),
            ("attribute[deadline_hours]", "12"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    device.sync_now().await.unwrap();
    let after = device.notices().unwrap();

    assert!(new_before.iter().any(|n| n.kind == NoticeKind::NewTask));
    assert_eq!(after.len(), 1, "{after:?}");
    assert_eq!(after[0].kind, NoticeKind::DeadlineSoon);
    assert_eq!(after[0].description, "市民反映小区停水");
}

#[tokio::test]
async fn settings_are_checked_and_kept_and_the_password_changes_at_the_relay() {
    let dir = tempfile::tempdir().unwrap();
    let (creds, relay, device) = signed_in(dir.path()).await;
    let leader = &creds.leaders[0];
    let tiles = |url: &str| Settings {
        tile_url: Some(url.into()),
        tile_crs: TileCrs::Gcj02,
        handle_radius_m: 150.0,
    };

    let bad = device
        .save_settings(tiles("ftp://tiles.local/{z}/{x}/{y}.png"))
        .unwrap_err();
    let saved = device
        .save_settings(tiles("http://10.1.2.3/tiles/{z}/{x}/{y}.png"))
        .unwrap();
    let wrong = device
        .change_password("not-it", "新的密码-2026")
        .await
        .unwrap_err();
    device
        .change_password(&leader.password, "新的密码-2026")
        .await
        .unwrap();
    let again = Device::open(&dir.path().join("phone2")).unwrap();
    let with_new = again
        .login(&relay.url(), &leader.account, "新的密码-2026")
        .await;
    let info = device.app_info().unwrap();

    assert_eq!(bad.code(), "invalid_server");
    assert_eq!(device.settings().unwrap(), saved);
    assert_eq!(saved.handle_radius_m, 150.0);
    assert_eq!(wrong.code(), "wrong_password");
    assert!(with_new.is_ok());
    assert!(info.database_bytes > 0 && info.pending == 0);
}

#[tokio::test]
async fn a_token_revoked_while_work_is_queued_loses_nothing_and_the_work_leaves_after_login() {
    let dir = tempfile::tempdir().unwrap();
    let (creds, relay, phone) = signed_in(dir.path()).await;
    let leader = &creds.leaders[0];
    let p = leader.point;
    let report = NewReportInput {
        domain: Domain::PublicService,
        subcategory: None,
        subject: None,
        focus_tag: None,
        description: "路灯不亮".into(),
        position: Some(fix(p.lat, p.lon, 6.0)),
        photos: vec![],
    };
    phone.create_report(report).unwrap();
    // The leader changes the password on another phone: this one's token is revoked.
    let other = Device::open(&dir.path().join("other")).unwrap();
    other
        .login(&relay.url(), &leader.account, &leader.password)
        .await
        .unwrap();
    other
        .change_password(&leader.password, "换个新密码-2026")
        .await
        .unwrap();

    let refused = phone.sync_now().await.unwrap_err();
    let queued = phone.sync_state().unwrap().pending;
    phone
        .login(&relay.url(), &leader.account, "换个新密码-2026")
        .await
        .unwrap();

    assert_eq!(refused.code(), "session_expired");
    assert_eq!(queued, 1, "the report stays queued");
    assert_eq!(
        phone.sync_state().unwrap().pending,
        0,
        "and leaves after logging in again"
    );
    assert!(phone.my_reports().unwrap()[0].received_at_ms.is_some());
}
