//! Translations (Fluent files under `locales/{kk,ru,en}`, embedded in the binary) and the
//! choice of a page's language: `?lang=`, then the `lang` cookie, then Accept-Language,
//! then Kazakh.

use domain::complaint::Language;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};

static_loader! {
    static LOCALES = {
        locales: "../../locales",
        fallback_language: "en",
        // No Unicode isolation marks: the text goes into HTML.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static KK: LanguageIdentifier = langid!("kk");
static RU: LanguageIdentifier = langid!("ru");
static EN: LanguageIdentifier = langid!("en");

/// Translates keys into one language.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub language: Language,
}

impl Tr {
    pub fn new(language: Language) -> Self {
        Self { language }
    }

    fn id(&self) -> &'static LanguageIdentifier {
        match self.language {
            Language::Kk => &KK,
            Language::Ru => &RU,
            Language::En => &EN,
        }
    }

    /// The text of `key`.
    pub fn t(&self, key: &str) -> String {
        LOCALES.lookup(self.id(), key)
    }

    /// The text of `key`, or `None` when no language has it.
    pub fn try_t(&self, key: &str) -> Option<String> {
        LOCALES.try_lookup(self.id(), key)
    }

    /// The text of `key` with one variable.
    pub fn t1(&self, key: &str, name: &'static str, value: impl ToString) -> String {
        self.tn(key, &[(name, value.to_string())])
    }

    /// The text of `key` with its variables.
    pub fn tn(&self, key: &str, values: &[(&'static str, String)]) -> String {
        let args: std::collections::HashMap<_, _> =
            values.iter().map(|(name, value)| ((*name).into(), value.clone().into())).collect();
        LOCALES.lookup_with_args(self.id(), key, &args)
    }

    /// `kk`, `ru` or `en`, for `<html lang>`.
    pub fn code(&self) -> &'static str {
        self.language.as_str()
    }
}

/// The language of a page.
pub fn negotiate(query: Option<&str>, cookie: Option<&str>, accept_language: Option<&str>) -> Language {
    query
        .and_then(Language::parse)
        .or_else(|| cookie.and_then(Language::parse))
        .or_else(|| accept_language.and_then(from_accept_language))
        .unwrap_or(Language::DEFAULT)
}

/// The first language we speak in an Accept-Language header, by its q-values.
fn from_accept_language(header: &str) -> Option<Language> {
    let mut ranked: Vec<(f32, Language)> = header
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next()?.trim().to_ascii_lowercase();
            let q = pieces.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse().ok()).unwrap_or(1.0);
            let primary = tag.split('-').next()?;
            Language::parse(primary).map(|l| (q, l))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranked.first().map(|(_, l)| *l)
}

/// Every key defined for each language, read from the embedded Fluent files (for the test
/// that no language lacks a key).
pub fn keys_by_language() -> Vec<(Language, std::collections::BTreeSet<String>)> {
    [
        (Language::Kk, include_str!("../../../locales/kk/main.ftl")),
        (Language::Ru, include_str!("../../../locales/ru/main.ftl")),
        (Language::En, include_str!("../../../locales/en/main.ftl")),
    ]
    .into_iter()
    .map(|(language, text)| {
        let keys = text
            .lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_owned()))
            .collect();
        (language, keys)
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_comes_from_query_then_cookie_then_header_then_kazakh() {
        let cases = [
            ((Some("ru"), Some("en"), Some("en")), Language::Ru),
            ((Some("xx"), Some("en"), Some("ru")), Language::En),
            ((None, None, Some("de-DE,ru;q=0.8,en;q=0.9")), Language::En),
            ((None, None, Some("ru-RU,ru;q=0.9")), Language::Ru),
            ((None, None, Some("de, fr")), Language::Kk),
            ((None, None, None), Language::Kk),
        ];
        for ((q, c, a), expected) in cases {
            assert_eq!(negotiate(q, c, a), expected, "{q:?} {c:?} {a:?}");
        }
    }

    #[test]
    fn every_language_has_every_key() {
        let all = keys_by_language();
        let (_, english) = &all[2];
        assert!(english.len() > 50, "only {} keys", english.len());
        for (language, keys) in &all {
            let missing: Vec<_> = english.difference(keys).collect();
            let extra: Vec<_> = keys.difference(english).collect();
            assert!(missing.is_empty() && extra.is_empty(), "{language:?} lacks {missing:?}, has extra {extra:?}");
        }
    }

    #[test]
    fn every_key_used_in_code_and_templates_is_defined() {
        let (_, english) = keys_by_language().pop().unwrap();
        let sources = crate::web::TRANSLATED_SOURCES;
        let mut used = std::collections::BTreeSet::new();
        for source in sources {
            let calls = [".t(\"", ".t1(\"", ".tn(\""];
            for quoted in calls.iter().flat_map(|call| source.split(call).skip(1)) {
                if let Some((key, _)) = quoted.split_once('"') {
                    used.insert(key.to_owned());
                }
            }
        }
        assert!(used.len() > 30, "found only {} keys in use", used.len());
        let undefined: Vec<_> = used.iter().filter(|k| !english.contains(*k)).collect();
        assert!(undefined.is_empty(), "used but not defined: {undefined:?}");
    }

    #[test]
    fn every_role_actor_step_status_and_action_has_words() {
        let (_, english) = keys_by_language().pop().unwrap();
        let roles = domain::policy::StaffRole::ALL.iter().map(|r| format!("staff-role-{}", r.as_str()));
        let actors = domain::audit::ActorType::ALL.iter().map(|a| format!("actor-{}", a.as_str()));
        let history = ["user", "token"].iter().map(|a| format!("history-by-{a}"));
        use domain::assignment::{ActionKind, AssignmentStatus, Step};
        let statuses = AssignmentStatus::ALL.iter().map(|s| format!("assignment-status-{}", s.as_str()));
        let steps = Step::ALL.iter().map(|s| format!("step-{}", s.as_str()));
        let actions = ActionKind::ALL.iter().map(|a| format!("action-{}", a.as_str()));
        let all = roles.chain(actors).chain(history).chain(statuses).chain(steps).chain(actions);
        let missing: Vec<_> = all.filter(|k| !english.contains(k)).collect();
        assert!(missing.is_empty(), "no words for {missing:?}");
    }
}
