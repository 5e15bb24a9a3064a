//! Evidence: the files and links that go with a complaint or an agency's action report.
//!
//! A file's type is decided by its **content**, never by its name or by the type the browser
//! claims: both are chosen by whoever uploads, and a name ending in `.png` says nothing about
//! the bytes. [`sniff`] reads the magic bytes of a closed list of types ([`MediaType`]);
//! [`check_upload`] also refuses empty and oversized files and looks a little past the magic
//! (a PNG's `IHDR` chunk, a JPEG's frame header, a PDF's `%%EOF`), so that a text file with a
//! PNG signature pasted in front, or an upload cut off half-way, is refused at the door rather
//! than stored as evidence that cannot be opened later.
//!
//! The list is closed on purpose: images (photos and screenshots) and PDFs (documents, medical
//! certificates). No SVG (it can carry scripts), no HTML, no office documents (macros). Whoever
//! serves a file back must send the stored [`MediaType`] with `X-Content-Type-Options: nosniff`
//! and as an attachment, so that a browser never guesses a more dangerous type.
//!
//! A link to a social-media post is evidence too, with the time it was captured (posts are
//! edited and deleted): [`EvidenceLinkInput::validate`] accepts only `http`/`https` addresses
//! and a capture time between 2000 and now.
//!
//! Like every validation of the domain, messages never repeat the rejected value.

use crate::complaint::code_list;
use crate::error::Errors;
use crate::{Error, FieldError};
use time::{Duration, OffsetDateTime};

/// The largest file accepted: 10 MiB. A phone photo is 2–6 MB and a scanned document of a
/// few pages fits; anything larger is slow to send on the mobile networks many reporters use,
/// and is better sent in parts. (The HTTP body limit of an upload route must leave room above
/// this for the form around the file.)
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// The field name of an uploaded file in validation errors (and of the file in the pages'
/// upload form, so that an error links to its field).
pub const FILE_FIELD: &str = "file";

code_list! {
    /// What a piece of evidence is.
    EvidenceKind {
        /// A file, stored sealed outside the database.
        File = "file",
        /// A link to a post, with the time it was captured.
        Link = "link",
    }
}

code_list! {
    /// The kinds of file accepted as evidence (the code is the file's MIME type).
    MediaType {
        Png = "image/png",
        Jpeg = "image/jpeg",
        Gif = "image/gif",
        Webp = "image/webp",
        Pdf = "application/pdf",
    }
}

impl MediaType {
    /// Whether a file of this type is shown as a picture (the others are documents).
    pub fn is_image(self) -> bool {
        !matches!(self, MediaType::Pdf)
    }

    /// The usual file name extension, for a file given back as an attachment.
    pub fn extension(self) -> &'static str {
        match self {
            MediaType::Png => "png",
            MediaType::Jpeg => "jpg",
            MediaType::Gif => "gif",
            MediaType::Webp => "webp",
            MediaType::Pdf => "pdf",
        }
    }
}

