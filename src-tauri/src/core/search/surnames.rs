//! How surnames are read, where that differs from the character's usual
//! reading.
//!
//! A leader looking for Mr 曾 types `zeng`, never `ceng`; for Ms 单, `shan`,
//! not `dan`. A general character table lists the everyday reading first,
//! so the leading character of a person's name is looked up here before it
//! falls back to that table. The readings listed here are the *primary*
//! ones for that position; the character's other readings still match, but
//! rank below, so someone who types the everyday reading is not left with
//! nothing.
//!
//! Compound surnames come first in the lookup: 万俟 is `moqi` although 万
//! alone is `wan`, and 单于 is `chanyu` although 单 alone is `shan`.

/// Two-character surnames whose reading is not simply each character's
/// commonest one, with the reading of each character in order. Compounds
/// whose characters read as usual (司马, 欧阳, 诸葛…) need no entry.
const COMPOUND: &[(&str, [&str; 2])] = &[
    ("万俟", ["mo", "qi"]),
    ("尉迟", ["yu", "chi"]),
    ("长孙", ["zhang", "sun"]),
    ("单于", ["chan", "yu"]),
    ("澹台", ["tan", "tai"]),
    ("令狐", ["ling", "hu"]),
    ("乐正", ["yue", "zheng"]),
    ("百里", ["bai", "li"]),
    ("宰父", ["zai", "fu"]),
    ("仲长", ["zhong", "chang"]),
    ("亓官", ["qi", "guan"]),
];

/// Single-character surnames with their surname reading (or readings, when
/// both are in use as surnames), for characters that have several.
const SINGLE: &[(char, &[&str])] = &[
    ('曾', &["zeng"]),
    ('单', &["shan"]),
    ('仇', &["qiu"]),
    ('区', &["ou"]),
    ('解', &["xie"]),
    ('查', &["zha"]),
    ('朴', &["piao"]),
    ('盖', &["ge"]),
    ('乐', &["yue", "le"]),
    ('覃', &["qin", "tan"]),
    ('种', &["chong"]),
    ('缪', &["miao"]),
    // 尉 alone is Wèi as a surname; Yù belongs to 尉迟 but is widely typed.
    ('尉', &["wei", "yu"]),
    ('长', &["chang"]),
    ('翟', &["zhai", "di"]),
    ('折', &["she"]),
    ('隗', &["wei", "kui"]),
    ('繁', &["po"]),
    ('句', &["gou"]),
    ('员', &["yun"]),
    ('秘', &["bi"]),
    ('召', &["shao"]),
    ('尕', &["ga"]),
    ('沈', &["shen"]),
    ('华', &["hua"]),
    ('任', &["ren"]),
    ('纪', &["ji"]),
    ('燕', &["yan"]),
    ('过', &["guo"]),
    ('宁', &["ning"]),
    ('柏', &["bai"]),
    ('贲', &["ben"]),
    ('莘', &["shen"]),
    ('谌', &["chen"]),
    ('都', &["du"]),
    ('车', &["che"]),
    ('薄', &["bo"]),
    ('卜', &["bu"]),
    ('宿', &["su"]),
    ('於', &["yu"]),
    ('相', &["xiang"]),
    ('角', &["jue"]),
    ('祭', &["zhai"]),
    ('洗', &["xian"]),
    ('能', &["nai"]),
    ('重', &["chong"]),
    ('石', &["shi"]),
    ('万', &["wan"]),
    ('藏', &["zang"]),
    ('阿', &["a"]),
    ('那', &["na"]),
    ('舍', &["she"]),
    ('朝', &["chao"]),
    ('茜', &["qian"]),
    ('强', &["qiang"]),
    ('和', &["he"]),
    ('行', &["xing"]),
    ('蕃', &["pi"]),
    ('适', &["kuo"]),
    ('校', &["xiao"]),
    ('参', &["shen"]),
    ('大', &["da"]),
    ('隽', &["juan"]),
    ('郇', &["huan"]),
    ('雍', &["yong"]),
    ('应', &["ying"]),
    ('曲', &["qu"]),
    ('盛', &["sheng"]),
    ('冯', &["feng"]),
    ('夏', &["xia"]),
    ('贾', &["jia"]),
];

/// The primary readings of a name's leading characters: one entry per
/// character for a compound surname, one for a single surname in the
/// table, none otherwise. `name` is already folded.
pub(crate) fn surname_readings(name: &str) -> Vec<&'static [&'static str]> {
    for (compound, readings) in COMPOUND {
        if name.starts_with(compound) {
            return readings.iter().map(std::slice::from_ref).collect();
        }
    }
    let Some(first) = name.chars().next() else {
        return Vec::new();
    };
    SINGLE
        .iter()
        .find(|(c, _)| *c == first)
        .map(|(_, readings)| vec![*readings])
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_compound_surname_is_read_as_a_whole_before_its_first_character() {
        assert_eq!(surname_readings("万俟卨"), vec![&["mo"][..], &["qi"][..]]);
        assert_eq!(surname_readings("万明"), vec![&["wan"][..]]);
    }

    #[test]
    fn a_polyphonic_surname_is_read_as_a_surname() {
        assert_eq!(surname_readings("曾国藩"), vec![&["zeng"][..]]);
        assert_eq!(surname_readings("单雄信"), vec![&["shan"][..]]);
    }

    /// Every reading the character table knows for `c`, toneless.
    fn known_readings(c: char) -> Vec<String> {
        use pinyin::ToPinyinMulti;
        c.to_pinyin_multi()
            .map(|multi| {
                multi
                    .into_iter()
                    .map(|p| p.plain().replace('ü', "v"))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn every_surname_reading_is_a_real_reading_of_its_character() {
        let singles = SINGLE
            .iter()
            .flat_map(|(c, readings)| readings.iter().map(move |r| (*c, *r)));
        let compounds = COMPOUND
            .iter()
            .flat_map(|(surname, readings)| surname.chars().zip(readings.iter().copied()));

        for (c, reading) in singles.chain(compounds) {
            let known = known_readings(c);
            assert!(
                known.iter().any(|k| k == reading),
                "{c} {reading} not in {known:?}"
            );
        }
    }

    #[test]
    fn each_single_surname_is_listed_once() {
        for (n, (c, _)) in SINGLE.iter().enumerate() {
            assert!(
                !SINGLE[n + 1..].iter().any(|(other, _)| other == c),
                "{c} twice"
            );
        }
    }

    #[test]
    fn a_surname_outside_the_table_has_no_special_reading() {
        assert!(surname_readings("王五").is_empty());
        assert!(surname_readings("").is_empty());
    }
}
