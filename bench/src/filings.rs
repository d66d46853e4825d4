//! Reports a grid leader files on patrol: the records created offline and
//! pushed, the same for both sides.

use gridline_app::core::model::{NewReportInput, Position};
use gridline_schema::{Domain, PositionSource};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

use crate::dataset::{random_id, random_point, GridSpec};

/// What leaders write, by domain.
const FINDINGS: &[(Domain, &str)] = &[
    (Domain::WorkSafety, "电动车在楼道内充电，电线从窗户拉出"),
    (
        Domain::WorkSafety,
        "消防通道被私家车占用，已劝离但仍有车辆停放",
    ),
    (
        Domain::IllegalConstruction,
        "楼顶新搭建彩钢板房，未见施工许可",
    ),
    (
        Domain::IllegalBusiness,
        "早市摊贩占用盲道经营，影响行人通行",
    ),
    (
        Domain::IllegalProduction,
        "民房内疑似有小作坊加工食品，无证照",
    ),
    (Domain::PublicService, "路灯不亮，夜间出行不便"),
    (Domain::PublicService, "窨井盖松动，车辆经过有异响"),
    (
        Domain::PetitionStability,
        "多名业主反映物业费上涨，情绪激动",
    ),
    (
        Domain::GrassrootsOrganization,
        "网格公示牌信息过期，联系电话打不通",
    ),
];

/// `count` reports for run `run`, positioned inside the grid; the same
/// arguments give the same reports.
pub fn reports(grid: &GridSpec, run: usize, count: usize) -> Vec<NewReportInput> {
    let mut rng = ChaCha8Rng::seed_from_u64(0x5EED_0000 + run as u64);
    (0..count)
        .map(|n| {
            let (domain, finding) = FINDINGS[rng.gen_range(0..FINDINGS.len())];
            let [lon, lat] = random_point(&mut rng, &grid.boundary);
            NewReportInput {
                domain,
                subcategory: None,
                subject: None,
                focus_tag: None,
                description: format!("第{}轮巡查第{}处：{finding}", run + 1, n + 1),
                position: Some(Position {
                    lat,
                    lon,
                    accuracy_m: Some(rng.gen_range(5.0..30.0)),
                    source: PositionSource::Device,
                }),
                photos: Vec::new(),
            }
        })
        .collect()
}

/// The same reports as PouchDB documents: the fields a push carries, with
/// an id and the time they were filed.
pub fn as_documents(reports: &[NewReportInput], run: usize, filed_at_ms: i64) -> Vec<Value> {
    let mut rng = ChaCha8Rng::seed_from_u64(0xD0C5_0000 + run as u64);
    reports
        .iter()
        .map(|r| {
            let position = r.position.map(|p| {
                json!({
                    "lat": p.lat,
                    "lon": p.lon,
                    "accuracy_m": p.accuracy_m,
                    "source": p.source,
                })
            });
            json!({
                "_id": format!("issue:{}", random_id(&mut rng)),
                "type": "issue",
                "domain": r.domain,
                "focus_tag": r.focus_tag,
                "description": r.description,
                "position": position,
                "photos": r.photos,
                "reported_at_ms": filed_at_ms,
            })
        })
        .collect()
}
