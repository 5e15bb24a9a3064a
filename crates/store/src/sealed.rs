//! Personal fields sealed at rest, each bound to its column and its row.
//!
//! The associated data of every sealed value names the table, the column and the row
//! (`complaints.narrative:<id>`), so a value copied to another column or another complaint
//! fails to open instead of showing up in the wrong place. Exact look-ups of phones and IINs
//! go through keyed blind indexes of the normalised value.

use crate::{Keys, Result, StoreError};

/// Blind index kinds: the same digits as a phone and as an IIN index differently.
pub const PHONE: &str = "phone";
pub const IIN: &str = "iin";

/// Seals and opens the personal fields of one row.
pub struct Sealer<'k> {
    keys: &'k Keys,
    table: &'static str,
    row: String,
}

impl<'k> Sealer<'k> {
    pub fn new(keys: &'k Keys, table: &'static str, row: impl ToString) -> Sealer<'k> {
        Sealer { keys, table, row: row.to_string() }
    }

    fn field(&self, column: &str) -> String {
        format!("{}.{column}:{}", self.table, self.row)
    }

    pub fn one(&self, column: &str, value: &str) -> Vec<u8> {
        self.keys.fields.seal(&self.field(column), value)
    }

    pub fn opt(&self, column: &str, value: Option<&str>) -> Option<Vec<u8>> {
        value.map(|v| self.one(column, v))
    }

    /// Opens a value; a value that does not open is reported by column, never by content.
    pub fn open(&self, column: &str, sealed: &[u8]) -> Result<String> {
        self.keys
            .fields
            .open(&self.field(column), sealed)
            .map_err(|e| StoreError::Corrupt(format!("{}.{column} does not open: {e}", self.table)))
    }

    pub fn open_opt(&self, column: &str, sealed: Option<&[u8]>) -> Result<Option<String>> {
        sealed.map(|s| self.open(column, s)).transpose()
    }
}
