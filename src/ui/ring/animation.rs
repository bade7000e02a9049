//! Time in the ring's pictures: the wall-clock tween that plays a change once when a person
//! arrives at it, and the progress of an animation at the playhead.
use crate::algo::ring_cluster::{RingNode, FLIGHT};
use crate::sim::Time;
pub use crate::ui::hooks::prefers;
use crate::ui::hooks::use_animation_frames;
use std::rc::Rc;
use yew::prelude::*;

/// How long the wall-clock tween of a change or lookup lasts.
pub const TWEEN_MS: f64 = 900.0;

/// Plays 0 -> 1 over [`TWEEN_MS`] of wall-clock time whenever `key` changes to `Some`;
/// returns 1 when there is nothing to play.
#[hook]
pub fn use_tween(key: Option<(u64, u64)>) -> f64 {
    let state = use_state(|| (None::<(u64, u64)>, 1.0f64));
    let reduced = prefers("(prefers-reduced-motion: reduce)");
    // A new key restarts the tween from 0 (or jumps to the end when motion is reduced).
    let elapsed = use_mut_ref(|| 0.0f64);
    {
        let state = state.clone();
        let elapsed = elapsed.clone();
        use_effect_with(key, move |key| {
            *elapsed.borrow_mut() = 0.0;
            if let Some(k) = *key {
                state.set((Some(k), if reduced { 1.0 } else { 0.0 }));
            }
        });
    }
    let playing = key.is_some() && state.0 == key && state.1 < 1.0;
    {
        let state = state.clone();
        let on_frame: Rc<dyn Fn(f64) -> bool> = Rc::new(move |ms: f64| {
            let mut total = elapsed.borrow_mut();
            *total += ms;
            let progress = (*total / TWEEN_MS).clamp(0.0, 1.0);
            state.set((key, progress));
            progress < 1.0
        });
        use_animation_frames(playing, on_frame);
    }
    match key {
        Some(k) if state.0 == Some(k) => state.1,
        Some(_) => 0.0,
        None => 1.0,
    }
}

/// Progress rounded to a thousandth, so that equal pictures compare equal.
pub fn quantize(progress: f64) -> f64 {
    (progress * 1000.0).round() / 1000.0
}

/// The side panel's histogram follows the run's playhead only (no wall-clock tween).
pub fn histogram_progress(node: &RingNode, playhead: Time) -> f64 {
    node.last_change().map_or(1.0, |c| {
        quantize(event_progress(
            c.handled_at == node.handled(),
            c.time,
            playhead,
            1.0,
        ))
    })
}

/// How far along an event's animation is (see the module documentation).
pub fn event_progress(current: bool, event_time: Time, playhead: Time, tween: f64) -> f64 {
    if !current {
        1.0
    } else if playhead > event_time {
        ((playhead.0 - event_time.0) as f64 / FLIGHT.0 as f64).min(1.0)
    } else {
        tween
    }
}
