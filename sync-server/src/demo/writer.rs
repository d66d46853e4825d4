//! Inserting the demo into the relay database.
//!
//! Every statement is prepared once and reused from the connection's cache;
//! every row a device can see also goes into the change log, in the same
//! transaction, as the wire record a pull sends.

use anyhow::Context;
use gridline_schema::wire::{
    EnterpriseRecord, Entity, HouseholdRecord, IssueRecord, ResidentRecord,
};
use rusqlite::{params, Connection};
use serde::Serialize;
use uuid::Uuid;

use super::divisions::Division;
use super::shape::Shape;
use crate::changes;

/// Writes through one connection, normally inside the demo's transaction.
pub struct Writer<'c> {
    conn: &'c Connection,
}

impl<'c> Writer<'c> {
    pub fn new(conn: &'c Connection) -> Writer<'c> {
        // The resident insert plus the change log's two statements and the
        // five other inserts would thrash the default cache of 16.
        conn.set_prepared_statement_cache_capacity(32);
        Writer { conn }
    }

    pub fn division(&self, division: &Division) -> anyhow::Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO divisions (code, name, level, parent_code) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                division.code,
                division.name,
                division.level,
                division.parent_code
            ])?;
        Ok(())
    }

    pub fn grid(
        &self,
        code: &str,
        name: &str,
        community_code: &str,
        shape: &Shape,
    ) -> anyhow::Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO grids (code, name, community_code, boundary_json, \
                 min_lon, min_lat, max_lon, max_lat) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                code,
                name,
                community_code,
                shape.boundary_json(),
                shape.min_lon,
                shape.min_lat,
                shape.max_lon,
                shape.max_lat
            ])?;
        Ok(())
    }

    pub fn household(&self, h: &HouseholdRecord) -> anyhow::Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO households (id, grid_code, address, head_name, members, version) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                h.id.to_string(),
                h.grid_code,
                h.address,
                h.head_name,
                h.members,
                h.version
            ])?;
        self.log(&h.grid_code, Entity::Household, h.id, h)
    }

    pub fn resident(&self, r: &ResidentRecord) -> anyhow::Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO residents (id, grid_code, household_id, name, gender, birth_date, \
                 citizen_id, phone, relation, care_tags_json, version) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                r.id.to_string(),
                r.grid_code,
                r.household_id.to_string(),
                r.name,
                r.gender,
                r.birth_date,
                r.citizen_id,
                r.phone,
                r.relation,
                serde_json::to_string(&r.care_tags)?,
                r.version
            ])?;
        self.log(&r.grid_code, Entity::Resident, r.id, r)
    }

    pub fn enterprise(&self, e: &EnterpriseRecord) -> anyhow::Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO enterprises (id, grid_code, name, credit_code, legal_representative, \
                 address, industry, lat, lon, version) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                e.id.to_string(),
                e.grid_code,
                e.name,
                e.credit_code,
                e.legal_representative,
                e.address,
                e.industry,
                e.lat,
                e.lon,
                e.version
            ])?;
        self.log(&e.grid_code, Entity::Enterprise, e.id, e)
    }

    /// Issues go through the same writer as those filed by devices and the
    /// platform, photos and change log included.
    pub fn issue(&self, i: &IssueRecord) -> anyhow::Result<()> {
        crate::http::issues::insert(self.conn, i, None)
            .with_context(|| format!("writing issue {}", i.id))
    }

    pub fn account(
        &self,
        account: &str,
        display_name: &str,
        password_hash: &str,
        grid_code: &str,
        created_at_ms: i64,
    ) -> anyhow::Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO accounts (account, display_name, password_hash, grid_code, created_at_ms) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![account, display_name, password_hash, grid_code, created_at_ms])?;
        Ok(())
    }

    pub fn api_key(&self, key_sha256: &str, name: &str, created_at_ms: i64) -> anyhow::Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO api_keys (key_sha256, name, created_at_ms) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![key_sha256, name, created_at_ms])?;
        Ok(())
    }

    pub fn setting(&self, key: &str, value: &str) -> anyhow::Result<()> {
        self.conn
            .prepare_cached("INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)")?
            .execute(params![key, value])?;
        Ok(())
    }

    /// Puts the row's wire record at the end of its grid's change log.
    fn log(
        &self,
        grid_code: &str,
        entity: Entity,
        id: Uuid,
        record: &impl Serialize,
    ) -> anyhow::Result<()> {
        let data = serde_json::to_value(record)?;
        changes::record(self.conn, grid_code, entity, id, Some(&data))
            .with_context(|| format!("logging {} {id}", entity.code()))?;
        Ok(())
    }
}
