use serde::{Deserialize, Serialize};

/// CloudWatch monitoring of one account as a whole: a synthetic resource that exists once
/// per scanned account, so the rule that joins the account's multi-region trail, its log
/// group's metric filters and the alarms on them can judge an account that has none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudwatchAccount {
    /// The scanned regions of the account, whose trails, log groups, metric filters and
    /// alarms the join reads.
    pub regions: Vec<String>,
}
