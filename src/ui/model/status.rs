//! The step counter beside the scrubber. Runs are computed as they are watched, so until a
//! run has ended (come to rest after its last scripted action, or reached its step limit)
//! the number of steps computed so far is no total a person can use: the counter then says
//! only which step is shown, and its tooltip how far the run has been computed.
use crate::i18n::{tr, trf};
use crate::sim::Time;

/// The counter's text and its tooltip for step `cursor` of a run computed up to `horizon`
/// steps, `finished` when nothing more will be computed.
pub fn step_status(cursor: u64, horizon: u64, finished: bool, time: Time) -> (String, String) {
    if finished {
        (
            trf(
                "step {n} / {total} · {time}",
                &[("n", &cursor), ("total", &horizon), ("time", &time)],
            ),
            tr("The run has ended: no step comes after its last one.").to_string(),
        )
    } else {
        (
            trf("step {n} · {time}", &[("n", &cursor), ("time", &time)]),
            trf(
                "The run goes on: its steps are computed as it plays ({total} so far).",
                &[("total", &horizon)],
            ),
        )
    }
}
