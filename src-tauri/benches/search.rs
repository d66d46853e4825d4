//! Registry search over a full-size grid: 20,000 residents in about 7,000
//! households and 500 enterprises, all generated from a fixed seed, then
//! over a thousand queries of every kind a leader types.
//!
//! Prints the build time, the index's memory, the latency percentiles and,
//! last, `search_p95_ms=<value>` for scripts to read.
//!
//! Run: `cargo bench -p gridline-app --no-default-features --bench search`

use std::time::{Duration, Instant};

use gridline_app::core::search::SearchIndex;
use gridline_schema::migrate;
use gridline_schema::validate::{citizen_id_check_char, credit_code_check_char};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::{params, Connection};

const RESIDENTS: usize = 20_000;
const HOUSEHOLDS: usize = 7_000;
const ENTERPRISES: usize = 500;
const QUERIES: usize = 1_200;
const LIMIT: usize = 20;
const SEED: u64 = 0x5EA_2C4;

/// Surnames with their surname reading, commonest first; the tail holds the
/// polyphonic and compound ones that input methods get wrong.
#[rustfmt::skip]
const SURNAMES: &[(&str, &str)] = &[
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
    ("杨", "yang"), ("赵", "zhao"), ("黄", "huang"), ("周", "zhou"), ("吴", "wu"),
    ("徐", "xu"), ("孙", "sun"), ("胡", "hu"), ("朱", "zhu"), ("高", "gao"), ("林", "lin"),
    ("何", "he"), ("郭", "guo"), ("马", "ma"), ("罗", "luo"), ("梁", "liang"), ("宋", "song"),
    ("郑", "zheng"), ("谢", "xie"), ("韩", "han"), ("唐", "tang"), ("冯", "feng"), ("于", "yu"),
    ("董", "dong"), ("程", "cheng"), ("曹", "cao"), ("袁", "yuan"), ("邓", "deng"), ("许", "xu"),
    ("沈", "shen"), ("曾", "zeng"), ("彭", "peng"), ("吕", "lv"), ("苏", "su"), ("卢", "lu"),
    ("蒋", "jiang"), ("蔡", "cai"), ("贾", "jia"), ("丁", "ding"), ("魏", "wei"), ("薛", "xue"),
    ("叶", "ye"), ("阎", "yan"), ("余", "yu"), ("潘", "pan"), ("杜", "du"), ("戴", "dai"),
    ("夏", "xia"), ("钟", "zhong"), ("田", "tian"), ("任", "ren"), ("姜", "jiang"), ("范", "fan"),
    ("方", "fang"), ("石", "shi"), ("姚", "yao"), ("谭", "tan"), ("廖", "liao"), ("邹", "zou"),
    ("熊", "xiong"), ("金", "jin"), ("陆", "lu"), ("郝", "hao"), ("孔", "kong"), ("白", "bai"),
    ("崔", "cui"), ("康", "kang"), ("毛", "mao"), ("邱", "qiu"), ("秦", "qin"), ("史", "shi"),
    ("顾", "gu"), ("侯", "hou"), ("邵", "shao"), ("孟", "meng"), ("万", "wan"), ("段", "duan"),
    ("雷", "lei"), ("钱", "qian"), ("汤", "tang"), ("尹", "yin"), ("常", "chang"), ("武", "wu"),
    ("乔", "qiao"), ("贺", "he"), ("牛", "niu"), ("申", "shen"), ("岳", "yue"), ("聂", "nie"),
    ("单", "shan"), ("仇", "qiu"), ("查", "zha"), ("解", "xie"), ("区", "ou"), ("朴", "piao"),
    ("盖", "ge"), ("乐", "yue"), ("覃", "qin"), ("缪", "miao"), ("翟", "zhai"), ("司马", "sima"),
    ("欧阳", "ouyang"), ("诸葛", "zhuge"), ("上官", "shangguan"), ("令狐", "linghu"),
    ("尉迟", "yuchi"), ("长孙", "zhangsun"),
];

