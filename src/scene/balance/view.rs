//! The load-balancing scene's view model: the run at the cursor (servers, balancers,
//! requests on the wires), the latency chart's history, and the second side of a
//! comparison, all typed.
use super::replay::{sample_every, with_replays, Inputs, Replay};
use super::setup::BalanceSetup;
use crate::algo::balance::compare::{Sample, ServerSample};
use crate::algo::balance::views::{balance_view, BalanceView, RequestPath};
use crate::algo::balance::BalanceNode;
use crate::algo::balance::{SessionMoves, Strategy};
use crate::sim::{NodeId, Sim, Time};

/// The most request dots the stage draws; past it a stable sample is drawn (by id).
pub const MAX_DOTS: usize = 240;

/// The most points a chart line has (samples are thinned evenly past it).
pub const MAX_POINTS: usize = 400;

/// One moment of the latency chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChartPoint {
    pub at: Time,
    /// Percentiles of the requests completed in the window ending here (microseconds);
    /// 0 when none completed.
    pub p50: u64,
    pub p95: u64,
    pub p99: u64,
    /// The p99 counting every request that was not served as infinitely slow: `None` (off
    /// the chart) when 1% or more of the requests ending in the window were not served.
    pub p99_all: Option<u64>,
    pub completed: u64,
    /// Requests not served (turned away or failed), per thousand that ended in the window.
    pub unserved_permille: u64,
}

impl ChartPoint {
    fn of(s: &Sample) -> ChartPoint {
        ChartPoint {
            at: s.at,
            p50: s.latency.p50,
            p95: s.latency.p95,
            p99: s.latency.p99,
            p99_all: s.latency.p99_all,
            completed: s.latency.count,
            unserved_permille: (s.window.dropped + s.window.failed) * 1_000
                / s.window.total().max(1),
        }
    }
}

/// One side of a comparison at the cursor, from its last sample.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SideView {
    pub label: String,
    pub strategy: Strategy,
    pub balancers: u32,
    pub points: Vec<ChartPoint>,
    /// The last sample at or before the cursor.
    pub last: Option<Sample>,
    /// The client's arrival digest at that sample: equal on both sides when they were
    /// offered exactly the same requests.
    pub digest: Option<u64>,
    /// Session moves at that sample.
    pub moves: SessionMoves,
    /// Each server's utilisation (busy slots per thousand) over the latency window before
    /// the cursor, from the samples.
    pub utilisation: Vec<u32>,
}

/// The second side of a comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompareView {
    pub a: SideView,
    pub b: SideView,
    /// Actions of the run the second side cannot repeat (message drops).
    pub not_mirrored: usize,
    /// The second side's queue bound (the same at every server).
    pub b_queue_limit: u32,
}

/// The scene's view model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BalanceSceneView {
    /// The run's seed (the figures computed on request use it too).
    pub seed: u64,
    pub strategy: Strategy,
    pub label: String,
    /// The run at the cursor; `live.requests` holds only requests on a wire, sampled to
    /// at most [`MAX_DOTS`].
    pub live: BalanceView,
    /// Requests on a wire before sampling.
    pub on_wire: usize,
    pub capacity_per_second: u64,
    pub traffic_for: Time,
    /// The chart's time axis ends here.
    pub chart_end: Time,
    pub every: Time,
    /// The latency window the percentiles are computed over.
    pub window: Time,
    pub points: Vec<ChartPoint>,
    /// Each server's utilisation over the latency window (see [`SideView::utilisation`]).
    pub utilisation: Vec<u32>,
    pub compare: Option<CompareView>,
    /// Session moves at the cursor, summed over the balancers.
    pub session_moves: SessionMoves,
}

fn thin(samples: &[Sample]) -> Vec<ChartPoint> {
    let stride = samples.len().div_ceil(MAX_POINTS).max(1);
    let mut points: Vec<ChartPoint> = samples.iter().step_by(stride).map(ChartPoint::of).collect();
    if let Some(last) = samples.last() {
        if points.last().map(|p| p.at) != Some(last.at) {
            points.push(ChartPoint::of(last));
        }
    }
    points
}

