//! AWS Certificate Manager rules: certificates in use renewed before they expire.

mod certificate_expiring;

pub use certificate_expiring::CertificateExpiring;

use crate::rule::Rule;

/// The ACM rules, in documentation order.
pub const RULES: &[&dyn Rule] = &[&CertificateExpiring];
