//! What arrives from the API, the web form or an integration, and its validation.
//!
//! Fields are read as loose JSON values, so that a wrong type in one field is reported
//! next to every other bad field instead of failing the whole request at the first one.
//!
//! Personal fields (names, the address, IINs) are all optional: a frightened reporter who
//! gives none of them must still get through. An IIN that is given is checked (see
//! [`crate::iin`]), so that a typo is caught while the reporter can still be asked again,
//! and is kept as its 12 digits.

use super::codes::{Channel, Language, Relation, Sex};
use super::{NewComplaint, Perpetrator, Reporter, ReporterContact, Victim};
use crate::error::{Error, Errors};
use crate::iin::Iin;
use crate::input::{Reader, present};
use crate::region::Region;
use crate::taxonomy::Taxonomy;
use crate::triage::Answers;
use serde::Deserialize;
use serde_json::Value;
use time::OffsetDateTime;
use utoipa::ToSchema;

/// The limits of a complaint's fields, documented in the API and enforced here.
pub mod limits {
    pub const NARRATIVE_CHARS: usize = 10_000;
    pub const SHORT_TEXT_CHARS: usize = 200;
    pub const ADDRESS_CHARS: usize = 500;
    pub const PEOPLE: usize = 20;
    pub const MAX_AGE: i64 = 120;
    pub const EARLIEST_BIRTH_YEAR: i64 = 1900;
    pub const CATEGORIES: usize = 10;
}

/// A complaint as submitted. Only `channel`, `region`, `language` and `narrative` are
/// required; a missing `reporter` means an anonymous one.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(example = json!({"channel":"web","region":"KZ-71","language":"ru","narrative":"…","reporter":{"anonymous":true},"victims":[{"age":9,"sex":"female"}]}))]
pub struct ComplaintInput {
    /// phone, web, messenger, sms, email, school, qr, walk_in, agency_referral
    #[schema(value_type = String)]
    pub channel: Option<Value>,
    /// ISO 3166-2:KZ code, e.g. `KZ-71`.
    #[schema(value_type = String)]
    pub region: Option<Value>,
    /// Town, district or village, up to 200 characters.
    #[schema(value_type = Option<String>)]
    pub locality: Option<Value>,
    /// Where the victim can be found (street, house, flat, landmarks), up to 500 characters.
    #[schema(value_type = Option<String>, example = "Synthetic street 1, flat 2")]
    pub address: Option<Value>,
    /// kk, ru or en: the language the reporter speaks.
    #[schema(value_type = String)]
    pub language: Option<Value>,
    /// What happened, in the reporter's words; up to 10,000 characters.
    #[schema(value_type = String)]
    pub narrative: Option<Value>,
    #[schema(value_type = Option<ReporterInput>)]
    pub reporter: Option<Value>,
    /// Up to 20.
    #[schema(value_type = Option<Vec<VictimInput>>)]
    pub victims: Option<Value>,
    /// Up to 20.
    #[schema(value_type = Option<Vec<PerpetratorInput>>)]
    pub perpetrators: Option<Value>,
    /// Category codes of `GET /api/v1/taxonomy`, the primary first; up to 10. When none are
    /// given, they are suggested from the triage answers.
    #[schema(value_type = Option<Vec<String>>)]
    pub categories: Option<Value>,
    /// The risk questionnaire's answers.
    #[schema(value_type = Option<crate::triage::TriageInput>)]
    pub triage: Option<Value>,
}

/// The reporter. With `anonymous: true`, no name, phone or IIN may be given.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ReporterInput {
    #[schema(value_type = Option<bool>)]
    pub anonymous: Option<Value>,
    #[schema(value_type = Option<String>)]
    pub name: Option<Value>,
    /// A Kazakhstan number (`+7 701 123 45 67`, `8 701 …`) or any E.164 number.
    #[schema(value_type = Option<String>)]
    pub phone: Option<Value>,
    /// The reporter's IIN: 12 digits (spaces or hyphens may separate them) with a real date
    /// of birth and a matching check digit.
    #[schema(value_type = Option<String>)]
    pub iin: Option<Value>,
    /// The reporter's relation to the victim (`self` if they are the victim).
    #[schema(value_type = Option<String>)]
    pub relation: Option<Value>,
    /// Needs a phone.
    #[schema(value_type = Option<bool>)]
    pub consent_to_contact: Option<Value>,
    /// Whether calling is safe (the abuser may hold the phone). Default false.
    #[schema(value_type = Option<bool>)]
    pub safe_to_contact: Option<Value>,
    #[schema(value_type = Option<String>)]
    pub safe_contact_time: Option<Value>,
}

