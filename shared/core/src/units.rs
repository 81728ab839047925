//! Unit conversions shared by every figure. CF reports bytes, Diego reports MiB, BOSH reports KiB.

/// Bytes in one MiB.
pub const MIB: u64 = 1024 * 1024;

/// Bytes → MiB, rounded to the nearest MiB (half up), so sums stay exact when taken in bytes first.
#[must_use]
pub fn bytes_to_mib(bytes: u64) -> u64 {
    bytes.saturating_add(MIB / 2) / MIB
}

/// KiB → MiB, rounded to the nearest MiB.
#[must_use]
pub fn kib_to_mib(kib: u64) -> u64 {
    kib.saturating_add(512) / 1024
}

/// `part / whole × 100`, or `None` when the whole is zero (a percentage of nothing is not 0 %).
#[must_use]
#[allow(clippy::cast_precision_loss)] // MiB counts stay far below 2^52
pub fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_to_nearest_mib() {
        assert_eq!(bytes_to_mib(0), 0);
        assert_eq!(bytes_to_mib(MIB / 2 - 1), 0);
        assert_eq!(bytes_to_mib(MIB / 2), 1);
        assert_eq!(bytes_to_mib(3 * MIB), 3);
        assert_eq!(bytes_to_mib(u64::MAX), u64::MAX / MIB);
    }

    #[test]
    fn kib_round_to_nearest_mib() {
        assert_eq!(kib_to_mib(511), 0);
        assert_eq!(kib_to_mib(512), 1);
        assert_eq!(kib_to_mib(20_971_520), 20_480);
    }

    #[test]
    fn percent_of_zero_is_none() {
        assert_eq!(percent(5, 0), None);
        assert_eq!(percent(1, 4), Some(25.0));
    }
}
