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

/// How many per-node choices the settings panel shows: the node count the link asks for,
/// bounded by the count field's own range (so a ring of 64 nodes shows 64 choices, and a
/// bad count never asks for thousands of selects).
pub fn per_node_count(
    fields: &[Field],
    params: &crate::sim::sorted::SortedMap<String, String>,
    count_key: &str,
    count_default: usize,
) -> usize {
    let max = fields
        .iter()
        .find(|f| f.key == count_key)
        .and_then(|f| match f.kind {
            FieldKind::Number { max, .. } => usize::try_from(max).ok(),
            _ => None,
        });
    let asked = params
        .get(count_key)
        .and_then(|c| c.trim().parse::<usize>().ok())
        .unwrap_or(count_default);
    max.map_or(asked, |max| asked.min(max))
}

/// The per-node letters after node `index` gets `chosen`. Nodes the text does not reach get
/// `default` up to `count`, and letters past `count` are kept: lowering the node count and
/// raising it again must not lose the choices made for the nodes beyond it.
pub fn with_node_choice(
    current: &str,
    count: usize,
    index: usize,
    chosen: char,
    default: char,
) -> String {
    let letters: Vec<char> = current.chars().collect();
    (0..count.max(letters.len()).max(index + 1))
        .map(|j| {
            if j == index {
                chosen
            } else {
                letters.get(j).copied().unwrap_or(default)
            }
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::sorted::SortedMap;

    const COUNT: Field = Field {
        key: "n",
        label: "Nodes",
        help: "",
        default: "6",
        kind: FieldKind::Number { min: 1, max: 64 },
    };

    fn params(n: &str) -> SortedMap<String, String> {
        SortedMap::from([("n".to_string(), n.to_string())])
    }

    #[test]
    fn the_panel_shows_one_choice_per_node_up_to_the_count_fields_own_bound() {
        assert_eq!(per_node_count(&[COUNT], &params("20"), "n", 6), 20);
        assert_eq!(per_node_count(&[COUNT], &params("64"), "n", 6), 64);
        assert_eq!(per_node_count(&[COUNT], &params("9999"), "n", 6), 64);
        assert_eq!(per_node_count(&[COUNT], &params("x"), "n", 6), 6);
        assert_eq!(per_node_count(&[COUNT], &SortedMap::new(), "n", 6), 6);
    }

    #[test]
    fn choosing_for_one_node_keeps_every_other_nodes_letter_beyond_sixteen() {
        let twenty = "12121212121212121214";
        let changed = with_node_choice(twenty, 20, 2, '4', '1');
        assert_eq!(changed, "12421212121212121214", "node 20 keeps weight 4");
        // A shorter text is padded with the default up to the count.
        assert_eq!(with_node_choice("11", 5, 4, '3', '1'), "11113");
        // Letters past a lowered count stay for when the count goes up again.
        assert_eq!(with_node_choice("123456", 3, 0, '9', '1'), "923456");
    }
}
