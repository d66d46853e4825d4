//! Households and their residents.
//!
//! A household is built as a family first — a head, perhaps a spouse,
//! children and the head's parents — with ages that make sense together;
//! names, birth dates, citizen ID numbers and phone numbers follow from
//! that. An ID number is the region code of the place of registration, the
//! birth date, a three-digit sequence whose last digit is odd for men and
//! even for women, and the GB 11643 check character.

use std::collections::HashSet;

use gridline_schema::validate::citizen_id_check_char;
use gridline_schema::wire::{HouseholdRecord, ResidentRecord};
use gridline_schema::CareTag;
use rand::distributions::{Distribution, WeightedIndex};
use rand::Rng;
use uuid::Uuid;

use super::clock::civil_from_days;
use super::names::Names;
use super::new_id;

/// The district's own region code: most residents were registered here.
const HOME_REGION: &str = "410108";
/// The share of residents registered in Huiji District itself.
const HOME_SHARE: f64 = 0.85;

/// Mobile prefixes of the three carriers that are in wide use.
const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "157", "158", "159", "166", "176", "177", "178", "180", "181", "182",
    "183", "185", "186", "187", "188", "189", "198", "199",
];

/// Household sizes 1 to 5 and how often each occurs.
const SIZE_WEIGHTS: [u32; 5] = [14, 26, 28, 20, 12];

/// A household with its members, ready to insert.
pub struct Household {
    pub record: HouseholdRecord,
    pub residents: Vec<ResidentRecord>,
}

/// Who a member is, before names and numbers are drawn.
struct Member {
    relation: &'static str,
    male: bool,
    age: i64,
}

/// Makes households, keeping ID and phone numbers unique across the demo.
pub struct Registry<'a> {
    names: &'a Names,
    region_codes: &'a [String],
    /// The demo's today, as days since 1970-01-01 (Beijing calendar).
    today: i64,
    sizes: WeightedIndex<u32>,
    citizen_ids: HashSet<String>,
    phones: HashSet<String>,
}

