//! Open311 GeoReport v2: services, the request listing and cases filed by the platform.

use super::*;

#[tokio::test]
async fn open311_lists_exactly_the_seven_domains_as_services() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;

    let services: Vec<Value> = Client::new()
        .get(format!("{base}/open311/v2/services.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(services.len(), 7);
    let work_safety = services
        .iter()
        .find(|s| s["service_code"] == "work_safety")
        .unwrap();
    assert_eq!(work_safety["service_name"], "安全生产");
    assert_eq!(work_safety["description"], "Work safety");
    assert_eq!(work_safety["metadata"], false);
    assert_eq!(work_safety["type"], "realtime");
}

#[tokio::test]
async fn open311_filing_needs_a_valid_api_key() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let client = Client::new();
    let form = [
        ("service_code", "work_safety"),
        ("lat", "34.805"),
        ("long", "113.615"),
    ];

    let without = client
        .post(format!("{base}/open311/v2/requests.json"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let wrong = client
        .post(format!("{base}/open311/v2/requests.json?api_key=guess"))
        .form(&form)
        .send()
        .await
        .unwrap();

    assert_eq!(without.status(), 403);
    assert_eq!(error_body(without).await.code, "forbidden");
    assert_eq!(wrong.status(), 403);
    assert_eq!(fixture.count("SELECT COUNT(*) FROM issues"), 0);
}

#[tokio::test]
async fn an_open311_case_in_grid_b_reaches_b_and_the_request_listing() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let client = Client::new();
    let (lat, lon) = IN_B;
    let (lat_text, lon_text) = (lat.to_string(), lon.to_string());

    let response = client
        .post(format!("{base}/open311/v2/requests.json"))
        .form(&[
            ("api_key", API_KEY),
            ("service_code", "illegal_construction"),
            ("lat", lat_text.as_str()),
            ("long", lon_text.as_str()),
            ("description", "市民反映楼顶违建"),
            ("address_string", "开元路12号"),
            ("attribute[source]", "chief_line"),
            ("attribute[deadline_hours]", "24"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let created: Vec<Value> = response.json().await.unwrap();
    let id = created[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(created[0]["account_id"], Value::Null);

    let b = Device::login(&base, ACCOUNT_B).await;
    let a = Device::login(&base, ACCOUNT_A).await;
    let pulled = b.pull_all().await;
    assert_eq!(pulled.len(), 1);
    let issue: IssueRecord = serde_json::from_value(pulled[0].data.clone().unwrap()).unwrap();
    assert_eq!(issue.id.to_string(), id);
    assert_eq!(issue.status, IssueStatus::Dispatched);
    assert_eq!(issue.source, IssueSource::ChiefLine);
    assert_eq!(
        issue.deadline_at_ms,
        Some(issue.received_at_ms + 24 * 3_600_000)
    );
    assert!(
        a.pull_all().await.is_empty(),
        "grid A must not receive grid B's case"
    );
    let external: String = fixture
        .db()
        .query_row("SELECT external_account FROM issues", [], |r| r.get(0))
        .unwrap();
    assert_eq!(external, API_KEY_NAME);

    let listed: Vec<Value> = client
        .get(format!("{base}/open311/v2/requests.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let one: Vec<Value> = client
        .get(format!("{base}/open311/v2/requests/{id}.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(one.len(), 1);
    for request in [&listed[0], &one[0]] {
        assert_eq!(request["service_request_id"], id.as_str());
        assert_eq!(request["service_code"], "illegal_construction");
        assert_eq!(request["status"], "open");
        assert_eq!(request["lat"].as_f64(), Some(lat));
        assert_eq!(request["long"].as_f64(), Some(lon));
        assert_eq!(request["address"], "开元路12号");
        assert_eq!(request["agency_responsible"], "新城街道");
        assert!(request["requested_datetime"]
            .as_str()
            .unwrap()
            .ends_with("+08:00"));
        assert_eq!(request["media_url"], Value::Null);
    }
}

#[tokio::test]
async fn an_open311_address_longer_than_500_characters_is_refused_and_nothing_is_filed() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let address = "郑州市惠济区".repeat(100);

    let response = Client::new()
        .post(format!("{base}/open311/v2/requests.json?api_key={API_KEY}"))
        .json(
            &json!({"service_code": "work_safety", "lat": OUTSIDE.0, "long": OUTSIDE.1,
                      "address_string": address}),
        )
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 400);
    assert_eq!(error_body(response).await.code, "address_too_long");
    assert_eq!(fixture.count("SELECT COUNT(*) FROM issues"), 0);
}

#[tokio::test]
async fn an_open311_case_outside_every_grid_is_refused_as_outside_district() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;

    let response = Client::new()
        .post(format!("{base}/open311/v2/requests.json?api_key={API_KEY}"))
        .json(&json!({"service_code": "work_safety", "lat": OUTSIDE.0, "long": OUTSIDE.1}))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 400);
    let body = error_body(response).await;
    assert_eq!(body.code, "outside_district");
    assert!(
        body.message.contains("outside every grid"),
        "{}",
        body.message
    );
    assert_eq!(fixture.count("SELECT COUNT(*) FROM issues"), 0);
}

#[tokio::test]
async fn a_device_report_appears_in_open311_with_a_media_url_serving_its_photo() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let device = Device::login(&base, ACCOUNT_A).await;
    let photo = jpeg(7);
    let sha = sha256_hex(&photo);
    assert_eq!(device.put_photo(&sha, photo.clone()).await.status(), 201);
    let op = report_op("小区门口下水道堵塞", vec![sha.clone()]);
    assert_eq!(
        device.push(std::slice::from_ref(&op)).await[0].outcome,
        Outcome::Applied
    );

    let listed: Vec<Value> = Client::new()
        .get(format!(
            "{base}/open311/v2/requests.json?service_code=work_safety&status=open"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(listed.len(), 1);
    let request = &listed[0];
    assert_eq!(
        request["service_request_id"],
        op.row_id.to_string().as_str()
    );
    assert_eq!(request["service_code"], "work_safety");
    assert_eq!(request["lat"].as_f64(), Some(IN_A.0));
    assert_eq!(request["long"].as_f64(), Some(IN_A.1));
    let media_url = request["media_url"]
        .as_str()
        .expect("a report with a photo has media_url");
    assert_eq!(media_url, format!("{base}/media/{sha}.jpg"));
    let media = Client::new().get(media_url).send().await.unwrap();
    assert_eq!(media.status(), 200, "media needs no token");
    assert_eq!(media.headers()["content-type"], "image/jpeg");
    assert_eq!(sha256_hex(&media.bytes().await.unwrap()), sha);
}

#[tokio::test]
async fn open311_filters_by_status_and_refuses_unreadable_dates() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let device = Device::login(&base, ACCOUNT_A).await;
    device.push(&[report_op("消防栓损坏", vec![])]).await;
    let client = Client::new();
    let list = |query: &'static str| {
        let client = client.clone();
        let base = base.clone();
        async move {
            client
                .get(format!("{base}/open311/v2/requests.json?{query}"))
                .send()
                .await
        }
    };

    let closed: Vec<Value> = list("status=closed").await.unwrap().json().await.unwrap();
    let future: Vec<Value> = list("start_date=2999-01-01T00:00:00Z")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bad_date = list("start_date=yesterday").await.unwrap();

    assert!(closed.is_empty(), "a reported issue is open");
    assert!(future.is_empty(), "nothing was reported after 2999");
    assert_eq!(bad_date.status(), 400);
    assert_eq!(error_body(bad_date).await.code, "invalid_date");
}
