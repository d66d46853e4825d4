//! Enterprises registered in a grid.
//!
//! A name is a place prefix, a trade name (字号), what the business does and
//! its legal form, as registration rules lay it out. The unified social
//! credit code (GB 32100) is `9` (registered by market regulation), `1`
//! (enterprise), the district's region code, a nine-character organisation
//! code (GB 11714, with its own check character) and the overall check
//! character.

use std::collections::HashSet;

use gridline_schema::validate::credit_code_check_char;
use gridline_schema::wire::EnterpriseRecord;
use rand::Rng;

use super::names::Names;
use super::new_id;

const PREFIXES: &[&str] = &["郑州", "郑州", "郑州", "河南", "郑州市惠济区"];

const TRADE_NAMES: &[&str] = &[
    "鑫源", "恒通", "华泰", "宏达", "金诚", "瑞祥", "永盛", "福源", "中原", "黄河", "嘉禾", "锦程",
    "隆基", "盛世", "天润", "惠丰", "博远", "宏图", "正阳", "顺达", "安泰", "豫丰", "绿源", "康乐",
    "兴业", "佳和", "德润", "新航", "百川", "汇通", "邙山", "荥泽", "沃土",
];

/// What a business does, as its name says it, and the industry category it
/// is filed under.
const TRADES: &[(&str, &str)] = &[
    ("餐饮管理", "住宿和餐饮业"),
    ("酒店管理", "住宿和餐饮业"),
    ("商贸", "批发和零售业"),
    ("建材", "批发和零售业"),
    ("医药", "批发和零售业"),
    ("物流", "交通运输、仓储和邮政业"),
    ("汽车服务", "居民服务、修理和其他服务业"),
    ("家政服务", "居民服务、修理和其他服务业"),
    ("物业服务", "房地产业"),
    ("网络科技", "信息传输、软件和信息技术服务业"),
    ("装饰工程", "建筑业"),
    ("建筑劳务", "建筑业"),
    ("农业科技", "农、林、牧、渔业"),
    ("食品", "制造业"),
    ("印刷", "制造业"),
    ("教育咨询", "教育"),
    ("文化传媒", "文化、体育和娱乐业"),
];

/// Roads of the district, for business addresses.
const ROADS: &[&str] = &[
    "江山路",
    "长兴路",
    "迎宾路",
    "天河路",
    "开元路",
    "英才街",
    "清华园路",
    "大河路",
    "文化北路",
    "花园路",
    "银河路",
    "香山路",
    "新城路",
    "古荥大道",
    "索河路",
    "北三环",
];

/// The alphabet of credit codes: digits and capitals except I, O, Z, S, V.
const CREDIT_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// GB 11714 weights of the eight body characters of an organisation code.
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// Makes enterprises, keeping names and codes unique across the demo.
pub struct Directory<'a> {
    names: &'a Names,
    district_code: &'a str,
    used_names: HashSet<String>,
    used_codes: HashSet<String>,
}

