//! Labels for generated blocks, made from object ids.
//!
//! A label must be an HCL identifier (`[A-Za-z_][A-Za-z0-9_-]*`) and unique in the
//! file; it must also be stable, so that generating the file again for the same org
//! gives the same addresses. The mapping therefore depends only on the set of ids,
//! never on the order Genesys lists them in.

use std::collections::{BTreeMap, BTreeSet};

pub use crate::kind::is_label;

/// The label `id` maps to before collisions are resolved: every character outside
/// `[A-Za-z0-9_-]` becomes `_`, and `p_` goes in front when the result would not
/// start with a letter or `_` (a digit or `-`, both valid at the start of an id).
pub fn base_label(id: &str) -> String {
    let mapped: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if mapped.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        mapped
    } else {
        format!("p_{mapped}")
    }
}

/// A unique label for each of `ids`, by id.
///
/// An id that is a valid label already keeps it. Others take their [`base_label`],
/// or, when that is taken, the first of `<base>_2`, `<base>_3`, … that is neither
/// taken nor some other id's base label, in id order — so adding an unrelated prompt
/// to the org never renames an existing one.
pub fn labels(ids: &[&str]) -> BTreeMap<String, String> {
    let ids: BTreeSet<&str> = ids.iter().copied().collect();
    let bases: BTreeMap<&str, String> = ids.iter().map(|id| (*id, base_label(id))).collect();
    let reserved: BTreeSet<&str> = bases.values().map(String::as_str).collect();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut out = BTreeMap::new();
    // Identity mappings first: two different ids cannot both be their own label.
    let (identical, others): (Vec<&str>, Vec<&str>) = ids.iter().partition(|id| bases[*id] == **id);
    for id in identical {
        taken.insert(id.to_owned());
        out.insert(id.to_owned(), id.to_owned());
    }
    for id in others {
        let base = &bases[id];
        let label = if taken.contains(base) {
            (2..)
                .map(|n| format!("{base}_{n}"))
                .find(|c| !taken.contains(c) && !reserved.contains(c.as_str()))
                .expect("an unbounded range has a free suffix")
        } else {
            base.clone()
        };
        taken.insert(label.clone());
        out.insert(id.to_owned(), label);
    }
    out
}

/// A unique label for each `(id, name)`, by id, for objects whose ids the server
/// makes up (and mean nothing to a reader): the name in snake case (`Refund
/// policy` → `refund_policy`), and `_2`, `_3`, … in id order for names that
/// collide. Stable for the same set of objects.
pub fn labels_by_name(objects: &[(&str, &str)]) -> BTreeMap<String, String> {
    let mut sorted: Vec<(String, &str)> = objects
        .iter()
        .map(|(id, name)| (snake(name), *id))
        .collect();
    sorted.sort();
    sorted.dedup();
    let bases: BTreeSet<String> = sorted.iter().map(|(b, _)| b.clone()).collect();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut out = BTreeMap::new();
    for (base, id) in sorted {
        let label = if taken.contains(&base) {
            (2..)
                .map(|n| format!("{base}_{n}"))
                .find(|c| !taken.contains(c) && !bases.contains(c))
                .expect("an unbounded range has a free suffix")
        } else {
            base
        };
        taken.insert(label.clone());
        out.insert(id.to_owned(), label);
    }
    out
}

fn snake(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_').to_owned();
    match out.chars().next() {
        None => "unnamed".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("n_{out}"),
        Some(_) => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(ids: &[&str]) -> Vec<(String, String)> {
        labels(ids).into_iter().collect()
    }

    fn pair(id: &str, label: &str) -> (String, String) {
        (id.to_owned(), label.to_owned())
    }

    #[test]
    fn server_ids_get_labels_from_names() {
        let got = labels_by_name(&[
            ("b", "Refund policy"),
            ("a", "Refund  policy!"),
            ("c", "42"),
            ("d", ""),
        ]);
        assert_eq!(got["a"], "refund_policy");
        assert_eq!(got["b"], "refund_policy_2");
        assert_eq!(got["c"], "n_42");
        assert_eq!(got["d"], "unnamed");
    }

    #[test]
    fn hyphens_and_mixed_case_are_kept() {
        assert_eq!(
            map(&["assist-prompt-001", "Account_Hold"]),
            [
                pair("Account_Hold", "Account_Hold"),
                pair("assist-prompt-001", "assist-prompt-001")
            ]
        );
    }

    #[test]
    fn a_leading_digit_or_hyphen_gets_a_prefix() {
        assert_eq!(
            map(&["7eleven", "-dash"]),
            [pair("-dash", "p_-dash"), pair("7eleven", "p_7eleven")]
        );
        assert!(labels(&["7eleven", "-dash"]).values().all(|l| is_label(l)));
    }

    #[test]
    fn other_characters_become_underscores() {
        assert_eq!(base_label("x y.z"), "x_y_z");
        assert_eq!(base_label("café"), "caf_");
        assert_eq!(base_label(""), "p_");
    }

    #[test]
    fn a_64_character_id_keeps_every_character() {
        let id = format!("9{}", "a".repeat(63));
        let label = &labels(&[id.as_str()])[&id];
        assert_eq!(label, &format!("p_{id}"));
        assert!(is_label(label));
        let plain = "b".repeat(64);
        assert_eq!(labels(&[plain.as_str()])[&plain], plain);
    }

    #[test]
    fn ids_differing_only_by_hyphen_and_underscore_do_not_collide() {
        assert_eq!(
            map(&["x-y", "x_y"]),
            [pair("x-y", "x-y"), pair("x_y", "x_y")]
        );
    }

    #[test]
    fn colliding_ids_get_suffixes_in_id_order() {
        assert_eq!(
            map(&["x y", "x_y", "x.y", "x+y"]),
            [
                pair("x y", "x_y_2"),
                pair("x+y", "x_y_3"),
                pair("x.y", "x_y_4"),
                pair("x_y", "x_y"),
            ]
        );
    }

    #[test]
    fn an_id_that_is_its_own_label_keeps_it() {
        // `1abc` maps to `p_1abc`, which is also an id in the org: that one keeps it.
        assert_eq!(
            map(&["1abc", "p_1abc"]),
            [pair("1abc", "p_1abc_2"), pair("p_1abc", "p_1abc")]
        );
    }

    #[test]
    fn a_suffix_never_takes_another_ids_label() {
        // `a b` and `a.b` both want `a_b`; the second must skip `a_b_2`, which the
        // id `a_b_2` owns.
        let got = labels(&["a b", "a.b", "a_b_2", "a_b_3!"]);
        assert_eq!(got["a b"], "a_b");
        assert_eq!(got["a_b_2"], "a_b_2");
        assert_eq!(got["a_b_3!"], "a_b_3_");
        assert_eq!(got["a.b"], "a_b_3");
        let unique: BTreeSet<&String> = got.values().collect();
        assert_eq!(unique.len(), got.len());
    }

    #[test]
    fn labels_depend_only_on_the_set_of_ids() {
        let ids = ["b", "x y", "x_y", "9z", "x.y", "a-1"];
        let mut reversed = ids;
        reversed.reverse();
        let mut doubled = ids.to_vec();
        doubled.extend(ids);
        assert_eq!(labels(&ids), labels(&reversed));
        assert_eq!(labels(&ids), labels(&doubled));
        // A new, unrelated id renames nothing.
        let mut more = ids.to_vec();
        more.push("new-prompt");
        let before = labels(&ids);
        let after = labels(&more);
        assert!(before.iter().all(|(id, label)| &after[id] == label));
    }
}
