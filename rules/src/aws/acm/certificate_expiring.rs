use crate::declare_rule;
use crate::rule::{CheckContext, ParamDefault, ParamSpec, Rule, RuleMeta, Verdict};
use soc2scan_model::{AcmCertificate, Resource, ResourceConfig};

const MIN_DAYS_LEFT: &str = "min_days_left";

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every ACM certificate in use (by a load balancer, a CloudFront
    /// distribution, an API Gateway domain, …) that expires within `min_days_left` (30) days
    /// of the time the snapshot was taken, or has already expired (its status is `EXPIRED`
    /// or its validity ended). Certificates no resource uses are not judged. A certificate
    /// in use whose expiry date is not known — or one not known to be in use or not — is not
    /// evaluated.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.7 expects data in transit to be protected, and A1.2 expects the system to stay
    /// available. An expired certificate breaks TLS for every client: browsers refuse the
    /// site, API clients fail, and the pressure to "just accept" an invalid certificate
    /// undermines the protection itself. ACM renews the certificates it issues when their
    /// validation still works; imported certificates and failed renewals need a person,
    /// and 30 days is the time to notice.
    ///
    /// ## How to fix
    ///
    /// For an ACM-issued certificate, fix what blocks managed renewal (usually the DNS
    /// validation record was removed, or the domain no longer points at the resource). For
    /// an imported certificate, get a new one from its authority and re-import it under the
    /// same ARN, or replace it with an ACM-issued certificate.
    ///
    /// ### Console
    ///
    /// Certificate Manager → (choose the region) → Certificates → the certificate → check
    /// "Renewal status" and the domains' validation records; for an imported one,
    /// Reimport certificate.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws acm describe-certificate --region eu-west-1 --certificate-arn CERT_ARN \
    ///   --query 'Certificate.[NotAfter,RenewalSummary]'
    /// aws acm import-certificate --region eu-west-1 --certificate-arn CERT_ARN \
    ///   --certificate fileb://cert.pem --private-key fileb://key.pem \
    ///   --certificate-chain fileb://chain.pem
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_acm_certificate" "site" {
    ///   domain_name       = "www.example.com"
    ///   validation_method = "DNS"
    ///   lifecycle {
    ///     create_before_destroy = true
    ///   }
    /// }
    ///
    /// resource "aws_acm_certificate_validation" "site" {
    ///   certificate_arn         = aws_acm_certificate.site.arn
    ///   validation_record_fqdns = [for r in aws_route53_record.validation : r.fqdn]
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.7 (protecting data in transit), A1.2 (keeping the system available).
    pub struct CertificateExpiring {
        id: "aws-acm-certificate-expiring",
        title: "ACM certificate in use expires soon or has expired",
        severity: High,
        criteria: ["CC6.7", "A1.2"],
        targets: [AcmCertificate],
        also_reads: [],
        params: [ParamSpec {
            name: MIN_DAYS_LEFT,
            description: "Fewest days a certificate in use may have left before it expires",
            default: ParamDefault::Integer(30),
            min: 1,
            max: 3650,
        }],
        reads: ["status", "in_use", "not_after"],
        runtime_only: "needs the expiry of the certificate issued, judged against the time a running account's snapshot was taken; a plan does not know it",
    }
}

impl Rule for CertificateExpiring {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn applies(&self, resource: &Resource) -> bool {
        !matches!(&resource.config, ResourceConfig::AcmCertificate(c) if c.in_use == Some(false))
    }

