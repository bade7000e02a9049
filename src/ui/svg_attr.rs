//! Numbers written into SVG attributes (`x={n1(x)}`).
//!
//! A `format!("{:.1}", x)` written in place in a view is compiled in place: its formatting
//! call and the string's conversion into an attribute value, about 25 bytes of WebAssembly
//! each (measured), and the views write some 290 of them. These functions do it once; they
//! write exactly what `format!` wrote.
use yew::AttrValue;

/// One decimal: coordinates and lengths in drawing units.
#[inline(never)]
pub fn n1(value: f64) -> AttrValue {
    AttrValue::from(format!("{value:.1}"))
}

/// Two decimals: opacities and fine fractions.
#[inline(never)]
pub fn n2(value: f64) -> AttrValue {
    AttrValue::from(format!("{value:.2}"))
}

/// No decimals.
#[inline(never)]
pub fn n0(value: f64) -> AttrValue {
    AttrValue::from(format!("{value:.0}"))
}

/// `translate(x,y)`, each to one decimal.
#[inline(never)]
pub fn translate(x: f64, y: f64) -> AttrValue {
    AttrValue::from(format!("translate({x:.1},{y:.1})"))
}
