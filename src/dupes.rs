//! Duplicate values in a list: the same unit entered twice with different case, spaces or
//! dashes (exact, after [`normalize`](crate::normalize)), or with one look-alike character
//! swapped (near: `C02…` and `CO2…`).
//!
//! ```
//! use serialkit::dupes::{find_duplicates, GroupKind};
//! let groups = find_duplicates(&["C02TJ0Q7GVC8", "c02tj0q7gvc8 ", "CO2TJ0Q7GVC8", "FVFXC2MHHV29"]);
//! assert_eq!(groups.len(), 1);
//! assert_eq!(groups[0].kind, GroupKind::Near);
//! assert_eq!(groups[0].indexes(), vec![0, 1, 2]);
//! ```

use crate::normalize::normalize;
use serde::Serialize;
use std::collections::HashMap;

/// Characters typists and OCR confuse, each with the characters it is taken for.
///
/// One substitution of a character by one of its partners makes two values near duplicates.
#[rustfmt::skip]
const CONFUSABLES: &[(char, &[char])] = &[
    ('0', &['O']),
    ('1', &['I', 'L']),
    ('2', &['Z']),
    ('5', &['S']),
    ('8', &['B']),
    ('B', &['8']),
    ('I', &['1']),
    ('L', &['1']),
    ('O', &['0']),
    ('S', &['5']),
    ('Z', &['2']),
];

fn partners(c: char) -> &'static [char] {
    CONFUSABLES.binary_search_by_key(&c, |&(x, _)| x).map_or(&[], |i| CONFUSABLES[i].1)
}

/// How the values of a group are alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GroupKind {
    /// Every member normalizes to the same value.
    Exact,
    /// Members normalize to values that differ by look-alike substitutions (`O`/`0`, `I`/`1`,
    /// `L`/`1`, `S`/`5`, `B`/`8`, `Z`/`2`), one at a time.
    Near,
}

/// One value of a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    /// Its position in the input list, from 0.
    pub index: usize,
    /// The value as given.
    pub value: String,
    /// The value after [`normalize`](crate::normalize).
    pub normalized: String,
}

/// Values that are probably the same unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    /// Exact or near.
    pub kind: GroupKind,
    /// The members, in input order; at least two.
    pub members: Vec<Member>,
}

impl Group {
    /// The members' positions in the input list.
    pub fn indexes(&self) -> Vec<usize> {
        self.members.iter().map(|m| m.index).collect()
    }
}

/// Groups the values of `values` that are duplicates of each other, in the order of each group's
/// first member. A value is in at most one group; values that are empty after normalization are
/// never duplicates.
///
/// Two values are in one group when they normalize to the same text, or when their normalized
/// texts are linked by a chain of single look-alike substitutions (a group that needs one is
/// [`GroupKind::Near`]). Runs in time linear in the total length of the values.
pub fn find_duplicates<S: AsRef<str>>(values: &[S]) -> Vec<Group> {
    // Distinct normalized values, each with the input positions that have it.
    let mut keys: Vec<String> = Vec::new();
    let mut entries: Vec<Vec<usize>> = Vec::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut normalized = Vec::with_capacity(values.len());
    for (i, value) in values.iter().enumerate() {
        let key = normalize(value.as_ref());
        if !key.is_empty() {
            let id = *ids.entry(key.clone()).or_insert_with(|| {
                keys.push(key.clone());
                entries.push(Vec::new());
                keys.len() - 1
            });
            entries[id].push(i);
        }
        normalized.push(key);
    }

    // Link keys one look-alike substitution apart.
    let mut sets = DisjointSets::new(keys.len());
    let mut variant: Vec<char> = Vec::new();
    for (id, key) in keys.iter().enumerate() {
        variant.clear();
        variant.extend(key.chars());
        for at in 0..variant.len() {
            let original = variant[at];
            for &p in partners(original) {
                variant[at] = p;
                let text: String = variant.iter().collect();
                if let Some(&other) = ids.get(&text) {
                    sets.union(id, other);
                }
            }
            variant[at] = original;
        }
    }

    // Collect the sets with more than one input value.
    let mut by_root: HashMap<usize, usize> = HashMap::new();
    let mut groups: Vec<(Vec<usize>, usize)> = Vec::new(); // (input positions, distinct keys)
    for (id, positions) in entries.iter().enumerate() {
        let root = sets.find(id);
        let g = *by_root.entry(root).or_insert_with(|| {
            groups.push((Vec::new(), 0));
            groups.len() - 1
        });
        groups[g].0.extend(positions);
        groups[g].1 += 1;
    }
    let mut out: Vec<Group> = groups
        .into_iter()
        .filter(|(members, _)| members.len() > 1)
        .map(|(mut members, distinct)| {
            members.sort_unstable();
            Group {
                kind: if distinct == 1 { GroupKind::Exact } else { GroupKind::Near },
                members: members
                    .into_iter()
                    .map(|index| Member {
                        index,
                        value: values[index].as_ref().to_string(),
                        normalized: normalized[index].clone(),
                    })
                    .collect(),
            }
        })
        .collect();
    out.sort_by_key(|g| g.members[0].index);
    out
}