/// Given-name characters with the reading used in names.
#[rustfmt::skip]
const GIVEN: &[(&str, &str)] = &[
    ("建", "jian"), ("国", "guo"), ("军", "jun"), ("强", "qiang"), ("志", "zhi"), ("刚", "gang"),
    ("振", "zhen"), ("华", "hua"), ("德", "de"), ("明", "ming"), ("卫", "wei"), ("东", "dong"),
    ("红", "hong"), ("保", "bao"), ("永", "yong"), ("生", "sheng"), ("长", "chang"),
    ("江", "jiang"), ("海", "hai"), ("福", "fu"), ("贵", "gui"), ("学", "xue"), ("文", "wen"),
    ("立", "li"), ("新", "xin"), ("宝", "bao"), ("山", "shan"), ("勇", "yong"), ("平", "ping"),
    ("斌", "bin"), ("秀", "xiu"), ("英", "ying"), ("桂", "gui"), ("兰", "lan"), ("玉", "yu"),
    ("凤", "feng"), ("淑", "shu"), ("珍", "zhen"), ("梅", "mei"), ("芳", "fang"), ("春", "chun"),
    ("花", "hua"), ("丽", "li"), ("美", "mei"), ("玲", "ling"), ("霞", "xia"), ("娟", "juan"),
    ("萍", "ping"), ("敏", "min"), ("燕", "yan"), ("浩", "hao"), ("然", "ran"), ("子", "zi"),
    ("轩", "xuan"), ("宇", "yu"), ("航", "hang"), ("俊", "jun"), ("杰", "jie"), ("博", "bo"),
    ("一", "yi"), ("鸣", "ming"), ("梓", "zi"), ("皓", "hao"), ("哲", "zhe"), ("天", "tian"),
    ("佑", "you"), ("嘉", "jia"), ("诚", "cheng"), ("思", "si"), ("远", "yuan"), ("泽", "ze"),
    ("鹏", "peng"), ("飞", "fei"), ("晨", "chen"), ("阳", "yang"), ("涵", "han"), ("欣", "xin"),
    ("怡", "yi"), ("诗", "shi"), ("雨", "yu"), ("桐", "tong"), ("佳", "jia"), ("琪", "qi"),
    ("梦", "meng"), ("瑶", "yao"), ("馨", "xin"), ("紫", "zi"), ("萱", "xuan"), ("若", "ruo"),
    ("曦", "xi"), ("雅", "ya"), ("婷", "ting"), ("晓", "xiao"), ("雪", "xue"), ("静", "jing"),
    ("乐", "le"), ("朝", "zhao"), ("行", "xing"),
];

#[rustfmt::skip]
const STREETS: &[&str] = &[
    "文化路", "花园路", "经三路", "丰产路", "农业路", "未来路", "东风路", "南阳路", "纬五路",
    "红专路", "黄河路", "金水路",
];
#[rustfmt::skip]
const ESTATES: &[&str] = &[
    "幸福小区", "阳光花园", "金水花园", "锦华苑", "百合苑", "英协花园", "省直家属院", "丰庆里",
    "紫荆山小区", "东明小区", "柳林新村", "同乐小区", "文博东区", "银河小区",
];
const RELATIONS: &[&str] = &["配偶", "子", "女", "父亲", "母亲", "孙子", "孙女"];
const REGIONS: &[&str] = &["410102", "410103", "410104", "410105", "410108", "410122"];
#[rustfmt::skip]
const PHONE_PREFIXES: &[&str] = &[
    "130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156",
    "158", "159", "176", "177", "180", "182", "185", "186", "187", "188", "189", "198", "199",
];
#[rustfmt::skip]
const BRANDS: &[&str] = &[
    "鑫源", "华信", "金诺", "宏达", "瑞丰", "中原", "同仁", "百姓", "好邻居", "家家乐", "永和",
    "聚福", "顺发", "佳美", "天润", "盛世", "恒通", "博雅", "绿源", "福润",
];
#[rustfmt::skip]
const TRADES: &[&str] = &[
    "商贸有限公司", "科技有限公司", "餐饮管理有限公司", "便利店", "超市", "建材商行",
    "物业服务有限公司", "汽车维修中心", "大药房", "文化传媒有限公司",
];
const KEYSTROKES: &[&str] = &[
    "z", "w", "l", "y", "zh", "王", "张", "1", "8", "号", "小区", "x",
];
const CREDIT_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// A generated person, with the readings the queries are made from.
struct Person {
    id: String,
    name: String,
    /// One reading per character: what a leader would type.
    syllables: Vec<&'static str>,
    citizen_id: String,
    phone: Option<String>,
}

