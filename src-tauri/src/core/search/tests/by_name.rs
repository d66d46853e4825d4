//! Finding people by their names: characters, initials, full pinyin.

use super::*;

#[test]
fn a_chinese_name_is_found_by_any_part_of_it() {
    let index = grid_of(&[("r1", "刘德华"), ("r2", "李四")]);

    for query in ["刘德华", "刘德", "德华", "华"] {
        assert_eq!(first_id(&index, query).as_deref(), Some("r1"), "{query}");
    }
    assert!(index.search("王", 10).is_empty(), "no 王 in this grid");
}

#[test]
fn pinyin_initials_full_pinyin_and_its_prefixes_find_a_name() {
    let index = grid_of(&[("r1", "张三"), ("r2", "李四"), ("r3", "王五")]);

    for query in [
        "zs",
        "zhs",
        "zhangsan",
        "zhang san",
        "zhangs",
        "ZhangSan",
        "zha",
    ] {
        let hits = index.search(query, 10);
        assert_eq!(ids(&hits).first(), Some(&"r1"), "{query}");
        assert_eq!(hits[0].kind, HitKind::Resident, "{query}");
    }
}

#[test]
fn a_surname_is_found_under_its_surname_reading_before_its_everyday_one() {
    let index = grid_of(&[("zeng", "曾明"), ("chen", "陈明"), ("zhang", "张明")]);

    let by_zeng = index.search("zeng", 10);
    let by_z = index.search("zm", 10);
    let by_c = index.search("cm", 10);

    assert_eq!(ids(&by_zeng), vec!["zeng"]);
    assert!(by_z.iter().any(|h| h.id == "zeng"), "zm finds 曾明");
    assert!(
        position(&by_c, "chen") < position(&by_c, "zeng"),
        "c is 曾's everyday reading, so 陈明 comes first: {:?}",
        ids(&by_c)
    );
}

#[test]
fn shan_finds_the_surname_shan_and_dan_prefers_a_real_dan() {
    let index = grid_of(&[("shan", "单丽"), ("dan", "丹丽")]);

    assert_eq!(first_id(&index, "shanli").as_deref(), Some("shan"));
    assert_eq!(first_id(&index, "sl").as_deref(), Some("shan"));
    let by_dan = index.search("danli", 10);
    assert_eq!(ids(&by_dan), vec!["dan", "shan"]);
}

#[test]
fn compound_and_other_polyphonic_surnames_read_as_surnames() {
    let index = grid_of(&[
        ("moqi", "万俟卨"),
        ("yuchi", "尉迟恭"),
        ("zhangsun", "长孙无忌"),
        ("linghu", "令狐冲"),
        ("qiu", "仇英"),
        ("piao", "朴树"),
        ("xie", "解缙"),
    ]);

    for (query, id) in [
        ("moqi", "moqi"),
        ("yuchigong", "yuchi"),
        ("zsw", "zhangsun"),
        ("linghuchong", "linghu"),
        ("qiuying", "qiu"),
        ("piaoshu", "piao"),
        ("xiejin", "xie"),
    ] {
        assert_eq!(first_id(&index, query).as_deref(), Some(id), "{query}");
    }
}

#[test]
fn given_name_characters_are_found_under_each_of_their_readings() {
    let index = grid_of(&[("r1", "王乐"), ("r2", "李长江")]);

    assert_eq!(first_id(&index, "wangle").as_deref(), Some("r1"));
    assert_eq!(first_id(&index, "wangyue").as_deref(), Some("r1"));
    assert_eq!(first_id(&index, "lichangjiang").as_deref(), Some("r2"));
    assert_eq!(first_id(&index, "lizhangjiang").as_deref(), Some("r2"));
}
