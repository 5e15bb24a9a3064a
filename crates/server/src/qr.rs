//! QR codes for the posters put up in schools: a child scans one and lands on the report form
//! of that school (`{public_url}/qr/{bin}`), without typing an address or knowing our name.
//!
//! Why error correction level Q (a quarter of the code may be lost): a poster in a corridor
//! gets scratched, written on and half covered; Q still reads, and the address of one school
//! stays small enough (version 3 or 4) for cheap phone cameras at a few metres. The quiet zone
//! (4 light modules around) is part of every code we make: without it many readers fail, and
//! a printer's margins cannot be trusted to leave one.
//!
//! The code is made once here and given two ways: the SVG (for the poster and for download)
//! and the module matrix, which the tests decode with an independent reader to prove that what
//! we print is what we mean.

use domain::institution::Bin;
use qrcode::render::svg;
use qrcode::types::QrError;
use qrcode::{EcLevel, QrCode};

/// Light modules around the code (the standard's minimum for QR codes).
pub const QUIET_ZONE: usize = 4;

/// SVG units per module: a crisp code at its natural size; the page scales it.
const MODULE_UNITS: u32 = 8;

/// Where an institution's QR code leads: its report form.
pub fn institution_url(public_url: &str, bin: &Bin) -> String {
    format!("{}/qr/{bin}", public_url.trim_end_matches('/'))
}

fn code(text: &str) -> Result<QrCode, QrError> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::Q)
}

/// The QR code of `text` as an SVG document (`<?xml …?><svg …>`), quiet zone included,
/// black on white. Fails only for a text too long for any QR code.
pub fn svg_document(text: &str) -> Result<String, QrError> {
    let code = code(text)?;
    Ok(code
        .render::<svg::Color>()
        .quiet_zone(true)
        .module_dimensions(MODULE_UNITS, MODULE_UNITS)
        .dark_color(svg::Color("#000"))
        .light_color(svg::Color("#fff"))
        .build())
}

/// The same code as an `<svg>` element to put inside a page (no XML declaration).
pub fn svg_element(text: &str) -> Result<String, QrError> {
    let document = svg_document(text)?;
    let start = document.find("<svg").unwrap_or(0);
    Ok(document[start..].to_owned())
}

/// The modules of a QR code, quiet zone included: `size` × `size`, row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    pub size: usize,
    dark: Vec<bool>,
}

impl Matrix {
    /// Whether the module at column `x`, row `y` is dark.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark[y * self.size + x]
    }
}

/// The module matrix of the code [`svg_document`] draws for `text`.
pub fn matrix(text: &str) -> Result<Matrix, QrError> {
    let code = code(text)?;
    let width = code.width();
    let size = width + 2 * QUIET_ZONE;
    let colors = code.to_colors();
    let dark = (0..size * size)
        .map(|i| {
            let (x, y) = ((i % size).checked_sub(QUIET_ZONE), (i / size).checked_sub(QUIET_ZONE));
            match (x, y) {
                (Some(x), Some(y)) if x < width && y < width => colors[y * width + x] == qrcode::Color::Dark,
                _ => false,
            }
        })
        .collect();
    Ok(Matrix { size, dark })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a matrix the way a phone reads a photo: drawn at 6 pixels per module, found and
    /// decoded by `rqrr`, a reader that shares no code with the writer.
    fn decode(matrix: &Matrix) -> String {
        let scale = 6;
        let pixels = matrix.size * scale;
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(pixels, pixels, |x, y| {
            if matrix.is_dark(x / scale, y / scale) { 0 } else { 255 }
        });
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1, "one code in the picture");
        let (meta, text) = grids[0].decode().expect("a readable code");
        // The level as the format information writes it: L 01, M 00, Q 11, H 10.
        assert_eq!(meta.ecc_level, 0b11, "level Q");
        text
    }

    #[test]
    fn the_code_reads_back_as_the_institutions_address() {
        let bin = Bin::synthetic(1).unwrap();
        for public in ["https://111.example.kz", "https://111.example.kz/", "http://127.0.0.1:8080"] {
            let url = institution_url(public, &bin);
            assert_eq!(url, format!("{}/qr/{bin}", public.trim_end_matches('/')));
            let matrix = matrix(&url).unwrap();
            assert_eq!(decode(&matrix), url);
        }
    }

    #[test]
    fn the_code_has_its_quiet_zone() {
        let matrix = matrix("https://111.example.kz/qr/x").unwrap();
        for i in 0..matrix.size {
            for q in 0..QUIET_ZONE {
                let far = matrix.size - 1 - q;
                assert!(![(i, q), (q, i), (i, far), (far, i)].iter().any(|&(x, y)| matrix.is_dark(x, y)), "dark at the edge");
            }
        }
        assert!(matrix.is_dark(QUIET_ZONE, QUIET_ZONE), "the finder pattern's corner starts after the quiet zone");
    }

    #[test]
    fn the_svg_is_a_sized_document_and_an_element_for_pages() {
        let text = "https://111.example.kz/qr/x";
        let document = svg_document(text).unwrap();
        assert!(document.starts_with("<?xml"), "{document}");
        let size = matrix(text).unwrap().size as u32 * MODULE_UNITS;
        assert!(document.contains(&format!("viewBox=\"0 0 {size} {size}\"")), "{document}");
        assert!(document.contains(&format!("width=\"{size}\"")));
        assert!(document.trim_end().ends_with("</svg>"));
        let element = svg_element(text).unwrap();
        assert!(element.starts_with("<svg ") && element.ends_with("</svg>"));
    }
}
