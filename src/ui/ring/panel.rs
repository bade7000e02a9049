//! The ring's side panel: the load histogram and the comparison of placement algorithms.
use super::animation::*;
use super::geometry::*;
use crate::algo::placement::{
    compare_algorithms, CompareSetup, Comparison, NodeSpec, PlacementConfig,
};
use crate::algo::ring_cluster::{Algorithm, HashChoice, RingNode};
use crate::i18n::{tr, trf};
use crate::scene::ring::RingView;
use crate::ui::browser;
use crate::ui::scenes::ViewCtx;
use crate::ui::svg_attr::n2;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// The comparison runs by itself up to this much work (keys x nodes); beyond, on request.
pub const AUTO_COMPARE_WORK: u64 = 2_000_000;
/// How long the node set must stay the same before the comparison runs: it blocks the
/// page for a moment, so after a change it waits until the animation is over.
pub const COMPARE_AFTER_MS: u32 = 1_500;
/// The wait when nothing is animating (a freshly opened run).
pub const COMPARE_SOON_MS: u32 = 300;

// The side panel: histogram and comparison

#[derive(Properties, PartialEq)]
pub struct HistogramProps {
    pub node: RingView,
    /// How far the last change's animation is (0 to 1): bars grow from the loads before
    /// it to the loads after. A number rather than the playhead, so that the histogram
    /// is left alone on the frames where nothing in it moves.
    pub progress: f64,
    #[prop_or(false)]
    pub compact: bool,
}

/// Keys per node as bars (animated between the loads before and after a change while the
/// run plays), with the mean, the bounded-load cap, the standard deviation and the peak
/// over fair share.
#[function_component(Histogram)]
pub fn histogram(p: &HistogramProps) -> Html {
    let node = &p.node.0;
    let dark = prefers("(prefers-color-scheme: dark)");
    let rows = node.node_rows();
    let summary = node.load_summary();
    let (_, peak_meaning) = super::words::peak_header();
    let progress = p.progress;
    let before = |slot: u16| {
        node.last_change()
            .and_then(|c| c.loads_before.get(usize::from(slot)).copied())
            .unwrap_or(0)
    };
    let (width, height) = (320.0, if p.compact { 90.0 } else { 150.0 });
    let top = rows
        .iter()
        .map(|r| f64::from(r.keys).max(r.cap.unwrap_or(0) as f64))
        .fold(1.0, f64::max)
        * 1.08;
    let n = rows.len().max(1) as f64;
    let slot_w = width / n;
    let bar_w = (slot_w * 0.78).max(1.0);
    let y_of = |v: f64| height - v / top * height;
    let eased = smooth(progress);
    let bars = rows.iter().enumerate().map(|(i, r)| {
        let value = f64::from(before(r.slot)) + (f64::from(r.keys) - f64::from(before(r.slot))) * eased;
        let x = i as f64 * slot_w + (slot_w - bar_w) / 2.0;
        let y = y_of(value);
        let over = r.keys as f64 > r.fair * 1.2;
        html! {
            <g key={r.name.clone()} class={classes!("hbar", over.then_some("over"))} data-node={r.name.clone()} data-keys={r.keys.to_string()}>
                <title>{ trf("{node}: {n} keys (fair share {fair})", &[("node", &r.name), ("n", &fmt_count(r.keys.into())), ("fair", &fmt_count(r.fair.round() as u64))]) }</title>
                <rect x={n2(x)} y={n2(y)} width={n2(bar_w)}
                      height={n2((height - y).max(0.0))} fill={node_colour(&r.name, dark)} />
                <line class="fair" x1={n2(x)} x2={n2(x + bar_w)}
                      y1={n2(y_of(r.fair))} y2={n2(y_of(r.fair))} />
                if let Some(cap) = r.cap {
                    <line class="cap" x1={n2(x - 1.0)} x2={n2(x + bar_w + 1.0)}
                          y1={n2(y_of(cap as f64))} y2={n2(y_of(cap as f64))} />
                }
            </g>
        }
    });
    let mean_y = y_of(summary.mean);
    let labels = (rows.len() <= 12).then(|| {
        html! {
            <div class="hist-labels" style={format!("grid-template-columns: repeat({}, 1fr)", rows.len())}>
                { for rows.iter().map(|r| html! { <span title={r.name.clone()}>{ r.name.strip_prefix("node-").unwrap_or(&r.name) }</span> }) }
            </div>
        }
    });
    html! {
        <div class={classes!("histogram", p.compact.then_some("compact"))} data-focus="chart">
            <svg viewBox={format!("0 0 {width} {height}")} preserveAspectRatio="none" class="hist-svg" role="img"
                 aria-label={super::words::histogram_label(summary.std_dev, summary.peak_over_fair_share)}>
                { for bars }
                <line class="mean" x1="0" x2={width.to_string()} y1={n2(mean_y)} y2={n2(mean_y)} />
            </svg>
            { for labels }
            <p class="hist-stats" id="load-stats">
                <span>{ trf("mean {mean}", &[("mean", &fmt_count(summary.mean.round() as u64))]) }</span>
                <span id="load-std">{ trf("std dev {std} ({percent}%)", &[("std", &format!("{:.1}", summary.std_dev)),
                    ("percent", &format!("{:.1}", if summary.mean > 0.0 { summary.std_dev / summary.mean * 100.0 } else { 0.0 }))]) }</span>
                <span id="load-peak" title={peak_meaning}>{ super::words::peak_text(summary.peak_over_fair_share) }</span>
            </p>
        </div>
    }
}

