//! The closed lists of a complaint, each value with its stable code (as stored, and as
//! the API and translation keys spell it).

/// Defines a closed list with its codes, `ALL`, `as_str` and `parse`, and serde by code.
macro_rules! code_list {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        pub enum $name { $($(#[$vdoc])* #[serde(rename = $code)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            /// The codes, for error messages: `a, b, c`.
            pub fn codes() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }
    };
}
pub(crate) use code_list;

code_list! {
    /// The door a complaint came in by.
    Channel {
        Phone = "phone", Web = "web", Messenger = "messenger", Sms = "sms", Email = "email",
        School = "school", Qr = "qr", WalkIn = "walk_in", AgencyReferral = "agency_referral",
    }
}

impl Channel {
    /// Doors open to anyone without an account: the web form and the QR codes in schools.
    pub fn is_public(self) -> bool {
        matches!(self, Channel::Web | Channel::Qr)
    }
}

code_list! {
    /// A language Qorgau speaks.
    Language { Kk = "kk", Ru = "ru", En = "en" }
}

impl Language {
    pub const DEFAULT: Language = Language::Kk;
}

code_list! {
    #[derive(Default)]
    Sex { Female = "female", Male = "male", #[default] Unknown = "unknown" }
}

code_list! {
    /// How one person is related to the victim (`itself` when the reporter is the victim).
    #[derive(Default)]
    Relation {
        Itself = "self", Mother = "mother", Father = "father", StepParent = "step_parent",
        Guardian = "guardian", Sibling = "sibling", Grandparent = "grandparent",
        OtherRelative = "other_relative", Spouse = "spouse", FormerSpouse = "former_spouse",
        Partner = "partner", FormerPartner = "former_partner", Child = "child",
        Teacher = "teacher", Classmate = "classmate", Neighbour = "neighbour",
        Acquaintance = "acquaintance", Stranger = "stranger", Other = "other", #[default] Unknown = "unknown",
    }
}

code_list! {
    /// Where a complaint stands. Later capabilities add the rest of its life.
    Status {
        Received = "received",
        /// Worked and closed; its personal fields are erased once past the retention period.
        Closed = "closed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(*c));
            assert_eq!(serde_json::to_string(c).unwrap(), format!("\"{}\"", c.as_str()));
        }
        for r in Relation::ALL {
            assert_eq!(Relation::parse(r.as_str()), Some(*r));
        }
        assert_eq!(Channel::ALL.len(), 9);
        assert_eq!(Channel::parse("fax"), None);
    }

    #[test]
    fn only_web_and_qr_are_public() {
        let public: Vec<_> = Channel::ALL.iter().filter(|c| c.is_public()).collect();
        assert_eq!(public, [&Channel::Web, &Channel::Qr]);
    }
}
