use super::*;
use crate::complaint::Sex;
use crate::iin::Iin;
use proptest::prelude::*;
use std::sync::OnceLock;
use time::macros::date;

fn agencies() -> &'static AgencyDirectory {
    static AGENCIES: OnceLock<AgencyDirectory> = OnceLock::new();
    AGENCIES.get_or_init(AgencyDirectory::embedded)
}

const HEADER: &str = "bin,kind,name,region,locality,education_department";
/// A good row, on line 2 of a file with [`HEADER`].
const GOOD: &str = "120340001230,school,School No. 7 (demo),KZ-71,Astana,kz-71-education-department";

fn import(text: &str) -> ImportReport {
    parse_csv(text, agencies()).expect("the header is good")
}

/// The `(field, code)` of every problem of every refused row, by line.
fn refusals(report: &ImportReport) -> Vec<(usize, Vec<(String, &'static str)>)> {
    report.refused.iter().map(|r| (r.line, r.problems.iter().map(|p| (p.field.clone(), p.code)).collect())).collect()
}

fn codes(error: Error) -> Vec<(String, &'static str)> {
    match error {
        Error::Validation(errors) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
        other => panic!("not a validation error: {other:?}"),
    }
}

// --- BIN ---

#[test]
fn valid_bins() {
    for text in ["120340001230", "071140005673", "990850000017", " 150261000427 ", "120340000507"] {
        assert_eq!(Bin::parse(text).map(|b| b.as_str().to_owned()), Ok(text.trim().to_owned()), "{text}");
    }
}

#[test]
fn invalid_bins_say_why() {
    let cases = [
        ("", BinError::NotDigits),
        ("12034000123a", BinError::NotDigits),
        ("1203-4000-1230", BinError::NotDigits),
        ("12034000123", BinError::Length),
        ("1203400012300", BinError::Length),
        // A spreadsheet that dropped the leading zero of a BIN of 2007.
        ("71140005673", BinError::Length),
        ("120310001230", BinError::EntityType),
        ("120370001230", BinError::EntityType),
        ("120340001231", BinError::CheckDigit),
        // Two digits swapped.
        ("120340002130", BinError::CheckDigit),
    ];
    for (text, expected) in cases {
        assert_eq!(Bin::parse(text), Err(expected), "{text:?}");
    }
}

#[test]
fn like_the_iin_check_a_changed_11th_digit_can_go_unseen() {
    // Digit 11 weighs 11 ≡ 0 (mod 11) in the first sum: when that sum decides, any digit 11
    // gives a valid number. The check catches typos, not every typo.
    assert!(Bin::parse("120340001230").is_ok());
    assert!(Bin::parse("120340001240").is_ok());
}

#[test]
fn no_last_digit_makes_a_bin_when_both_sums_give_ten() {
    for last in 0..=9 {
        assert_eq!(Bin::parse(&format!("12034000057{last}")), Err(BinError::CheckDigit));
    }
}

#[test]
fn an_iin_is_never_taken_for_a_bin() {
    for (born, sex, serial) in [(date!(1985 - 03 - 14), Sex::Female, 123), (date!(2010 - 12 - 31), Sex::Male, 9)] {
        let iin = Iin::synthetic(born, sex, serial).unwrap();
        assert_eq!(Bin::parse(iin.as_str()), Err(BinError::EntityType));
    }
}

#[test]
fn bin_error_codes_are_stable() {
    let all = [BinError::NotDigits, BinError::Length, BinError::EntityType, BinError::CheckDigit];
    assert_eq!(all.map(BinError::code), ["not_digits", "length", "entity_type", "check_digit"]);
}

#[test]
fn synthetic_bins_have_month_zero_and_stop_at_ten_million() {
    let bin = Bin::synthetic(1_234_567).unwrap();
    assert_eq!(&bin.as_str()[..6], "120040");
    assert_eq!(&bin.as_str()[6..11], "34567");
    assert_eq!(Bin::synthetic(10_000_000), None);
    let missing = (0..1000).filter(|s| Bin::synthetic(*s).is_none()).count();
    assert!((1..30).contains(&missing), "{missing} serials of 1000 have no check digit");
}

// --- one institution ---

fn input(fields: [&str; 6]) -> InstitutionInput {
    let [bin, kind, name, region, locality, department] = fields.map(|f| Some(Value::String(f.to_owned())));
    InstitutionInput { bin, kind, name, region, locality, education_department: department }
}

#[test]
fn a_valid_input_becomes_an_institution() {
    let fields = ["120340001230", " kindergarten ", "Kindergarten No. 3 (demo)", "KZ-10", "Semey", "kz-10-education-department"];
    let institution = input(fields).validate(agencies()).unwrap();
    assert_eq!(institution.bin.as_str(), "120340001230");
    assert_eq!(institution.kind, InstitutionKind::Kindergarten);
    assert_eq!(institution.region.code, "KZ-10");
    assert_eq!(institution.education_department, "kz-10-education-department");
    let json = serde_json::to_value(&institution).unwrap();
    assert_eq!(json["region"], "KZ-10");
    assert_eq!(json["bin"], "120340001230");
    assert_eq!(json["kind"], "kindergarten");
}

#[test]
fn every_bad_field_is_reported_at_once_without_its_value() {
    let secret = "Sensitive Text 42";
    let error = input([secret, secret, "", secret, &"x".repeat(201), secret]).validate(agencies()).unwrap_err();
    let Error::Validation(errors) = &error else { panic!("{error:?}") };
    assert!(errors.iter().all(|e| !e.message.contains(secret)), "{errors:?}");
    assert_eq!(
        codes(error),
        [
            ("bin".into(), "invalid_bin"),
            ("kind".into(), "unknown_value"),
            ("name".into(), "required"),
            ("region".into(), "unknown_value"),
            ("locality".into(), "too_long"),
            ("education_department".into(), "unknown_agency"),
        ]
    );
    let empty = InstitutionInput::default().validate(agencies()).unwrap_err();
    assert!(codes(empty).iter().all(|(_, code)| *code == "required"));
}

#[test]
fn the_education_department_must_be_one_of_the_region() {
    let cases = [
        ("kz-71-education-department", "KZ-71", None),
        ("kz-71-police", "KZ-71", Some("not_education_department")),
        ("kz-75-education-department", "KZ-71", Some("other_region")),
        ("kz-99-education-department", "KZ-71", Some("unknown_agency")),
        // With no valid region, only the department's own checks apply.
        ("kz-75-education-department", "KZ-99", None),
    ];
    for (department, region, expected) in cases {
        let result = input(["120340001230", "school", "School (demo)", region, "Town", department]).validate(agencies());
        let problem = result
            .err()
            .map(codes)
            .and_then(|c| c.into_iter().find(|(field, _)| field == "education_department"))
            .map(|(_, code)| code);
        assert_eq!(problem, expected, "{department} in {region}");
    }
}

#[test]
fn kinds_round_trip() {
    assert_eq!(InstitutionKind::codes(), "school, college, kindergarten");
    for kind in InstitutionKind::ALL {
        assert_eq!(InstitutionKind::parse(kind.as_str()), Some(*kind));
    }
}

#[test]
fn name_keys_fold_case_yo_and_spaces() {
    assert_eq!(name_key("  Школа-гимназия   №1 «Болашақ» "), "школа-гимназия №1 «болашақ»");
    assert_eq!(name_key("ЁЛОЧКА"), "елочка");
    assert_eq!(name_key("ÄӘІ School"), "äәі school");
}

// --- CSV import ---

#[test]
fn a_good_file_is_accepted_whole() {
    let text = format!(
        "{HEADER}\n{GOOD}\n071140005673,college,\"College No. 2, \"\"Bolashak\"\" (demo)\",KZ-75,Almaty,kz-75-education-department\n"
    );
    let report = import(&text);
    assert_eq!(report.refused, []);
    let names: Vec<&str> = report.accepted.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["School No. 7 (demo)", "College No. 2, \"Bolashak\" (demo)"]);
}

