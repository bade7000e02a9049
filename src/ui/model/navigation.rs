//! Moving between runs: the tour's stops (time travel within one scenario), what Undo
//! returns to, and opening a run a link or the history describes.
use super::{Model, UNDO_DEPTH};
use crate::scene::tour::PlacedStop;
use crate::scene::RunSpec;
use crate::sim::run::Run;
use std::rc::Rc;

impl<R: ?Sized + Run> Model<R> {
    /// The spec that shows tour stop `stop`: the stop's run, shown as `current` shows runs.
    pub(super) fn tour_spec(current: &RunSpec, placed: &PlacedStop, stop: usize) -> RunSpec {
        RunSpec {
            embed: current.embed,
            show: current.show.clone(),
            tour: Some(stop),
            ..placed.spec.clone()
        }
    }

    /// The run as it is now, step included: what Undo returns to.
    pub(super) fn current_spec(&self) -> RunSpec {
        let run = self.run.borrow();
        RunSpec {
            actions: run.actions_text(),
            step: Some(run.cursor()).filter(|s| *s > 0),
            ..self.spec.clone()
        }
    }

    /// Remembers the run before a gesture changes it, for Undo and the browser's Back.
    pub(super) fn remember(&mut self) {
        let before = self.current_spec();
        let undo = Rc::make_mut(&mut self.undo);
        if undo.last() != Some(&before) {
            undo.push(before);
            if undo.len() > UNDO_DEPTH {
                undo.remove(0);
            }
        }
    }

    /// Shows the run `spec` describes, at its step (how the page is shown is kept).
    pub(super) fn open(&mut self, spec: RunSpec) {
        self.spec = RunSpec {
            embed: self.spec.embed,
            show: self.spec.show.clone(),
            ..spec
        };
        let built = (self.builder)(&mut self.spec);
        self.problems = built.problems;
        self.playhead = built.run.time_of(built.run.cursor());
        *self.run.borrow_mut() = built.run;
        self.compute_ahead();
        self.spec.step = None;
        self.playing = false;
        self.selected = None;
        self.branched_from = None;
    }

    /// The scene's tour, placed (once).
    pub(super) fn tour(&mut self) -> Rc<Vec<PlacedStop>> {
        self.tour_stops
            .get_or_insert_with(|| Rc::new(self.spec.scene.def().tour()))
            .clone()
    }

    /// Shows tour stop `stop`. Within one scenario this is time travel: the run is kept
    /// and only the step changes.
    pub(super) fn open_stop(&mut self, stop: usize) {
        let stops = self.tour();
        let Some(placed) = stops.get(stop) else {
            return;
        };
        let target = Self::tour_spec(&self.spec, placed, stop);
        let here = self.current_spec();
        let same_run = RunSpec {
            step: None,
            tour: None,
            ..here
        } == RunSpec {
            step: None,
            tour: None,
            ..target.clone()
        };
        if same_run {
            self.spec.tour = Some(stop);
            self.playing = false;
            self.seek(target.step.unwrap_or(0));
        } else {
            self.open(target);
        }
        self.tour_left = None;
    }
}