/// Keeps the requests on a wire, at most [`MAX_DOTS`] of them (every k-th id, so the same
/// requests stay drawn from frame to frame).
pub fn wire_dots(all: Vec<RequestPath>) -> (Vec<RequestPath>, usize) {
    let wire: Vec<RequestPath> = all.into_iter().filter(|r| r.wire.is_some()).collect();
    let total = wire.len();
    if total <= MAX_DOTS {
        return (wire, total);
    }
    let k = total.div_ceil(MAX_DOTS) as u64;
    (
        wire.into_iter()
            .filter(|r| r.id % k == 0)
            .take(MAX_DOTS)
            .collect(),
        total,
    )
}

/// Mean utilisation per server over the samples within `window` before the last one
/// (the first sample, at time 0, has no interval behind it and is left out).
fn utilisation(samples: &[Sample], window: Time) -> Vec<u32> {
    let Some(last) = samples.last() else {
        return Vec::new();
    };
    let recent: Vec<&Sample> = samples
        .iter()
        .rev()
        .take_while(|s| s.at > Time::ZERO && last.at.0 - s.at.0 < window.0)
        .collect();
    (0..last.servers.len())
        .map(|i| {
            let sum: u64 = recent
                .iter()
                .map(|s| u64::from(s.servers.get(i).map_or(0, |x| x.utilisation_permille)))
                .sum();
            (sum / (recent.len() as u64).max(1)) as u32
        })
        .collect()
}

fn side(
    label: String,
    strategy: Strategy,
    balancers: u32,
    replay: &Replay,
    now: Time,
    window: Time,
) -> SideView {
    let samples = replay.upto(now);
    SideView {
        utilisation: utilisation(samples, window),
        label,
        strategy,
        balancers,
        points: thin(samples),
        last: samples.last().cloned(),
        digest: replay.digests.get(samples.len().wrapping_sub(1)).copied(),
        moves: replay
            .moves
            .get(samples.len().wrapping_sub(1))
            .copied()
            .unwrap_or_default(),
    }
}

fn run_seed(sim: &Sim<BalanceNode>) -> u64 {
    sim.node(NodeId(0))
        .and_then(BalanceNode::as_client)
        .map_or(0, |c| c.run_seed())
}

/// The view model of a run at its cursor. `actions` are the run's actions.
pub fn build(
    setup: &BalanceSetup,
    sim: &Sim<BalanceNode>,
    actions: &[crate::sim::Scheduled<crate::algo::balance::Cmd>],
) -> BalanceSceneView {
    let now = sim.now();
    let mut live = balance_view(sim);
    let (dots, on_wire) = wire_dots(std::mem::take(&mut live.requests));
    live.requests = dots;
    let every = sample_every(setup.traffic_for);
    let partner = setup.partner_config();
    let (label_a, label_b) = setup.labels();
    let seed = run_seed(sim);
    let inputs = Inputs {
        seed,
        config: &setup.config,
        partner: partner.as_ref(),
        net: sim.net_config(),
        actions,
        every,
    };
    let (points, utilisation, compare) = with_replays(inputs, now, |r| {
        let window = setup.config.window;
        let a = side(
            label_a.clone(),
            setup.config.strategy,
            setup.config.balancers,
            &r.own,
            now,
            window,
        );
        let compare = r
            .partner
            .as_ref()
            .zip(partner.as_ref())
            .map(|(p, pc)| CompareView {
                b: side(label_b.clone(), pc.strategy, pc.balancers, p, now, window),
                a: a.clone(),
                not_mirrored: r.not_mirrored,
                b_queue_limit: pc.servers.first().map_or(0, |s| s.queue_limit),
            });
        (a.points, a.utilisation, compare)
    });
    let chart_end = Time(
        setup
            .traffic_for
            .0
            .saturating_add(2_000_000)
            .max(now.0)
            .max(every.0),
    );
    BalanceSceneView {
        seed,
        strategy: setup.config.strategy,
        label: label_a,
        session_moves: crate::algo::balance::views::session_moves(sim),
        live,
        on_wire,
        capacity_per_second: setup.config.capacity_per_second(),
        traffic_for: setup.traffic_for,
        chart_end,
        every,
        window: setup.config.window,
        points,
        utilisation,
        compare,
    }
}

/// A server's sample at the cursor on the second side, if there is one.
pub fn partner_server(view: &BalanceSceneView, index: usize) -> Option<ServerSample> {
    view.compare
        .as_ref()?
        .b
        .last
        .as_ref()?
        .servers
        .get(index)
        .copied()
}
