//! A tiny, self-contained PRNG so generated foundations stay byte-identical whatever the
//! versions of our dependencies.

/// SplitMix64 (Steele, Lea, Flood 2014): tiny state, good statistical quality for fixtures.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64 {
    state: u64,
}

const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// Stateless mix of two words, used to derive per-item values without threading a stream.
pub(crate) fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.wrapping_mul(GOLDEN_GAMMA).rotate_left(17);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)` with 53 bits of precision.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[0, n)`; `n == 0` yields 0. The modulo bias is irrelevant for fixtures.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// Uniform in `[lo, hi]` (inclusive).
    pub(crate) fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Picks an element according to integer weights; the slice must not be empty.
    pub(crate) fn weighted<T: Copy>(&mut self, choices: &[(T, u32)]) -> Option<T> {
        let total: u64 = choices.iter().map(|(_, w)| u64::from(*w)).sum();
        let mut roll = self.below(total);
        for (value, weight) in choices {
            let weight = u64::from(*weight);
            if roll < weight {
                return Some(*value);
            }
            roll -= weight;
        }
        choices.last().map(|(v, _)| *v)
    }

    /// A random version-4 UUID as a u128 (formatted by [`fmt_guid`]).
    pub(crate) fn guid(&mut self) -> u128 {
        let raw = (u128::from(self.next_u64()) << 64) | u128::from(self.next_u64());
        // Set version 4 and the RFC 4122 variant so the guids look like what CC and BOSH emit.
        (raw & !(0xF_u128 << 76) | (0x4_u128 << 76)) & !(0x3_u128 << 62) | (0x2_u128 << 62)
    }

    /// `n` lowercase hex digits, as in Ops Manager deployment names (`cf-<20 hex>`).
    pub(crate) fn hex(&mut self, n: usize) -> String {
        let mut out = String::with_capacity(n);
        while out.len() < n {
            let word = self.next_u64();
            for shift in (0..16).rev() {
                if out.len() == n {
                    break;
                }
                let digit = ((word >> (shift * 4)) & 0xF) as u32;
                out.push(char::from_digit(digit, 16).unwrap_or('0'));
            }
        }
        out
    }
}

/// Formats a u128 as a lowercase 8-4-4-4-12 UUID.
pub(crate) fn fmt_guid(g: u128) -> String {
    let hex = format!("{g:032x}");
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// Parses a lowercase or uppercase 8-4-4-4-12 UUID.
pub(crate) fn parse_guid(s: &str) -> Option<u128> {
    if s.len() != 36 {
        return None;
    }
    let hex: String = s.chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 {
        return None;
    }
    u128::from_str_radix(&hex, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn guids_round_trip_and_look_like_v4() {
        let mut rng = SplitMix64::new(1);
        let g = rng.guid();
        let text = fmt_guid(g);
        assert_eq!(text.len(), 36);
        assert_eq!(&text[14..15], "4");
        assert_eq!(parse_guid(&text), Some(g));
    }

    #[test]
    fn hex_has_requested_length() {
        let mut rng = SplitMix64::new(3);
        let h = rng.hex(20);
        assert_eq!(h.len(), 20);
        assert!(h.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }
}