#[test]
fn columns_in_any_order_and_case_with_a_bom_crlf_extra_columns_and_blank_lines() {
    let text = "\u{feff}Notes,EDUCATION_DEPARTMENT,locality,region,name,kind, BIN \r\n\r\n\
                just a note,kz-71-education-department,Astana,KZ-71,School No. 7 (demo),school,120340001230\r\n,,,,,,\r\n";
    let report = import(text);
    assert_eq!(report.refused, []);
    assert_eq!(report.accepted.len(), 1);
    assert_eq!(report.accepted[0].locality, "Astana");
}

#[test]
fn a_semicolon_file_from_a_russian_excel_reads_too() {
    let text = format!("{}\n{}\n", HEADER.replace(',', ";"), GOOD.replace(',', ";"));
    assert_eq!(import(&text).accepted.len(), 1);
}

#[test]
fn every_reason_a_row_is_refused() {
    let rows = [
        // line 2: accepted
        GOOD,
        // 3: the same BIN again
        "120340001230,college,Another (demo),KZ-71,Astana,kz-71-education-department",
        // 4: a bad BIN, an unknown kind, no name
        "120340001231,university,,KZ-71,Astana,kz-71-education-department",
        // 5: an unknown region, no locality
        "990850000017,school,School (demo),KZ-00,,kz-71-education-department",
        // 6: another region's department
        "150261000427,school,School (demo),KZ-71,Astana,kz-75-education-department",
        // 7: a department that is not one
        "120340000507,school,School (demo),KZ-71,Astana,kz-71-police",
        // 8: too few fields, then 9: too many (an unquoted comma in the name)
        "120340000507,school",
        "120340000507,school,School No. 1, Astana (demo),KZ-71,Astana,kz-71-education-department",
        // 10: text after a closing quote
        "120340000507,\"school\"x,School (demo),KZ-71,Astana,kz-71-education-department",
    ];
    let report = import(&format!("{HEADER}\n{}\n", rows.join("\n")));
    assert_eq!(report.accepted.len(), 1);
    let row = |field: &str, code| (field.to_owned(), code);
    assert_eq!(
        refusals(&report),
        [
            (3, vec![row("bin", "duplicate")]),
            (4, vec![row("bin", "invalid_bin"), row("kind", "unknown_value"), row("name", "required")]),
            (5, vec![row("region", "unknown_value"), row("locality", "required")]),
            (6, vec![row("education_department", "other_region")]),
            (7, vec![row("education_department", "not_education_department")]),
            (8, vec![row("row", "field_count")]),
            (9, vec![row("row", "field_count")]),
            (10, vec![row("row", "text_after_quote")]),
        ]
    );
    let bins: Vec<Option<&str>> = report.refused.iter().map(|r| r.bin.as_ref().map(Bin::as_str)).collect();
    assert_eq!(bins[..4], [Some("120340001230"), None, Some("990850000017"), Some("150261000427")]);
}

