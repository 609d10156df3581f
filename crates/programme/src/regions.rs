//! Sweden's 21 län (counties) and 290 kommuner (municipalities) with their
//! official codes. A kommun code's first two digits are its län code.

/// A län, and the name of the region that governs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct County {
    /// Two digits, for example "01".
    pub code: &'static str,
    /// For example "Stockholms län".
    pub name: &'static str,
    /// The regional authority, for example "Region Stockholm".
    pub region_name: &'static str,
}

/// A kommun.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Municipality {
    /// Four digits, for example "0180".
    pub code: &'static str,
    /// For example "Stockholm".
    pub name: &'static str,
}

impl Municipality {
    /// The code of the län the kommun lies in.
    pub fn county_code(&self) -> &'static str {
        &self.code[..2]
    }

    /// The kommun as an organisation, the way it names itself: "Umeå kommun",
    /// "Lunds kommun", "Region Gotland".
    pub fn organisation_name(&self) -> String {
        match self.name {
            "Gotland" => "Region Gotland".to_owned(),
            "Falun" => "Falu kommun".to_owned(),
            "Kalmar" | "Orust" => format!("{} kommun", self.name),
            name if name.ends_with(['a', 'e', 'i', 'o', 'u', 'y', 'å', 'ä', 'ö', 's', 'x']) => {
                format!("{name} kommun")
            }
            name => format!("{name}s kommun"),
        }
    }
}

include!("regions_data.rs");

/// All 21 län, sorted by code.
pub fn counties() -> &'static [County] {
    &COUNTIES
}

/// All 290 kommuner, sorted by code.
pub fn municipalities() -> &'static [Municipality] {
    &MUNICIPALITIES
}

/// The län with this code.
pub fn county(code: &str) -> Option<&'static County> {
    COUNTIES
        .binary_search_by(|c| c.code.cmp(code))
        .ok()
        .map(|i| &COUNTIES[i])
}

/// The kommun with this code.
pub fn municipality(code: &str) -> Option<&'static Municipality> {
    MUNICIPALITIES
        .binary_search_by(|m| m.code.cmp(code))
        .ok()
        .map(|i| &MUNICIPALITIES[i])
}

/// The kommuner of one län, sorted by code.
pub fn municipalities_in(county_code: &str) -> &'static [Municipality] {
    let start = MUNICIPALITIES.partition_point(|m| m.county_code() < county_code);
    let end = MUNICIPALITIES.partition_point(|m| m.county_code() <= county_code);
    &MUNICIPALITIES[start..end]
}

/// The kind of organisation a known name stands for: "Umeå kommun" is a
/// kommun, "Region Skåne" a region. The wizard fills in the kind from it.
pub fn kind_of_known_name(name: &str) -> Option<crate::OrganiserKind> {
    let name = name.trim();
    if counties().iter().any(|c| c.region_name == name) {
        return Some(crate::OrganiserKind::Region);
    }
    municipalities()
        .iter()
        .any(|m| m.organisation_name() == name)
        .then_some(crate::OrganiserKind::Municipality)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_names_bring_their_kind() {
        use crate::OrganiserKind;
        assert_eq!(
            kind_of_known_name(" Umeå kommun "),
            Some(OrganiserKind::Municipality)
        );
        assert_eq!(
            kind_of_known_name("Region Skåne"),
            Some(OrganiserKind::Region)
        );
        assert_eq!(kind_of_known_name("Exempel AB"), None);
    }

    #[test]
    fn sweden_has_21_counties_and_290_municipalities() {
        assert_eq!(counties().len(), 21);
        assert_eq!(municipalities().len(), 290);
    }

    #[test]
    fn codes_are_sorted_unique_and_well_formed() {
        assert!(COUNTIES.windows(2).all(|w| w[0].code < w[1].code));
        assert!(MUNICIPALITIES.windows(2).all(|w| w[0].code < w[1].code));
        for m in municipalities() {
            assert_eq!(m.code.len(), 4, "{m:?}");
            assert!(m.code.bytes().all(|b| b.is_ascii_digit()), "{m:?}");
            assert!(county(m.county_code()).is_some(), "{m:?} has no län");
        }
    }

    #[test]
    fn every_county_has_municipalities() {
        let total: usize = counties()
            .iter()
            .map(|c| {
                let in_county = municipalities_in(c.code);
                assert!(!in_county.is_empty(), "{} has no kommun", c.name);
                in_county.len()
            })
            .sum();
        assert_eq!(total, 290);
        assert_eq!(municipalities_in("14").len(), 49);
        assert_eq!(municipalities_in("01").len(), 26);
        assert_eq!(municipalities_in("09").len(), 1);
    }

    #[test]
    fn a_sample_of_official_codes() {
        let cases = [
            ("0180", "Stockholm", "Stockholms län"),
            ("1480", "Göteborg", "Västra Götalands län"),
            ("1280", "Malmö", "Skåne län"),
            ("0380", "Uppsala", "Uppsala län"),
            ("2480", "Umeå", "Västerbottens län"),
            ("2584", "Kiruna", "Norrbottens län"),
            ("0980", "Gotland", "Gotlands län"),
            ("2321", "Åre", "Jämtlands län"),
            ("0114", "Upplands Väsby", "Stockholms län"),
        ];
        for (code, name, county_name) in cases {
            let m = municipality(code).unwrap_or_else(|| panic!("{code} is missing"));
            assert_eq!(m.name, name);
            assert_eq!(county(m.county_code()).unwrap().name, county_name);
        }
        assert_eq!(municipality("0100"), None);
        assert_eq!(county("02"), None);
    }

    #[test]
    fn municipalities_are_named_as_organisations() {
        assert_eq!(
            municipality("2480").unwrap().organisation_name(),
            "Umeå kommun"
        );
        assert_eq!(
            municipality("1281").unwrap().organisation_name(),
            "Lunds kommun"
        );
        assert_eq!(
            municipality("0880").unwrap().organisation_name(),
            "Kalmar kommun"
        );
        assert_eq!(
            municipality("2080").unwrap().organisation_name(),
            "Falu kommun"
        );
        assert_eq!(
            municipality("0980").unwrap().organisation_name(),
            "Region Gotland"
        );
    }
}
