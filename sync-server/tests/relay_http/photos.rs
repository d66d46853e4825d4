//! Photo upload, checks and the photo a report waits for.

use super::*;

#[tokio::test]
async fn a_report_waits_for_its_photo_and_applies_once_the_photo_is_uploaded() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let device = Device::login(&base, ACCOUNT_A).await;
    let photo = jpeg(1);
    let sha = sha256_hex(&photo);
    let op = report_op("违规搭建彩钢房", vec![sha.clone()]);

    let early = device.push(std::slice::from_ref(&op)).await;
    let head_before = device
        .client
        .head(format!("{base}/api/v1/photos/{sha}"))
        .bearer_auth(&device.token)
        .send()
        .await
        .unwrap();
    let put = device.put_photo(&sha, photo.clone()).await;
    let put_status = put.status();
    let receipt: PhotoReceipt = put.json().await.unwrap();
    let put_again = device.put_photo(&sha, photo.clone()).await;
    let head_after = device
        .client
        .head(format!("{base}/api/v1/photos/{sha}"))
        .bearer_auth(&device.token)
        .send()
        .await
        .unwrap();
    let late = device.push(std::slice::from_ref(&op)).await;

    assert_eq!(early[0].outcome, Outcome::Retry);
    assert_eq!(early[0].code.as_deref(), Some("photo_missing"));
    assert_eq!(head_before.status(), 404);
    assert_eq!(put_status, 201);
    assert_eq!(
        (receipt.sha256.as_str(), receipt.bytes),
        (sha.as_str(), photo.len() as u64)
    );
    assert_eq!(receipt.content_type, "image/jpeg");
    assert_eq!(
        put_again.status(),
        200,
        "the same bytes again change nothing"
    );
    assert_eq!(head_after.status(), 200);
    assert_eq!(
        head_after.headers()["content-length"],
        photo.len().to_string().as_str()
    );
    assert_eq!(
        late[0].outcome,
        Outcome::Applied,
        "the retried op applies after the upload"
    );
    assert_eq!(fixture.count("SELECT COUNT(*) FROM photos"), 1);
    assert_eq!(fixture.count("SELECT COUNT(*) FROM issue_photos"), 1);
}

#[tokio::test]
async fn a_photo_whose_bytes_do_not_hash_to_its_name_is_refused() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let device = Device::login(&base, ACCOUNT_A).await;

    let response = device.put_photo(&sha256_hex(&jpeg(2)), jpeg(3)).await;

    assert_eq!(response.status(), 422);
    assert_eq!(error_body(response).await.code, "photo_hash_mismatch");
    assert_eq!(fixture.count("SELECT COUNT(*) FROM photos"), 0);
}

#[tokio::test]
async fn a_photo_that_is_not_an_image_is_refused() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let device = Device::login(&base, ACCOUNT_A).await;
    let text = b"this is not a photo at all".to_vec();

    let response = device.put_photo(&sha256_hex(&text), text).await;

    assert_eq!(response.status(), 415);
    assert_eq!(error_body(response).await.code, "photo_not_image");
}

#[tokio::test]
async fn a_photo_over_the_size_limit_is_refused_with_a_json_413() {
    let fixture = Fixture::new();
    let router = fixture.router();
    let token = token_in_process(&router, ACCOUNT_A).await;
    let big = vec![0u8; MAX_PHOTO_BYTES + 1];
    let req = Request::put(format!("/api/v1/photos/{}", sha256_hex(&big)))
        .header("authorization", format!("Bearer {token}"))
        .body(Body::from(big))
        .unwrap();

    let (status, headers, body) = call(&router, req).await;

    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let error: ErrorBody = serde_json::from_slice(&body).unwrap();
    assert_eq!(error.code, "payload_too_large");
    assert!(headers.contains_key(REQUEST_ID));
}

