//! A message lost at this step, drawn where it went missing: a red cross, and its label in
//! red over it. A loss is often the cause of what follows (a retry, a duplicate,
//! a leader that sends an entry again); shown only in the caption, the learner cannot see
//! which message vanished. Every stage that draws messages draws these the same way.
use crate::i18n::{line, trf};
use crate::sim::run::LostView;
use crate::ui::svg_attr::{n1, translate};
use yew::prelude::*;

/// Half the cross's width, in drawing units.
const ARM: f64 = 5.0;

/// The lost message `lost` at `at` (the point on its link), its label at `font` units;
/// `from` and `to` are the nodes' names as the page shows them.
pub fn lost_glyph(lost: &LostView, at: (f64, f64), font: f64, from: &str, to: &str) -> Html {
    let label = line(&lost.label);
    let title = trf(
        "{message} from {from} to {to} is lost at this step: it never arrives.",
        &[("message", &label), ("from", &from), ("to", &to)],
    );
    let cross = format!("M{a},{a}L{b},{b}M{a},{b}L{b},{a}", a = -ARM, b = ARM);
    html! {
        <g class="lost-msg" transform={translate(at.0, at.1)} data-from={lost.from.to_string()} data-to={lost.to.to_string()}>
            <title>{ title }</title>
            <path d={cross} />
            <text y={n1(-ARM - 4.0)} style={format!("font-size:{font}px")}>{ label }</text>
        </g>
    }
}
