//! QR codes of VPN configs as PNG bytes.

use std::io::Cursor;

use image::{ImageFormat, Luma};
use qrcode::QrCode;

/// Why a QR code could not be made.
#[derive(Debug, thiserror::Error)]
pub enum QrError {
    /// The text is too long for a QR code.
    #[error("text does not fit in a qr code: {0}")]
    TooLong(#[from] qrcode::types::QrError),
    /// PNG encoding failed.
    #[error("png encoding failed: {0}")]
    Png(#[from] image::ImageError),
}

/// Renders `text` as a black-on-white PNG QR code, large enough to scan from a phone screen.
pub fn qr_png(text: &str) -> Result<Vec<u8>, QrError> {
    let code = QrCode::new(text.as_bytes())?;
    let image = code
        .render::<Luma<u8>>()
        .min_dimensions(480, 480)
        .quiet_zone(true)
        .build();
    let mut res = Vec::new();
    image.write_to(&mut Cursor::new(&mut res), ImageFormat::Png)?;
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_png_that_decodes_back_to_an_image() {
        let png = qr_png("hy2://user:pass@203.0.113.7:8443?sni=example.com#IPv4").unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let image = image::load_from_memory_with_format(&png, ImageFormat::Png).unwrap();
        assert!(image.width() >= 480 && image.height() == image.width());
    }

    #[test]
    fn text_too_long_for_a_qr_code_is_an_error() {
        let text = "x".repeat(8000);
        assert!(matches!(qr_png(&text), Err(QrError::TooLong(_))));
    }
}
