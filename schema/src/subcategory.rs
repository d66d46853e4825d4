//! The sub-categories of each domain, as the district files them.

use crate::domain::Domain;

/// One sub-category: code, Chinese and English labels.
pub type Subcategory = (&'static str, &'static str, &'static str);

/// The sub-categories of `domain`, in display order.
pub fn subcategories(domain: Domain) -> &'static [Subcategory] {
    match domain {
        Domain::IllegalProduction => &[
            ("unlicensed_workshop", "无证生产", "Unlicensed workshop"),
            ("illegal_processing", "非法加工", "Illegal processing"),
            (
                "hazardous_storage",
                "违规储存危化品",
                "Hazardous chemicals stored illegally",
            ),
            (
                "scattered_polluting",
                "散乱污企业",
                "Small polluting workshop",
            ),
        ],
        Domain::IllegalBusiness => &[
            ("unlicensed_shop", "无照经营", "Trading without a licence"),
            ("street_vending", "占道经营", "Street vending on the road"),
            (
                "illegal_transport",
                "非法营运",
                "Unlicensed passenger transport",
            ),
            (
                "counterfeit_goods",
                "售卖假冒伪劣",
                "Counterfeit or shoddy goods",
            ),
        ],
        Domain::IllegalConstruction => &[
            ("illegal_structure", "违章搭建", "Illegal structure"),
            (
                "unauthorized_extension",
                "私搭乱建",
                "Unauthorised extension",
            ),
            (
                "illegal_renovation",
                "违规装修",
                "Renovation against the rules",
            ),
            (
                "green_space_encroachment",
                "侵占绿地",
                "Encroachment on green space",
            ),
        ],
        Domain::WorkSafety => &[
            ("fire_hazard", "消防隐患", "Fire hazard"),
            ("gas_safety", "燃气安全", "Gas safety"),
            (
                "ebike_charging",
                "电动车违规充电",
                "E-bike charged unsafely",
            ),
            (
                "construction_safety",
                "建筑施工安全",
                "Construction site safety",
            ),
        ],
        Domain::PetitionStability => &[
            ("dispute", "矛盾纠纷", "Dispute between residents"),
            (
                "collective_risk",
                "群体性事件苗头",
                "Signs of a collective incident",
            ),
            ("petition", "信访诉求", "Petition"),
            ("key_person", "重点人员动态", "Key person's whereabouts"),
        ],
        Domain::PublicService => &[
            (
                "municipal_damage",
                "市政设施损坏",
                "Damaged public facility",
            ),
            ("sanitation", "环境卫生", "Sanitation"),
            ("traffic", "道路交通", "Roads and traffic"),
            ("utilities", "供水供电供暖", "Water, power or heating"),
        ],
        Domain::GrassrootsOrganization => &[
            ("party_building", "党组织建设", "Party organisation"),
            ("social_organization", "社会组织", "Social organisations"),
            ("volunteer", "志愿服务", "Volunteering"),
            ("self_governance", "居民自治", "Residents' self-governance"),
        ],
    }
}

/// Whether `code` is a sub-category of `domain`.
pub fn belongs_to(domain: Domain, code: &str) -> bool {
    subcategories(domain).iter().any(|(c, _, _)| *c == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_domain_has_sub_categories_with_codes_unique_across_domains() {
        let mut codes: Vec<_> = Domain::ALL
            .iter()
            .flat_map(|d| subcategories(*d))
            .map(|(c, _, _)| *c)
            .collect();
        let total = codes.len();
        codes.sort_unstable();
        codes.dedup();

        assert_eq!(codes.len(), total);
        assert!(Domain::ALL.iter().all(|d| !subcategories(*d).is_empty()));
        assert!(belongs_to(Domain::WorkSafety, "ebike_charging"));
        assert!(!belongs_to(Domain::PublicService, "ebike_charging"));
    }
}
