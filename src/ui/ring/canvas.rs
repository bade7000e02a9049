//! Drawing many keys on a `<canvas>`, one filled path per colour.
use super::geometry::*;
use super::keys::*;
use crate::ui::browser;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

pub fn clear_canvas(canvas: &HtmlCanvasElement) {
    if let Some(ctx) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    {
        ctx.clear_rect(
            0.0,
            0.0,
            f64::from(canvas.width()),
            f64::from(canvas.height()),
        );
    }
}

/// Draws the keys on the canvas: one filled path per colour, so that 100,000 keys cost a
/// few dozen fills.
pub fn draw_keys(canvas: &HtmlCanvasElement, frame: &KeyFrame) {
    let Some(ctx) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    // The backing store matches the canvas's size on screen (times the pixel ratio): no
    // more pixels to clear and composite every frame than the screen shows.
    let ratio = browser::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .clamp(1.0, 3.0);
    let pixels = (f64::from(canvas.client_width()) * ratio)
        .round()
        .clamp(64.0, VIEW * 3.0);
    if f64::from(canvas.width()) != pixels {
        canvas.set_width(pixels as u32);
        canvas.set_height(pixels as u32);
    }
    let scale = pixels / VIEW;
    let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, pixels, pixels);
    let _ = ctx.set_transform(scale, 0.0, 0.0, scale, 0.0, 0.0);
    let slots = frame.colours.len().max(1);
    // Per colour: resting dots, highlighted moved dots, flying dots.
    let mut rest: Vec<Vec<(f64, f64)>> = vec![Vec::new(); slots];
    let mut moved: Vec<Vec<(f64, f64)>> = vec![Vec::new(); slots];
    let mut flying: Vec<Vec<(f64, f64)>> = vec![Vec::new(); slots];
    frame.for_each(|_, mark| {
        let (bucket, x, y, slot) = match mark {
            KeyMark::Rest {
                x,
                y,
                slot,
                moved: false,
            } => (&mut rest, x, y, slot),
            KeyMark::Rest { x, y, slot, .. } => (&mut moved, x, y, slot),
            KeyMark::Flying { x, y, slot } => (&mut flying, x, y, slot),
        };
        let i = usize::from(slot).min(slots - 1);
        bucket[i].push((x, y));
    });
    let fill = |groups: &[Vec<(f64, f64)>], half: f64| {
        for (slot, dots) in groups.iter().enumerate() {
            if dots.is_empty() {
                continue;
            }
            ctx.set_fill_style_str(frame.colour(slot as u16));
            ctx.begin_path();
            for &(x, y) in dots {
                ctx.rect(x - half, y - half, half * 2.0, half * 2.0);
            }
            ctx.fill();
        }
    };
    fill(&rest, 1.1);
    // Moved keys: a faint contrasting rim, then a larger dot, so they stand out.
    ctx.set_global_alpha(0.4);
    ctx.set_fill_style_str(if frame.dark { "#f5f5f5" } else { "#1d1d1f" });
    ctx.begin_path();
    for &(x, y) in moved.iter().flatten() {
        ctx.rect(x - 2.2, y - 2.2, 4.4, 4.4);
    }
    ctx.fill();
    ctx.set_global_alpha(1.0);
    fill(&moved, 1.6);
    fill(&flying, 1.8);
}