impl<'a> Registry<'a> {
    pub fn new(names: &'a Names, region_codes: &'a [String], today: i64) -> Registry<'a> {
        Registry {
            names,
            region_codes,
            today,
            sizes: WeightedIndex::new(SIZE_WEIGHTS).expect("the size weights are positive"),
            citizen_ids: HashSet::new(),
            phones: HashSet::new(),
        }
    }

    /// A household at `address` in `grid_code`.
    pub fn household(&mut self, rng: &mut impl Rng, grid_code: &str, address: String) -> Household {
        let members = self.family(rng);
        let household_id = new_id(rng);
        let head_surname = self.names.surname(rng);
        let spouse_surname = self.names.surname(rng);
        // Children take their father's surname: the head's, unless the head
        // is a woman living with her husband.
        let husband_is_spouse = !members[0].male && members.iter().any(|m| m.relation == "spouse");
        let children_surname = if husband_is_spouse {
            spouse_surname
        } else {
            head_surname
        };

        let mut residents = Vec::with_capacity(members.len());
        for member in &members {
            let surname = match member.relation {
                "head" => head_surname,
                "spouse" => spouse_surname,
                "child" => children_surname,
                "parent" if member.male => head_surname,
                _ => self.names.surname(rng),
            };
            residents.push(self.resident(rng, grid_code, household_id, surname, member));
        }

        let record = HouseholdRecord {
            id: household_id,
            grid_code: grid_code.to_owned(),
            address,
            head_name: residents[0].name.clone(),
            members: residents.len() as u32,
            version: 1,
        };
        Household { record, residents }
    }

    /// Who lives together: relations, sexes and ages that fit each other.
    fn family(&self, rng: &mut impl Rng) -> Vec<Member> {
        let size = self.sizes.sample(rng) + 1;
        let spouse = size >= 2 && rng.gen_bool(if size == 2 { 0.8 } else { 0.92 });
        let others = size - 1 - usize::from(spouse);
        let parents = match others {
            0 => 0,
            1 => usize::from(rng.gen_bool(0.3)),
            _ => [0, 0, 0, 1, 2][rng.gen_range(0..5)],
        };
        let children = others - parents;

        let head_age: i64 = if parents > 0 {
            rng.gen_range(28..=60)
        } else if children > 0 {
            rng.gen_range(26..=72)
        } else {
            rng.gen_range(20..=88)
        };
        let head_male = rng.gen_bool(if spouse { 0.75 } else { 0.5 });
        let member = |relation, male, age| Member {
            relation,
            male,
            age,
        };

        let mut family = vec![member("head", head_male, head_age)];
        if spouse {
            let gap: i64 = rng.gen_range(-2..=6);
            let age = if head_male {
                head_age - gap
            } else {
                head_age + gap
            };
            family.push(member("spouse", !head_male, age.max(20)));
        }
        for _ in 0..children {
            let age = head_age - rng.gen_range(22..=(head_age - 1).min(40));
            family.push(member("child", rng.gen_bool(0.5), age.max(1)));
        }
        let father_age = (head_age + rng.gen_range(24..=34)).min(98);
        for index in 0..parents {
            // With one parent left, either may be the one.
            let male = if parents == 2 {
                index == 0
            } else {
                rng.gen_bool(0.4)
            };
            let age = if male {
                father_age
            } else {
                father_age - rng.gen_range(0..=4)
            };
            family.push(member("parent", male, age));
        }
        family
    }

    fn resident(
        &mut self,
        rng: &mut impl Rng,
        grid_code: &str,
        household_id: Uuid,
        surname: &'static str,
        member: &Member,
    ) -> ResidentRecord {
        // Somewhere in the year after the birthday that makes them `age`.
        let born = self.today - (member.age as f64 * 365.2425) as i64 - rng.gen_range(0..365);
        let (year, month, day) = civil_from_days(born);
        let birth_date = format!("{year:04}-{month:02}-{day:02}");
        let citizen_id = self.citizen_id(rng, member.male, year, month, day);
        let name = format!("{surname}{}", self.names.given(rng, member.male, year));
        let has_phone = member.age >= 18 && rng.gen_bool(if member.age < 70 { 0.93 } else { 0.6 });
        let phone = has_phone.then(|| self.phone(rng));

        ResidentRecord {
            id: new_id(rng),
            grid_code: grid_code.to_owned(),
            household_id,
            name,
            gender: if member.male { "male" } else { "female" }.to_owned(),
            birth_date,
            citizen_id,
            phone,
            relation: member.relation.to_owned(),
            care_tags: care_tags(rng, member),
            moved_out_at_ms: None,
            version: 1,
        }
    }

    /// A citizen ID number no one else in the demo has.
    fn citizen_id(
        &mut self,
        rng: &mut impl Rng,
        male: bool,
        year: i64,
        month: u32,
        day: u32,
    ) -> String {
        loop {
            let region = if rng.gen_bool(HOME_SHARE) || self.region_codes.is_empty() {
                HOME_REGION
            } else {
                &self.region_codes[rng.gen_range(0..self.region_codes.len())]
            };
            let sex_digit = 2 * rng.gen_range(0..5) + u32::from(male);
            let first17 = format!(
                "{region}{year:04}{month:02}{day:02}{:02}{sex_digit}",
                rng.gen_range(0..100)
            );
            let check =
                citizen_id_check_char(&first17).expect("17 digits always have a check char");
            let id = format!("{first17}{check}");
            if self.citizen_ids.insert(id.clone()) {
                return id;
            }
        }
    }

    /// A mobile number no one else in the demo has.
    fn phone(&mut self, rng: &mut impl Rng) -> String {
        loop {
            let prefix = MOBILE_PREFIXES[rng.gen_range(0..MOBILE_PREFIXES.len())];
            let number = format!("{prefix}{:08}", rng.gen_range(0..100_000_000u32));
            if self.phones.insert(number.clone()) {
                return number;
            }
        }
    }
}

/// Hands out household addresses in a community in order: flats in
/// numbered buildings for an urban community, numbered houses in village
/// groups (组) for a rural village. Some flats and plots are skipped, as
/// empty or non-residential ones are.
pub struct AddressBook {
    place: String,
    rural: bool,
    /// Building or village group, from 1.
    block: u32,
    units: u32,
    floors: u32,
    unit: u32,
    floor: u32,
    room: u32,
    /// House numbers in the current village group.
    houses: u32,
    house: u32,
}

