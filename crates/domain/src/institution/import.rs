//! The CSV import: a file in, the institutions it holds and the rows refused, with why.
//!
//! The header row names the columns ([`COLUMNS`], in any order, any case; other columns are
//! ignored, so a ministry's spreadsheet can keep its own notes). A header without one of them
//! refuses the whole file: no row could be read right. Each other row is validated on its own,
//! so one bad row never holds back the good ones; a BIN seen on an earlier line refuses the
//! later row (the file is ambiguous about which one is right).
//!
//! Pure: the text in, the report out. The caller decodes the upload (UTF-8) and stores the
//! accepted institutions.

use super::csv::{self, Record};
use super::{Bin, Institution, InstitutionInput};
use crate::error::{Error, FieldError};
use crate::routing::AgencyDirectory;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use utoipa::ToSchema;

/// The columns an import file must have.
pub const COLUMNS: [&str; 6] = ["bin", "kind", "name", "region", "locality", "education_department"];

/// What an import found: the institutions to store, and the rows refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct ImportReport {
    pub accepted: Vec<Institution>,
    pub refused: Vec<RefusedRow>,
}

/// A row that was not accepted, and every reason why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RefusedRow {
    /// The line of the file the row starts on, counting the header as line 1.
    pub line: usize,
    /// The row's BIN, when it is a valid one (a BIN names an organisation: it may be shown).
    #[schema(value_type = Option<String>)]
    pub bin: Option<Bin>,
    /// By field (a column, or `row` for the row as a whole) and code; never the value.
    pub problems: Vec<FieldError>,
}

/// Reads an import file. `Err` only when the file as a whole cannot be read: no header row, or
/// a header without one of [`COLUMNS`] (one error per missing column) or with one twice.
pub fn parse_csv(text: &str, agencies: &AgencyDirectory) -> Result<ImportReport, Error> {
    let mut records = csv::records(text, csv::separator_of(text)).into_iter();
    let header = records.next().ok_or_else(|| file_error("header", "missing_header", "the file has no header row"))?;
    let columns = Columns::of(header)?;
    let mut import = Import { agencies, columns, first_line_of: HashMap::new(), report: ImportReport::default() };
    for record in records {
        import.row(record);
    }
    Ok(import.report)
}

fn file_error(field: &str, code: &'static str, message: impl Into<String>) -> Error {
    Error::Validation(vec![FieldError::new(field, code, message)])
}

/// Where each of [`COLUMNS`] is in a row, and how many fields a row has.
struct Columns {
    positions: [usize; COLUMNS.len()],
    width: usize,
}

impl Columns {
    fn of(header: Record) -> Result<Columns, Error> {
        let names = header.fields.map_err(|code| file_error("header", code, "the header row cannot be read"))?;
        let names: Vec<String> = names.iter().map(|n| n.trim().to_lowercase()).collect();
        let mut errors = Vec::new();
        let mut positions = [0; COLUMNS.len()];
        for (position, column) in positions.iter_mut().zip(COLUMNS) {
            match names.iter().enumerate().filter(|(_, n)| *n == column).map(|(i, _)| i).collect::<Vec<_>>()[..] {
                [at] => *position = at,
                [] => errors.push(FieldError::new(column, "missing_column", format!("the header has no column {column}"))),
                _ => errors.push(FieldError::new(column, "duplicate_column", format!("the header has column {column} twice"))),
            }
        }
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        Ok(Columns { positions, width: names.len() })
    }

    /// The row as an input, the cells taken by column name.
    fn input(&self, mut cells: Vec<String>) -> InstitutionInput {
        let mut cell = |column: usize| Some(Value::String(std::mem::take(&mut cells[self.positions[column]])));
        InstitutionInput {
            bin: cell(0),
            kind: cell(1),
            name: cell(2),
            region: cell(3),
            locality: cell(4),
            education_department: cell(5),
        }
    }
}

/// An import under way.
struct Import<'a> {
    agencies: &'a AgencyDirectory,
    columns: Columns,
    /// The line each valid BIN was first seen on.
    first_line_of: HashMap<Bin, usize>,
    report: ImportReport,
}

impl Import<'_> {
    fn row(&mut self, record: Record) {
        let line = record.line;
        let cells = match record.fields {
            Ok(cells) if cells.len() == self.columns.width => cells,
            Ok(cells) => {
                let message = format!("expected {} fields, found {}", self.columns.width, cells.len());
                return self.refuse(line, None, vec![FieldError::new("row", "field_count", message)]);
            }
            Err(code) => return self.refuse(line, None, vec![FieldError::new("row", code, "the row cannot be read as CSV")]),
        };
        let bin = Bin::parse(&cells[self.columns.positions[0]]).ok();
        let duplicate = bin.as_ref().and_then(|bin| self.seen(bin, line));
        match (self.columns.input(cells).validate(self.agencies), duplicate) {
            (Ok(institution), None) => self.report.accepted.push(institution),
            (Ok(_), Some(problem)) => self.refuse(line, bin, vec![problem]),
            (Err(error), duplicate) => self.refuse(line, bin, problems_of(error).into_iter().chain(duplicate).collect()),
        }
    }

    /// The problem of a BIN already seen on an earlier line; else notes its line.
    fn seen(&mut self, bin: &Bin, line: usize) -> Option<FieldError> {
        match self.first_line_of.get(bin) {
            Some(first) => Some(FieldError::new("bin", "duplicate", format!("the same BIN is on line {first}"))),
            None => {
                self.first_line_of.insert(bin.clone(), line);
                None
            }
        }
    }

    fn refuse(&mut self, line: usize, bin: Option<Bin>, problems: Vec<FieldError>) {
        self.report.refused.push(RefusedRow { line, bin, problems });
    }
}

/// The field errors of a validation (the only error validation returns).
fn problems_of(error: Error) -> Vec<FieldError> {
    match error {
        Error::Validation(problems) => problems,
        other => vec![FieldError::new("row", "invalid", other.to_string())],
    }
}
