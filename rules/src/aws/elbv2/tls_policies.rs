//! AWS's predefined ELB security policies and the oldest TLS version each allows, as AWS
//! documents them for Application and Network Load Balancers ("Security policies for your
//! Application Load Balancer" / "… Network Load Balancer") **as of 2026-12** (the 2025-09
//! post-quantum names checked against copies of that page; moto's list agrees on the
//! policies it has). A policy not
//! in this table is not guessed at: the rule that reads it says it is not evaluated,
//! naming the policy, so a policy AWS adds later is never passed (or failed) blindly.

/// A TLS protocol version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TlsVersion {
    /// TLS 1.0.
    Tls10,
    /// TLS 1.1.
    Tls11,
    /// TLS 1.2.
    Tls12,
    /// TLS 1.3.
    Tls13,
}

impl TlsVersion {
    /// `TLS 1.2`.
    pub fn label(self) -> &'static str {
        match self {
            TlsVersion::Tls10 => "TLS 1.0",
            TlsVersion::Tls11 => "TLS 1.1",
            TlsVersion::Tls12 => "TLS 1.2",
            TlsVersion::Tls13 => "TLS 1.3",
        }
    }
}

use TlsVersion::*;

/// The date this table was last checked against AWS's documentation.
pub const CHECKED: &str = "2026-12-01";

/// (policy name, the oldest TLS version it negotiates).
pub const POLICIES: &[(&str, TlsVersion)] = &[
    // TLS 1.3 policies (2021-06), the post-quantum ones (2025-09) and the FIPS ones
    // (2023-04 and 2025-09).
    ("ELBSecurityPolicy-TLS13-1-3-2021-06", Tls13),
    ("ELBSecurityPolicy-TLS13-1-3-PQ-2025-09", Tls13),
    ("ELBSecurityPolicy-TLS13-1-2-2021-06", Tls12),
    ("ELBSecurityPolicy-TLS13-1-2-PQ-2025-09", Tls12),
    ("ELBSecurityPolicy-TLS13-1-2-Res-2021-06", Tls12),
    ("ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09", Tls12),
    ("ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06", Tls12),
    ("ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09", Tls12),
    ("ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06", Tls12),
    ("ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09", Tls12),
    ("ELBSecurityPolicy-TLS13-1-1-2021-06", Tls11),
    ("ELBSecurityPolicy-TLS13-1-0-2021-06", Tls10),
    ("ELBSecurityPolicy-TLS13-1-0-PQ-2025-09", Tls10),
    ("ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04", Tls13),
    ("ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09", Tls13),
    ("ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04", Tls12),
    ("ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09", Tls12),
    ("ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04", Tls12),
    ("ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09", Tls12),
    ("ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04", Tls12),
    ("ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09", Tls12),
    ("ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04", Tls12),
    ("ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09", Tls12),
    ("ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04", Tls12),
    ("ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09", Tls12),
    ("ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04", Tls11),
    ("ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04", Tls10),
    // Forward-secrecy policies.
    ("ELBSecurityPolicy-FS-1-2-Res-2020-10", Tls12),
    ("ELBSecurityPolicy-FS-1-2-Res-2019-08", Tls12),
    ("ELBSecurityPolicy-FS-1-2-2019-08", Tls12),
    ("ELBSecurityPolicy-FS-1-1-2019-08", Tls11),
    ("ELBSecurityPolicy-FS-2018-06", Tls10),
    // TLS 1.2-and-earlier policies.
    ("ELBSecurityPolicy-TLS-1-2-Ext-2018-06", Tls12),
    ("ELBSecurityPolicy-TLS-1-2-2017-01", Tls12),
    ("ELBSecurityPolicy-TLS-1-1-2017-01", Tls11),
    ("ELBSecurityPolicy-2016-08", Tls10),
    ("ELBSecurityPolicy-TLS-1-0-2015-04", Tls10),
    ("ELBSecurityPolicy-2015-05", Tls10),
];

/// The oldest TLS version a predefined policy allows, if the policy is in the table.
pub fn minimum_tls(policy: &str) -> Option<TlsVersion> {
    POLICIES
        .iter()
        .find(|(name, _)| *name == policy)
        .map(|(_, version)| *version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_the_table_answers_by_exact_name() {
        let mut names: Vec<&str> = POLICIES.iter().map(|(name, _)| *name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), POLICIES.len());
        assert_eq!(minimum_tls("ELBSecurityPolicy-2016-08"), Some(Tls10));
        assert_eq!(
            minimum_tls("ELBSecurityPolicy-TLS13-1-2-2021-06"),
            Some(Tls12)
        );
        assert_eq!(minimum_tls("elbsecuritypolicy-2016-08"), None);
        assert_eq!(minimum_tls("ELBSecurityPolicy-TLS13-1-2-2099-01"), None);
        assert!(CHECKED.starts_with("2026-"));
    }
}
