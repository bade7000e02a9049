//! A scene's parameters as the settings panel shows them and the link reads them: one
//! declaration per parameter gives its link key, label, help, default and range, and
//! [`super::ParamReader`] reads it from that declaration.

/// How a parameter is edited (and checked).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FieldKind {
    /// A whole number in `min..=max`.
    Number { min: u64, max: u64 },
    /// On (1) or off (0).
    Flag,
    /// One of (value, label).
    Choice(&'static [(&'static str, &'static str)]),
    /// One letter per node (e.g. a vote per participant); the count comes from another field.
    PerNode {
        count_key: &'static str,
        count_default: usize,
        first_label: &'static str,
        options: &'static [(char, &'static str)],
    },
}

/// A scene parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub default: &'static str,
    pub kind: FieldKind,
}

impl Field {
    /// The default of a number field.
    pub fn default_number(&self) -> u64 {
        self.default.parse().unwrap_or(0)
    }

    /// The default of a flag field.
    pub fn default_flag(&self) -> bool {
        self.default == "1"
    }
}

/// Message loss, in percent.
pub const LOSS: Field = Field {
    key: "loss",
    label: "Message loss (%)",
    help: "Probability that the network loses a message",
    default: "0",
    kind: FieldKind::Number { min: 0, max: 90 },
};

/// Message duplication, in percent.
pub const DUPLICATION: Field = Field {
    key: "dup",
    label: "Duplication (%)",
    help: "Probability that the network delivers a message twice",
    default: "0",
    kind: FieldKind::Number { min: 0, max: 90 },
};

/// The parameters of the simulated network, shared by every networked scene. (Latency,
/// `lat=10-30`, is read too but not offered in the panel.)
pub const NET_FIELDS: &[Field] = &[LOSS, DUPLICATION];
