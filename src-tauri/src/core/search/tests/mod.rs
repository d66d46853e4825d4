//! The search index against a real device database.

mod by_name;
mod by_number;
mod ranking;
mod updates;

use gridline_schema::migrate;
use gridline_schema::validate::citizen_id_check_char;
use rusqlite::{params, Connection};

use super::*;

/// A migrated, empty device database in memory.
fn database() -> Connection {
    let mut conn = Connection::open_in_memory().unwrap();
    migrate::configure(&conn).unwrap();
    migrate::apply(&mut conn, migrate::DEVICE).unwrap();
    conn
}

/// A valid ID number from its first 17 digits.
fn citizen_id(first17: &str) -> String {
    format!("{first17}{}", citizen_id_check_char(first17).unwrap())
}

fn add_household(conn: &Connection, id: &str, address: &str, head: &str) {
    conn.execute(
        "INSERT INTO households (id, address, head_name, members, version)
         VALUES (?1, ?2, ?3, 3, 1)",
        params![id, address, head],
    )
    .unwrap();
}

fn add_resident(conn: &Connection, id: &str, name: &str, first17: &str, phone: Option<&str>) {
    conn.execute(
        "INSERT INTO residents (id, household_id, name, gender, birth_date, citizen_id,
             phone, relation, version)
         VALUES (?1, 'h1', ?2, 'male', '1980-01-01', ?3, ?4, '户主', 1)",
        params![id, name, citizen_id(first17), phone],
    )
    .unwrap();
}

fn add_enterprise(conn: &Connection, id: &str, name: &str, credit_code: &str, person: &str) {
    conn.execute(
        "INSERT INTO enterprises (id, name, credit_code, legal_representative, address,
             industry, version)
         VALUES (?1, ?2, ?3, ?4, '郑州市金水区花园路88号', '零售', 1)",
        params![id, name, credit_code, person],
    )
    .unwrap();
}

/// A grid with one household and the given residents (id, name), each
/// with a made-up ID number.
fn grid_of(names: &[(&str, &str)]) -> SearchIndex {
    let conn = database();
    add_household(
        &conn,
        "h1",
        "郑州市金水区文化路街道幸福小区3号楼2单元501",
        "张三",
    );
    for (n, (id, name)) in names.iter().enumerate() {
        let body = format!("41010519800101{n:03}");
        add_resident(&conn, id, name, &body, None);
    }
    SearchIndex::build(&conn).unwrap()
}

fn ids(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.id.as_str()).collect()
}

fn first_id(index: &SearchIndex, query: &str) -> Option<String> {
    index.search(query, 10).first().map(|h| h.id.clone())
}

fn position(hits: &[Hit], id: &str) -> usize {
    hits.iter()
        .position(|h| h.id == id)
        .unwrap_or_else(|| panic!("{id} is not among the hits {:?}", ids(hits)))
}
