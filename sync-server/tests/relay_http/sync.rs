//! Push and pull: each operation once, each grid only its own rows.

use super::*;

#[tokio::test]
async fn a_report_filed_in_grid_a_is_pulled_in_a_and_never_in_b() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let (a, b) = (
        Device::login(&base, ACCOUNT_A).await,
        Device::login(&base, ACCOUNT_B).await,
    );
    let op = report_op("楼道堆放杂物，堵塞消防通道", vec![]);

    let results = a.push(std::slice::from_ref(&op)).await;
    let pulled_by_a = a.pull_all().await;
    let pulled_by_b = b.pull_all().await;

    assert_eq!(results[0].outcome, Outcome::Applied);
    assert_eq!(issue_ids(&pulled_by_a), vec![op.row_id]);
    assert!(
        pulled_by_b.is_empty(),
        "grid B must not see grid A's report: {pulled_by_b:?}"
    );
    let issue: IssueRecord = serde_json::from_value(pulled_by_a[0].data.clone().unwrap()).unwrap();
    assert_eq!(issue.grid_code, GRID_A);
    assert_eq!(issue.status, IssueStatus::Reported);
    assert_eq!(issue.source, IssueSource::Patrol);
    assert_eq!(issue.reported_by.as_deref(), Some(ACCOUNT_A));
}

#[tokio::test]
async fn pushing_the_same_operation_twice_applies_it_once() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let device = Device::login(&base, ACCOUNT_A).await;
    let op = report_op("路灯不亮", vec![]);

    let first = device.push(std::slice::from_ref(&op)).await;
    let second = device.push(std::slice::from_ref(&op)).await;

    assert_eq!(first[0].outcome, Outcome::Applied);
    assert_eq!(second[0].outcome, Outcome::Duplicate);
    assert_eq!(
        second[0].received_at_ms, first[0].received_at_ms,
        "the original time stands"
    );
    assert_eq!(fixture.count("SELECT COUNT(*) FROM issues"), 1);
    assert_eq!(fixture.count("SELECT COUNT(*) FROM change_log"), 1);
}

#[tokio::test]
async fn one_bad_operation_is_rejected_alone_and_its_replay_answers_the_same() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let device = Device::login(&base, ACCOUNT_A).await;
    let (bad, good) = (report_op("   ", vec![]), report_op("井盖缺失", vec![]));

    let results = device.push(&[bad.clone(), good.clone()]).await;
    let replay = device.push(std::slice::from_ref(&bad)).await;

    assert_eq!(results[0].outcome, Outcome::Rejected);
    assert_eq!(results[0].code.as_deref(), Some("description_empty"));
    assert_eq!(
        results[1].outcome,
        Outcome::Applied,
        "the good op applies despite the bad one"
    );
    assert_eq!(replay[0].outcome, Outcome::Rejected);
    assert_eq!(replay[0].code, results[0].code);
    assert_eq!(replay[0].received_at_ms, results[0].received_at_ms);
    assert_eq!(issue_ids(&device.pull_all().await), vec![good.row_id]);
}

#[tokio::test]
async fn a_second_create_of_an_existing_row_is_rejected_as_row_exists() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let device = Device::login(&base, ACCOUNT_A).await;
    let first = report_op("占道经营", vec![]);
    let mut again = report_op("占道经营（重复）", vec![]);
    again.row_id = first.row_id;

    let results = device.push(&[first, again]).await;

    assert_eq!(results[1].outcome, Outcome::Rejected);
    assert_eq!(results[1].code.as_deref(), Some("row_exists"));
}

#[tokio::test]
async fn more_operations_than_a_push_may_carry_are_refused_as_too_many_ops() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let device = Device::login(&base, ACCOUNT_A).await;
    let ops: Vec<Operation> = (0..=MAX_OPS_PER_PUSH)
        .map(|_| report_op("x", vec![]))
        .collect();

    let response = device
        .client
        .post(format!("{base}/api/v1/push"))
        .bearer_auth(&device.token)
        .json(&json!({ "ops": ops }))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 413);
    assert_eq!(error_body(response).await.code, "too_many_ops");
    assert_eq!(fixture.count("SELECT COUNT(*) FROM issues"), 0);
}

#[tokio::test]
async fn pulling_one_change_at_a_time_walks_every_change_in_order() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let device = Device::login(&base, ACCOUNT_A).await;
    let ops: Vec<Operation> = ["垃圾未清运", "广告牌松动", "电动车楼道充电"]
        .iter()
        .map(|d| report_op(d, vec![]))
        .collect();
    device.push(&ops).await;

    let mut seen = Vec::new();
    let mut cursor = 0;
    let mut pages = 0;
    loop {
        let page = device.pull(cursor, Some(1)).await;
        pages += 1;
        assert!(page.changes.len() <= 1);
        seen.extend(issue_ids(&page.changes));
        assert!(page.cursor >= cursor, "the cursor never goes back");
        cursor = page.cursor;
        if !page.has_more {
            break;
        }
        assert!(pages < 10, "paging must end");
    }

    assert_eq!(seen, ops.iter().map(|op| op.row_id).collect::<Vec<_>>());
    assert_eq!(pages, 3, "the last page says nothing more waits");
    assert!(device.pull(cursor, Some(1)).await.changes.is_empty());
}

#[tokio::test]
async fn an_operation_id_reused_by_another_account_or_with_other_content_is_a_conflict() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let (a, b) = (
        Device::login(&base, ACCOUNT_A).await,
        Device::login(&base, ACCOUNT_B).await,
    );
    let original = report_op("井盖缺失", vec![]);
    let mut altered = original.clone();
    altered.fields["description"] = json!("井盖缺失，已有人受伤");

    let first = a.push(std::slice::from_ref(&original)).await;
    let by_b = b.push(std::slice::from_ref(&original)).await;
    let with_other_content = a.push(std::slice::from_ref(&altered)).await;
    let replay = a.push(std::slice::from_ref(&original)).await;

    assert_eq!(first[0].outcome, Outcome::Applied);
    for conflict in [&by_b[0], &with_other_content[0]] {
        assert_eq!(conflict.outcome, Outcome::Rejected);
        assert_eq!(conflict.code.as_deref(), Some("op_id_conflict"));
    }
    assert_eq!(
        replay[0].outcome,
        Outcome::Duplicate,
        "the original keeps its answer after the conflicts"
    );
    assert_eq!(fixture.count("SELECT COUNT(*) FROM applied_ops"), 1);
    assert_eq!(
        fixture.count("SELECT COUNT(*) FROM issues WHERE description = '井盖缺失'"),
        1
    );
}
