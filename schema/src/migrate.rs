//! Numbered SQL migrations for the device and relay databases.
//!
//! Each database records how many migrations it has had in SQLite's
//! `user_version`. [`apply`] runs the missing ones in one transaction, and
//! refuses to open a database that a newer build has already migrated
//! further than this build knows.

use rusqlite::{Connection, TransactionBehavior};

/// The device database's migrations, in order.
pub const DEVICE: &[&str] = &[
    include_str!("../migrations/device/0001_init.sql"),
    include_str!("../migrations/device/0002_merge_and_timeline.sql"),
    include_str!("../migrations/device/0003_patrol_and_audit.sql"),
];

/// The relay database's migrations, in order.
pub const RELAY: &[&str] = &[
    include_str!("../migrations/relay/0001_init.sql"),
    include_str!("../migrations/relay/0002_merge_and_timeline.sql"),
    include_str!("../migrations/relay/0003_patrol_and_points.sql"),
];

/// Why a database could not be brought up to date.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("database is at schema version {found}, newer than this build's {known}")]
    TooNew { found: i64, known: i64 },
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// Sets the pragmas both sides rely on: WAL, `synchronous=NORMAL`, foreign
/// keys and a busy timeout.
pub fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// Brings `conn` up to date with `migrations`; returns the resulting version.
pub fn apply(conn: &mut Connection, migrations: &[&str]) -> Result<i64, MigrateError> {
    let known = migrations.len() as i64;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > known {
        return Err(MigrateError::TooNew { found, known });
    }
    for sql in &migrations[found as usize..] {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", known)?;
    tx.commit()?;
    Ok(known)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_schemas_apply_to_an_empty_database_and_reapply_as_a_no_op() {
        for migrations in [DEVICE, RELAY] {
            let mut conn = Connection::open_in_memory().unwrap();

            assert_eq!(
                apply(&mut conn, migrations).unwrap(),
                migrations.len() as i64
            );
            assert_eq!(
                apply(&mut conn, migrations).unwrap(),
                migrations.len() as i64
            );
        }
    }

    #[test]
    fn a_database_from_a_newer_build_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();

        let err = apply(&mut conn, DEVICE).unwrap_err();

        assert!(
            matches!(err, MigrateError::TooNew { found: 99, .. }),
            "{err}"
        );
    }
}
