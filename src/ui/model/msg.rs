//! Every gesture and timer tick the app reacts to, as data (see the reducer in `mod.rs`).
use crate::i18n::Lang;
use crate::scene::RunSpec;

/// Every gesture and timer tick the app reacts to.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    /// An animation frame, with the wall-clock milliseconds since the last one.
    Frame(f64),
    TogglePlay,
    Pause,
    /// Steps to the next step that changes what the stage shows.
    StepForward,
    /// Steps exactly one step, visible or not.
    StepOne,
    StepBack,
    Seek(u64),
    Speed(usize),
    Seed(u64),
    NewSeed,
    /// An action in link form (`crash:0`, `cmd:1:vote-no`, ...), taken at the playhead.
    Act(String),
    Param(String, String),
    Scenario(String),
    Select(Option<u32>),
    TogglePartitionMode,
    TogglePartitionNode(u32),
    CopyLink,
    CopyEmbed,
    DismissProblems,
    Notice(Option<String>),
    /// Opens the scene's tour at a stop (0 is the first).
    TourOpen(usize),
    TourNext,
    TourBack,
    /// Leaves the tour to try things in the run as it is ("Try it yourself").
    TourLeave,
    /// Goes back to the tour stop the person left.
    TourReturn,
    /// Undoes the last action, scenario, seed or parameter change.
    Undo,
    /// The browser went back or forward in its history to this query.
    Navigate(String),
    Lang(Lang),
    /// The texts of a language arrived (they load on demand): draw again.
    TextsLoaded,
    /// Open a whole run (a link's spec), at its step: what the Explore panel found.
    Open(RunSpec),
    /// The page has painted its first picture: compute the steps ahead that opening the run
    /// left for later (see `scene::OPENING_STEPS`), and draw the panels around the stage.
    Settle,
}
