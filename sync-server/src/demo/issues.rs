//! Open issues waiting in each grid, as the district platform dispatched
//! them.
//!
//! Each comes from one of the channels that feed the platform (the 12345
//! hotline, the district chief's line, the 12319 urban-management line, the
//! media, supervisors' checks), was filed in the week before the demo's
//! "now" during the working day, and is due three to ten days after it was
//! reported, so some are overdue and some are not.

use gridline_schema::wire::{IssueRecord, Position};
use gridline_schema::{Domain, FocusTag, IssueSource, IssueStatus, PositionSource};
use rand::Rng;

use super::clock::{china_day, DAY_MS, HOUR_MS};
use super::new_id;

const MINUTE_MS: i64 = 60_000;

/// The channels a dispatched issue arrives by.
const SOURCES: &[IssueSource] = &[
    IssueSource::Hotline12345,
    IssueSource::Hotline12345,
    IssueSource::ChiefLine,
    IssueSource::Hotline12319,
    IssueSource::Media,
    IssueSource::Supervisor,
];

/// What people report, by domain; `{at}` is where, `{n}` a number.
const REPORTS: &[(Domain, Option<FocusTag>, &str)] = &[
    (
        Domain::IllegalConstruction,
        None,
        "{at}有住户在楼顶私自加盖彩钢板房，面积约{n}平方米，未见规划许可",
    ),
    (
        Domain::IllegalConstruction,
        None,
        "{at}一处空地正在搭建简易房，已打好地基，群众怀疑是违法建设",
    ),
    (
        Domain::IllegalConstruction,
        Some(FocusTag::AirPollution),
        "{at}拆迁工地渣土未苫盖，大风天扬尘严重，周边居民无法开窗",
    ),
    (
        Domain::IllegalBusiness,
        Some(FocusTag::UrbanManagement),
        "{at}有流动摊贩长期占道经营，早晚高峰影响行人和车辆通行",
    ),
    (
        Domain::IllegalBusiness,
        None,
        "{at}一家小超市疑似无证销售散装白酒和烟草制品",
    ),
    (
        Domain::IllegalBusiness,
        Some(FocusTag::UrbanManagement),
        "{at}有门店未经审批在门前设置大型户外广告牌，存在坠落风险",
    ),
    (
        Domain::IllegalProduction,
        None,
        "{at}一处民房内疑似有小作坊生产豆制品，卫生条件差，无任何证照",
    ),
    (
        Domain::IllegalProduction,
        Some(FocusTag::AirPollution),
        "{at}一处废品收购点夜间焚烧电线回收铜，烟味刺鼻",
    ),
    (
        Domain::IllegalProduction,
        None,
        "{at}有小加工厂夜间作业，机器噪音扰民，疑似没有环评手续",
    ),
    (
        Domain::WorkSafety,
        None,
        "{at}有居民从楼上飞线给电动车充电，电线悬在单元门口，存在火灾隐患",
    ),
    (
        Domain::WorkSafety,
        None,
        "{at}消防通道被杂物和私家车堵塞，消防车无法通行",
    ),
    (
        Domain::WorkSafety,
        None,
        "{at}一家餐馆把{n}个液化气瓶放在后厨门外，无任何防护措施",
    ),
    (
        Domain::PetitionStability,
        None,
        "居民反映{at}附近小区物业费上涨未经业主大会表决，多户业主情绪激动，有聚集苗头",
    ),
    (
        Domain::PetitionStability,
        None,
        "{at}一处工地有{n}名农民工反映被拖欠工资，要求协调解决",
    ),
    (
        Domain::PetitionStability,
        Some(FocusTag::IllegalFundraising),
        "有老人反映{at}一家“养老理财”门店以高息为诱饵吸收存款，已有人无法取回本金",
    ),
    (
        Domain::PublicService,
        None,
        "{at}路灯损坏已一周，夜间出行不便，老人孩子容易摔倒",
    ),
    (
        Domain::PublicService,
        None,
        "{at}一处窨井盖破损，车辆经过时响声很大，存在安全隐患",
    ),
    (
        Domain::PublicService,
        Some(FocusTag::UrbanManagement),
        "{at}垃圾清运不及时，垃圾桶满溢，气味很大",
    ),
    (
        Domain::PublicService,
        None,
        "{at}供水管道破裂，路面积水约{n}米长，影响通行",
    ),
    (
        Domain::GrassrootsOrganization,
        None,
        "{at}党群服务中心宣传栏内容还是去年的，需要及时更新",
    ),
    (
        Domain::GrassrootsOrganization,
        None,
        "有居民反映{at}网格公示牌上的联系电话打不通，信息与实际不符",
    ),
    (
        Domain::GrassrootsOrganization,
        None,
        "居民反映{at}所在社区的居民议事会已三个月未召开，意见较大",
    ),
];