#[tokio::test]
async fn media_is_streamed_in_pieces_rather_than_read_whole() {
    use http_body_util::BodyExt;

    let fixture = Fixture::new();
    let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let sha = sha256_hex(&bytes);
    std::fs::write(
        fixture.state.photos_dir().join(format!("{sha}.jpg")),
        &bytes,
    )
    .unwrap();
    fixture
        .db()
        .execute(
            "INSERT INTO photos (sha256, bytes, content_type, received_at_ms)
             VALUES (?1, ?2, 'image/jpeg', 0)",
            rusqlite::params![sha, bytes.len() as i64],
        )
        .unwrap();
    let req = Request::get(format!("/media/{sha}.jpg"))
        .body(Body::empty())
        .unwrap();

    let response = tower::ServiceExt::oneshot(fixture.router(), req)
        .await
        .unwrap();
    let length = response.headers()["content-length"].clone();
    let mut body = response.into_body();
    let mut frames = 0;
    let mut received = Vec::new();
    while let Some(frame) = body.frame().await {
        frames += 1;
        received.extend_from_slice(frame.unwrap().data_ref().unwrap());
    }

    assert_eq!(length, bytes.len().to_string().as_str());
    assert_eq!(received, bytes);
    assert!(
        frames > 1,
        "200 kB came in {frames} piece(s): the file was read whole"
    );
}

/// Sends bytes `from..to` of `photo` as one part.
async fn put_part(
    device: &Device,
    sha: &str,
    photo: &[u8],
    from: usize,
    to: usize,
) -> reqwest::Response {
    device
        .client
        .put(format!("{}/api/v1/photos/{sha}", device.base))
        .bearer_auth(&device.token)
        .header(
            "content-range",
            format!("bytes {from}-{}/{}", to - 1, photo.len()),
        )
        .body(photo[from..to].to_vec())
        .send()
        .await
        .unwrap()
}

async fn upload_status(device: &Device, sha: &str) -> gridline_schema::wire::UploadStatus {
    device
        .client
        .get(format!("{}/api/v1/photos/{sha}/upload", device.base))
        .bearer_auth(&device.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_upload_interrupted_after_a_part_resumes_from_where_the_relay_says() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let device = Device::login(&base, ACCOUNT_A).await;
    let photo = jpeg(77);
    let sha = sha256_hex(&photo);
    let third = photo.len() / 3;

    let first = put_part(&device, &sha, &photo, 0, third).await;
    let after_first = upload_status(&device, &sha).await;
    // The connection "drops": the device does not know the second part
    // arrived, and sends it again.
    put_part(&device, &sha, &photo, third, 2 * third).await;
    let resent = put_part(&device, &sha, &photo, third, 2 * third).await;
    let resume_at = upload_status(&device, &sha).await.received as usize;
    let last = put_part(&device, &sha, &photo, resume_at, photo.len()).await;
    let done = upload_status(&device, &sha).await;

    assert_eq!(first.status(), 202);
    assert_eq!(
        (after_first.received as usize, after_first.complete),
        (third, false)
    );
    assert_eq!(resent.status(), 409);
    assert_eq!(error_body(resent).await.code, "upload_offset_mismatch");
    assert_eq!(resume_at, 2 * third);
    assert_eq!(last.status(), 201);
    assert!(done.complete);
    assert_eq!(done.received as usize, photo.len());
    assert_eq!(
        fixture.count("SELECT COUNT(*) FROM photo_uploads"),
        0,
        "nothing left half-done"
    );
}

#[tokio::test]
async fn parts_that_do_not_hash_to_the_name_are_dropped_and_the_upload_starts_over() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let device = Device::login(&base, ACCOUNT_A).await;
    let photo = jpeg(78);
    let sha = sha256_hex(&jpeg(79));

    put_part(&device, &sha, &photo, 0, 100).await;
    let last = put_part(&device, &sha, &photo, 100, photo.len()).await;
    let status = upload_status(&device, &sha).await;

    assert_eq!(last.status(), 422);
    assert_eq!(error_body(last).await.code, "photo_hash_mismatch");
    assert_eq!((status.received, status.complete), (0, false));
    assert_eq!(fixture.count("SELECT COUNT(*) FROM photos"), 0);
}
