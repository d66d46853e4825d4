//! Logging in, the bearer token and logging out.

use super::*;

#[tokio::test]
async fn login_with_the_right_password_returns_a_token_bound_to_the_accounts_grid() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;

    let response = Client::new()
        .post(format!("{base}/api/v1/login"))
        .json(&json!({"account": ACCOUNT_A, "password": PASSWORD, "device_id": "device-1"}))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let login: LoginResponse = response.json().await.unwrap();
    assert_eq!(login.token.len(), 64);
    assert_eq!(login.grid.code, GRID_A);
    assert_eq!(login.grid.community.name, "金河社区居民委员会");
    assert_eq!(login.grid.township.name, "新城街道");
    assert_eq!(login.grid.district.code, "410108");
    assert_eq!(
        login.grid.boundary[0].len(),
        5,
        "the square boundary comes back as stored"
    );
    let stored: String = fixture
        .db()
        .query_row("SELECT token_sha256 FROM device_tokens", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        stored,
        sha256_hex(login.token.as_bytes()),
        "only the token's hash is kept"
    );
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_account_fail_alike() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let client = Client::new();

    let mut bodies = Vec::new();
    for (account, password) in [(ACCOUNT_A, "not-the-password"), ("nobody", PASSWORD)] {
        let response = client
            .post(format!("{base}/api/v1/login"))
            .json(&json!({"account": account, "password": password, "device_id": "d"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
        bodies.push(error_body(response).await);
    }

    assert_eq!(bodies[0].code, "login_failed");
    assert_eq!(
        (&bodies[0].code, &bodies[0].message),
        (&bodies[1].code, &bodies[1].message)
    );
    assert_eq!(fixture.count("SELECT COUNT(*) FROM device_tokens"), 0);
}

#[tokio::test]
async fn calls_without_a_live_token_are_unauthorized_and_logout_revokes_the_token() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let device = Device::login(&base, ACCOUNT_A).await;
    let client = Client::new();

    let missing = client
        .get(format!("{base}/api/v1/grid"))
        .send()
        .await
        .unwrap();
    let unknown = client
        .get(format!("{base}/api/v1/grid"))
        .bearer_auth("f00d")
        .send()
        .await
        .unwrap();
    let before = client
        .get(format!("{base}/api/v1/grid"))
        .bearer_auth(&device.token)
        .send()
        .await
        .unwrap();
    let logout = client
        .post(format!("{base}/api/v1/logout"))
        .bearer_auth(&device.token)
        .send()
        .await
        .unwrap();
    let after = client
        .get(format!("{base}/api/v1/grid"))
        .bearer_auth(&device.token)
        .send()
        .await
        .unwrap();

    assert_eq!(missing.status(), 401);
    assert_eq!(error_body(missing).await.code, "unauthorized");
    assert_eq!(error_body(unknown).await.code, "unauthorized");
    assert_eq!(before.status(), 200);
    assert_eq!(logout.status(), 204);
    assert_eq!(after.status(), 401, "a revoked token must not work");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_logins_is_answered_with_a_bounded_number_of_password_checks_at_once() {
    let fixture = Fixture::new();
    let base = fixture.serve().await;
    let client = Client::new();

    let mut attempts = Vec::new();
    for i in 0..120 {
        let (client, base) = (client.clone(), base.clone());
        let password = if i % 10 == 0 {
            PASSWORD
        } else {
            "wrong-password"
        };
        attempts.push(tokio::spawn(async move {
            client
                .post(format!("{base}/api/v1/login"))
                .json(&json!({"account": ACCOUNT_A, "password": password, "device_id": "d"}))
                .send()
                .await
                .unwrap()
        }));
    }
    let mut statuses = Vec::new();
    for attempt in attempts {
        let response = attempt.await.unwrap();
        let status = response.status().as_u16();
        if status == 503 {
            assert_eq!(response.headers()["retry-after"], "1");
            assert_eq!(error_body(response).await.code, "busy");
        }
        statuses.push(status);
    }

    let checks = fixture.state.password_checks();
    assert!(
        statuses.iter().all(|s| [200, 401, 503].contains(s)),
        "every login gets an answer: {statuses:?}"
    );
    assert!(statuses.contains(&401), "wrong passwords are still checked");
    assert!(
        checks.peak() <= checks.limit(),
        "{} checks ran at once; the limit is {}",
        checks.peak(),
        checks.limit()
    );
    assert!(checks.peak() >= 1);
}
