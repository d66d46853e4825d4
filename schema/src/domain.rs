//! The vocabulary of grid work, with stable codes and bilingual labels.
//!
//! Codes are what travels and what is stored; labels are for people. The
//! UI carries its own translations, keyed by the same codes, and a test on
//! the UI side keeps them in step with this file.

/// Declares a closed vocabulary: an enum with snake_case codes, Chinese and
/// English labels, and lookup by code.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $code:literal, $zh:literal, $en:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code that is stored and sent.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            /// The Chinese label.
            pub fn zh(self) -> &'static str {
                match self { $($name::$variant => $zh,)+ }
            }

            /// The English label.
            pub fn en(self) -> &'static str {
                match self { $($name::$variant => $en,)+ }
            }

            /// Looks a value up by its code.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        // Serialized as exactly its code: serde's own snake_case would
        // write `Hotline12345` as `hotline12345`, not `hotline_12345`.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let code = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                $name::from_code(&code).ok_or_else(|| {
                    serde::de::Error::unknown_variant(&code, &[$($code),+])
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

vocabulary! {
    /// The seven domains (七大领域) every report is filed under.
    Domain {
        IllegalProduction => "illegal_production", "非法生产", "Illegal production";
        IllegalBusiness => "illegal_business", "非法经营", "Illegal business operation";
        IllegalConstruction => "illegal_construction", "非法建设", "Illegal construction";
        WorkSafety => "work_safety", "安全生产", "Work safety";
        PetitionStability => "petition_stability", "信访稳定", "Petitions and stability";
        PublicService => "public_service", "公共服务", "Public services";
        GrassrootsOrganization => "grassroots_organization", "基层组织建设", "Grassroots organisation";
    }
}

vocabulary! {
    /// The district's standing focus tags, optional on a report.
    FocusTag {
        IllegalFundraising => "illegal_fundraising", "非法集资", "Illegal fundraising";
        AirPollution => "air_pollution", "大气污染防治", "Air-pollution control";
        UrbanManagement => "urban_management", "城市管理", "Urban management";
    }
}

vocabulary! {
    /// Where an issue came from.
    IssueSource {
        Patrol => "patrol", "网格巡查", "Grid patrol";
        Hotline12345 => "hotline_12345", "12345热线", "12345 hotline";
        ChiefLine => "chief_line", "区长热线", "District chief line";
        Hotline12319 => "hotline_12319", "12319城管热线", "12319 urban-management hotline";
        Media => "media", "媒体及网络", "Media and online";
        Supervisor => "supervisor", "督查暗访", "Supervisors' checks";
        Platform => "platform", "区平台", "District platform";
    }
}

vocabulary! {
    /// The states of an issue. The relay owns the transitions between them.
    IssueStatus {
        Reported => "reported", "已上报", "Reported";
        Accepted => "accepted", "已受理", "Accepted";
        Dispatched => "dispatched", "已派遣", "Dispatched";
        Handling => "handling", "处置中", "Handling";
        Handled => "handled", "已处置", "Handled";
        Verified => "verified", "已核查", "Verified";
        Closed => "closed", "已结案", "Closed";
        Returned => "returned", "已退回", "Returned";
        Escalated => "escalated", "已上报疑难", "Escalated";
        Supervised => "supervised", "督办中", "Supervised";
    }
}

vocabulary! {
    /// Key-care tags (重点关爱) a resident may carry.
    CareTag {
        ElderlyAlone => "elderly_alone", "独居老人", "Elderly, living alone";
        EmptyNest => "empty_nest", "空巢老人", "Elderly, children away";
        Disabled => "disabled", "残疾人", "Disabled";
        LowIncome => "low_income", "低保户", "Low-income support";
        LeftBehindChild => "left_behind_child", "留守儿童", "Child left behind";
        Veteran => "veteran", "退役军人", "Veteran";
        SeriousIllness => "serious_illness", "重病患者", "Seriously ill";
    }
}

vocabulary! {
    /// Where a report's position came from.
    PositionSource {
        Device => "device", "设备定位", "Device location";
        Exif => "exif", "照片位置", "Photo location";
        Manual => "manual", "手动选点", "Set by hand";
    }
}

impl IssueStatus {
    /// Whether the issue still needs work: everything but verified and closed.
    pub fn is_open(self) -> bool {
        !matches!(self, IssueStatus::Verified | IssueStatus::Closed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_exactly_seven_domains_with_distinct_codes_and_labels() {
        let mut codes: Vec<_> = Domain::ALL.iter().map(|d| d.code()).collect();
        codes.sort_unstable();
        codes.dedup();

        assert_eq!(codes.len(), 7);
        assert_eq!(Domain::WorkSafety.zh(), "安全生产");
    }

    #[test]
    fn every_code_round_trips_through_serde_and_lookup() {
        for d in Domain::ALL {
            let json = serde_json::to_string(d).unwrap();
            assert_eq!(json, format!("\"{}\"", d.code()));
            assert_eq!(Domain::from_code(d.code()), Some(*d));
        }
        for s in IssueStatus::ALL {
            assert_eq!(IssueStatus::from_code(s.code()), Some(*s));
        }
        for s in IssueSource::ALL {
            let json = serde_json::to_string(s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.code()), "serde writes the code");
            assert_eq!(serde_json::from_str::<IssueSource>(&json).unwrap(), *s);
        }
        assert_eq!(Domain::from_code("unknown"), None);
    }
}
