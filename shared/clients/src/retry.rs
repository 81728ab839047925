//! Retry with exponential backoff and jitter.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How often and how patiently to retry a transient failure. Delays double from `base_delay`
/// (1 s, 2 s, 4 s for BOSH by default) and are jittered by ±`jitter` so that many clients do not
/// retry in lockstep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub retries: u32,
    /// Delay before the first retry.
    pub base_delay: Duration,
    /// Fraction of the delay to jitter by (0.2 = ±20 %).
    pub jitter: f64,
}

impl RetryPolicy {
    /// No retries.
    pub const NONE: Self = Self { retries: 0, base_delay: Duration::ZERO, jitter: 0.0 };

    /// The BOSH director default: 3 retries after 1 s, 2 s and 4 s.
    pub const BOSH_DEFAULT: Self = Self { retries: 3, base_delay: Duration::from_secs(1), jitter: 0.2 };

    /// The CF / Log Cache default: 2 retries after 0.5 s and 1 s.
    pub const API_DEFAULT: Self = Self { retries: 2, base_delay: Duration::from_millis(500), jitter: 0.2 };

    /// The un-jittered delay before retry number `retry` (0-based): `base × 2^retry`.
    #[must_use]
    pub fn nominal_delay(&self, retry: u32) -> Duration {
        self.base_delay.saturating_mul(1u32.checked_shl(retry).unwrap_or(u32::MAX))
    }

    /// The delay before retry number `retry`, jittered.
    #[must_use]
    pub fn delay(&self, retry: u32) -> Duration {
        let nominal = self.nominal_delay(retry);
        let jitter = self.jitter.clamp(0.0, 1.0);
        if jitter == 0.0 {
            return nominal;
        }
        let factor = 1.0 + jitter * (2.0 * unit_random() - 1.0);
        nominal.mul_f64(factor)
    }
}

/// A uniform number in [0, 1). Jitter needs spread, not cryptographic quality, so the clock's
/// nanoseconds mixed through SplitMix64 avoid a dependency.
fn unit_random() -> f64 {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    #[allow(clippy::cast_possible_truncation)]
    let mut z = (nanos as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    #[allow(clippy::cast_precision_loss)]
    let unit = (z >> 11) as f64 / (1u64 << 53) as f64;
    unit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bosh_default_backs_off_1_2_4_seconds() {
        let p = RetryPolicy::BOSH_DEFAULT;
        assert_eq!(p.retries, 3);
        let nominal: Vec<_> = (0..3).map(|r| p.nominal_delay(r)).collect();
        assert_eq!(nominal, [Duration::from_secs(1), Duration::from_secs(2), Duration::from_secs(4)]);
    }

    #[test]
    fn jitter_stays_within_bounds() {
        let p = RetryPolicy { retries: 3, base_delay: Duration::from_millis(1000), jitter: 0.2 };
        for retry in 0..3 {
            for _ in 0..100 {
                let d = p.delay(retry).as_secs_f64();
                let n = p.nominal_delay(retry).as_secs_f64();
                assert!(d >= n * 0.8 - 1e-9 && d <= n * 1.2 + 1e-9, "{d} vs {n}");
            }
        }
    }

    #[test]
    fn huge_retry_numbers_saturate() {
        let p = RetryPolicy::BOSH_DEFAULT;
        assert!(p.nominal_delay(64) >= p.nominal_delay(31));
    }
}
