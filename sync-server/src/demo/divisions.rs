//! The Huiji District division tree, read from the national division codes.
//!
//! `zhengzhou.csv` holds `code,name,level,parent_code` for all of Zhengzhou.
//! The demo takes the city, Huiji District and exactly its townships and
//! villages/communities, in code order, and refuses to go on if the file
//! does not hold the numbers the district is known to have: a short list
//! would otherwise quietly build a smaller district.

use std::path::Path;

use anyhow::{bail, Context};

/// The city Huiji District belongs to.
pub const CITY_CODE: &str = "4101";
/// Huiji District.
pub const DISTRICT_CODE: &str = "410108";
/// How many townships and streets Huiji District has (2023 codes).
pub const TOWNSHIPS: usize = 8;
/// How many villages and communities Huiji District has (2023 codes).
pub const COMMUNITIES: usize = 92;

/// One row of the division file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Division {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_code: Option<String>,
}

/// A township with its communities, in code order.
#[derive(Debug, Clone)]
pub struct Township {
    pub division: Division,
    pub communities: Vec<Division>,
}

/// The part of the division tree the demo builds.
#[derive(Debug, Clone)]
pub struct Huiji {
    pub city: Division,
    pub district: Division,
    pub townships: Vec<Township>,
    /// Codes of the county-level divisions of Zhengzhou that issue citizen
    /// ID numbers; residents born elsewhere in the city carry one of these.
    pub id_region_codes: Vec<String>,
}

impl Huiji {
    /// Reads the tree from `zhengzhou.csv` in `dir`.
    pub fn load(dir: &Path) -> anyhow::Result<Huiji> {
        let path = dir.join("zhengzhou.csv");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading the division codes in {}", path.display()))?;
        let rows = parse_csv(&text).with_context(|| format!("parsing {}", path.display()))?;
        Self::from_rows(&rows)
    }

    fn from_rows(rows: &[Division]) -> anyhow::Result<Huiji> {
        let find = |code: &str| {
            rows.iter()
                .find(|d| d.code == code)
                .cloned()
                .with_context(|| format!("division {code} is missing from zhengzhou.csv"))
        };
        let city = find(CITY_CODE)?;
        let district = find(DISTRICT_CODE)?;
        let children = |parent: &str, level: &str| -> Vec<Division> {
            let mut found: Vec<Division> = rows
                .iter()
                .filter(|d| d.level == level && d.parent_code.as_deref() == Some(parent))
                .cloned()
                .collect();
            found.sort_by(|a, b| a.code.cmp(&b.code));
            found
        };

        let townships: Vec<Township> = children(DISTRICT_CODE, "township")
            .into_iter()
            .map(|division| {
                let communities = children(&division.code, "village");
                Township {
                    division,
                    communities,
                }
            })
            .collect();
        let community_count: usize = townships.iter().map(|t| t.communities.len()).sum();
        if townships.len() != TOWNSHIPS || community_count != COMMUNITIES {
            bail!(
                "zhengzhou.csv lists {} townships and {community_count} communities under \
                 {DISTRICT_CODE}; Huiji District has {TOWNSHIPS} and {COMMUNITIES}",
                townships.len()
            );
        }
        if let Some(empty) = townships.iter().find(|t| t.communities.is_empty()) {
            bail!(
                "township {} has no communities in zhengzhou.csv",
                empty.division.code
            );
        }

        // The national development zones (4101 7x) have division codes but
        // no ID-issuing public-security bureau of their own.
        let id_region_codes = children(CITY_CODE, "county")
            .into_iter()
            .map(|d| d.code)
            .filter(|code| !code.starts_with("41017"))
            .collect();

        Ok(Huiji {
            city,
            district,
            townships,
            id_region_codes,
        })
    }
}

/// Parses the division file. It is plain comma-separated text with a header
/// and no quoting; a line with another number of fields is an error rather
/// than a guess.
fn parse_csv(text: &str) -> anyhow::Result<Vec<Division>> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, header)) if header.trim() == "code,name,level,parent_code" => {}
        _ => bail!("the first line must be the header code,name,level,parent_code"),
    }
    let mut rows = Vec::new();
    for (index, line) in lines {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').collect();
        let [code, name, level, parent] = fields[..] else {
            bail!("line {} has {} fields, not 4", index + 1, fields.len());
        };
        rows.push(Division {
            code: code.to_owned(),
            name: name.to_owned(),
            level: level.to_owned(),
            parent_code: (!parent.is_empty()).then(|| parent.to_owned()),
        });
    }
    Ok(rows)
}

/// The name people use for a community: `金河社区居民委员会` is `金河社区`,
/// `毛庄村民委员会` is `毛庄村` and `张砦村村民委员会` is `张砦村`.
pub fn short_name(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("居民委员会") {
        return stem.to_owned();
    }
    if let Some(stem) = name.strip_suffix("村民委员会") {
        return if stem.ends_with('村') {
            stem.to_owned()
        } else {
            format!("{stem}村")
        };
    }
    name.to_owned()
}

/// Whether a village-level division is a rural village (code 2xx) rather
/// than an urban community (0xx); addresses are written differently.
pub fn is_rural(code: &str) -> bool {
    code.len() == 12 && code.as_bytes()[9] == b'2'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committee_names_shorten_to_what_residents_say() {
        assert_eq!(short_name("金河社区居民委员会"), "金河社区");
        assert_eq!(short_name("毛庄村民委员会"), "毛庄村");
        assert_eq!(short_name("张砦村村民委员会"), "张砦村");
        assert_eq!(short_name("马村村民委员会"), "马村");
    }

    #[test]
    fn village_codes_in_the_two_hundreds_are_rural() {
        assert!(is_rural("410108001200"));
        assert!(!is_rural("410108001001"));
    }

    #[test]
    fn a_line_with_a_missing_field_is_refused() {
        let text = "code,name,level,parent_code\n4101,郑州市,city\n";

        assert!(parse_csv(text).is_err());
    }

    #[test]
    fn a_district_with_too_few_communities_is_refused() {
        let text = "code,name,level,parent_code\n4101,郑州市,city,\n410108,惠济区,county,4101\n\
                    410108001,新城街道,township,410108\n\
                    410108001001,金河社区居民委员会,village,410108001\n";
        let rows = parse_csv(text).unwrap();

        let err = Huiji::from_rows(&rows).unwrap_err().to_string();

        assert!(err.contains("1 townships and 1 communities"), "{err}");
    }
}
