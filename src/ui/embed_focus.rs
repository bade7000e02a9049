//! An embedded tour stop brings what it is about into view. A narrow embed (a 420-pixel
//! iframe) draws its stage at full size or more, often taller than the stage, which then
//! scrolls: the queue's consumers and database, the lock queue's ZooKeeper and clients,
//! Raft's log grid, the lease lock's and 2PC's lowest words below a tour's bar lie below
//! the fold. A stop about a slow consumer that opened on the producers would caption what
//! the reader cannot see, so when the stop opens the stage scrolls to what it is about:
//! - its highlighted nodes, each drawn with `data-node`: with their words when they fit,
//!   else their shapes alone (the elements of class `body`);
//! - or, for a stop about logs, Raft's log grid (drawn with `data-focus="logs"`);
//! - or, for a stop about a figure, the chart (`data-focus="chart"`: the ring's load
//!   histogram, the balancers' latency chart).
//!
//! After that it leaves the reader's own scrolling alone.

/// Where a scrolling stage should scroll to so that the band `target` (top and bottom, in
/// the stage's content coordinates) is in view, or `None` when it already is. `scroll` is
/// the stage's scroll offset, `height` its visible height and `covered` the height at its
/// top that a sticky header (the queue's counters) keeps covered. The least movement that
/// shows the whole band, with a margin of up to 8 pixels (less when the band only just
/// fits); a band taller than the view shows its top.
pub fn scroll_to_show(scroll: f64, height: f64, covered: f64, target: (f64, f64)) -> Option<f64> {
    const MARGIN: f64 = 8.0;
    let (top, bottom) = target;
    let (seen_top, seen_bottom) = (scroll + covered, scroll + height);
    if top >= seen_top - 0.5 && bottom <= seen_bottom + 0.5 {
        return None;
    }
    let (room, size) = (height - covered, bottom - top);
    let margin = ((room - size) / 2.0).clamp(0.0, MARGIN);
    let wanted = if size > room || top < seen_top {
        top - covered - margin
    } else {
        bottom + margin - height
    };
    let wanted = wanted.max(0.0);
    ((wanted - scroll).abs() > 0.5).then_some(wanted)
}

/// Scrolls the embed's stage (under `root`) to the drawing of the stop's highlighted nodes
/// that it is about (`target`) whenever `stop` (the tour stop and whatever rebuilds the
/// page: its language, the panels settling) changes.
#[cfg(target_arch = "wasm32")]
#[yew::hook]
pub fn use_focus_on_stop(
    root: yew::NodeRef,
    stop: Option<(usize, String, bool)>,
    target: Option<(crate::scene::Focus, Vec<u32>)>,
) {
    yew::use_effect_with(stop, move |stop| {
        if let (Some(_), Some((focus_on, highlights))) = (stop, target) {
            focus(&root, focus_on, &highlights);
        }
    });
}

#[cfg(target_arch = "wasm32")]
fn focus(root: &yew::NodeRef, focus_on: crate::scene::Focus, highlights: &[u32]) -> Option<()> {
    let root = root.cast::<web_sys::Element>()?;
    let stage = root.query_selector(".embed-stage").ok()??;
    if stage.scroll_height() <= stage.client_height() {
        return None;
    }
    let frame = stage.get_bounding_client_rect();
    let scroll = f64::from(stage.scroll_top());
    let band_of = |part: &web_sys::Element| {
        let r = part.get_bounding_client_rect();
        (
            r.top() - frame.top() + scroll,
            r.bottom() - frame.top() + scroll,
        )
    };
    let join = |a: Option<(f64, f64)>, (top, bottom): (f64, f64)| {
        Some(a.map_or((top, bottom), |(t, b): (f64, f64)| {
            (t.min(top), b.max(bottom))
        }))
    };
    // The nodes with their words (states, counts), or, when that is taller than the view,
    // their shapes alone (each `.body`).
    let (mut whole, mut shapes) = (None, None);
    match focus_on.part() {
        None => {
            for id in highlights {
                // The node (the first element drawn with its `data-node`; a stage may draw
                // it twice, as Raft's ring and log row) and the generic stage's marks of it,
                // drawn in a layer of their own over the messages.
                let Ok(Some(node)) = stage.query_selector(&format!("[data-node=\"{id}\"]")) else {
                    continue;
                };
                whole = join(whole, band_of(&node));
                if let Ok(Some(marks)) =
                    stage.query_selector(&format!("g.marks-of[data-node=\"{id}\"]"))
                {
                    whole = join(whole, band_of(&marks));
                }
                let shape = node.query_selector(".body").ok().flatten();
                shapes = join(shapes, band_of(shape.as_ref().unwrap_or(&node)));
            }
        }
        Some(part) => {
            whole = Some(band_of(
                &stage
                    .query_selector(&format!("[data-focus=\"{part}\"]"))
                    .ok()??,
            ));
        }
    }
    let covered = stage
        .query_selector(".stage-sticky")
        .ok()
        .flatten()
        .map_or(0.0, |s| s.get_bounding_client_rect().height());
    let height = f64::from(stage.client_height());
    let (top, bottom) = whole?;
    let band = match shapes {
        Some(shapes) if bottom - top > height - covered => shapes,
        _ => (top, bottom),
    };
    let to = scroll_to_show(scroll, height, covered, band)?;
    stage.set_scroll_top(to.round() as i32);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::scroll_to_show;

    #[test]
    fn a_band_in_view_stays_put() {
        assert_eq!(scroll_to_show(0.0, 200.0, 0.0, (20.0, 180.0)), None);
        assert_eq!(scroll_to_show(100.0, 200.0, 50.0, (150.0, 300.0)), None);
    }

    #[test]
    fn a_band_below_the_fold_is_scrolled_up_to_the_view_bottom() {
        // The database at 400..460 in a 200-pixel stage: its bottom lands 8 px above the end.
        assert_eq!(scroll_to_show(0.0, 200.0, 0.0, (400.0, 460.0)), Some(268.0));
    }

    #[test]
    fn a_band_above_the_view_lands_under_the_sticky_header() {
        assert_eq!(
            scroll_to_show(300.0, 200.0, 50.0, (100.0, 160.0)),
            Some(42.0)
        );
        // Hidden under the header alone counts as out of view.
        assert_eq!(
            scroll_to_show(100.0, 200.0, 50.0, (120.0, 160.0)),
            Some(62.0)
        );
    }

    #[test]
    fn a_band_taller_than_the_view_shows_its_top() {
        assert_eq!(
            scroll_to_show(0.0, 200.0, 40.0, (300.0, 700.0)),
            Some(260.0)
        );
    }

    #[test]
    fn a_band_that_only_just_fits_is_shown_whole() {
        // 150 pixels in a room of 154: two pixels above and below.
        assert_eq!(
            scroll_to_show(0.0, 200.0, 46.0, (300.0, 450.0)),
            Some(252.0)
        );
    }

    #[test]
    fn never_above_the_stage_top() {
        assert_eq!(scroll_to_show(50.0, 200.0, 0.0, (4.0, 40.0)), Some(0.0));
    }
}
