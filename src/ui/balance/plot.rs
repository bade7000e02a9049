//! Numbers for the panel and the figures: latency text, and the scales and curves of the
//! maximum-load figure. Pure, so it is tested natively.

/// The n of the maximum-load figure: 10^3 to 10^6, with the half decades between.
pub const MAX_LOAD_NS: [u64; 7] = [1_000, 3_162, 10_000, 31_623, 100_000, 316_228, 1_000_000];

/// Seeds averaged per n in the maximum-load figure (the page computes it on request, so
/// modest: 5 seeds took 0.6 s in headless Chromium, 10 about twice that).
pub const MAX_LOAD_SEEDS: u32 = 10;

/// The slow-server figure's workload: load and slow-down.
pub const P99_LOAD_PERCENT: u32 = 60;
pub const P99_SLOW_FACTOR: u32 = 5;

/// A latency for people: "0.8 ms", "23 ms", "1.25 s".
pub fn latency_text(us: u64) -> String {
    let ms = us as f64 / 1_000.0;
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else if ms < 1_000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.2} s", ms / 1_000.0)
    }
}

/// A span for people: "2 s", "500 ms".
pub fn span_text(t: crate::sim::Time) -> String {
    let ms = t.0 / 1_000;
    if ms % 1_000 == 0 {
        format!("{} s", ms / 1_000)
    } else {
        format!("{ms} ms")
    }
}

/// Per thousand as a percentage: "12.5%".
pub fn percent_text(permille: u64) -> String {
    format!("{:.1}%", permille as f64 / 10.0)
}

/// `ln n / ln ln n`: the first-order maximum load with one random choice.
pub fn one_choice_first_order(n: f64) -> f64 {
    n.ln() / n.ln().ln()
}

/// `ln ln n / ln 2`: the first-order maximum load with the better of two choices.
pub fn two_choice_first_order(n: f64) -> f64 {
    n.ln().ln() / std::f64::consts::LN_2
}

/// The maximum-load chart's area and scales: log n across, load up from 0.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LoadPlot {
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    pub y_max: f64,
}

pub const LOAD_PLOT: LoadPlot = LoadPlot {
    left: 40.0,
    right: 420.0,
    top: 14.0,
    bottom: 190.0,
    y_max: 10.0,
};
pub const LOAD_PLOT_SIZE: (f64, f64) = (440.0, 226.0);

impl LoadPlot {
    pub fn x(&self, n: f64) -> f64 {
        let (lo, hi) = (3.0, 6.0);
        let f = (n.max(1.0).log10() - lo) / (hi - lo);
        self.left + (self.right - self.left) * f.clamp(0.0, 1.0)
    }

    pub fn y(&self, load: f64) -> f64 {
        self.bottom - (self.bottom - self.top) * (load / self.y_max).clamp(0.0, 1.0)
    }

    /// A smooth curve of `f` over n from 10^3 to 10^6, as an SVG path.
    pub fn curve(&self, f: fn(f64) -> f64) -> String {
        (0..=60)
            .map(|i| {
                let n = 10f64.powf(3.0 + 3.0 * f64::from(i) / 60.0);
                let cmd = if i == 0 { 'M' } else { 'L' };
                format!("{cmd}{:.1},{:.1}", self.x(n), self.y(f(n)))
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_text_picks_a_readable_unit() {
        assert_eq!(latency_text(800), "0.8 ms");
        assert_eq!(latency_text(23_400), "23 ms");
        assert_eq!(latency_text(1_250_000), "1.25 s");
        assert_eq!(percent_text(125), "12.5%");
    }

    #[test]
    fn first_order_curves_match_their_formulas_and_fit_the_plot() {
        let n = 1e6f64;
        assert!((one_choice_first_order(n) - 13.8155 / 2.6258).abs() < 1e-3);
        assert!((two_choice_first_order(n) - 3.7883).abs() < 1e-3);
        for n in MAX_LOAD_NS {
            let n = n as f64;
            assert!(one_choice_first_order(n) < LOAD_PLOT.y_max);
            assert!(two_choice_first_order(n) < one_choice_first_order(n));
        }
        assert_eq!(LOAD_PLOT.x(1e3), LOAD_PLOT.left);
        assert_eq!(LOAD_PLOT.x(1e6), LOAD_PLOT.right);
        assert!(LOAD_PLOT
            .curve(one_choice_first_order)
            .starts_with("M40.0,"));
    }
}
