//! Small bar charts as PNG bytes, for the admin statistics.

use std::io::Cursor;

use image::{ImageFormat, Rgb, RgbImage};

const WIDTH: u32 = 720;
const HEIGHT: u32 = 320;
const MARGIN: u32 = 20;
const BACKGROUND: Rgb<u8> = Rgb([255, 255, 255]);
const AXIS: Rgb<u8> = Rgb([120, 120, 120]);
const BAR: Rgb<u8> = Rgb([42, 130, 218]);

/// Renders one bar per value, scaled so the largest fills the height; no labels (the caption carries them).
pub fn bar_chart_png(values: &[u64]) -> Result<Vec<u8>, image::ImageError> {
    let mut image = RgbImage::from_pixel(WIDTH, HEIGHT, BACKGROUND);
    let base = HEIGHT - MARGIN;
    for x in MARGIN..WIDTH - MARGIN {
        image.put_pixel(x, base, AXIS);
    }
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    let n = u32::try_from(values.len()).unwrap_or(u32::MAX).max(1);
    let slot = (WIDTH - 2 * MARGIN) / n;
    let bar_width = (slot * 3 / 4).max(1);
    let usable = u64::from(base - MARGIN);
    for (idx, value) in (0_u32..).zip(values) {
        let height = u32::try_from(value.saturating_mul(usable) / max).unwrap_or(0);
        let left = MARGIN + idx * slot + (slot - bar_width) / 2;
        for x in left..(left + bar_width).min(WIDTH - MARGIN) {
            for y in base - height..base {
                image.put_pixel(x, y, BAR);
            }
        }
    }
    let mut res = Vec::new();
    image.write_to(&mut Cursor::new(&mut res), ImageFormat::Png)?;
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pixel(png: &[u8], x: u32, y: u32) -> Rgb<u8> {
        let image = image::load_from_memory_with_format(png, ImageFormat::Png)
            .unwrap()
            .to_rgb8();
        *image.get_pixel(x, y)
    }

    #[test]
    fn the_tallest_bar_reaches_the_top_and_an_empty_day_stays_empty() {
        let png = bar_chart_png(&[0, 10, 5]).unwrap();
        let slot = (WIDTH - 2 * MARGIN) / 3;
        let centre = |idx: u32| MARGIN + idx * slot + slot / 2;
        assert_eq!(
            pixel(&png, centre(1), MARGIN),
            BAR,
            "the maximum fills the height"
        );
        assert_eq!(
            pixel(&png, centre(0), HEIGHT - MARGIN - 1),
            BACKGROUND,
            "zero draws nothing"
        );
        assert_eq!(pixel(&png, centre(2), HEIGHT - MARGIN - 1), BAR);
        assert_eq!(
            pixel(&png, centre(2), MARGIN + 10),
            BACKGROUND,
            "half the maximum is half as tall"
        );
    }

    #[test]
    fn no_values_still_make_a_picture() {
        let png = bar_chart_png(&[]).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    }
}
