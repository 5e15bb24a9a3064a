//! Synthetic complaints for demos, tests and benchmarks: varied, plausible, and about
//! nobody. Deterministic from a seed (this crate has no randomness of its own), so a test
//! or a benchmark run can be repeated.
//!
//! Names are marked synthetic and phone numbers use the reserved-looking `+7 700 000 ….`
//! range, so that nothing here can be mistaken for a real person's data.

use crate::complaint::{Channel, Relation, Sex};
use crate::region::REGIONS;
use serde_json::{Value, json};

const NARRATIVES: [(&str, &str); 9] = [
    ("ru", "Соседи слышат крики и удары из квартиры почти каждый вечер. Ребёнок боится идти домой."),
    ("ru", "Одноклассники снимают девочку на телефон и выкладывают видео в группу, она перестала ходить в школу."),
    ("ru", "Муж угрожает убить, отобрал документы и телефон, я живу у подруги с двумя детьми."),
    ("kk", "Баланы үйде жалғыз қамап кетеді, ол күні бойы тамақсыз отырады."),
    ("kk", "Күйеуім мені ұрады, балалар көріп отырады. Қайда баратынымды білмеймін."),
    ("kk", "Мектепте бір оқушыны үнемі қорлайды, мұғалімдер ештеңе істемейді."),
    ("en", "My neighbour's child often has bruises and says she fell. Her stepfather shouts at her every night."),
    ("en", "A driver made a 12-year-old boy get off the bus at night because he could not pay the fare."),
    ("en", "My sister's husband follows her to work and sends threatening messages every day."),
];

/// SplitMix64: a tiny, well-mixed sequence from a seed.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Categories of `data/taxonomy.toml` that synthetic complaints pick from.
const CATEGORIES: [&str; 10] = [
    "battery",
    "family_household_offence",
    "bullying_of_minor",
    "cyberbullying_of_minor",
    "child_neglect",
    "stalking",
    "family_conflict",
    "light_harm_to_health",
    "psychological_consultation",
    "protective_order_violation",
];

/// Questionnaire items that synthetic complaints answer yes, some of them.
const YES_ITEMS: [&str; 12] = [
    "current_injury",
    "very_frightened",
    "threats_to_kill",
    "strangulation",
    "stalking",
    "separation",
    "controlling_jealous",
    "isolated",
    "abuse_worse",
    "child_witnessing_violence",
    "abuser_lives_with_child",
    "financial_dependence",
];

/// A request body for `POST /api/v1/complaints`, different for each seed. `channel`
/// forces the door it comes in by; `None` picks one.
pub fn complaint_json(seed: u64, channel: Option<Channel>) -> Value {
    let mut mix = Mix(seed);
    let (language, narrative) = *mix.pick(&NARRATIVES);
    let channel = channel.unwrap_or(*mix.pick(Channel::ALL));
    let victims: Vec<Value> = (0..1 + mix.below(3))
        .map(|_| {
            let sex = mix.pick(&[Sex::Female, Sex::Female, Sex::Male, Sex::Unknown]).as_str();
            if mix.chance(70) {
                json!({"age": mix.below(60), "sex": sex, "disability": mix.chance(8)})
            } else {
                json!({"minor": true, "sex": sex})
            }
        })
        .collect();
    let perpetrators: Vec<Value> = (0..mix.below(3))
        .map(|_| json!({"relation": mix.pick(Relation::ALL).as_str(), "sex": mix.pick(&[Sex::Male, Sex::Female]).as_str()}))
        .collect();
    let reporter = if mix.chance(40) {
        json!({"anonymous": true})
    } else {
        json!({
            "name": format!("Synthetic Reporter {}", mix.below(10_000)),
            "phone": format!("+7 700 000 {:02} {:02}", mix.below(100), mix.below(100)),
            "relation": mix.pick(Relation::ALL).as_str(),
            "consent_to_contact": true,
            "safe_to_contact": mix.chance(70),
            "safe_contact_time": "after 18:00",
        })
    };
    let categories: Vec<&str> = (0..mix.below(3)).map(|_| *mix.pick(&CATEGORIES)).fold(Vec::new(), |mut v, c| {
        if !v.contains(&c) {
            v.push(c);
        }
        v
    });
    let answers: serde_json::Map<String, Value> =
        (0..mix.below(5)).map(|_| ((*mix.pick(&YES_ITEMS)).to_owned(), Value::Bool(true))).collect();
    json!({
        "channel": channel.as_str(),
        "categories": categories,
        "triage": {"answers": answers, "incidents_past_year": mix.below(5)},
        "region": mix.pick(&REGIONS).code,
        "locality": format!("Synthetic district {}", mix.below(50)),
        "language": language,
        "narrative": narrative,
        "reporter": reporter,
        "victims": victims,
        "perpetrators": perpetrators,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::complaint::ComplaintInput;

    #[test]
    fn every_synthetic_complaint_is_valid_and_they_vary() {
        let now = time::macros::datetime!(2026-11-25 10:00 UTC);
        let taxonomy = crate::taxonomy::Taxonomy::embedded();
        let mut regions = std::collections::HashSet::new();
        for seed in 0..500 {
            let body = complaint_json(seed, None);
            let c = ComplaintInput::from_json(body.to_string().as_bytes()).unwrap().validate(now, &taxonomy).unwrap();
            regions.insert(c.region.code);
        }
        assert!(regions.len() > 15, "only {} regions", regions.len());
        assert_eq!(complaint_json(7, None), complaint_json(7, None));
        assert_ne!(complaint_json(7, None), complaint_json(8, None));
    }
}