impl<'a> Directory<'a> {
    pub fn new(names: &'a Names, district_code: &'a str) -> Directory<'a> {
        Directory {
            names,
            district_code,
            used_names: HashSet::new(),
            used_codes: HashSet::new(),
        }
    }

    /// An enterprise in `grid_code` at `[lon, lat]`, in the community whose
    /// short name is `place`.
    pub fn enterprise(
        &mut self,
        rng: &mut impl Rng,
        grid_code: &str,
        place: &str,
        position: [f64; 2],
    ) -> EnterpriseRecord {
        let (name, industry) = self.name(rng);
        let male = rng.gen_bool(0.7);
        let born = rng.gen_range(1960..2000);
        let legal_representative = self.names.full(rng, male, born);
        EnterpriseRecord {
            id: new_id(rng),
            grid_code: grid_code.to_owned(),
            name,
            credit_code: self.credit_code(rng),
            legal_representative,
            address: address(rng, place),
            industry: industry.to_owned(),
            lat: Some(position[1]),
            lon: Some(position[0]),
            version: 1,
        }
    }

    fn name(&mut self, rng: &mut impl Rng) -> (String, &'static str) {
        loop {
            let prefix = pick(rng, PREFIXES);
            let trade_name = pick(rng, TRADE_NAMES);
            let (trade, industry) = *pick(rng, TRADES);
            let form = if rng.gen_bool(0.8) {
                "有限公司"
            } else {
                "有限责任公司"
            };
            let name = format!("{prefix}{trade_name}{trade}{form}");
            if self.used_names.insert(name.clone()) {
                return (name, industry);
            }
        }
    }

    fn credit_code(&mut self, rng: &mut impl Rng) -> String {
        loop {
            let first17 = format!("91{}{}", self.district_code, organisation_code(rng));
            let check = credit_code_check_char(&first17)
                .expect("the body is drawn from the credit-code alphabet");
            let code = format!("{first17}{check}");
            if self.used_codes.insert(code.clone()) {
                return code;
            }
        }
    }
}

/// A GB 11714 organisation code: eight characters and a check character.
/// Codes issued since unified codes began (2015) start with `MA`; older
/// ones are eight digits.
fn organisation_code(rng: &mut impl Rng) -> String {
    let body: String = if rng.gen_bool(0.7) {
        let tail: String = (0..6)
            .map(|_| char::from(CREDIT_ALPHABET[rng.gen_range(0..CREDIT_ALPHABET.len())]))
            .collect();
        format!("MA{tail}")
    } else {
        (0..8)
            .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
            .collect()
    };
    let sum: u32 = body
        .chars()
        .zip(ORG_WEIGHTS)
        .map(|(c, w)| char_value(c) * w)
        .sum();
    let check = match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from_digit(n, 10).unwrap_or('0'),
    };
    format!("{body}{check}")
}

/// GB 11714 character values: digits are themselves, A is 10 … Z is 35.
fn char_value(c: char) -> u32 {
    c.to_digit(36).unwrap_or(0)
}

fn address(rng: &mut impl Rng, place: &str) -> String {
    let road = pick(rng, ROADS);
    match rng.gen_range(0..10) {
        0..=5 => format!("郑州市惠济区{road}{}号", rng.gen_range(1..=300)),
        6..=8 => {
            let cross = loop {
                let other = pick(rng, ROADS);
                if other != road {
                    break other;
                }
            };
            let side = pick(rng, &["东", "西", "南", "北"]);
            format!(
                "郑州市惠济区{road}与{cross}交叉口向{side}{}米",
                rng.gen_range(1..=30) * 10
            )
        }
        _ => format!("郑州市惠济区{place}{road}{}号", rng.gen_range(1..=120)),
    }
}

fn pick<'t, T>(rng: &mut impl Rng, items: &'t [T]) -> &'t T {
    &items[rng.gen_range(0..items.len())]
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn an_organisation_code_check_character_follows_gb_11714() {
        // 12345678: 3+14+27+40+25+48+28+16 = 201, 201 mod 11 = 3, 11-3 = 8.
        let sum: u32 = "12345678"
            .chars()
            .zip(ORG_WEIGHTS)
            .map(|(c, w)| char_value(c) * w)
            .sum();

        assert_eq!(11 - sum % 11, 8);
        assert_eq!(char_value('A'), 10);
        assert_eq!(char_value('M'), 22);
    }

    #[test]
    fn credit_codes_are_those_of_district_enterprises() {
        let names = Names::new();
        let mut directory = Directory::new(&names, "410108");
        let mut rng = ChaCha8Rng::seed_from_u64(6);

        let e = directory.enterprise(&mut rng, "g", "金河社区", [113.6, 34.85]);

        assert!(e.credit_code.starts_with("91410108"), "{}", e.credit_code);
        assert_eq!(e.credit_code.len(), 18);
        assert!(e.name.ends_with("公司"), "{}", e.name);
    }
}
