use super::*;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-11-25 09:00 UTC);

/// The smallest files of each type that have the structure `check_upload` looks for (the
/// checksums inside are not checked, so they are zeros).
fn png() -> Vec<u8> {
    let mut bytes = PNG_SIGNATURE.to_vec();
    bytes.extend_from_slice(b"\0\0\0\x0dIHDR\0\0\0\x01\0\0\0\x01\x08\x00\x00\x00\x00\0\0\0\0");
    bytes.extend_from_slice(b"\0\0\0\x01IDAT\x00\0\0\0\0");
    bytes.extend_from_slice(b"\0\0\0\0IEND\xae\x42\x60\x82");
    bytes
}

fn jpeg() -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8];
    bytes.extend_from_slice(b"\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"); // APP0
    bytes.extend_from_slice(b"\xFF\xC0\x00\x0B\x08\x00\x01\x00\x01\x01\x01\x11\x00"); // SOF0, 1x1
    bytes.extend_from_slice(b"\xFF\xDA\x00\x08\x01\x01\x00\x00\x3F\x00\x12\x34"); // SOS and a scan
    bytes.extend_from_slice(&[0xFF, 0xD9]);
    bytes
}

fn gif() -> Vec<u8> {
    let mut bytes = b"GIF89a\x01\x00\x01\x00\x00\x00\x00".to_vec();
    bytes.extend_from_slice(b",\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;");
    bytes
}