/// A dispatched issue in `grid_code` at `[lon, lat]`, in the community whose
/// short name is `place`, reported before `now_ms`.
pub fn open_issue(
    rng: &mut impl Rng,
    grid_code: &str,
    place: &str,
    rural: bool,
    position: [f64; 2],
    now_ms: i64,
) -> IssueRecord {
    let (domain, focus_tag, template) = REPORTS[rng.gen_range(0..REPORTS.len())];
    let at = location(rng, place, rural);
    let description = template
        .replace("{at}", &at)
        .replace("{n}", &rng.gen_range(3..=40).to_string());

    // Working hours, Beijing time, on one of the seven days before today.
    let day = china_day(now_ms) - rng.gen_range(1..=7);
    let reported_at_ms = day * DAY_MS - 8 * HOUR_MS
        + rng.gen_range(8..=19) * HOUR_MS
        + rng.gen_range(0..60) * MINUTE_MS;
    let received_at_ms = reported_at_ms + rng.gen_range(1..=30) * MINUTE_MS;
    let dispatched_at_ms = received_at_ms + rng.gen_range(10..=240) * MINUTE_MS;
    let deadline_at_ms = reported_at_ms + rng.gen_range(3..=10) * DAY_MS;

    IssueRecord {
        id: new_id(rng),
        subcategory: None,
        subject: None,
        grid_code: grid_code.to_owned(),
        domain,
        focus_tag,
        description,
        status: IssueStatus::Dispatched,
        source: SOURCES[rng.gen_range(0..SOURCES.len())],
        // The platform's operator places a phoned-in issue on the map.
        position: Some(Position {
            lat: position[1],
            lon: position[0],
            accuracy_m: None,
            source: PositionSource::Manual,
        }),
        address: Some(format!("郑州市惠济区{at}")),
        photos: Vec::new(),
        reported_by: None,
        reported_at_ms,
        received_at_ms,
        deadline_at_ms: Some(deadline_at_ms),
        updated_at_ms: dispatched_at_ms,
        version: 1,
    }
}

/// Where in the community it happened, as a caller would say it.
fn location(rng: &mut impl Rng, place: &str, rural: bool) -> String {
    if rural {
        match rng.gen_range(0..3) {
            0 => format!("{place}{}组", rng.gen_range(1..=8)),
            1 => format!("{place}村委会附近"),
            _ => format!("{place}村口"),
        }
    } else {
        let gate = ["东门", "西门", "南门", "北门"][rng.gen_range(0..4)];
        match rng.gen_range(0..3) {
            0 => format!("{place}{}号楼", rng.gen_range(1..=20)),
            1 => format!("{place}{gate}"),
            _ => format!("{place}{gate}外"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn an_issue_was_reported_before_now_and_is_due_three_to_ten_days_later() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let now = 1_796_342_400_000;

        for _ in 0..100 {
            let issue = open_issue(&mut rng, "g", "金河社区", false, [113.6, 34.85], now);

            assert!(issue.reported_at_ms < now);
            assert!(issue.received_at_ms > issue.reported_at_ms);
            let due = issue.deadline_at_ms.unwrap() - issue.reported_at_ms;
            assert!((3 * DAY_MS..=10 * DAY_MS).contains(&due));
            assert!(!issue.description.contains('{'), "{}", issue.description);
            assert_eq!(issue.status, IssueStatus::Dispatched);
        }
    }

    #[test]
    fn every_domain_has_something_to_report() {
        for domain in Domain::ALL {
            assert!(
                REPORTS.iter().any(|(d, _, _)| d == domain),
                "{domain} has no template"
            );
        }
    }
}