impl AddressBook {
    /// Addresses in the community called `place` (its short name).
    pub fn new(place: String, rural: bool) -> AddressBook {
        AddressBook {
            place,
            rural,
            block: 0,
            units: 0,
            floors: 0,
            unit: 0,
            floor: 0,
            room: 0,
            houses: 0,
            house: 0,
        }
    }

    /// The next occupied address.
    pub fn next(&mut self, rng: &mut impl Rng) -> String {
        if self.rural {
            loop {
                if self.house >= self.houses {
                    self.block += 1;
                    self.houses = rng.gen_range(40..=90);
                    self.house = 0;
                }
                self.house += 1;
                if rng.gen_bool(0.9) {
                    return format!("{}{}组{}号", self.place, self.block, self.house);
                }
            }
        }
        loop {
            self.advance_flat(rng);
            if rng.gen_bool(0.85) {
                return format!(
                    "{}{}号楼{}单元{}{:02}室",
                    self.place, self.block, self.unit, self.floor, self.room
                );
            }
        }
    }

    /// Moves to the next flat: two per floor, then up, then the next unit,
    /// then a new building of a random height.
    fn advance_flat(&mut self, rng: &mut impl Rng) {
        if self.room < 2 && self.block > 0 {
            self.room += 1;
            return;
        }
        self.room = 1;
        if self.floor < self.floors {
            self.floor += 1;
            return;
        }
        self.floor = 1;
        if self.unit < self.units {
            self.unit += 1;
            return;
        }
        self.unit = 1;
        self.block += 1;
        self.units = rng.gen_range(2..=4);
        self.floors = [6, 11, 18, 26][rng.gen_range(0..4)];
    }
}

/// Key-care tags at roughly the rates a Zhengzhou community registers them.
fn care_tags(rng: &mut impl Rng, member: &Member) -> Vec<String> {
    let mut tags = Vec::new();
    let mut tag = |tag: CareTag, p: f64| {
        if rng.gen_bool(p) {
            tags.push(tag.code().to_owned());
        }
    };
    if member.age >= 75 {
        tag(CareTag::EmptyNest, 0.25);
    }
    tag(CareTag::Disabled, 0.02);
    tag(CareTag::LowIncome, 0.03);
    if member.age >= 20 && member.male {
        tag(CareTag::Veteran, 0.04);
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn urban_addresses_are_unique_flats_in_numbered_buildings() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut book = AddressBook::new("金河社区".to_owned(), false);

        let addresses: Vec<String> = (0..500).map(|_| book.next(&mut rng)).collect();

        let unique: HashSet<&String> = addresses.iter().collect();
        assert_eq!(
            unique.len(),
            addresses.len(),
            "no two households share a flat"
        );
        assert!(
            addresses[0].starts_with("金河社区1号楼1单元"),
            "{}",
            addresses[0]
        );
        assert!(addresses.iter().all(|a| a.ends_with('室')));
    }

    #[test]
    fn rural_addresses_are_houses_in_village_groups() {
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let mut book = AddressBook::new("毛庄村".to_owned(), true);

        let first = book.next(&mut rng);

        assert!(
            first.starts_with("毛庄村1组") && first.ends_with('号'),
            "{first}"
        );
    }

    #[test]
    fn a_household_is_headed_by_its_first_member_and_ages_fit_relations() {
        let names = Names::new();
        let regions = vec![HOME_REGION.to_owned(), "410102".to_owned()];
        let mut registry = Registry::new(&names, &regions, 20_788);
        let mut rng = ChaCha8Rng::seed_from_u64(5);

        for _ in 0..200 {
            let household = registry.household(&mut rng, "g", "a".to_owned());

            let head = &household.residents[0];
            assert_eq!(head.relation, "head");
            assert_eq!(household.record.head_name, head.name);
            assert_eq!(household.record.members as usize, household.residents.len());
            for r in &household.residents[1..] {
                match r.relation.as_str() {
                    "child" => assert!(r.birth_date > head.birth_date, "a child is younger"),
                    "parent" => assert!(r.birth_date < head.birth_date, "a parent is older"),
                    _ => {}
                }
            }
        }
    }
}
