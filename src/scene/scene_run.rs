//! The run of a scene: its timeline, node names and configuration, seen by the shell
//! through [`Run`] and by the scene's own views through its typed view model.
use super::narration::{narrate, LogLine};
use super::{Names, Scene, LOOKAHEAD};
use crate::i18n;
use crate::sim::run::{NodeCommandView, ProtocolRun, Run, Snapshot, TraceRow};
use crate::sim::trace::{NoteWords, Words};
use crate::sim::{Line, NodeId, Protocol, Time, Timeline};

pub struct SceneRun<S: Scene> {
    pub config: S::Config,
    pub inner: ProtocolRun<S::Node>,
}

impl<S: Scene> SceneRun<S> {
    pub fn new(config: S::Config, timeline: Timeline<S::Node>, names: Vec<String>) -> Self {
        let mut inner = ProtocolRun::new(timeline, names);
        inner.groups = S::node_groups(&config);
        SceneRun { config, inner }
    }

    pub fn timeline(&self) -> &Timeline<S::Node> {
        &self.inner.timeline
    }

    pub fn sim(&self) -> &crate::sim::Sim<S::Node> {
        self.inner.timeline.sim()
    }

    pub fn names(&self) -> &[String] {
        &self.inner.names
    }

    /// The scene's view model at the cursor.
    pub fn view(&self) -> S::View {
        S::view(self)
    }
}

impl<S: Scene> Run for SceneRun<S> {
    fn node_count(&self) -> u32 {
        self.inner.node_count()
    }

    fn horizon(&self) -> u64 {
        self.inner.horizon()
    }

    fn is_finished(&mut self) -> bool {
        self.inner.is_finished()
    }

    fn cursor(&self) -> u64 {
        self.inner.cursor()
    }

    fn seek(&mut self, step: u64) {
        self.inner.seek(step)
    }

    fn extend(&mut self, steps: u64) -> u64 {
        self.inner.extend(steps)
    }

    fn time_of(&self, step: u64) -> Time {
        self.inner.time_of(step)
    }

    fn step_at_time(&self, time: Time) -> u64 {
        self.inner.step_at_time(time)
    }

    fn snapshot(&self) -> Snapshot {
        let mut snapshot = self.inner.snapshot();
        for (node, marks) in snapshot.nodes.iter_mut().zip(S::node_marks(self)) {
            node.marks = marks;
        }
        for node in &mut snapshot.nodes {
            node.name = i18n::node_name(&node.name);
            // A crashed node says so, not the state it restarts in: a crossed-out client
            // labelled IDLE read as a client that had merely not started.
            if node.status == crate::sim::NodeStatus::Crashed {
                node.state = "CRASHED";
            }
        }
        snapshot
    }

    fn rows(&self, from: u64, to: u64) -> Vec<TraceRow> {
        let names: Vec<String> = self
            .inner
            .names
            .iter()
            .map(|n| i18n::node_name(n))
            .collect();
        self.inner.rows_named(from, to, &names)
    }

    fn take(&mut self, action: &str, time: Time) -> Result<(), String> {
        self.inner.take(action, time)
    }

    fn actions_text(&self) -> Vec<String> {
        self.inner.actions_text()
    }

    fn fingerprint(&self) -> u128 {
        self.inner.fingerprint()
    }

    fn log(&self, from: u64, to: u64) -> Vec<LogLine> {
        let entries = self.inner.timeline.entries(from, to);
        let invariants: Vec<&'static str> =
            self.sim().invariants().iter().map(|i| i.name).collect();
        let timeline = &self.inner.timeline;
        let scripted = |step| timeline.applied_scripted_action(step);
        let acted = |step| timeline.applied_action(step);
        let names = Names(&self.inner.names);
        let words = Words::<S::Node> {
            // In the page's language already: the sentences show them as they are.
            msg: &|msg| Line::value(i18n::line(&<S::Node as Protocol>::msg_label(msg))),
            timer: &|timer| Line::value(i18n::line(&<S::Node as Protocol>::timer_label(timer))),
            cmd: &S::describe_command,
            note: &|node, note| NoteWords {
                text: S::describe(&names, node, note),
                routine: S::routine_note(note),
                changes_stage: S::note_changes_stage(note),
                flaw: S::broken_variant_note(note),
            },
        };
        let worded: Vec<_> = entries.iter().map(|e| e.worded(&words)).collect();
        narrate(&worded, &names, &invariants, &scripted, &acted)
    }

    fn next_visible(&mut self, from: u64, limit: u64) -> u64 {
        let mut step = from + 1;
        while step <= from + limit {
            if step > self.horizon() && self.extend(LOOKAHEAD) == 0 {
                return self.horizon();
            }
            if self.log(step, step).iter().any(|l| l.visible) {
                return step;
            }
            step += 1;
        }
        step.min(self.horizon())
    }

    fn node_commands(&self, node: u32) -> Vec<NodeCommandView> {
        S::node_commands(self, NodeId(node))
            .into_iter()
            .map(|c| NodeCommandView {
                label: c.label,
                action: c.action.to_string(),
            })
            .collect()
    }
}