#[test]
fn a_duplicate_is_refused_even_when_the_first_row_was() {
    let first = "120340001230,school,,KZ-71,Astana,kz-71-education-department";
    let report = import(&format!("{HEADER}\n{first}\n{GOOD}\n"));
    assert_eq!(report.accepted, []);
    assert_eq!(refusals(&report), [(2, vec![("name".to_owned(), "required")]), (3, vec![("bin".to_owned(), "duplicate")])]);
    assert_eq!(report.refused[1].problems[0].message, "the same BIN is on line 2");
}

#[test]
fn an_unclosed_quote_refuses_the_rest_of_the_file_as_one_row() {
    let report = import(&format!("{HEADER}\n{GOOD}\n120340000507,\"school,x\n{GOOD}\n"));
    assert_eq!(report.accepted.len(), 1);
    assert_eq!(refusals(&report), [(3, vec![("row".to_owned(), "unclosed_quote")])]);
}

#[test]
fn a_file_without_the_columns_is_refused_whole() {
    let cases: [(&str, Vec<(String, &str)>); 4] = [
        ("", vec![("header".into(), "missing_header")]),
        ("\u{feff}\r\n\r\n", vec![("header".into(), "missing_header")]),
        (
            "bin,kind,name,region\n",
            vec![("locality".into(), "missing_column"), ("education_department".into(), "missing_column")],
        ),
        ("bin,kind,name,region,locality,education_department,Kind\n", vec![("kind".into(), "duplicate_column")]),
    ];
    for (text, expected) in cases {
        assert_eq!(parse_csv(text, agencies()).map_err(codes), Err(expected), "{text:?}");
    }
    assert_eq!(parse_csv("\"bin,kind\n", agencies()).map_err(codes), Err(vec![("header".into(), "unclosed_quote")]));
}

