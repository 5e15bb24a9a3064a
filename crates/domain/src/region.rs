//! The 20 first-level units of Kazakhstan (ISO 3166-2:KZ), with their names in Kazakh,
//! Russian and English (DOMAIN.md). ISO codes are settled facts, so they live in code.

use crate::complaint::Language;

/// A region: 17 oblasts and 3 cities of republican significance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Region {
    pub code: &'static str,
    pub kk: &'static str,
    pub ru: &'static str,
    pub en: &'static str,
}

impl Region {
    /// The region with this ISO code (`KZ-71`), if there is one.
    pub fn by_code(code: &str) -> Option<&'static Region> {
        REGIONS.iter().find(|r| r.code == code)
    }

    pub fn name(&self, language: Language) -> &'static str {
        match language {
            Language::Kk => self.kk,
            Language::Ru => self.ru,
            Language::En => self.en,
        }
    }
}

const fn region(code: &'static str, en: &'static str, kk: &'static str, ru: &'static str) -> Region {
    Region { code, kk, ru, en }
}

/// All regions, in the order of their codes.
pub const REGIONS: [Region; 20] = [
    region("KZ-10", "Abai Region", "Абай облысы", "Абайская область"),
    region("KZ-11", "Akmola Region", "Ақмола облысы", "Акмолинская область"),
    region("KZ-15", "Aktobe Region", "Ақтөбе облысы", "Актюбинская область"),
    region("KZ-19", "Almaty Region", "Алматы облысы", "Алматинская область"),
    region("KZ-23", "Atyrau Region", "Атырау облысы", "Атырауская область"),
    region("KZ-27", "West Kazakhstan Region", "Батыс Қазақстан облысы", "Западно-Казахстанская область"),
    region("KZ-31", "Zhambyl Region", "Жамбыл облысы", "Жамбылская область"),
    region("KZ-33", "Zhetisu Region", "Жетісу облысы", "Жетысуская область"),
    region("KZ-35", "Karaganda Region", "Қарағанды облысы", "Карагандинская область"),
    region("KZ-39", "Kostanay Region", "Қостанай облысы", "Костанайская область"),
    region("KZ-43", "Kyzylorda Region", "Қызылорда облысы", "Кызылординская область"),
    region("KZ-47", "Mangystau Region", "Маңғыстау облысы", "Мангистауская область"),
    region("KZ-55", "Pavlodar Region", "Павлодар облысы", "Павлодарская область"),
    region("KZ-59", "North Kazakhstan Region", "Солтүстік Қазақстан облысы", "Северо-Казахстанская область"),
    region("KZ-61", "Turkestan Region", "Түркістан облысы", "Туркестанская область"),
    region("KZ-62", "Ulytau Region", "Ұлытау облысы", "Улытауская область"),
    region("KZ-63", "East Kazakhstan Region", "Шығыс Қазақстан облысы", "Восточно-Казахстанская область"),
    region("KZ-71", "Astana (city)", "Астана қаласы", "город Астана"),
    region("KZ-75", "Almaty (city)", "Алматы қаласы", "город Алматы"),
    region("KZ-79", "Shymkent (city)", "Шымкент қаласы", "город Шымкент"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_distinct_codes_with_names_in_three_languages() {
        let codes: std::collections::HashSet<_> = REGIONS.iter().map(|r| r.code).collect();
        assert_eq!(codes.len(), 20);
        for r in &REGIONS {
            assert!(r.code.starts_with("KZ-") && r.code.len() == 5, "{}", r.code);
            assert!(!r.kk.is_empty() && !r.ru.is_empty() && !r.en.is_empty());
        }
    }

    #[test]
    fn finds_by_code() {
        assert_eq!(Region::by_code("KZ-71").map(|r| r.name(Language::En)), Some("Astana (city)"));
        assert_eq!(Region::by_code("KZ-75").map(|r| r.name(Language::Kk)), Some("Алматы қаласы"));
        assert_eq!(Region::by_code("KZ-99"), None);
        assert_eq!(Region::by_code("kz-71"), None);
    }
}
