use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An ACM certificate (`ListCertificates`, asking for every key algorithm and status; a
/// `DescribeCertificate` only for a certificate whose summary lacks whether it is in use or,
/// when it is, when it expires).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcmCertificate {
    /// The certificate id (the last part of its ARN).
    pub certificate_id: String,
    /// The certificate's primary domain name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_name: Option<String>,
    /// `PENDING_VALIDATION`, `ISSUED`, `INACTIVE`, `EXPIRED`, `VALIDATION_TIMED_OUT`,
    /// `REVOKED` or `FAILED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `AMAZON_ISSUED`, `IMPORTED` or `PRIVATE` (`Type`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_type: Option<String>,
    /// `RSA_2048`, `EC_prime256v1`, … (`KeyAlgorithm`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_algorithm: Option<String>,
    /// Whether an AWS resource (a load balancer, a CloudFront distribution, …) uses it;
    /// `None` when not known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_use: Option<bool>,
    /// The start of its validity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<DateTime<Utc>>,
    /// The end of its validity; `None` for a certificate not issued (yet), or when not
    /// known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<DateTime<Utc>>,
    /// Whether ACM can renew it (`ELIGIBLE`, `INELIGIBLE`; imported certificates never are).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal_eligibility: Option<String>,
}
