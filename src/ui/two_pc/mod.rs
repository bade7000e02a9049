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
            <ForcedWritesPanel coordinator={view.coordinator_forced} participants={view.participants_forced} />
        })
    }
}

#[derive(Properties, PartialEq)]
pub struct ForcedWritesProps {
    pub coordinator: ForcedWrites,
    pub participants: ForcedWrites,
}

/// Forced log writes (writes something waits for) so far, by the outcome of the
/// transaction each was for: the cost presumed abort cuts on aborts.
#[function_component(ForcedWritesPanel)]
pub fn forced_writes_panel(p: &ForcedWritesProps) -> Html {
    let total = p.coordinator.plus(p.participants);
    let row = |who: &'static str, class: &'static str, w: ForcedWrites| {
        html! {
            <tr class={class}>
                <th scope="row">{ who }</th>
                <td class="commit">{ w.commit }</td>
                <td class="abort">{ w.abort }</td>
            </tr>
        }
    };
    html! {
        <section class="forced-writes" id="forced-writes" aria-label={tr("Forced log writes")}>
            <h2>{ tr("Forced log writes") }</h2>
            <table>
                <thead><tr><th></th><th scope="col">{ tr("for commits") }</th><th scope="col">{ tr("for aborts") }</th></tr></thead>
                <tbody>
                    { row(tr("coordinator"), "coordinator", p.coordinator) }
                    { row(tr("participants"), "participants", p.participants) }
                    { row(tr("total"), "total", total) }
                </tbody>
            </table>
            // Why the abort column stays small.
            <p class="hint">{ tr("Presumed abort: a missing commit record means abort, so an abort forces no decision record and waits for no acknowledgement (only BEGIN and the yes voters' PREPARED); a commit forces 2 + 2n writes for n participants.") }</p>
        </section>
    }
}
