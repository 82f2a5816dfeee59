//! Photo helpers of the fake: image sniffing and the sizes Telegram would make of a photo.

/// Size used when the bytes do not say (a fake PNG in a test).
const DEFAULT_SIZE: (u32, u32) = (512, 512);
/// Longest side of the thumbnails Telegram makes (its `s` and `m` sizes).
const THUMB_SIDES: [u32; 2] = [90, 320];

/// Whether the bytes start like a PNG or a JPEG, the formats Telegram accepts as photos here.
pub(super) fn is_image(bytes: &[u8]) -> bool {
    is_png(bytes) || is_jpeg(bytes)
}

/// A file name with the image's extension, like Telegram's `photos/file_N.jpg`.
pub(super) fn file_name(bytes: &[u8]) -> &'static str {
    match is_png(bytes) {
        true => "photo.png",
        false => "photo.jpg",
    }
}

/// Width and height of each size, smallest first: a 90 px thumbnail, a 320 px one if the photo
/// is bigger, and the photo itself. Always at least two sizes, as Telegram sends.
pub(super) fn sizes(bytes: &[u8]) -> Vec<(u32, u32)> {
    let (width, height) = dimensions(bytes).unwrap_or(DEFAULT_SIZE);
    let longest = width.max(height).max(1);
    let mut res = Vec::new();
    for (idx, side) in THUMB_SIDES.into_iter().enumerate() {
        if idx > 0 && side >= longest {
            break;
        }
        let side = side.min(longest);
        let scale = |it: u32| {
            let scaled = u64::from(it) * u64::from(side) / u64::from(longest);
            u32::try_from(scaled).unwrap_or(u32::MAX).max(1)
        };
        res.push((scale(width), scale(height)));
    }
    res.push((width, height));
    res
}

fn is_png(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n")
}

fn is_jpeg(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xff, 0xd8, 0xff])
}

/// Width and height from a PNG's `IHDR` or a JPEG's start-of-frame segment.
fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    let be16 = |at: usize| {
        Some(u32::from(u16::from_be_bytes([
            *bytes.get(at)?,
            *bytes.get(at + 1)?,
        ])))
    };
    let be32 = |at: usize| Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
    if is_png(bytes) {
        if bytes.get(12..16) != Some(b"IHDR".as_slice()) {
            return None;
        }
        return Some((be32(16)?, be32(20)?)).filter(|&(w, h)| w > 0 && h > 0);
    }
    if !is_jpeg(bytes) {
        return None;
    }
    // Segments after SOI: 0xFF, marker, big-endian length including itself, payload.
    let mut at = 2;
    loop {
        if *bytes.get(at)? != 0xff {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        match marker {
            // Fill bytes before a marker.
            0xff => at += 1,
            // Start of frame (not DHT, JPG, DAC): precision, height, width.
            0xc0..=0xcf if !matches!(marker, 0xc4 | 0xc8 | 0xcc) => {
                let (height, width) = (be16(at + 5)?, be16(at + 7)?);
                return Some((width, height)).filter(|&(w, h)| w > 0 && h > 0);
            }
            // Start of scan or end of image before any frame header.
            0xd9 | 0xda => return None,
            _ => at += 2 + usize::try_from(be16(at + 2)?).ok()?,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut res = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        res.extend(width.to_be_bytes());
        res.extend(height.to_be_bytes());
        res
    }

    fn jpeg(width: u16, height: u16) -> Vec<u8> {
        let mut res = vec![
            0xff, 0xd8, 0xff, 0xe0, 0, 4, b'J', b'F', 0xff, 0xff, 0xc2, 0, 11, 8,
        ];
        res.extend(height.to_be_bytes());
        res.extend(width.to_be_bytes());
        res
    }

    fn check_sizes(bytes: &[u8], expected: &[(u32, u32)]) {
        assert_eq!(sizes(bytes), expected, "{bytes:?}");
    }

    #[test]
    fn sizes_follow_the_image() {
        check_sizes(&png(1280, 960), &[(90, 67), (320, 240), (1280, 960)]);
        check_sizes(&jpeg(300, 200), &[(90, 60), (300, 200)]);
        check_sizes(&jpeg(300, 600), &[(45, 90), (160, 320), (300, 600)]);
        check_sizes(&png(40, 20), &[(40, 20), (40, 20)]);
        check_sizes(
            b"\x89PNG\r\n\x1a\nnot a real png",
            &[(90, 90), (320, 320), (512, 512)],
        );
        check_sizes(
            &[0xff, 0xd8, 0xff, 0xe0, 0xff, 0xff],
            &[(90, 90), (320, 320), (512, 512)],
        );
        check_sizes(&png(0, 7), &[(90, 90), (320, 320), (512, 512)]);
    }
}