/// What was generated, kept for making queries.
struct Grid {
    people: Vec<Person>,
    addresses: Vec<String>,
    enterprises: Vec<(String, String)>,
}

fn person(rng: &mut ChaCha8Rng, n: usize) -> Person {
    // A Zipf-like surname draw: low ranks far more often.
    let rank = ((SURNAMES.len() as f64).powf(rng.gen::<f64>()) - 1.0) as usize;
    let (surname, reading) = SURNAMES[rank.min(SURNAMES.len() - 1)];
    let mut name = surname.to_owned();
    let mut syllables: Vec<&'static str> = if surname.chars().count() == 2 {
        split_compound(reading)
    } else {
        vec![reading]
    };
    for _ in 0..rng.gen_range(1..=2) {
        let (c, r) = GIVEN[rng.gen_range(0..GIVEN.len())];
        name.push_str(c);
        syllables.push(r);
    }
    let year = rng.gen_range(1940..2020);
    let body = format!(
        "{}{year}{:02}{:02}{:03}",
        REGIONS[rng.gen_range(0..REGIONS.len())],
        rng.gen_range(1..=12),
        rng.gen_range(1..=28),
        rng.gen_range(0..1000)
    );
    let citizen_id = format!("{body}{}", citizen_id_check_char(&body).unwrap());
    let phone = rng.gen_bool(0.8).then(|| {
        let prefix = PHONE_PREFIXES[rng.gen_range(0..PHONE_PREFIXES.len())];
        format!("{prefix}{:08}", rng.gen_range(0..100_000_000))
    });
    Person {
        id: format!("r{n:05}"),
        name,
        syllables,
        citizen_id,
        phone,
    }
}