/// The type of a file by its first bytes alone, or `None` when it is none of [`MediaType`].
/// Says nothing about whether the rest of the file is sound: see [`check_upload`].
pub fn sniff(bytes: &[u8]) -> Option<MediaType> {
    if bytes.starts_with(PNG_SIGNATURE) {
        Some(MediaType::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(MediaType::Jpeg)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(MediaType::Gif)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(MediaType::Webp)
    } else if bytes.starts_with(b"%PDF-") {
        Some(MediaType::Pdf)
    } else {
        None
    }
}

/// Checks an uploaded file and says what it is: not empty, at most [`MAX_FILE_BYTES`], one of
/// the accepted types by its content, and whole enough to be opened. Errors are on the field
/// [`FILE_FIELD`] with the codes `empty`, `too_large` and `unsupported_type`.
pub fn check_upload(bytes: &[u8]) -> Result<MediaType, Error> {
    if bytes.is_empty() {
        return Err(file_error("empty", "the file is empty".into()));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(file_error("too_large", format!("at most {} MiB", MAX_FILE_BYTES / (1024 * 1024))));
    }
    sniff(bytes)
        .filter(|&media_type| is_whole(media_type, bytes))
        .ok_or_else(|| file_error("unsupported_type", "expected a whole PNG, JPEG, GIF or WebP image, or a PDF".into()))
}

fn file_error(code: &'static str, message: String) -> Error {
    Error::Validation(vec![FieldError::new(FILE_FIELD, code, message)])
}

/// Whether a file that starts like `media_type` has the structure that follows the magic.
fn is_whole(media_type: MediaType, bytes: &[u8]) -> bool {
    match media_type {
        MediaType::Png => png_is_whole(bytes),
        MediaType::Jpeg => jpeg_has_frame(bytes),
        MediaType::Gif => gif_is_whole(bytes),
        MediaType::Webp => webp_is_whole(bytes),
        MediaType::Pdf => pdf_is_whole(bytes),
    }
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

fn be_u16(bytes: &[u8], at: usize) -> Option<usize> {
    bytes.get(at..at + 2).map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
}

fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    bytes.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// The first chunk is a 13-byte `IHDR` with a width and height, and an `IEND` chunk follows
/// somewhere (a file cut off in transfer has none).
fn png_is_whole(bytes: &[u8]) -> bool {
    let header = &bytes[PNG_SIGNATURE.len()..];
    let ihdr = header.len() >= 8 + 13 + 4 && be_u32(header, 0) == Some(13) && &header[4..8] == b"IHDR";
    let sized = ihdr && be_u32(header, 8) != Some(0) && be_u32(header, 12) != Some(0);
    sized && header[8 + 13 + 4..].windows(4).any(|w| w == b"IEND")
}

/// Walks the segments from the start of image to the first frame header (`SOFn`), which
/// gives the picture's size: a header cut short, a broken segment length or a scan without a
/// frame means there is no picture to show. Data after the end marker are allowed (phones
/// append motion photos there).
fn jpeg_has_frame(bytes: &[u8]) -> bool {
    let mut at = 2;
    loop {
        let Some(&0xFF) = bytes.get(at) else { return false };
        let Some(&marker) = bytes.get(at + 1) else { return false };
        match marker {
            0xFF => at += 1, // fill byte before a marker
            0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                // [length 2][precision 1][height 2][width 2][components 1]
                return be_u16(bytes, at + 2).is_some_and(|len| len >= 8 && at + 2 + len <= bytes.len())
                    && be_u16(bytes, at + 7).is_some_and(|width| width > 0);
            }
            0xD8..=0xDA => return false,   // a second start, the end, or a scan before any frame
            0x01 | 0xD0..=0xD7 => at += 2, // markers without a length
            _ => match be_u16(bytes, at + 2) {
                Some(len) if len >= 2 => at += 2 + len,
                _ => return false,
            },
        }
    }
}

/// A logical screen of some size after the signature, and the trailer byte `;` at the end.
fn gif_is_whole(bytes: &[u8]) -> bool {
    let le_u16 = |at: usize| bytes.get(at..at + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    bytes.len() >= 14 && le_u16(6) != Some(0) && le_u16(8) != Some(0) && bytes.last() == Some(&0x3B)
}

/// The RIFF container's length fits in the file, and its first chunk is one of WebP's.
fn webp_is_whole(bytes: &[u8]) -> bool {
    let riff_len = bytes.get(4..8).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
    let chunk = bytes.get(12..16);
    let known_chunk = matches!(chunk, Some(b"VP8 " | b"VP8L" | b"VP8X"));
    known_chunk && riff_len.is_some_and(|len| len >= 4 + 8 && len.saturating_add(8) <= bytes.len())
}

/// How far from the end a PDF's `%%EOF` may be (readers look in the last 1024 bytes).
const PDF_TAIL: usize = 1024;

/// A version after `%PDF-` (`1.x` or `2.x`), and `%%EOF` near the end.
fn pdf_is_whole(bytes: &[u8]) -> bool {
    let version = matches!(bytes.get(5..7), Some(b"1." | b"2."));
    let tail = &bytes[bytes.len().saturating_sub(PDF_TAIL)..];
    version && tail.windows(5).any(|w| w == b"%%EOF")
}

/// The longest link accepted, in bytes (links of social networks are far shorter; browsers
/// handle about this much).
pub const MAX_URL_LEN: usize = 2048;

/// The earliest capture time accepted: the networks whose posts come as evidence did not
/// exist before, so an earlier date is a mistake (a year typed wrong, an empty clock).
pub const EARLIEST_CAPTURE: OffsetDateTime = time::macros::datetime!(2000-01-01 00:00 UTC);

/// How far ahead of the server's clock a capture time may be: the device that captured the
/// post may run a little fast, and a post captured "now" must not be refused for it.
pub const CLOCK_SKEW: Duration = Duration::minutes(5);

/// A link to a post, as submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceLinkInput {
    pub url: String,
    /// When the post was seen and captured (a screenshot may be uploaded beside it).
    pub captured_at: OffsetDateTime,
}

/// A link that has passed [`EvidenceLinkInput::validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceLink {
    url: String,
    captured_at: OffsetDateTime,
}

impl EvidenceLink {
    /// The address, trimmed, with an `http` or `https` scheme.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn captured_at(&self) -> OffsetDateTime {
        self.captured_at
    }
}

impl EvidenceLinkInput {
    /// Checks the link and its capture time (`now` is the server's time), reporting both
    /// fields when both are wrong.
    pub fn validate(self, now: OffsetDateTime) -> Result<EvidenceLink, Error> {
        let mut errors = Errors::default();
        let url = self.url.trim();
        if let Err((code, message)) = check_url(url) {
            errors.push("url", code, message);
        }
        if self.captured_at > now + CLOCK_SKEW {
            errors.push("captured_at", "out_of_range", "may not be in the future");
        } else if self.captured_at < EARLIEST_CAPTURE {
            errors.push("captured_at", "out_of_range", "may not be before 2000");
        }
        errors.finish(|| EvidenceLink { url: url.to_owned(), captured_at: self.captured_at })
    }
}

/// An absolute `http` or `https` address with a host, no spaces or control characters, and
/// no user name or password in it (they would be stored with the evidence).
fn check_url(url: &str) -> Result<(), (&'static str, &'static str)> {
    const INVALID: (&str, &str) = ("invalid_url", "expected a web address starting with http:// or https://");
    if url.is_empty() {
        return Err(("required", "this field is required"));
    }
    if url.len() > MAX_URL_LEN {
        return Err(("too_long", "at most 2048 bytes"));
    }
    let rest = strip_scheme(url).ok_or(INVALID)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once(':').map_or(authority, |(host, _port)| host);
    let clean = !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if host.is_empty() || authority.contains('@') || !clean {
        return Err(INVALID);
    }
    Ok(())
}

/// The address after `http://` or `https://` (the scheme in any case).
fn strip_scheme(url: &str) -> Option<&str> {
    ["https://", "http://"].iter().find_map(|scheme| {
        let head = url.get(..scheme.len())?;
        head.eq_ignore_ascii_case(scheme).then(|| &url[scheme.len()..])
    })
}

#[cfg(test)]
mod tests;
