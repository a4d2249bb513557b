//! Rule selection: `--rules`, `--skip-rules`, `--criteria`, `--categories`, `--min-severity`.

use crate::catalog::{criterion, Category};
use crate::registry::all_rules;
use crate::rule::{Rule, Severity};

/// Which rules to run. Empty lists mean "no restriction".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Only these rule ids.
    pub rules: Vec<String>,
    /// Never these rule ids.
    pub skip_rules: Vec<String>,
    /// Only rules mapped to at least one of these criteria.
    pub criteria: Vec<String>,
    /// Only rules mapped to at least one of these categories.
    pub categories: Vec<Category>,
    /// Only rules at or above this severity.
    pub min_severity: Option<Severity>,
}

/// Why a selection is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectionError {
    /// A rule id that does not exist.
    #[error("unknown rule id {id:?}{suggestion} (run `soc2scan rules` to list them)")]
    UnknownRule {
        /// The id given.
        id: String,
        /// ", did you mean …?" or empty.
        suggestion: String,
    },
    /// A criterion id that does not exist.
    #[error("unknown SOC 2 criterion {id:?} (run `soc2scan criteria` to list them)")]
    UnknownCriterion {
        /// The id given.
        id: String,
    },
    /// The filters leave nothing to run.
    #[error("the rule selection leaves no rule to run; loosen --rules/--skip-rules/--criteria/--categories/--min-severity")]
    Empty,
}

/// Finds a rule by exact id.
pub fn find_rule(id: &str) -> Option<&'static dyn Rule> {
    all_rules()
        .iter()
        .copied()
        .find(|rule| rule.meta().id == id)
}

/// Finds a rule by id, or an error with a suggestion.
pub fn require_rule(id: &str) -> Result<&'static dyn Rule, SelectionError> {
    find_rule(id.trim()).ok_or_else(|| unknown_rule(id.trim()))
}

fn unknown_rule(id: &str) -> SelectionError {
    let suggestion = all_rules()
        .iter()
        .map(|rule| rule.meta().id)
        .min_by_key(|candidate| edit_distance(candidate, id))
        .filter(|candidate| edit_distance(candidate, id) <= id.len().max(4) / 3)
        .map(|candidate| format!(", did you mean {candidate:?}?"))
        .unwrap_or_default();
    SelectionError::UnknownRule {
        id: id.to_string(),
        suggestion,
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(row[j]).min(current)
            };
            previous = current;
        }
    }
    row[b.len()]
}

impl Selection {
    /// Checks every id named and returns the selected rules in registry order.
    pub fn resolve(&self) -> Result<Vec<&'static dyn Rule>, SelectionError> {
        for id in self.rules.iter().chain(&self.skip_rules) {
            require_rule(id)?;
        }
        for id in &self.criteria {
            if criterion(id).is_none() {
                return Err(SelectionError::UnknownCriterion { id: id.clone() });
            }
        }
        let selected: Vec<&'static dyn Rule> = all_rules()
            .iter()
            .copied()
            .filter(|rule| {
                let meta = rule.meta();
                (self.rules.is_empty() || self.rules.iter().any(|id| id.trim() == meta.id))
                    && !self.skip_rules.iter().any(|id| id.trim() == meta.id)
                    && (self.criteria.is_empty()
                        || meta.criteria.iter().any(|c| {
                            self.criteria
                                .iter()
                                .any(|wanted| wanted.trim().eq_ignore_ascii_case(c))
                        }))
                    && (self.categories.is_empty()
                        || meta
                            .categories()
                            .iter()
                            .any(|c| self.categories.contains(c)))
                    && self.min_severity.is_none_or(|min| meta.severity >= min)
            })
            .collect();
        if selected.is_empty() {
            return Err(SelectionError::Empty);
        }
        Ok(selected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_selection_is_every_rule() {
        assert_eq!(
            Selection::default().resolve().unwrap().len(),
            all_rules().len()
        );
    }

    #[test]
    fn unknown_rule_is_an_error_with_suggestion() {
        let known = all_rules()[0].meta().id;
        let typo = format!("{}x", known);
        let selection = Selection {
            rules: vec![typo.clone()],
            ..Selection::default()
        };
        let Err(error) = selection.resolve() else {
            panic!("typo accepted")
        };
        assert!(error.to_string().contains(&typo));
        assert!(error.to_string().contains(known), "{error}");
    }

    #[test]
    fn filters_by_severity_and_criteria() {
        let selection = Selection {
            min_severity: Some(Severity::Critical),
            ..Selection::default()
        };
        assert!(selection
            .resolve()
            .unwrap()
            .iter()
            .all(|r| r.meta().severity == Severity::Critical));
        let selection = Selection {
            criteria: vec!["CC9.9".into()],
            ..Selection::default()
        };
        assert!(matches!(
            selection.resolve(),
            Err(SelectionError::UnknownCriterion { .. })
        ));
    }
}