/// The two readings of a compound surname, which the table stores joined.
fn split_compound(reading: &'static str) -> Vec<&'static str> {
    let at = match reading {
        "sima" => 2,
        "ouyang" => 2,
        "zhuge" => 3,
        "shangguan" => 5,
        "linghu" => 4,
        "yuchi" => 2,
        _ => 5, // zhangsun
    };
    vec![&reading[..at], &reading[at..]]
}

/// Writes the grid into a migrated device database.
fn generate(conn: &mut Connection) -> Grid {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let tx = conn.transaction().unwrap();
    let mut grid = Grid {
        people: Vec::with_capacity(RESIDENTS),
        addresses: Vec::with_capacity(HOUSEHOLDS),
        enterprises: Vec::with_capacity(ENTERPRISES),
    };
    let mut sizes = vec![1usize; HOUSEHOLDS];
    for _ in HOUSEHOLDS..RESIDENTS {
        sizes[rng.gen_range(0..HOUSEHOLDS)] += 1;
    }
    let mut resident = tx
        .prepare(
            "INSERT INTO residents (id, household_id, name, gender, birth_date, citizen_id,
                 phone, relation, version, moved_out_at_ms)
             VALUES (?1, ?2, ?3, 'male', '1980-01-01', ?4, ?5, ?6, 1, ?7)",
        )
        .unwrap();
    let mut household = tx
        .prepare(
            "INSERT INTO households (id, address, head_name, members, version)
             VALUES (?1, ?2, ?3, ?4, 1)",
        )
        .unwrap();
    for (h, &size) in sizes.iter().enumerate() {
        let address = format!(
            "郑州市金水区{}{}号{}{}号楼{}单元{}{:02}",
            STREETS[rng.gen_range(0..STREETS.len())],
            rng.gen_range(1..200),
            ESTATES[rng.gen_range(0..ESTATES.len())],
            rng.gen_range(1..30),
            rng.gen_range(1..6),
            rng.gen_range(1..33),
            rng.gen_range(1..5)
        );
        let household_id = format!("h{h:05}");
        for member in 0..size {
            let p = person(&mut rng, grid.people.len());
            let relation = if member == 0 {
                "户主"
            } else {
                RELATIONS[rng.gen_range(0..RELATIONS.len())]
            };
            let moved_out = rng.gen_bool(0.03).then_some(1_700_000_000_000i64);
            resident
                .execute(params![
                    p.id,
                    household_id,
                    p.name,
                    p.citizen_id,
                    p.phone,
                    relation,
                    moved_out
                ])
                .unwrap();
            if member == 0 {
                household
                    .execute(params![household_id, address, p.name, size as i64])
                    .unwrap();
            }
            grid.people.push(p);
        }
        grid.addresses.push(address);
    }
    let mut enterprise = tx
        .prepare(
            "INSERT INTO enterprises (id, name, credit_code, legal_representative, address,
                 industry, version)
             VALUES (?1, ?2, ?3, ?4, ?5, '商业', 1)",
        )
        .unwrap();
    for e in 0..ENTERPRISES {
        let name = format!(
            "郑州{}{}",
            BRANDS[rng.gen_range(0..BRANDS.len())],
            TRADES[rng.gen_range(0..TRADES.len())]
        );
        let org: String = (0..9)
            .map(|_| char::from(CREDIT_ALPHABET[rng.gen_range(0..CREDIT_ALPHABET.len())]))
            .collect();
        let body = format!("91{}{org}", REGIONS[rng.gen_range(0..REGIONS.len())]);
        let code = format!("{body}{}", credit_code_check_char(&body).unwrap());
        let boss = person(&mut rng, e);
        let address = format!("郑州市金水区{}{}号", STREETS[e % STREETS.len()], e + 1);
        enterprise
            .execute(params![format!("e{e:04}"), name, code, boss.name, address])
            .unwrap();
        grid.enterprises.push((name, code));
    }
    drop((resident, household, enterprise));
    tx.commit().unwrap();
    grid
}

/// ASCII letters and digits as a full-width keyboard types them.
fn full_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            ' ' => '\u{3000}',
            c => c,
        })
        .collect()
}