/// Union-find over `0..n`, with path halving.
struct DisjointSets {
    parent: Vec<usize>,
}

impl DisjointSets {
    fn new(n: usize) -> DisjointSets {
        DisjointSets { parent: (0..n).collect() }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        // The smaller id becomes the root, so roots are stable in input order.
        if a != b {
            self.parent[a.max(b)] = a.min(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn groups(values: &[&str]) -> Vec<(GroupKind, Vec<usize>)> {
        find_duplicates(values).iter().map(|g| (g.kind, g.indexes())).collect()
    }

    #[test]
    fn confusables_are_sorted_unique_and_symmetric() {
        assert!(CONFUSABLES.windows(2).all(|w| w[0].0 < w[1].0));
        for &(c, ps) in CONFUSABLES {
            for &p in ps {
                assert!(partners(p).contains(&c), "{p} should list {c}");
            }
        }
    }

    #[test]
    fn nothing_in_an_empty_or_distinct_list() {
        assert_eq!(groups(&[]), vec![]);
        assert_eq!(groups(&["C02TJ0Q7GVC8", "FVFXC2MHHV29", "JAE2445044T"]), vec![]);
    }

    #[test]
    fn case_spaces_and_dashes_are_exact_duplicates() {
        assert_eq!(
            groups(&["5RFD-P01", "x", "5rfd\u{2013}p01", " 5RFD-P01 "]),
            vec![(GroupKind::Exact, vec![0, 2, 3])]
        );
    }

    #[test]
    fn blank_values_are_not_duplicates() {
        assert_eq!(groups(&["", "  ", "\u{200B}"]), vec![]);
    }

    #[test]
    fn one_look_alike_makes_a_near_duplicate() {
        for (a, b) in
            [("C02", "CO2"), ("A1B", "AIB"), ("A1B", "ALB"), ("S5", "55"), ("B8", "88"), ("Z2", "22")]
        {
            assert_eq!(groups(&[a, b]), vec![(GroupKind::Near, vec![0, 1])], "{a} {b}");
        }
    }

    #[test]
    fn other_differences_are_not_duplicates() {
        // Two substitutions, an unlisted pair (I/L), a different length, a different letter.
        assert_eq!(groups(&["C02T", "CO2T", "COZT"]), vec![(GroupKind::Near, vec![0, 1, 2])]);
        assert_eq!(groups(&["C02", "COZ"]), vec![]);
        assert_eq!(groups(&["AIB", "ALB"]), vec![]);
        assert_eq!(groups(&["C02", "C020"]), vec![]);
        assert_eq!(groups(&["C02", "C03"]), vec![]);
    }

    #[test]
    fn a_value_joins_one_group_and_groups_follow_input_order() {
        let found = find_duplicates(&["B", "c02", "8", "C02", "CO2", "b"]);
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].kind, found[0].indexes()), (GroupKind::Near, vec![0, 2, 5]));
        assert_eq!((found[1].kind, found[1].indexes()), (GroupKind::Near, vec![1, 3, 4]));
        assert_eq!(found[1].members[0].value, "c02");
        assert_eq!(found[1].members[0].normalized, "C02");
    }
}