#[test]
fn a_header_alone_is_an_empty_import() {
    assert_eq!(import(&format!("{HEADER}\n")), ImportReport::default());
}

#[test]
fn refusals_never_repeat_a_value() {
    let secret = "9999 Secret";
    let row = format!("{secret},{secret},{secret},{secret},{secret},{secret}");
    let report = import(&format!("{HEADER}\n{row}\n\"{secret}\"x\n{secret}\n"));
    assert_eq!(report.refused.len(), 3);
    let text = serde_json::to_string(&report).unwrap();
    assert!(!text.contains("Secret") && !text.contains("9999"), "{text}");
}

// --- synthetic ---

#[test]
fn synthetic_institutions_are_valid_distinct_marked_and_stable() {
    let institutions = synthetic(agencies());
    assert_eq!(institutions.len(), 4 * crate::region::REGIONS.len());
    assert_eq!(institutions, synthetic(agencies()));
    let text = to_csv(&institutions);
    let report = import(&text);
    assert_eq!(report.refused, [], "every synthetic institution passes the import");
    assert_eq!(report.accepted, institutions);
    for institution in &institutions {
        assert!(institution.name.ends_with("(demo)"), "{}", institution.name);
        assert_eq!(&institution.bin.as_str()[2..4], "00");
    }
    for kind in InstitutionKind::ALL {
        assert!(institutions.iter().any(|i| i.kind == *kind));
    }
}

/// A CSV writer for the tests: every field quoted, quotes doubled.
fn to_csv(institutions: &[Institution]) -> String {
    let mut text = format!("{HEADER}\r\n");
    for i in institutions {
        let fields = [i.bin.as_str(), i.kind.as_str(), &i.name, i.region.code, &i.locality, &i.education_department];
        text += &csv_line(&fields);
    }
    text
}

fn csv_line(fields: &[&str]) -> String {
    let quoted: Vec<String> = fields.iter().map(|f| format!("\"{}\"", f.replace('"', "\"\""))).collect();
    format!("{}\r\n", quoted.join(","))
}

proptest! {
    /// Whatever a name holds (commas, quotes, line breaks, Cyrillic), quoting carries it through.
    #[test]
    fn quoted_names_come_back_exactly(name in "[ a-zA-Zа-яА-ЯәіңғүұқөһӘІ0-9,\"\r\n№«»-]{1,60}") {
        prop_assume!(!name.trim().is_empty());
        let line = csv_line(&["120340001230", "school", &name, "KZ-71", "Astana", "kz-71-education-department"]);
        let report = import(&format!("{HEADER}\n{line}"));
        prop_assert_eq!(report.refused, vec![]);
        prop_assert_eq!(&report.accepted[0].name, name.trim());
    }

    #[test]
    fn synthetic_bins_parse(serial in 0..10_000_000u32) {
        if let Some(bin) = Bin::synthetic(serial) {
            prop_assert_eq!(Bin::parse(bin.as_str()), Ok(bin));
        }
    }
}
