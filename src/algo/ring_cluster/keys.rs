//! The key set's names: a seeded permutation, so any key's name can be made on demand.
use super::config::KEY_SPACE;
use crate::sim::SimRng;

/// The seeded permutation that names keys: key `i` is `key-` and the seven digits of
/// `(offset + i * stride) mod 10^7`; `stride` is coprime with `10^7`, so names are
/// distinct, and the name of any key can be made (or inverted) on demand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyNaming {
    pub(super) offset: u64,
    pub(super) stride: u64,
    pub(super) inverse: u64,
}

impl KeyNaming {
    pub fn new(seed: u64) -> Self {
        let mut rng = SimRng::new(seed ^ 0x6b65_7973_6e61_6d65);
        let offset = rng.below(KEY_SPACE);
        // Odd and not a multiple of 5: coprime with 10^7 = 2^7 * 5^7.
        let mut stride = rng.below(KEY_SPACE / 2) * 2 + 1;
        if stride % 5 == 0 {
            stride = (stride + 2) % KEY_SPACE;
        }
        KeyNaming {
            offset,
            stride,
            inverse: mod_inverse(stride, KEY_SPACE),
        }
    }

    pub fn name(&self, index: u32) -> String {
        let n = (self.offset + u64::from(index) * self.stride) % KEY_SPACE;
        format!("key-{n:07}")
    }

    /// The index of a key name in the set of `count` keys, if it is one of them.
    pub fn index_of(&self, name: &str, count: u32) -> Option<u32> {
        let digits = name.strip_prefix("key-")?;
        if digits.len() != 7 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u64 = digits.parse().ok()?;
        let index = ((n + KEY_SPACE - self.offset) % KEY_SPACE) * self.inverse % KEY_SPACE;
        (index < u64::from(count)).then_some(index as u32)
    }
}

/// `a^-1 mod m` for coprime `a` and `m` (extended Euclid).
pub(super) fn mod_inverse(a: u64, m: u64) -> u64 {
    let (mut old_r, mut r) = (a as i128, m as i128);
    let (mut old_s, mut s) = (1i128, 0i128);
    while r != 0 {
        let q = old_r / r;
        (old_r, r) = (r, old_r - q * r);
        (old_s, s) = (s, old_s - q * s);
    }
    old_s.rem_euclid(m as i128) as u64
}
