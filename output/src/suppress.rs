//! Suppressions: accepted failures, each with a reason and an expiry date
//! (`[[suppressions]]` in soc2scan.toml).
//!
//! A suppression matches a failure when its `rule` pattern matches the rule id and its
//! `resource` pattern matches the canonical resource id. Patterns are globs: `*` matches any
//! run of characters (slashes and colons included, since ARNs use both), `?` any one
//! character; everything else matches itself. A suppression applies through its expiry day
//! (UTC) and stops applying the day after, when it is reported instead.

use chrono::NaiveDate;

/// One `[[suppressions]]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// Rule id or glob (`aws-ec2-*`).
    pub rule: String,
    /// Glob on the canonical resource id.
    pub resource: String,
    /// Why the failure is accepted (SARIF `justification`).
    pub reason: String,
    /// Last day it applies (UTC).
    pub expires: NaiveDate,
}

impl Suppression {
    /// Whether it covers a failure of `rule_id` on `subject_id`.
    pub fn matches(&self, rule_id: &str, subject_id: &str) -> bool {
        glob_match(&self.rule, rule_id) && glob_match(&self.resource, subject_id)
    }

    /// Whether it still applies on `today`.
    pub fn is_active(&self, today: NaiveDate) -> bool {
        self.expires >= today
    }

    /// How messages name it: `aws-ec2-* on arn:…/vol-* (expires 2026-01-31)`.
    pub fn label(&self) -> String {
        format!(
            "{} on {} (expires {})",
            self.rule, self.resource, self.expires
        )
    }
}

/// The suppressions of one run, split by whether they still apply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suppressions {
    /// Those that apply.
    pub active: Vec<Suppression>,
    /// Those past their expiry date: they apply to nothing and are reported.
    pub expired: Vec<Suppression>,
}

impl Suppressions {
    /// Splits `all` by expiry on `today`.
    pub fn new(all: Vec<Suppression>, today: NaiveDate) -> Suppressions {
        let (active, expired) = all.into_iter().partition(|s| s.is_active(today));
        Suppressions { active, expired }
    }

    /// The first active suppression covering a failure of `rule_id` on `subject_id`.
    pub fn find(&self, rule_id: &str, subject_id: &str) -> Option<&Suppression> {
        self.active.iter().find(|s| s.matches(rule_id, subject_id))
    }
}

/// Whether a pattern contains glob metacharacters.
pub fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// Matches `text` against a glob of `*` (any run) and `?` (any one character).
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    // Where the last `*` was, and the text position it currently absorbs up to.
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                backtrack = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match backtrack {
                Some((star, absorbed)) => {
                    p = star + 1;
                    t = absorbed + 1;
                    backtrack = Some((star, absorbed + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    fn suppression(rule: &str, resource: &str, expires: &str) -> Suppression {
        Suppression {
            rule: rule.to_string(),
            resource: resource.to_string(),
            reason: "accepted".to_string(),
            expires: day(expires),
        }
    }

    #[test]
    fn globs_match_whole_strings() {
        assert!(glob_match("aws-ec2-*", "aws-ec2-ebs-volume-unencrypted"));
        assert!(!glob_match("aws-ec2-*", "aws-iam-root-mfa-off"));
        assert!(glob_match(
            "aws-ec2-ebs-volume-unencrypted",
            "aws-ec2-ebs-volume-unencrypted"
        ));
        assert!(!glob_match("aws-ec2-ebs", "aws-ec2-ebs-volume-unencrypted"));
        assert!(glob_match(
            "arn:aws:ec2:*:111122223333:volume/vol-0abc*",
            "arn:aws:ec2:eu-west-1:111122223333:volume/vol-0abc123"
        ));
        assert!(!glob_match(
            "arn:aws:ec2:*:111122223333:volume/vol-0abc*",
            "arn:aws:ec2:eu-west-1:444455556666:volume/vol-0abc123"
        ));
        assert!(glob_match("*", ""));
        assert!(glob_match("a*b*c", "aXbYbZc"));
        assert!(!glob_match("a*b*c", "aXbYbZ"));
        assert!(glob_match("vol-?", "vol-1"));
        assert!(!glob_match("vol-?", "vol-12"));
        assert!(glob_match("**x", "abx"));
    }

    #[test]
    fn suppressions_apply_through_their_expiry_day() {
        let all = vec![
            suppression("aws-ec2-*", "*vol-1", "2026-11-26"),
            suppression("aws-ec2-*", "*vol-2", "2026-11-25"),
        ];
        let suppressions = Suppressions::new(all, day("2026-11-26"));
        assert_eq!(suppressions.active.len(), 1);
        assert_eq!(suppressions.expired.len(), 1);
        assert!(suppressions.find("aws-ec2-x", "arn:…/vol-1").is_some());
        assert!(suppressions.find("aws-ec2-x", "arn:…/vol-2").is_none());
        assert!(suppressions.find("aws-iam-x", "arn:…/vol-1").is_none());
        assert_eq!(
            suppressions.expired[0].label(),
            "aws-ec2-* on *vol-2 (expires 2026-11-25)"
        );
    }
}