/// A person harmed. Give the age or the birth year if known; `minor` alone when only that
/// much is known.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct VictimInput {
    /// Up to 200 characters.
    #[schema(value_type = Option<String>)]
    pub name: Option<Value>,
    /// 12 digits (spaces or hyphens may separate them) with a real date of birth and a
    /// matching check digit. With neither `age` nor `birth_year`, the birth year is read
    /// from it.
    #[schema(value_type = Option<String>)]
    pub iin: Option<Value>,
    #[schema(value_type = Option<u8>)]
    pub age: Option<Value>,
    #[schema(value_type = Option<u16>)]
    pub birth_year: Option<Value>,
    /// female, male, unknown
    #[schema(value_type = Option<String>)]
    pub sex: Option<Value>,
    #[schema(value_type = Option<bool>)]
    pub minor: Option<Value>,
    #[schema(value_type = Option<bool>)]
    pub disability: Option<Value>,
}

/// A person alleged to have done harm.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct PerpetratorInput {
    /// Up to 200 characters.
    #[schema(value_type = Option<String>)]
    pub name: Option<Value>,
    /// Their relation to the victim.
    #[schema(value_type = Option<String>)]
    pub relation: Option<Value>,
    #[schema(value_type = Option<String>)]
    pub sex: Option<Value>,
}

impl ComplaintInput {
    /// Reads a request body. A body that is not a JSON object is one field error (`body`).
    pub fn from_json(body: &[u8]) -> Result<Self, Error> {
        crate::input::from_json(body)
    }

    /// Checks every field and builds the complaint, or reports every bad field.
    /// `now` is the time of receipt (for ages from birth years).
    pub fn validate(self, now: OffsetDateTime, taxonomy: &Taxonomy) -> Result<NewComplaint, Error> {
        let mut errors = Errors::default();
        let mut read = Reader { errors: &mut errors, today: crate::clock::local(now).date() };
        let channel = read.required(self.channel, "channel", |r, v, f| r.code(v, f, Channel::parse, Channel::codes));
        let region = read
            .required(self.region, "region", |r, v, f| r.code(v, f, Region::by_code, || "KZ-10 … KZ-79 (ISO 3166-2:KZ)".into()));
        let language = read.required(self.language, "language", |r, v, f| r.code(v, f, Language::parse, Language::codes));
        let narrative = read.required(self.narrative, "narrative", |r, v, f| r.text(v, f, limits::NARRATIVE_CHARS));
        let locality = read.optional(self.locality, "locality", |r, v, f| r.text(v, f, limits::SHORT_TEXT_CHARS));
        let address = read.optional(self.address, "address", |r, v, f| r.text(v, f, limits::ADDRESS_CHARS));
        let reporter = read.reporter(self.reporter);
        let year = i64::from(now.year());
        let victims = read.list(self.victims, "victims", |r, v: VictimInput, f| r.victim(v, f, year));
        let perpetrators = read.list(self.perpetrators, "perpetrators", |r, v: PerpetratorInput, f| r.perpetrator(v, f));
        let categories = read.categories(self.categories, taxonomy);
        let answers = Answers::read(self.triage, "triage", read.errors);
        errors.finish(|| NewComplaint {
            channel: channel.expect("checked"),
            region: region.expect("checked"),
            locality,
            address,
            language: language.expect("checked"),
            narrative: narrative.expect("checked"),
            reporter: reporter.expect("checked"),
            victims: victims.expect("checked"),
            perpetrators: perpetrators.expect("checked"),
            categories: categories.expect("checked"),
            answers: answers.expect("checked"),
        })
    }
}

