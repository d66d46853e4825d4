use super::*;

const NOW: i64 = 1_717_000_000_000;

#[test]
fn without_dates_the_last_ninety_days_are_searched_with_no_upper_bound() {
    let filter = filter(ListParams::default(), NOW).unwrap();

    assert_eq!(filter.start_ms, Some(NOW - DEFAULT_WINDOW_MS));
    assert_eq!(filter.end_ms, None);
}

#[test]
fn ids_override_every_other_parameter() {
    let params = ListParams {
        service_request_id: Some("a, b".into()),
        status: Some("bogus".into()),
        ..ListParams::default()
    };

    let filter = filter(params, NOW).unwrap();

    assert_eq!(filter.ids, Some(vec!["a".to_owned(), "b".to_owned()]));
    assert_eq!(filter.start_ms, None);
}

#[test]
fn unknown_statuses_services_and_dates_are_refused_by_code() {
    let bad = |params: ListParams| filter(params, NOW).unwrap_err().code();

    assert_eq!(
        bad(ListParams {
            status: Some("pending".into()),
            ..Default::default()
        }),
        "invalid_status"
    );
    assert_eq!(
        bad(ListParams {
            service_code: Some("potholes".into()),
            ..Default::default()
        }),
        "invalid_service_code"
    );
    assert_eq!(
        bad(ListParams {
            start_date: Some("last week".into()),
            ..Default::default()
        }),
        "invalid_date"
    );
}

#[test]
fn a_claimed_time_is_believed_only_between_a_year_before_arrival_and_arrival() {
    let day = 86_400_000;

    assert_eq!(
        requested_ms(NOW - 3 * day, NOW),
        NOW - 3 * day,
        "offline for days"
    );
    assert_eq!(
        requested_ms(NOW + day, NOW),
        NOW,
        "clock ahead of the relay"
    );
    assert_eq!(requested_ms(0, NOW), NOW, "clock at 1970");
}

/// A store with one grid and issues claimed at `reported` but received
/// at `received`, named by their ids.
fn store_with(issues: &[(&str, i64, i64)]) -> Connection {
    let mut conn = Connection::open_in_memory().unwrap();
    gridline_schema::migrate::apply(&mut conn, gridline_schema::migrate::RELAY).unwrap();
    conn.execute_batch(
        "INSERT INTO divisions VALUES ('410108', '惠济区', 'county', NULL);
         INSERT INTO divisions VALUES ('410108001', '新城街道', 'township', '410108');
         INSERT INTO divisions VALUES ('410108001001', '金河社区', 'village', '410108001');
         INSERT INTO grids VALUES ('g1', '第1网格', '410108001001', '[]', 0, 0, 1, 1);",
    )
    .unwrap();
    for (id, reported, received) in issues {
        conn.execute(
            "INSERT INTO issues (id, grid_code, domain, description, status, source,
                                 reported_at_ms, received_at_ms, updated_at_ms)
             VALUES (?1, 'g1', 'work_safety', 'x', 'reported', 'patrol', ?2, ?3, ?3)",
            rusqlite::params![id, reported, received],
        )
        .unwrap();
    }
    conn
}

#[test]
fn listings_go_by_arrival_so_late_syncs_show_and_future_clocks_do_not_jump_ahead() {
    let hour = 3_600_000;
    let conn = store_with(&[
        ("late", NOW - 72 * hour, NOW - hour / 2),
        ("future", NOW + 400 * hour, NOW - 2 * hour),
        ("recent", NOW - hour / 4, NOW - hour / 4),
    ]);
    let params = ListParams {
        start_date: Some(rfc3339::format_cst(NOW - hour)),
        ..ListParams::default()
    };

    let rows = select(&conn, &filter(params, NOW).unwrap()).unwrap();

    let ids: Vec<_> = rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        ["recent", "late"],
        "arrived in the last hour, newest arrival first"
    );
}

#[test]
fn the_second_page_starts_after_the_first_thousand() {
    let issues: Vec<(String, i64, i64)> = (0..1001)
        .map(|n| (format!("i{n:04}"), NOW - n, NOW - n))
        .collect();
    let borrowed: Vec<_> = issues
        .iter()
        .map(|(id, a, b)| (id.as_str(), *a, *b))
        .collect();
    let conn = store_with(&borrowed);
    let page = |n| {
        let params = ListParams {
            page: Some(n),
            ..ListParams::default()
        };
        select(&conn, &filter(params, NOW).unwrap()).unwrap()
    };

    assert_eq!(page(1).len(), MAX_REQUESTS);
    assert_eq!(
        page(2).iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["i1000"]
    );
}