fn webp() -> Vec<u8> {
    let body = b"WEBPVP8L\x05\0\0\0\x2f\0\0\0\0\0";
    let mut bytes = b"RIFF".to_vec();
    bytes.extend_from_slice(&(body.len() as u32).to_le_bytes());
    bytes.extend_from_slice(body);
    bytes
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

fn code(result: Result<MediaType, Error>) -> &'static str {
    match result {
        Err(Error::Validation(errors)) => {
            assert_eq!(errors.len(), 1);
            assert_eq!(errors[0].field, FILE_FIELD);
            errors[0].code
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn whole_files_of_each_type_are_accepted() {
    let cases = [
        (png(), MediaType::Png),
        (jpeg(), MediaType::Jpeg),
        (gif(), MediaType::Gif),
        (webp(), MediaType::Webp),
        (pdf(), MediaType::Pdf),
    ];
    for (bytes, media_type) in cases {
        assert_eq!(sniff(&bytes), Some(media_type));
        assert_eq!(check_upload(&bytes), Ok(media_type), "{media_type:?}");
    }
}

#[test]
fn files_that_are_not_what_they_start_like_are_refused() {
    let mut png_text = PNG_SIGNATURE.to_vec();
    png_text.extend_from_slice(b"this is a text file with a PNG signature in front of it");
    let mut pdf_no_version = pdf();
    pdf_no_version[5] = b'x';
    let mut jpeg_zero_width = jpeg();
    jpeg_zero_width[2 + 18 + 7..2 + 18 + 9].copy_from_slice(&[0, 0]);
    let mut jpeg_long_segment = jpeg();
    jpeg_long_segment[4..6].copy_from_slice(&[0xFF, 0xF0]);
    let mut webp_unknown_chunk = webp();
    webp_unknown_chunk[12..16].copy_from_slice(b"ABCD");
    let cases: [(&str, Vec<u8>); 18] = [
        ("a text file named .png", b"Hello, this is not a picture.\n".to_vec()),
        ("HTML starting with <", b"<!doctype html><html><script>alert(1)</script></html>".to_vec()),
        ("SVG", b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script/></svg>".to_vec()),
        ("a ZIP (office document)", b"PK\x03\x04\x14\x00\x06\x00".to_vec()),
        ("an executable", b"MZ\x90\x00\x03\x00\x00\x00".to_vec()),
        ("text behind a PNG signature", png_text),
        ("a PNG cut off after its header", png()[..8 + 25].to_vec()),
        ("a PNG signature alone", PNG_SIGNATURE.to_vec()),
        ("a JPEG start marker alone", vec![0xFF, 0xD8, 0xFF]),
        ("a JPEG cut off in its frame header", jpeg()[..2 + 18 + 6].to_vec()),
        ("a JPEG of zero width", jpeg_zero_width),
        ("a JPEG whose segment runs past the end", jpeg_long_segment),
        ("a JPEG scan before any frame", b"\xFF\xD8\xFF\xDA\x00\x08\x01\x01\x00\x00\x3F\x00\xFF\xD9".to_vec()),
        ("a GIF without its trailer", gif()[..gif().len() - 1].to_vec()),
        ("a WebP cut off", webp()[..webp().len() - 2].to_vec()),
        ("a WebP with an unknown first chunk", webp_unknown_chunk),
        ("a PDF without %%EOF (cut off)", pdf()[..pdf().len() - 7].to_vec()),
        ("a PDF without a version", pdf_no_version),
    ];
    for (name, bytes) in cases {
        assert_eq!(code(check_upload(&bytes)), "unsupported_type", "{name}");
    }
}

#[test]
fn sniffing_reads_only_the_magic() {
    assert_eq!(sniff(PNG_SIGNATURE), Some(MediaType::Png));
    assert_eq!(sniff(b"%PDF-"), Some(MediaType::Pdf));
    assert_eq!(sniff(b"RIFF\0\0\0\0WAVE"), None, "a RIFF that is not WebP");
    assert_eq!(sniff(b"GIF88a"), None);
    assert_eq!(sniff(b""), None);
    assert_eq!(sniff(b"picture.png"), None, "a name is not content");
}

#[test]
fn empty_and_oversized_files_are_refused() {
    assert_eq!(code(check_upload(b"")), "empty");
    let mut large = pdf();
    large.splice(9..9, std::iter::repeat_n(b' ', MAX_FILE_BYTES));
    assert_eq!(code(check_upload(&large)), "too_large");
    let mut at_limit = pdf();
    at_limit.splice(9..9, std::iter::repeat_n(b' ', MAX_FILE_BYTES - at_limit.len()));
    assert_eq!(check_upload(&at_limit), Ok(MediaType::Pdf));
}

#[test]
fn data_after_a_jpeg_end_are_allowed() {
    let mut motion_photo = jpeg();
    motion_photo.extend_from_slice(b"\0\0\0\x18ftypmp42 appended video");
    assert_eq!(check_upload(&motion_photo), Ok(MediaType::Jpeg));
    let mut filled = jpeg();
    filled.insert(2, 0xFF);
    assert_eq!(check_upload(&filled), Ok(MediaType::Jpeg), "fill bytes before a marker");
}

#[test]
fn media_type_codes_are_mime_types() {
    assert_eq!(MediaType::parse("image/png"), Some(MediaType::Png));
    assert_eq!(MediaType::Pdf.as_str(), "application/pdf");
    assert!(MediaType::Webp.is_image() && !MediaType::Pdf.is_image());
}

fn link(url: &str, captured_at: OffsetDateTime) -> Result<EvidenceLink, Error> {
    EvidenceLinkInput { url: url.to_owned(), captured_at }.validate(NOW)
}

/// Field and code of each error.
type Codes = Vec<(String, &'static str)>;

fn link_errors(url: &str, captured_at: OffsetDateTime) -> Codes {
    match link(url, captured_at) {
        Err(Error::Validation(errors)) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn links_to_web_pages_are_accepted() {
    let earlier = datetime!(2026-11-24 21:15 UTC);
    for url in [
        "https://www.instagram.com/p/Synthetic123/",
        "http://vk.com/wall-1_2?reply=3#top",
        "HTTPS://T.ME/synthetic_channel/42",
        "https://example.kz:8443/post",
        "https://мысал.қаз/жазба",
    ] {
        let accepted = link(&format!("  {url} "), earlier).unwrap();
        assert_eq!(accepted.url(), url);
        assert_eq!(accepted.captured_at(), earlier);
    }
    assert!(link("https://t.me/x", EARLIEST_CAPTURE).is_ok());
    assert!(link("https://t.me/x", NOW + CLOCK_SKEW).is_ok(), "a device clock a little fast");
}

#[test]
fn links_are_checked_field_by_field() {
    let ok = datetime!(2026-11-24 21:15 UTC);
    let url = |code| vec![("url".to_owned(), code)];
    let too_long = format!("https://t.me/{}", "a".repeat(MAX_URL_LEN));
    let cases: [(&str, OffsetDateTime, Codes); 12] = [
        ("", ok, url("required")),
        ("   ", ok, url("required")),
        (&too_long, ok, url("too_long")),
        ("javascript:alert(1)", ok, url("invalid_url")),
        ("ftp://files.example/post", ok, url("invalid_url")),
        ("file:///etc/passwd", ok, url("invalid_url")),
        ("instagram.com/p/123", ok, url("invalid_url")),
        ("https://", ok, url("invalid_url")),
        ("https://user:secret@example.com/post", ok, url("invalid_url")),
        ("https://exa mple.com/", ok, url("invalid_url")),
        ("https://t.me/x", NOW + CLOCK_SKEW + Duration::SECOND, vec![("captured_at".into(), "out_of_range")]),
        (
            "mailto:x",
            datetime!(1999-12-31 23:59 UTC),
            vec![("url".into(), "invalid_url"), ("captured_at".into(), "out_of_range")],
        ),
    ];
    for (url, captured_at, expected) in cases {
        assert_eq!(link_errors(url, captured_at), expected, "{url}");
    }
}

#[test]
fn messages_never_repeat_the_rejected_value() {
    let secret_url = "https://user:Synthetic-Secret@example.com/Synthetic-Victim-Name";
    let Err(Error::Validation(errors)) = link(secret_url, datetime!(2030-01-01 00:00 UTC)) else { panic!() };
    for error in errors {
        assert!(!error.message.contains("Synthetic") && !error.message.contains("2030"), "{}", error.message);
    }
}
