//! What every route shares: JSON errors with request ids, gzip, health and the OpenAPI document.

use super::*;

#[tokio::test]
async fn malformed_json_and_a_missing_content_type_answer_json_errors() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let client = Client::new();

    let syntax = client
        .post(format!("{base}/api/v1/login"))
        .header("content-type", "application/json")
        .body("{\"account\": ")
        .send()
        .await
        .unwrap();
    let untyped = client
        .post(format!("{base}/api/v1/login"))
        .body("{}")
        .send()
        .await
        .unwrap();

    assert_eq!(syntax.status(), 400);
    assert_eq!(error_body(syntax).await.code, "invalid_json");
    assert_eq!(untyped.status(), 415);
    assert_eq!(error_body(untyped).await.code, "unsupported_media_type");
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json_errors_with_a_request_id() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let client = Client::new();

    let unknown = client
        .get(format!("{base}/api/v2/nothing"))
        .header(REQUEST_ID, "client-chosen-id-42")
        .send()
        .await
        .unwrap();
    let wrong_method = client
        .delete(format!("{base}/healthz"))
        .send()
        .await
        .unwrap();

    assert_eq!(unknown.status(), 404);
    let minted = unknown.headers()[REQUEST_ID].to_str().unwrap().to_owned();
    assert_ne!(minted, "client-chosen-id-42", "the relay mints its own ids");
    assert!(uuid::Uuid::parse_str(&minted).is_ok(), "a UUID: {minted}");
    let body = error_body(unknown).await;
    assert_eq!(body.code, "not_found");
    assert_eq!(wrong_method.status(), 405);
    assert_eq!(error_body(wrong_method).await.code, "method_not_allowed");
}

#[tokio::test]
async fn health_answers_ok_with_a_fresh_request_id() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;

    let response = Client::new()
        .get(format!("{base}/healthz"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert!(!response.headers()[REQUEST_ID].is_empty());
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"status": "ok"})
    );
}

#[tokio::test]
async fn gzip_request_bodies_are_accepted_and_answers_are_compressed_on_request() {
    use std::io::Write;

    let fixture = Fixture::new();
    let router = fixture.router();
    let body = json!({"account": ACCOUNT_A, "password": PASSWORD, "device_id": "gz"}).to_string();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(body.as_bytes()).unwrap();
    let login = Request::post("/api/v1/login")
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .body(Body::from(encoder.finish().unwrap()))
        .unwrap();
    let openapi = Request::get("/openapi.json")
        .header("accept-encoding", "gzip")
        .body(Body::empty());

    let (login_status, _, login_body) = call(&router, login).await;
    let (_, headers, _) = call(&router, openapi.unwrap()).await;

    assert_eq!(
        login_status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&login_body)
    );
    assert_eq!(headers["content-encoding"], "gzip");
}

#[tokio::test]
async fn every_route_of_the_router_is_documented_in_openapi_with_its_methods() {
    let fixture = Fixture::new();
    let router = fixture.router();
    let doc: Value = serde_json::from_str(OPENAPI_JSON).unwrap();
    let documented = doc["paths"].as_object().unwrap();
    let paths = route_paths();

    for documented_path in documented.keys() {
        assert!(
            paths.contains(&documented_path.as_str()),
            "{documented_path} is not routed"
        );
    }
    for path in paths {
        let entry = documented
            .get(path)
            .unwrap_or_else(|| panic!("{path} is not documented"));
        let concrete = path
            .replace("{sha256}", &"ab".repeat(32))
            .replace("{file}", "x.json");
        for method in [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::PATCH,
        ] {
            let req = Request::builder().method(method.clone()).uri(&concrete);
            let (status, _, _) = call(&router, req.body(Body::empty()).unwrap()).await;
            let routed = status != StatusCode::METHOD_NOT_ALLOWED;
            let key = method.as_str().to_ascii_lowercase();
            assert_eq!(
                routed,
                entry.get(&key).is_some(),
                "{method} {path}: routed = {routed}"
            );
        }
        if entry.get("head").is_some() {
            let req = Request::head(&concrete).body(Body::empty()).unwrap();
            assert_ne!(call(&router, req).await.0, StatusCode::METHOD_NOT_ALLOWED);
        }
    }
}

#[tokio::test]
async fn the_openapi_document_is_served_as_json() {
    let fixture = Fixture::new();

    let (status, headers, body) = call(
        &fixture.router(),
        Request::get("/openapi.json").body(Body::empty()).unwrap(),
    )
    .await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/json");
    let doc: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
}