impl Reader<'_> {
    fn boolean(&mut self, value: Value, field: &str) -> Option<bool> {
        let b = value.as_bool();
        if b.is_none() {
            self.errors.push(field, "expected_boolean", "expected true or false");
        }
        b
    }

    /// A list of objects, each read by `read`; `Some(vec![])` when absent.
    fn list<I: for<'de> Deserialize<'de>, T>(
        &mut self,
        value: Option<Value>,
        field: &str,
        mut read: impl FnMut(&mut Self, I, &str) -> Option<T>,
    ) -> Option<Vec<T>> {
        let items = match present(value) {
            None => return Some(Vec::new()),
            Some(Value::Array(items)) => items,
            Some(_) => {
                self.errors.push(field, "expected_list", "expected a list");
                return None;
            }
        };
        if items.len() > limits::PEOPLE {
            self.errors.push(field, "too_many", format!("at most {}", limits::PEOPLE));
            return None;
        }
        let mut out = Vec::with_capacity(items.len());
        let mut all_good = true;
        for (i, item) in items.into_iter().enumerate() {
            let path = format!("{field}[{i}]");
            let parsed = match item {
                Value::Object(_) => serde_json::from_value::<I>(item).ok(),
                _ => None,
            };
            match parsed.and_then(|input| read(self, input, &path)) {
                Some(t) => out.push(t),
                None => {
                    if self.errors_at(&path) == 0 {
                        self.errors.push(path, "expected_object", "expected an object");
                    }
                    all_good = false;
                }
            }
        }
        all_good.then_some(out)
    }

    fn errors_at(&self, path: &str) -> usize {
        self.errors.count_under(path)
    }

    fn reporter(&mut self, value: Option<Value>) -> Option<Reporter> {
        let mut input = match present(value) {
            None => return Some(Reporter::Anonymous),
            Some(v @ Value::Object(_)) => serde_json::from_value::<ReporterInput>(v).unwrap_or_default(),
            Some(_) => {
                self.errors.push("reporter", "expected_object", "expected an object");
                return None;
            }
        };
        let before = self.errors.len();
        let anonymous = self.optional(input.anonymous.take(), "reporter.anonymous", Self::boolean);
        let contact = self.contact(input);
        if self.errors.len() > before {
            return None;
        }
        self.reporter_kind(anonymous, contact)
    }

    fn contact(&mut self, input: ReporterInput) -> ReporterContact {
        ReporterContact {
            name: self.optional(input.name, "reporter.name", |r, v, f| r.text(v, f, limits::SHORT_TEXT_CHARS)),
            phone: self.optional(input.phone, "reporter.phone", Self::phone),
            iin: self.optional(input.iin, "reporter.iin", Self::iin).map(|iin| iin.as_str().to_owned()),
            relation: self
                .optional(input.relation, "reporter.relation", |r, v, f| r.code(v, f, Relation::parse, Relation::codes)),
            consent_to_contact: self
                .optional(input.consent_to_contact, "reporter.consent_to_contact", Self::boolean)
                .unwrap_or(false),
            safe_to_contact: self.optional(input.safe_to_contact, "reporter.safe_to_contact", Self::boolean).unwrap_or(false),
            safe_contact_time: self.optional(input.safe_contact_time, "reporter.safe_contact_time", |r, v, f| {
                r.text(v, f, limits::SHORT_TEXT_CHARS)
            }),
        }
    }

    /// Anonymous or identified, by what was said and given; an error when they disagree.
    fn reporter_kind(&mut self, anonymous: Option<bool>, contact: ReporterContact) -> Option<Reporter> {
        let identifies = contact.name.is_some() || contact.phone.is_some() || contact.iin.is_some();
        match anonymous {
            Some(true) if identifies => {
                self.errors.push("reporter.anonymous", "conflict", "an anonymous reporter gives no name, phone or IIN");
                None
            }
            Some(true) => Some(Reporter::Anonymous),
            None if !identifies && !contact.consent_to_contact => Some(Reporter::Anonymous),
            _ if !identifies => {
                self.errors.push("reporter.name", "required", "give a name or a phone number, or stay anonymous");
                None
            }
            _ if contact.consent_to_contact && contact.phone.is_none() => {
                self.errors.push("reporter.phone", "required", "a phone number is needed to be contacted");
                None
            }
            _ => Some(Reporter::Identified(contact)),
        }
    }

    /// A phone number in E.164: Kazakhstan's `8 7XX …` and `7XX…` forms become `+7…`.
    fn phone(&mut self, value: Value, field: &str) -> Option<String> {
        let raw = self.text(value, field, limits::SHORT_TEXT_CHARS)?;
        let normalised = normalise_phone(&raw);
        if normalised.is_none() {
            self.errors.push(field, "invalid_phone", "expected a phone number such as +7 701 123 45 67");
        }
        normalised
    }

    /// An IIN, checked (see [`crate::iin`]).
    fn iin(&mut self, value: Value, field: &str) -> Option<Iin> {
        let raw = self.text(value, field, limits::SHORT_TEXT_CHARS)?;
        Iin::parse(&raw).map_err(|e| self.errors.push(field, "invalid_iin", e.to_string())).ok()
    }

    fn victim(&mut self, input: VictimInput, path: &str, year: i64) -> Option<Victim> {
        let before = self.errors.len();
        let at = |name: &str| format!("{path}.{name}");
        let name = self.optional(input.name, &at("name"), |r, v, f| r.text(v, f, limits::SHORT_TEXT_CHARS));
        let iin = self.optional(input.iin, &at("iin"), Self::iin);
        let age = self.optional(input.age, &at("age"), |r, v, f| r.integer(v, f, 0, limits::MAX_AGE));
        let birth_year =
            self.optional(input.birth_year, &at("birth_year"), |r, v, f| r.integer(v, f, limits::EARLIEST_BIRTH_YEAR, year));
        let sex = self.optional(input.sex, &at("sex"), |r, v, f| r.code(v, f, Sex::parse, Sex::codes));
        let stated_minor = self.optional(input.minor, &at("minor"), Self::boolean);
        let disability = self.optional(input.disability, &at("disability"), Self::boolean);
        if self.errors.len() > before {
            return None;
        }
        let birth_year = match (age, birth_year, &iin) {
            (None, None, Some(iin)) => birth_year_of(iin, year),
            _ => birth_year,
        };
        let minor = self.minor(path, year, (age, birth_year), stated_minor)?;
        Some(Victim {
            name,
            iin: iin.map(|iin| iin.as_str().to_owned()),
            age: age.map(|a| a as u8),
            birth_year: birth_year.map(|b| b as u16),
            sex: sex.unwrap_or_default(),
            minor,
            disability,
        })
    }

    /// Whether a victim is a minor, from the age or birth year, else as stated; `None` (an
    /// error pushed) when these disagree.
    fn minor(
        &mut self,
        path: &str,
        year: i64,
        (age, birth_year): (Option<i64>, Option<i64>),
        stated: Option<bool>,
    ) -> Option<Option<bool>> {
        if let (Some(age), Some(born)) = (age, birth_year)
            && (year - born - age).abs() > 1
        {
            self.errors.push(format!("{path}.birth_year"), "conflict", "the age and the birth year disagree");
            return None;
        }
        let derived = age.map(|a| a < 18).or(birth_year.map(|b| year - b <= 18));
        if let (Some(derived), Some(stated)) = (derived, stated)
            && derived != stated
        {
            self.errors.push(format!("{path}.minor"), "conflict", "the age says otherwise");
            return None;
        }
        Some(derived.or(stated))
    }

    /// Category codes that exist, each once, primary first.
    fn categories(&mut self, value: Option<Value>, taxonomy: &Taxonomy) -> Option<Vec<String>> {
        let items = match present(value) {
            None => return Some(Vec::new()),
            Some(Value::Array(items)) => items,
            Some(_) => {
                self.errors.push("categories", "expected_list", "expected a list of category codes");
                return None;
            }
        };
        if items.len() > limits::CATEGORIES {
            self.errors.push("categories", "too_many", format!("at most {}", limits::CATEGORIES));
            return None;
        }
        let before = self.errors.len();
        let mut codes: Vec<String> = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match item.as_str().filter(|c| taxonomy.get(c).is_some()) {
                Some(code) if codes.iter().any(|c| c == code) => {
                    self.errors.push(format!("categories[{i}]"), "duplicate", "this category is already listed")
                }
                Some(code) => codes.push(code.to_owned()),
                None => self.errors.push(format!("categories[{i}]"), "unknown_value", "not a category of the taxonomy"),
            }
        }
        (self.errors.len() == before).then_some(codes)
    }

    fn perpetrator(&mut self, input: PerpetratorInput, path: &str) -> Option<Perpetrator> {
        let before = self.errors.len();
        let name = self.optional(input.name, &format!("{path}.name"), |r, v, f| r.text(v, f, limits::SHORT_TEXT_CHARS));
        let relation =
            self.optional(input.relation, &format!("{path}.relation"), |r, v, f| r.code(v, f, Relation::parse, Relation::codes));
        let sex = self.optional(input.sex, &format!("{path}.sex"), |r, v, f| r.code(v, f, Sex::parse, Sex::codes));
        (self.errors.len() == before).then(|| Perpetrator {
            name,
            relation: relation.unwrap_or_default(),
            sex: sex.unwrap_or_default(),
        })
    }
}

/// The year of an IIN's date of birth, if `birth_year` would accept it.
fn birth_year_of(iin: &Iin, year: i64) -> Option<i64> {
    let born = i64::from(iin.birth_date().year());
    (limits::EARLIEST_BIRTH_YEAR..=year).contains(&born).then_some(born)
}

/// A phone number in E.164: Kazakhstan's `8 7XX …` and `7XX…` forms become `+7…`; `None` if
/// it is not a phone number.
pub fn normalise_phone(raw: &str) -> Option<String> {
    let plus = raw.starts_with('+');
    let digits: String = raw.chars().filter(|c| c.is_ascii_digit()).collect();
    let allowed = raw.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
    if !allowed {
        return None;
    }
    let e164 = match (plus, digits.len(), digits.chars().next()) {
        (false, 11, Some('8')) => format!("+7{}", &digits[1..]),
        (false, 11, Some('7')) => format!("+{digits}"),
        (false, 10, Some('7')) => format!("+7{digits}"),
        (true, 8..=15, Some(first)) if first != '0' => format!("+{digits}"),
        _ => return None,
    };
    Some(e164)
}

#[cfg(test)]
mod tests;
