use serde::{Deserialize, Serialize};

/// CloudTrail in one account as a whole: a synthetic resource that exists once per scanned
/// account, whether it has trails or not, so the account-wide rules (a multi-region trail,
/// S3 data events) can judge an account that has none. Its trails are the account's
/// `cloudtrail_trail` resources in every region; whether each region's listing succeeded is
/// in the coverage table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudtrailAccount {
    /// The regions whose trails were listed (`DescribeTrails`) for this account: the
    /// scanned regions. A rule about the account needs the listing of each of them before
    /// it can say that no trail does something.
    pub regions: Vec<String>,
}
