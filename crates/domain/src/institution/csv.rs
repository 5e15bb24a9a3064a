//! A small RFC 4180 reader: enough for the registry's import, without a dependency.
//!
//! Fields are separated by commas (or semicolons, as Excel writes CSV in Russian and Kazakh
//! locales; the caller picks one from the header); records by LF or CRLF. A field in double
//! quotes may hold separators, line breaks and doubled quotes (`""` is one `"`). A quote inside
//! an unquoted field is kept as it is, as most spreadsheets do. A UTF-8 byte order mark at the
//! start is dropped. Each record knows the line it starts on, so that a refusal can point at it.
//!
//! A record that cannot be read (a quote never closed, text after a closing quote) is returned
//! as an error code, and reading goes on at the next line: one bad row does not sink the file.

use std::iter::Peekable;
use std::str::Chars;

/// One record: the line it starts on (from 1) and its fields, or why it could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    pub line: usize,
    pub fields: Result<Vec<String>, &'static str>,
}

/// How a field ended.
enum End {
    Separator,
    Line,
    Eof,
}

struct Reader<'a> {
    chars: Peekable<Chars<'a>>,
    separator: char,
    /// The line the reader is on, from 1.
    line: usize,
}

/// The records of `text`, blank lines left out.
pub(crate) fn records(text: &str, separator: char) -> Vec<Record> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = Reader { chars: text.chars().peekable(), separator, line: 1 };
    let mut records = Vec::new();
    while reader.chars.peek().is_some() {
        let line = reader.line;
        let fields = reader.record();
        if fields.as_ref().is_ok_and(|f| f.iter().all(|field| field.trim().is_empty())) {
            continue;
        }
        records.push(Record { line, fields });
    }
    records
}

/// The separator of a file: a semicolon if its first line has one and no comma, else a comma.
pub(crate) fn separator_of(text: &str) -> char {
    let first = text.lines().next().unwrap_or("");
    if first.contains(';') && !first.contains(',') { ';' } else { ',' }
}

impl Reader<'_> {
    fn record(&mut self) -> Result<Vec<String>, &'static str> {
        let mut fields = Vec::new();
        loop {
            let (field, end) = self.field().inspect_err(|_| self.skip_line())?;
            fields.push(field);
            if !matches!(end, End::Separator) {
                return Ok(fields);
            }
        }
    }

    fn field(&mut self) -> Result<(String, End), &'static str> {
        if self.chars.next_if_eq(&'"').is_some() { self.quoted() } else { Ok(self.unquoted()) }
    }

    fn unquoted(&mut self) -> (String, End) {
        let mut field = String::new();
        loop {
            match self.chars.next() {
                None => return (field, End::Eof),
                Some(c) if c == self.separator => return (field, End::Separator),
                Some('\r') if self.chars.peek() == Some(&'\n') => {}
                Some('\n') => return (field, self.new_line()),
                Some(c) => field.push(c),
            }
        }
    }

    fn quoted(&mut self) -> Result<(String, End), &'static str> {
        let mut field = String::new();
        loop {
            match self.chars.next() {
                None => return Err("unclosed_quote"),
                Some('"') if self.chars.next_if_eq(&'"').is_some() => field.push('"'),
                Some('"') => return self.after_quote().map(|end| (field, end)),
                Some(c) => {
                    if c == '\n' {
                        self.line += 1;
                    }
                    field.push(c);
                }
            }
        }
    }

    /// What may follow a closing quote: a separator, the end of the line or of the text.
    fn after_quote(&mut self) -> Result<End, &'static str> {
        self.chars.next_if_eq(&'\r');
        match self.chars.next() {
            None => Ok(End::Eof),
            Some('\n') => Ok(self.new_line()),
            Some(c) if c == self.separator => Ok(End::Separator),
            Some(_) => Err("text_after_quote"),
        }
    }

    fn new_line(&mut self) -> End {
        self.line += 1;
        End::Line
    }

    /// Skips the rest of the current line, after a record that could not be read.
    fn skip_line(&mut self) {
        for c in self.chars.by_ref() {
            if c == '\n' {
                self.line += 1;
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record as the tests compare it: its line and its fields or error.
    type Read = (usize, Result<Vec<String>, &'static str>);

    fn read(text: &str) -> Vec<Read> {
        records(text, separator_of(text)).into_iter().map(|r| (r.line, r.fields)).collect()
    }

    fn ok(line: usize, fields: &[&str]) -> Read {
        (line, Ok(fields.iter().map(|f| f.to_string()).collect()))
    }

    #[test]
    fn reads_plain_quoted_and_multiline_fields() {
        let cases: &[(&str, Vec<Read>)] = &[
            ("a,b\n1,2\n", vec![ok(1, &["a", "b"]), ok(2, &["1", "2"])]),
            ("a,b\r\n1,2\r\n", vec![ok(1, &["a", "b"]), ok(2, &["1", "2"])]),
            ("a,b\n1,2", vec![ok(1, &["a", "b"]), ok(2, &["1", "2"])]),
            ("\u{feff}a,b\n", vec![ok(1, &["a", "b"])]),
            ("\"x, y\",\"say \"\"hi\"\"\"\n", vec![ok(1, &["x, y", "say \"hi\""])]),
            ("\"two\nlines\",z\nnext,row\n", vec![ok(1, &["two\nlines", "z"]), ok(3, &["next", "row"])]),
            ("\"quoted\"\r\nx\r\n", vec![ok(1, &["quoted"]), ok(2, &["x"])]),
            ("a,,\n", vec![ok(1, &["a", "", ""])]),
            ("a,\"\"\n", vec![ok(1, &["a", ""])]),
            ("School \"Bolashak\",2\n", vec![ok(1, &["School \"Bolashak\"", "2"])]),
            ("a;b\n\"1;2\";3\n", vec![ok(1, &["a", "b"]), ok(2, &["1;2", "3"])]),
        ];
        for (text, expected) in cases {
            assert_eq!(&read(text), expected, "{text:?}");
        }
    }

    #[test]
    fn leaves_out_blank_lines_but_counts_them() {
        assert_eq!(read("a\n\n\r\n,,\nb\n"), vec![ok(1, &["a"]), ok(5, &["b"])]);
        assert_eq!(read(""), vec![]);
        assert_eq!(read("\u{feff}"), vec![]);
    }

    #[test]
    fn a_broken_record_is_an_error_and_reading_goes_on() {
        assert_eq!(read("\"abc\"x,1\nok,2\n"), vec![(1, Err("text_after_quote")), ok(2, &["ok", "2"])]);
        assert_eq!(read("ok,1\n\"never closed,2\nmore\n"), vec![ok(1, &["ok", "1"]), (2, Err("unclosed_quote"))]);
    }

    #[test]
    fn picks_the_separator_from_the_first_line() {
        assert_eq!(separator_of("bin;kind;name\n1,2;3"), ';');
        assert_eq!(separator_of("bin,kind,name\n"), ',');
        assert_eq!(separator_of("bin,kind;name\n"), ',');
        assert_eq!(separator_of(""), ',');
    }
}
