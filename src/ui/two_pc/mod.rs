//! The two-phase commit scene: the generic views (topology with the "blocked" mark, node
//! cards, space-time diagram), and a panel counting the forced log writes by outcome.
use crate::algo::two_phase_commit::ForcedWrites;
use crate::i18n::tr;
use crate::scene::two_pc::{TwoPc, TwoPcView};
use crate::ui::scenes::{SceneViews, ViewCtx};
use yew::prelude::*;

impl SceneViews for TwoPc {
    // `style.css` here, minified by `build.rs`.
    const STYLE: &'static str = include_str!(concat!(env!("OUT_DIR"), "/css/ui/two_pc/style.css"));

    fn panel(view: TwoPcView, _ctx: ViewCtx) -> Option<Html> {
        Some(html! {
            <ForcedWritesPanel
                coordinator={view.coordinator_forced}
                participants={view.participants_forced}
                coordinator_undecided={view.coordinator_undecided}
                participants_undecided={view.participants_undecided}
            />
        })
    }
}

#[derive(Properties, PartialEq)]
pub struct ForcedWritesProps {
    pub coordinator: ForcedWrites,
    pub participants: ForcedWrites,
    /// Forced writes for transactions whose outcome the node does not know yet.
    pub coordinator_undecided: u64,
    pub participants_undecided: u64,
}

/// Forced log writes (writes something waits for) so far, counted as they are made: by the
/// outcome of the transaction each was for, or as not known yet (an in-doubt participant's
/// `PREPARED` is paid before anyone knows whether it will count for a commit or an abort).
/// The cost presumed abort cuts on aborts.
#[function_component(ForcedWritesPanel)]
pub fn forced_writes_panel(p: &ForcedWritesProps) -> Html {
    let total = p.coordinator.plus(p.participants);
    let row = |who: &'static str, class: &'static str, w: ForcedWrites, undecided: u64| {
        html! {
            <tr class={class}>
                <th scope="row">{ who }</th>
                <td class="commit">{ w.commit }</td>
                <td class="abort">{ w.abort }</td>
                <td class="undecided">{ undecided }</td>
            </tr>
        }
    };
    let undecided = p.coordinator_undecided + p.participants_undecided;
    html! {
        <section class="forced-writes" id="forced-writes" aria-label={tr("Forced log writes")}>
            <h2>{ tr("Forced log writes") }</h2>
            <table>
                <thead><tr><th></th><th scope="col">{ tr("for commits") }</th><th scope="col">{ tr("for aborts") }</th><th scope="col">{ tr("outcome not known yet") }</th></tr></thead>
                <tbody>
                    { row(tr("coordinator"), "coordinator", p.coordinator, p.coordinator_undecided) }
                    { row(tr("participants"), "participants", p.participants, p.participants_undecided) }
                    { row(tr("total"), "total", total, undecided) }
                </tbody>
            </table>
            // Why the abort column stays small, and what a commit costs.
            <p class="hint">{ tr("Presumed abort: a missing commit record means abort, so an abort forces no decision record and waits for no acknowledgement (only BEGIN and the yes voters' PREPARED).") }</p>
            <p class="hint">{ tr("A commit forces 2n + 1 writes for n participants, as in presumed abort (Mohan, Lindsay and Obermarck, 1986): COMMIT at the coordinator, PREPARED and COMMIT at each participant. This model forces 1 more, BEGIN at the coordinator, so that a restarted coordinator never reuses a transaction number: 2n + 2 in all.") }</p>
            <p class="hint">{ tr("A write counts from the moment it is made: as outcome not known yet until its node learns the outcome, then under that outcome.") }</p>
        </section>
    }
}