/// What the comparison is cached by: the node set, the key count and the knobs.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareKey {
    pub nodes: Vec<(String, u32)>,
    pub keys: u32,
    pub vnodes: u32,
    pub capacity_percent: u32,
}

pub type CompareResult = Rc<(Result<Comparison, String>, f64)>;

thread_local! {
    /// The last few comparisons (they take up to a second; never recomputed per frame).
    static COMPARISONS: RefCell<Vec<(CompareKey, CompareResult)>> = const { RefCell::new(Vec::new()) };
}

pub fn cached(key: &CompareKey) -> Option<CompareResult> {
    COMPARISONS.with(|c| {
        c.borrow()
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, r)| r.clone())
    })
}

pub fn compare_key(node: &RingNode) -> CompareKey {
    CompareKey {
        nodes: node
            .live_nodes()
            .map(|(_, n)| (n.name.clone(), n.weight))
            .collect(),
        keys: node.key_count(),
        vnodes: node.config().vnodes,
        capacity_percent: node.config().capacity_percent,
    }
}

/// Runs the comparison (with the browser's clock for lookup times) and caches it.
pub fn run_comparison(key: &CompareKey, joining: String) -> CompareResult {
    let nodes: Vec<NodeSpec> = key
        .nodes
        .iter()
        .map(|(n, w)| NodeSpec::new(n.clone(), *w))
        .collect();
    let leaving = nodes
        .get(nodes.len() / 2)
        .map(|n| n.name.clone())
        .unwrap_or_default();
    let setup = CompareSetup {
        nodes,
        key_count: key.keys,
        joining: NodeSpec::new(joining, 1),
        leaving,
        config: PlacementConfig {
            vnodes_per_weight: key.vnodes.max(1),
            capacity_factor: f64::from(key.capacity_percent) / 100.0,
            ..PlacementConfig::default()
        },
    };
    let started = browser::now_ms();
    let mut clock = || browser::now_ms() * 1e6;
    let result = compare_algorithms(&setup, Some(&mut clock)).map_err(|e| e.to_string());
    let took = browser::now_ms() - started;
    let entry: CompareResult = Rc::new((result, took));
    COMPARISONS.with(|c| {
        let mut c = c.borrow_mut();
        c.retain(|(k, _)| k != key);
        c.push((key.clone(), entry.clone()));
        if c.len() > 8 {
            c.remove(0);
        }
    });
    entry
}

