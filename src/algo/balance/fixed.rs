//! Integer-only logarithm and exponential, so that random service times and latency
//! averages are bit-identical on every platform.
//!
//! Why not `f64::ln` and `f64::exp`? The four basic float operations are exact everywhere
//! (IEEE 754), but transcendental functions come from each platform's maths library: the
//! native build uses the system's, the WebAssembly build a port of musl's, and their last
//! bits may differ. One different bit in a service time changes which request finishes
//! first, and a shared link would then replay a different run. Everything below is
//! additions, multiplications and shifts on integers, in fixed point with 32 fractional
//! bits ("Q32": the integer `x` stands for `x / 2^32`).

/// `1.0` in Q32.
pub const ONE_Q32: u64 = 1 << 32;
/// `ln 2` in Q32 (0.693147180559945...).
const LN2_Q32: u64 = 2_977_044_472;
/// `log2 e` in Q32 (1.442695040888963...).
const LOG2E_Q32: u64 = 6_196_328_019;

/// `log2(x)` in Q32, for `x >= 1` (0 for `x = 0`, which has no logarithm).
///
/// The integer part is the position of the highest set bit. The fraction comes one bit at a
/// time from the mantissa `m` in `[1, 2)`: squaring doubles the logarithm, so if `m^2 >= 2`
/// the next bit is 1 and `m^2 / 2` carries on, otherwise the bit is 0 and `m^2` carries on.
pub fn log2_q32(x: u64) -> u64 {
    if x == 0 {
        return 0;
    }
    let int = 63 - u64::from(x.leading_zeros());
    // The mantissa scaled by 2^63, so that it lies in [2^63, 2^64).
    let mut m: u128 = u128::from(x) << (63 - int);
    let mut frac = 0u64;
    for bit in (0..32).rev() {
        m = (m * m) >> 63;
        if m >= 1u128 << 64 {
            m >>= 1;
            frac |= 1 << bit;
        }
    }
    (int << 32) | frac
}

/// `-ln(k / 2^32)` in Q32 for `k` in `1..=2^32`: turns a uniform draw into an exponential
/// one with mean 1 (the inverse of its distribution function). The largest value, for
/// `k = 1`, is `32 ln 2`, about 22.2 means: rarer tails are cut off, at odds of 2^-32.
pub fn neg_ln_q32(k: u64) -> u64 {
    let k = k.clamp(1, ONE_Q32);
    let minus_log2 = (32u64 << 32) - log2_q32(k);
    ((u128::from(minus_log2) * u128::from(LN2_Q32)) >> 32) as u64
}

/// `exp(-x)` in Q32 for `x` in Q32 (`x >= 0`), as `2^(-x log2 e)`: the integer part of
/// the exponent is a shift, the fraction a short Taylor series of `exp(-f ln 2)`.
pub fn exp_neg_q32(x: u64) -> u64 {
    let y = (u128::from(x) * u128::from(LOG2E_Q32)) >> 32;
    let int = y >> 32;
    if int >= 40 {
        return 0;
    }
    let frac = (y as u64) & (ONE_Q32 - 1);
    // t = frac * ln 2 < 0.7, so 14 terms leave an error far below 2^-32.
    let t = (u128::from(frac) * u128::from(LN2_Q32)) >> 32;
    let mut term: u128 = u128::from(ONE_Q32);
    let mut sum: i128 = i128::from(ONE_Q32);
    for k in 1..=14u128 {
        term = ((term * t) >> 32) / k;
        if k % 2 == 1 {
            sum -= term as i128;
        } else {
            sum += term as i128;
        }
    }
    (sum.max(0) as u64) >> int
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(x: u64) -> f64 {
        x as f64 / ONE_Q32 as f64
    }

    #[test]
    fn log2_matches_floats() {
        for x in [1u64, 2, 3, 10, 1000, 123_456_789, u64::MAX] {
            let want = (x as f64).log2();
            assert!((q(log2_q32(x)) - want).abs() < 1e-8, "log2({x})");
        }
    }

    #[test]
    fn exponential_draw_and_decay_match_floats() {
        for k in [1u64, 2, 1000, 1 << 31, (1 << 32) - 1, 1 << 32] {
            let want = -((k as f64) / ONE_Q32 as f64).ln();
            assert!((q(neg_ln_q32(k)) - want).abs() < 1e-8, "-ln at {k}");
        }
        for x in [0.0f64, 0.001, 0.5, 1.0, 2.7, 10.0, 30.0] {
            let got = q(exp_neg_q32((x * ONE_Q32 as f64) as u64));
            assert!((got - (-x).exp()).abs() < 1e-8, "exp(-{x}) = {got}");
        }
        assert_eq!(exp_neg_q32(u64::MAX), 0);
    }
}