    fn check(&self, resource: &Resource, ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::AcmCertificate(certificate) = &resource.config else {
            return crate::aws::wrong_kind(resource, "an ACM certificate");
        };
        let subject = named(resource, certificate);
        if certificate.in_use.is_none() {
            return Verdict::NotEvaluated(format!(
                "whether certificate {subject} is in use is not known"
            ));
        }
        let min_days = ctx.params.integer(MIN_DAYS_LEFT);
        let expected = format!(
            "expected certificates in use to be renewed at least {min_days} days before they \
             expire"
        );
        match certificate.not_after {
            Some(not_after) if not_after <= ctx.now => Verdict::Fail(format!(
                "certificate {subject} is in use and expired on {} ({} days before the \
                 snapshot); {expected}",
                not_after.format("%Y-%m-%d"),
                (ctx.now - not_after).num_days()
            )),
            _ if certificate.status.as_deref() == Some("EXPIRED") => Verdict::Fail(format!(
                "certificate {subject} is in use and has expired (status EXPIRED); {expected}"
            )),
            None => Verdict::NotEvaluated(format!(
                "certificate {subject} is in use, but when it expires is not known"
            )),
            Some(not_after) if not_after < ctx.now + chrono::Duration::days(min_days) => {
                Verdict::Fail(format!(
                    "certificate {subject} is in use and expires on {}, {} days after the \
                     snapshot; {expected}",
                    not_after.format("%Y-%m-%d"),
                    (not_after - ctx.now).num_days()
                ))
            }
            Some(_) => Verdict::Pass,
        }
    }
}

/// How a message names a certificate: its domain and its id.
fn named(resource: &Resource, certificate: &AcmCertificate) -> String {
    match &certificate.domain_name {
        Some(domain) => format!("{domain} ({})", certificate.certificate_id),
        None => resource.display_name().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::{Case, Cases};
    use crate::rule::ParamValue;
    use crate::testing::*;

    fn certificate(
        id: &str,
        in_use: Option<bool>,
        days_left: Option<i64>,
        status: &str,
    ) -> Resource {
        let mut resource = resource(
            &format!("arn:aws:acm:{REGION}:{ACCOUNT}:certificate/{id}"),
            ResourceConfig::AcmCertificate(AcmCertificate {
                certificate_id: id.to_string(),
                domain_name: Some(format!("{id}.example.com")),
                status: Some(status.to_string()),
                certificate_type: Some("IMPORTED".to_string()),
                key_algorithm: Some("RSA_2048".to_string()),
                in_use,
                not_before: Some(days_ago(300)),
                not_after: days_left.map(|days| now() + chrono::Duration::days(days)),
                renewal_eligibility: Some("INELIGIBLE".to_string()),
            }),
        );
        resource.name = Some(format!("{id}.example.com"));
        resource
    }

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(
                Case::new("a certificate in use with more than 30 days left passes")
                    .pass(certificate("www", Some(true), Some(200), "ISSUED"))
                    .pass(certificate("edge", Some(true), Some(30), "ISSUED")),
            )
            .case(
                Case::new("a certificate in use expiring within 30 days fails, naming the date")
                    .fail(
                        certificate("api", Some(true), Some(12), "ISSUED"),
                        &[
                            "certificate api.example.com (api) is in use and expires on 2026-06-13",
                            "12 days after the snapshot",
                            "at least 30 days before",
                        ],
                    ),
            )
            .case(
                Case::new("an expired certificate in use fails, by date or by status")
                    .fail(
                        certificate("old", Some(true), Some(-3), "EXPIRED"),
                        &["expired on 2026-05-29 (3 days before the snapshot)"],
                    )
                    .fail(
                        certificate("gone", Some(true), None, "EXPIRED"),
                        &["has expired (status EXPIRED)"],
                    ),
            )
            .case(
                Case::new("certificates not in use are not judged")
                    .not_applicable(certificate("spare", Some(false), Some(5), "ISSUED"))
                    .not_applicable(certificate("pending", Some(false), None, "PENDING_VALIDATION")),
            )
            .case(
                Case::new("unknown use or expiry is not evaluated")
                    .not_evaluated(
                        certificate("unsure", None, Some(5), "ISSUED"),
                        &["whether certificate unsure.example.com (unsure) is in use is not known"],
                    )
                    .not_evaluated(
                        certificate("undated", Some(true), None, "ISSUED"),
                        &["when it expires is not known"],
                    ),
            )
            .case(
                Case::new("min_days_left is a parameter")
                    .param(MIN_DAYS_LEFT, ParamValue::Integer(60))
                    .fail(
                        certificate("www", Some(true), Some(45), "ISSUED"),
                        &["45 days after the snapshot", "at least 60 days before"],
                    )
                    .pass(certificate("long", Some(true), Some(61), "ISSUED")),
            )
    }
}