/// The side panel: the histogram and the comparison of algorithms.
#[derive(Properties, PartialEq)]
pub struct RingPanelProps {
    pub view: RingView,
    pub ctx: ViewCtx,
}

#[function_component(RingPanel)]
pub fn ring_panel(p: &RingPanelProps) -> Html {
    let node = Some(p.view.0.clone());
    let props = &p.ctx;
    let refresh = use_force_update();
    let requested = use_state(|| None::<CompareKey>);
    let key = node.as_ref().map(compare_key);
    let result = key.as_ref().and_then(cached);
    let work = key
        .as_ref()
        .map_or(0, |k| u64::from(k.keys) * (k.nodes.len() as u64 + 1));
    let wanted = key.as_ref().is_some_and(|k| {
        result.is_none() && (work <= AUTO_COMPARE_WORK || requested.as_ref() == Some(k))
    });
    {
        let refresh = refresh.clone();
        let joining = node
            .as_ref()
            .map(RingNode::suggested_name)
            .unwrap_or_default();
        let delay = if node.as_ref().and_then(RingNode::last_change).is_some() {
            COMPARE_AFTER_MS
        } else {
            COMPARE_SOON_MS
        };
        use_effect_with((key.clone(), wanted), move |(key, wanted)| {
            // Waits for the node set to settle (churn changes it often), then computes once.
            let timer = match (key.clone(), *wanted) {
                (Some(key), true) => Some(gloo_timers::callback::Timeout::new(delay, move || {
                    run_comparison(&key, joining);
                    refresh.force_update();
                })),
                _ => None,
            };
            move || drop(timer)
        });
    }
    let Some(node) = node else { return html! {} };
    let on_request = {
        let requested = requested.clone();
        let key = key.clone();
        Callback::from(move |_: MouseEvent| requested.set(key.clone()))
    };
    let table = match &result {
        Some(entry) => html! {
            <CompareTable result={entry.clone()} algorithm={node.config().algorithm} hash={node.config().hash} />
        },
        None if wanted => html! {
            <p class="muted" id="compare-status">{ trf("Comparing 7 algorithms on {n} keys…", &[("n", &fmt_count(node.key_count().into()))]) }</p>
        },
        None => html! {
            <p class="muted" id="compare-status">
                { trf("{keys} keys × {nodes} nodes: the comparison takes a moment.", &[("keys", &fmt_count(node.key_count().into())), ("nodes", &node.ring().node_count())]) }
                { " " }
                <button id="compare-run" onclick={on_request}>{ tr("Run the comparison") }</button>
            </p>
        },
    };
    html! {
        <section class="ring-panel" aria-label={tr("Load and comparison")}>
            <h2>{ tr("Keys per node") }</h2>
            <Histogram node={RingView(node.clone())} progress={histogram_progress(&node, props.playhead)} />
            <h2 class="compare-head">{ tr("Algorithms compared") }</h2>
            <p class="muted small">{ trf(
                "Same {nodes} nodes and {keys} keys: one node joins ({name}), the middle one leaves.",
                &[("nodes", &node.ring().node_count()), ("keys", &fmt_count(node.key_count().into())), ("name", &node.suggested_name())]) }</p>
            { table }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct CompareTableProps {
    pub result: CompareResult,
    pub algorithm: Algorithm,
    pub hash: HashChoice,
}

/// The comparison as a table (its own component: it is re-rendered only when the result
/// or the scene's algorithm changes, not on every frame of a playing run).
#[function_component(CompareTable)]
pub fn compare_table(p: &CompareTableProps) -> Html {
    let (c, took_ms) = match &p.result.0 {
        Ok(c) => (c, p.result.1),
        Err(e) => {
            return html! { <p class="field-error">{ trf("The comparison could not run: {why}.", &[("why", e)]) }</p> }
        }
    };
    let current = p.algorithm;
    let hash = p.hash;
    let (peak_header, peak_meaning) = super::words::peak_header();
    let report_algo = |name: &str| match name {
        "ring" => Some(Algorithm::Ring),
        "bounded-load" => Some(Algorithm::BoundedLoad),
        "modulo" => Some(Algorithm::Modulo),
        "jump" => Some(Algorithm::Jump),
        "rendezvous" => Some(Algorithm::Rendezvous),
        "maglev" => Some(Algorithm::Maglev),
        _ => None,
    };
    let bytes = |b: usize| {
        if b >= 1 << 20 {
            format!("{:.1} MB", b as f64 / f64::from(1 << 20))
        } else if b >= 1 << 10 {
            format!("{:.0} KB", b as f64 / 1024.0)
        } else {
            format!("{b} B")
        }
    };
    // Browsers coarsen their clock (0.1 ms ticks without cross-origin isolation), so with
    // few keys one tick is many nanoseconds per key: say so rather than print 0.
    let tick_ns = 100_000.0 / c.key_count.max(1) as f64;
    let ns_text = |ns: f64| {
        if ns < tick_ns / 2.0 {
            format!("<{}", fmt_count(tick_ns.round() as u64))
        } else {
            fmt_count(ns.round() as u64)
        }
    };
    let rows = c.reports.iter().map(|r| {
        let mine = report_algo(r.name) == Some(current)
            && !(r.name == "ring" && hash == HashChoice::Ketama)
            || (r.name == "ketama" && hash == HashChoice::Ketama && current == Algorithm::Ring);
        html! {
                    <tr class={classes!(mine.then_some("current"))} data-algo={r.name}>
                        <th scope="row" title={tr(r.lookup_complexity)}>{ super::words::compare_row_name(r.name) }</th>
                        <td>{ fmt_count(r.moved_on_join) }</td>
                        <td>{ r.moved_on_leave.map_or_else(|| "–".into(), fmt_count) }</td>
                        <td>{ format!("{:.2}", r.peak_to_mean) }</td>
                        <td>{ bytes(r.memory_bytes) }</td>
                        <td title={tr(r.lookup_complexity)}>
        { r.lookup_ns.map_or_else(|| "–".into(), ns_text) }</td>
                    </tr>
                }
    });
    html! {
        <div class="compare-wrap">
            <table class="compare" id="compare-table">
                <thead><tr>
                    <th scope="col">{ tr("algorithm") }</th>
                    <th scope="col" title={tr("keys moved when a node joins")}>{ tr("join") }</th>
                    <th scope="col" title={tr("keys moved when the middle node leaves")}>{ tr("leave") }</th>
                    <th scope="col" title={peak_meaning}>{ peak_header }</th>
                    <th scope="col">{ tr("memory") }</th>
                    <th scope="col" title={tr("nanoseconds per lookup in this browser")}>{ tr("ns/key") }</th>
                </tr></thead>
                <tbody>
                    <tr class="ideal">
                        <th scope="row">{ tr("ideal") }</th>
                        <td>{ fmt_count(c.ideal_moves_on_join.round() as u64) }</td>
                        <td>{ c.ideal_moves_on_leave.map_or_else(|| "–".into(), |v| fmt_count(v.round() as u64)) }</td>
                        <td>{ "1.00" }</td><td></td><td></td>
                    </tr>
                    { for rows }
                </tbody>
            </table>
            <p class="muted small">
                { trf("Measured in this browser in {ms} ms; cached for this node set.", &[("ms", &format!("{took_ms:.0}"))]) }
                if tick_ns > 5.0 {
                    { crate::i18n::sentence_gap() }
                    { trf("The browser's clock ticks every 0.1 ms, about {ns} ns per key here: more keys give finer ns/key.", &[("ns", &fmt_count(tick_ns.round() as u64))]) }
                }

            </p>
        </div>
    }
}
