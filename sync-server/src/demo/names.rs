//! Chinese personal names for generated residents.
//!
//! Surnames are drawn with weights that fall off with their rank, roughly
//! as the commonest surnames dominate a real register. The list includes
//! surnames whose reading differs from their everyday character (单 Shàn,
//! 仇 Qiú, 曾 Zēng) because those are what trip up input methods and sorting.
//! Given names of one or two characters come from pools that differ by sex
//! and by generation: someone born in 1955 is more likely a 建国 or a 秀英
//! than a 梓涵.

use rand::distributions::{Distribution, WeightedIndex};
use rand::Rng;

/// Surnames, commonest first.
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "程", "曹", "袁",
    "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶",
    "阎", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜", "范", "方", "石", "姚", "谭",
    "廖", "邹", "熊", "金", "陆", "郝", "孔", "白", "崔", "康", "毛", "邱", "秦", "江", "史", "顾",
    "侯", "邵", "孟", "龙", "万", "段", "雷", "钱", "汤", "尹", "黎", "易", "常", "武", "乔", "贺",
    "赖", "龚", "文", "牛", "申", "岳", "聂", "单", "仇", "司马", "欧阳",
];

const MALE_OLDER: &[&str] = &[
    "建国", "建军", "国强", "志刚", "振华", "德明", "卫东", "红军", "保国", "永生", "长江", "金海",
    "福贵", "学文", "立新", "宝山", "明", "军", "勇", "刚", "强", "平", "华", "斌",
];
const FEMALE_OLDER: &[&str] = &[
    "秀英", "桂兰", "玉兰", "凤英", "秀兰", "桂英", "淑珍", "秀珍", "玉梅", "红梅", "素芳", "春花",
    "爱华", "丽华", "美玲", "芳", "霞", "娟", "英", "萍", "敏", "琴", "燕", "梅",
];
const MALE_YOUNGER: &[&str] = &[
    "浩然", "子轩", "宇航", "俊杰", "博文", "一鸣", "梓豪", "皓轩", "明哲", "天佑", "嘉诚", "思远",
    "泽宇", "文博", "家豪", "鹏飞", "晨阳", "昊", "磊", "鑫", "涛", "超", "帅", "凯",
];
const FEMALE_YOUNGER: &[&str] = &[
    "梓涵", "欣怡", "诗涵", "雨桐", "佳怡", "思琪", "梦瑶", "可馨", "语嫣", "紫萱", "若曦", "雅婷",
    "晓雪", "静怡", "一诺", "雨萱", "婷", "颖", "倩", "琳", "悦", "彤", "璐", "洁",
];

/// Born before this year draws from the older pools.
const GENERATION_SPLIT_YEAR: i64 = 1975;

/// Draws names; holds the surname weights so they are built once.
pub struct Names {
    surnames: WeightedIndex<f64>,
}

impl Names {
    pub fn new() -> Names {
        // A Zipf-like fall-off: the 1st surname is about ten times as common
        // as the 60th.
        let weights = (0..SURNAMES.len()).map(|rank| 1.0 / (rank as f64 + 6.0));
        let surnames = WeightedIndex::new(weights).expect("the surname table has positive weights");
        Names { surnames }
    }

    /// A surname.
    pub fn surname(&self, rng: &mut impl Rng) -> &'static str {
        SURNAMES[self.surnames.sample(rng)]
    }

    /// A given name for someone of this sex born in this year.
    pub fn given(&self, rng: &mut impl Rng, male: bool, birth_year: i64) -> &'static str {
        let older = birth_year < GENERATION_SPLIT_YEAR;
        let pool = match (male, older) {
            (true, true) => MALE_OLDER,
            (false, true) => FEMALE_OLDER,
            (true, false) => MALE_YOUNGER,
            (false, false) => FEMALE_YOUNGER,
        };
        pool[rng.gen_range(0..pool.len())]
    }

    /// A full name with a surname drawn here.
    pub fn full(&self, rng: &mut impl Rng, male: bool, birth_year: i64) -> String {
        let surname = self.surname(rng);
        format!("{surname}{}", self.given(rng, male, birth_year))
    }
}

impl Default for Names {
    fn default() -> Self {
        Names::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn the_surname_table_holds_the_awkward_readings() {
        for surname in ["曾", "单", "仇"] {
            assert!(SURNAMES.contains(&surname), "{surname} must be drawable");
        }
    }

    #[test]
    fn common_surnames_come_up_more_often_than_rare_ones() {
        let names = Names::new();
        let mut rng = ChaCha8Rng::seed_from_u64(1);

        let draws: Vec<&str> = (0..20_000).map(|_| names.surname(&mut rng)).collect();

        let count = |s: &str| draws.iter().filter(|d| **d == s).count();
        assert!(
            count("王") > 3 * count("仇"),
            "王 {} vs 仇 {}",
            count("王"),
            count("仇")
        );
        assert!(count("仇") > 0, "rare surnames must still appear");
    }

    #[test]
    fn full_names_have_two_to_four_characters() {
        let names = Names::new();
        let mut rng = ChaCha8Rng::seed_from_u64(2);

        for year in [1940, 1990, 2015] {
            let name = names.full(&mut rng, year % 2 == 0, year);
            assert!((2..=4).contains(&name.chars().count()), "{name}");
        }
    }
}
