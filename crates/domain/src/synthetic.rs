//! Synthetic complaints for demos, tests and benchmarks: varied, plausible, and about
//! nobody. Deterministic from a seed (this crate has no randomness of its own), so a test
//! or a benchmark run can be repeated.
//!
//! Names and addresses are marked synthetic and phone numbers use the reserved-looking
//! `+7 700 000 ….` range, so that nothing here can be mistaken for a real person's data.
//! IINs are built by [`Iin::synthetic`] from a random date and serial: they pass the check,
//! as the forms need, but IINs have no reserved range, so one may by chance equal a real
//! person's number. That is why an IIN here always comes with a name marked synthetic, and
//! why these complaints must never be mixed with real ones.

use crate::complaint::{Channel, Relation, Sex};
use crate::iin::Iin;
use crate::region::REGIONS;
use serde_json::{Value, json};
use time::macros::date;
use time::{Date, Duration};

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

    /// A name marked synthetic, e.g. `Synthetic Victim 42`.
    fn name(&mut self, role: &str) -> String {
        format!("Synthetic {role} {}", self.below(10_000))
    }

    /// A valid IIN for someone of `sex` born in the `years` years from `from`; `None` for
    /// `Sex::Unknown`, or in the one case in about 121 where the drawn serial has no check
    /// digit.
    fn iin(&mut self, sex: Sex, from: Date, years: usize) -> Option<String> {
        let born = from + Duration::days(self.below(years * 365) as i64);
        Iin::synthetic(born, sex, self.below(10_000) as u16).map(|iin| iin.as_str().to_owned())
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
    let victims: Vec<Value> = (0..1 + mix.below(3)).map(|_| victim(&mut mix)).collect();
    let perpetrators: Vec<Value> = (0..mix.below(3)).map(|_| perpetrator(&mut mix)).collect();
    let reporter = reporter(&mut mix);
    let categories: Vec<&str> = (0..mix.below(3)).map(|_| *mix.pick(&CATEGORIES)).fold(Vec::new(), |mut v, c| {
        if !v.contains(&c) {
            v.push(c);
        }
        v
    });
    let answers: serde_json::Map<String, Value> =
        (0..mix.below(5)).map(|_| ((*mix.pick(&YES_ITEMS)).to_owned(), Value::Bool(true))).collect();
    let address = mix.chance(50).then(|| format!("Synthetic street {}, flat {}", 1 + mix.below(200), 1 + mix.below(300)));
    json!({
        "channel": channel.as_str(),
        "categories": categories,
        "triage": {"answers": answers, "incidents_past_year": mix.below(5)},
        "region": mix.pick(&REGIONS).code,
        "locality": format!("Synthetic district {}", mix.below(50)),
        "address": address,
        "language": language,
        "narrative": narrative,
        "reporter": reporter,
        "victims": victims,
        "perpetrators": perpetrators,
    })
}

/// Victims with an IIN are born 1960–2019, so that the birth year read from it is never in
/// the future; reporters with one, 1950–2004.
#[rustfmt::skip] // keeps date!(YYYY-MM-DD) readable
const VICTIMS_BORN_FROM: Date = date!(1960-01-01);
#[rustfmt::skip] // keeps date!(YYYY-MM-DD) readable
const REPORTERS_BORN_FROM: Date = date!(1950-01-01);

/// A victim known by age, by IIN, or only as a minor; named when they have an IIN, and
/// sometimes otherwise.
fn victim(mix: &mut Mix) -> Value {
    let sex = *mix.pick(&[Sex::Female, Sex::Female, Sex::Male, Sex::Unknown]);
    let mut victim = match (mix.below(10), sex) {
        (0..=5, _) | (6..=7, Sex::Unknown) => json!({"age": mix.below(60), "disability": mix.chance(8)}),
        (6..=7, _) => json!({"iin": mix.iin(sex, VICTIMS_BORN_FROM, 60)}),
        _ => json!({"minor": true}),
    };
    victim["sex"] = sex.as_str().into();
    if victim["iin"].is_string() || mix.chance(30) {
        victim["name"] = mix.name("Victim").into();
    }
    victim
}

fn perpetrator(mix: &mut Mix) -> Value {
    let mut perpetrator =
        json!({"relation": mix.pick(Relation::ALL).as_str(), "sex": mix.pick(&[Sex::Male, Sex::Female]).as_str()});
    if mix.chance(30) {
        perpetrator["name"] = mix.name("Perpetrator").into();
    }
    perpetrator
}

/// Anonymous, or named with a phone and sometimes an IIN.
fn reporter(mix: &mut Mix) -> Value {
    if mix.chance(40) {
        return json!({"anonymous": true});
    }
    let sex = *mix.pick(&[Sex::Female, Sex::Male]);
    let iin = if mix.chance(30) { mix.iin(sex, REPORTERS_BORN_FROM, 55) } else { None };
    json!({
        "name": mix.name("Reporter"),
        "phone": format!("+7 700 000 {:02} {:02}", mix.below(100), mix.below(100)),
        "iin": iin,
        "relation": mix.pick(Relation::ALL).as_str(),
        "consent_to_contact": true,
        "safe_to_contact": mix.chance(70),
        "safe_contact_time": "after 18:00",
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

    /// How many of 500 complaints have each personal field.
    #[derive(Debug, Default)]
    struct Seen {
        addresses: usize,
        reporter_iins: usize,
        victim_names: usize,
        victim_iins: usize,
        named_perpetrators: usize,
        unnamed_perpetrators: usize,
    }

    /// Counts the personal fields of 500 complaints, checking each one on the way: names
    /// marked synthetic, and a victim's birth year read from their IIN.
    fn personal_fields() -> Seen {
        let now = time::macros::datetime!(2026-11-25 10:00 UTC);
        let taxonomy = crate::taxonomy::Taxonomy::embedded();
        let mut seen = Seen::default();
        let synthetic = |name: &Option<String>| name.as_deref().is_none_or(|n| n.starts_with("Synthetic "));
        for seed in 0..500 {
            let body = complaint_json(seed, None).to_string();
            let c = ComplaintInput::from_json(body.as_bytes()).unwrap().validate(now, &taxonomy).unwrap();
            seen.addresses += usize::from(c.address.as_deref().is_some_and(|a| a.starts_with("Synthetic street ")));
            if let crate::complaint::Reporter::Identified(r) = &c.reporter {
                assert!(synthetic(&r.name));
                seen.reporter_iins += usize::from(r.iin.is_some());
            }
            for v in &c.victims {
                assert!(synthetic(&v.name) && (v.iin.is_none() || v.name.is_some()));
                let by_iin = v.iin.as_deref().map(|i| Iin::parse(i).unwrap().birth_date().year() as u16);
                assert!(by_iin.is_none() || by_iin == v.birth_year, "the birth year comes from the IIN");
                seen.victim_names += usize::from(v.name.is_some());
                seen.victim_iins += usize::from(v.iin.is_some());
            }
            for p in &c.perpetrators {
                assert!(synthetic(&p.name));
                seen.named_perpetrators += usize::from(p.name.is_some());
                seen.unnamed_perpetrators += usize::from(p.name.is_none());
            }
        }
        seen
    }

    #[test]
    fn some_complaints_name_people_give_iins_and_an_address_all_synthetic() {
        let seen = personal_fields();
        let counts = [
            seen.addresses,
            seen.reporter_iins,
            seen.victim_names,
            seen.victim_iins,
            seen.named_perpetrators,
            seen.unnamed_perpetrators,
        ];
        assert!(counts.iter().all(|n| *n >= 30), "{seen:?}");
    }
}
