//! What every browser test module needs: a fresh element to render into, the App rendered
//! from a link, and reading and clicking what is on the page.
use dsviz::scene::RunSpec;
use dsviz::sim::run::{RowKind, TraceRow};
use dsviz::sim::Time;
use dsviz::ui::app::{App, AppProps};
use dsviz::ui::diagram::{Diagram, DiagramProps};
use dsviz::ui::model::Msg;
use web_sys::Element;
use yew::Callback;

/// A new, empty element at the end of the page: each test renders into its own.
pub fn fresh_root() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    root
}

/// The whole App, as a link with `query` opens it (its problems shown on the page).
pub async fn render_app(query: &str) -> Element {
    let root = fresh_root();
    let (spec, problems) = RunSpec::from_query(query);
    yew::Renderer::<App>::with_root_and_props(
        root.clone(),
        AppProps {
            spec,
            problems,
            sync_url: false,
        },
    )
    .render();
    yew::scheduler::flush().await;
    settle().await;
    root
}

/// Waits until the page has drawn the panels around the stage: the App draws the stage
/// first and the rest just after the browser paints it (at most 150 ms later, see
/// `ui::hooks::use_after_first_paint`).
pub async fn settle() {
    gloo_timers::future::TimeoutFuture::new(200).await;
    yew::scheduler::flush().await;
}

pub fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
}

pub fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

/// The text of the first match (empty when nothing matches).
pub fn text(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

/// The text of every match, in page order.
pub fn all_text(root: &Element, selector: &str) -> Vec<String> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i).and_then(|n| n.text_content()))
        .collect()
}

/// A person's click (with Shift held, or not): a bubbling mouse event, which reaches HTML
/// and SVG elements alike.
pub fn dispatch_click(element: &Element, shift: bool) {
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    init.set_shift_key(shift);
    let event = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
    element.dispatch_event(&event).unwrap();
}

/// Clicks the first match, then lets the page render.
pub async fn click(root: &Element, selector: &str) {
    dispatch_click(&find(root, selector), false);
    yew::scheduler::flush().await;
}

/// A row of a run's trace, for the space-time diagram: a send arrives 10 ms later.
pub fn trace_row(
    step: u64,
    ms: u64,
    kind: RowKind,
    node: u32,
    peer: Option<u32>,
    msg: Option<u64>,
) -> TraceRow {
    TraceRow {
        step,
        time: Time::from_millis(ms),
        kind,
        node: Some(node),
        peer,
        msg,
        arrives: (kind == RowKind::Send).then(|| Time::from_millis(ms + 10)),
        state: (kind == RowKind::State).then_some("PREPARED"),
        label: dsviz::sim::Line::value(format!("{kind:?}")),
    }
}

/// The space-time diagram of `rows` for a coordinator, P1 and P2, seen from step 4 (at
/// 20 ms).
pub async fn render_diagram(rows: Vec<TraceRow>, on_msg: Callback<Msg>) -> Element {
    let root = fresh_root();
    let props = DiagramProps {
        rows,
        node_names: vec!["coordinator".into(), "P1".into(), "P2".into()],
        cursor: 4,
        playhead: Time::from_millis(20),
        file_stem: "test".into(),
        on_msg,
    };
    yew::Renderer::<Diagram>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    root
}
