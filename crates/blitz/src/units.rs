//! Traffic units: the panel's "GB" is a GiB (2^30 bytes).

/// Bytes in one panel "GB".
///
/// The panel stores `traffic_limit` as `GB × 1073741824` bytes, so its GB is a GiB.
pub const BYTES_PER_GB: u64 = 1 << 30;

/// Converts whole panel GB into bytes, the way the panel stores a traffic limit.
///
/// Saturates at `u64::MAX` instead of overflowing; no real limit gets near it.
#[must_use]
pub fn gb_to_bytes(gb: u64) -> u64 {
    gb.saturating_mul(BYTES_PER_GB)
}

/// Converts bytes into panel GB, with the fraction kept for display.
///
/// `bytes_to_gb(gb_to_bytes(g)) == g as f64` for every `g` below 2^34.
#[must_use]
pub fn bytes_to_gb(bytes: u64) -> f64 {
    // Dividing by a power of two is exact up to the precision of the f64 itself.
    bytes as f64 / BYTES_PER_GB as f64
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use crate::units::{BYTES_PER_GB, bytes_to_gb, gb_to_bytes};

    #[test]
    fn thirty_gb_is_the_panel_example() {
        assert_eq!(gb_to_bytes(30), 32_212_254_720);
        assert_eq!(bytes_to_gb(32_212_254_720), 30.0);
        assert_eq!(bytes_to_gb(BYTES_PER_GB / 2), 0.5);
    }

    #[test]
    fn gb_to_bytes_saturates() {
        assert_eq!(gb_to_bytes(u64::MAX), u64::MAX);
        assert_eq!(gb_to_bytes(1 << 34), u64::MAX);
        assert_eq!(gb_to_bytes((1 << 34) - 1), ((1 << 34) - 1) << 30);
    }

    proptest! {
        #[test]
        fn round_trip(gb in 0u64..(1 << 34)) {
            prop_assert_eq!(gb_to_bytes(gb), gb << 30);
            prop_assert_eq!(bytes_to_gb(gb_to_bytes(gb)), gb as f64);
        }

        #[test]
        fn bytes_to_gb_is_monotonic(a in any::<u64>(), b in any::<u64>()) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(bytes_to_gb(lo) <= bytes_to_gb(hi));
        }

        #[test]
        fn gb_to_bytes_never_wraps(gb in any::<u64>()) {
            prop_assert!(gb_to_bytes(gb) >= gb);
        }
    }
}