/// A mix of queries of every kind, with the person each should find where
/// there is one.
fn queries(grid: &Grid, rng: &mut ChaCha8Rng) -> Vec<(String, Option<String>)> {
    let mut out = Vec::with_capacity(QUERIES);
    for n in 0..QUERIES {
        let p = grid.people.choose(rng).unwrap();
        let target = Some(p.id.clone());
        let initials: String = p.syllables.iter().map(|s| &s[..1]).collect();
        let query = match n % 20 {
            0..=2 => (p.name.clone(), target),
            3 => (p.name.chars().take(2).collect(), None),
            // The first keystrokes of a search, which match the most.
            4 if n % 40 == 4 => (KEYSTROKES[(n / 40) % KEYSTROKES.len()].to_owned(), None),
            4 => (p.name.chars().skip(1).collect(), None),
            5..=7 => (initials, target),
            8 => (p.syllables.concat(), target),
            9 => (p.syllables.join(" "), target),
            10 => {
                let full = p.syllables.concat();
                let cut = rng.gen_range(2..=full.len());
                (full[..cut].to_owned(), None)
            }
            11 => (p.citizen_id[14..].to_owned(), target),
            12 => (p.citizen_id[12..].to_owned(), target),
            13 => match &p.phone {
                Some(phone) => {
                    let from = rng.gen_range(0..=7);
                    let len = rng.gen_range(4..=11 - from);
                    (phone[from..from + len].to_owned(), None)
                }
                None => (p.citizen_id.clone(), target),
            },
            14 => {
                let address = grid.addresses.choose(rng).unwrap();
                let chars: Vec<char> = address.chars().collect();
                let from = rng.gen_range(6..chars.len() - 4);
                (chars[from..from + 4].iter().collect(), None)
            }
            15 => {
                let (name, _) = grid.enterprises.choose(rng).unwrap();
                (name.chars().skip(2).take(3).collect(), None)
            }
            16 => {
                let (_, code) = grid.enterprises.choose(rng).unwrap();
                let code = if n % 40 == 16 {
                    code.clone()
                } else {
                    code[8..14].to_owned()
                };
                (code, None)
            }
            17 => (
                full_width(&p.syllables.iter().map(|s| &s[..1]).collect::<String>()),
                target,
            ),
            18 => (full_width(&p.citizen_id[14..]), target),
            _ => (full_width(&p.syllables.join(" ").to_uppercase()), target),
        };
        out.push(query);
    }
    out
}

/// The resident set size of this process, in bytes.
fn rss_bytes() -> usize {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<usize>().ok())
        .map_or(0, |pages| pages * 4096)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let at = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[at].as_secs_f64() * 1000.0
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = Connection::open(dir.path().join("device.db")).unwrap();
    migrate::configure(&conn).unwrap();
    migrate::apply(&mut conn, migrate::DEVICE).unwrap();
    let started = Instant::now();
    let grid = generate(&mut conn);
    println!(
        "generated {} residents, {HOUSEHOLDS} households, {ENTERPRISES} enterprises in {:.0} ms",
        grid.people.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );

    let rss_before = rss_bytes();
    let started = Instant::now();
    let index = SearchIndex::build(&conn).unwrap();
    let build_ms = started.elapsed().as_secs_f64() * 1000.0;
    let rss_growth = rss_bytes().saturating_sub(rss_before);
    println!(
        "index built in {build_ms:.1} ms; {} rows; heap estimate {:.1} MiB; RSS grew {:.1} MiB",
        index.len(),
        index.heap_bytes() as f64 / (1 << 20) as f64,
        rss_growth as f64 / (1 << 20) as f64
    );

    let mut rng = ChaCha8Rng::seed_from_u64(SEED + 1);
    let queries = queries(&grid, &mut rng);
    for (query, _) in &queries {
        std::hint::black_box(index.search(query, LIMIT));
    }
    let mut times = Vec::with_capacity(queries.len());
    let (mut answered, mut targeted, mut found, mut total_hits) = (0, 0, 0, 0);
    for (query, target) in &queries {
        let started = Instant::now();
        let hits = index.search(query, LIMIT);
        times.push(started.elapsed());
        total_hits += hits.len();
        answered += usize::from(!hits.is_empty());
        if let Some(target) = target {
            targeted += 1;
            found += usize::from(hits.iter().any(|h| &h.id == target));
        }
    }
    times.sort();
    println!(
        "{} queries (limit {LIMIT}): {answered} with hits, {:.1} hits on average; \
         the person meant is among the hits for {found} of {targeted}",
        queries.len(),
        total_hits as f64 / queries.len() as f64
    );
    let p95 = percentile(&times, 0.95);
    println!(
        "latency ms: p50={:.3} p95={p95:.3} p99={:.3} max={:.3}",
        percentile(&times, 0.50),
        percentile(&times, 0.99),
        percentile(&times, 1.0)
    );
    println!("search_p95_ms={p95:.3}");
}
