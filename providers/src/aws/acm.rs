//! ACM collection, per region, in one job: `ListCertificates` (every page), asking for every
//! certificate status and every key algorithm through its `Includes` filter (by default it
//! leaves out all but RSA-1024 and RSA-2048 keys). The summaries carry what the rules read
//! (in use, expiry, status, type); `DescribeCertificate` is called only for a certificate
//! whose summary lacks whether it is in use or, when in use, when it expires — a failure
//! there keeps the certificate as listed with a gap narrowed to it.

use super::convert::time;
use super::service::{
    paginate, sdk_client, AwsService, Collected, Job, PageEnd, ScopeContext, Scoped, ServiceScope,
};
use crate::model::*;
use aws_sdk_acm::types::{CertificateStatus, CertificateSummary, Filters, KeyAlgorithm};

/// The ACM service: certificates, per region.
pub(crate) struct Acm;

impl AwsService for Acm {
    fn name(&self) -> &'static str {
        "acm"
    }

    fn scope(&self) -> ServiceScope {
        ServiceScope::Regional
    }

    fn kinds(&self) -> &'static [ResourceKind] {
        &[ResourceKind::AcmCertificate]
    }

    fn actions(&self) -> &'static [&'static str] {
        &["acm:ListCertificates", "acm:DescribeCertificate"]
    }

    fn jobs(&self, ctx: ScopeContext) -> Vec<Job> {
        let scope = Scoped {
            client: sdk_client!(aws_sdk_acm, &ctx),
            ctx,
        };
        vec![Job::one(ResourceKind::AcmCertificate, async move {
            certificates(&scope).await
        })]
    }
}

/// What one region's ACM calls share.
type AcmScope = Scoped<aws_sdk_acm::Client>;

/// The largest `MaxItems` of `ListCertificates`.
const PAGE_SIZE: i32 = 1000;

async fn certificates(scope: &AcmScope) -> Collected {
    const LIST: &str = "acm:ListCertificates";
    let every_key = Filters::builder()
        .set_key_types(Some(
            KeyAlgorithm::values()
                .iter()
                .map(|k| KeyAlgorithm::from(*k))
                .collect(),
        ))
        .build();
    let every_status: Vec<CertificateStatus> = CertificateStatus::values()
        .iter()
        .map(|s| CertificateStatus::from(*s))
        .collect();
    let summaries: Vec<(String, AcmCertificate)> = paginate(
        scope,
        LIST,
        |token| {
            scope
                .client
                .list_certificates()
                .includes(every_key.clone())
                .set_certificate_statuses(Some(every_status.clone()))
                .max_items(PAGE_SIZE)
                .set_next_token(token)
                .send()
        },
        |page, out| {
            for summary in page.certificate_summary_list() {
                let arn = scope.required(summary.certificate_arn(), LIST, "CertificateArn")?;
                out.push((arn.to_string(), from_summary(arn, summary)));
            }
            Ok(PageEnd::next_token(page.next_token()))
        },
    )
    .await?;
    let resources = futures::future::join_all(
        summaries
            .into_iter()
            .map(|(arn, certificate)| complete(scope, arn, certificate)),
    )
    .await;
    Ok(resources)
}

/// The certificate id: the last part of its ARN.
fn certificate_id(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

fn from_summary(arn: &str, summary: &CertificateSummary) -> AcmCertificate {
    AcmCertificate {
        certificate_id: certificate_id(arn).to_string(),
        domain_name: summary.domain_name().map(str::to_string),
        status: summary.status().map(|s| s.as_str().to_string()),
        certificate_type: summary.r#type().map(|t| t.as_str().to_string()),
        key_algorithm: summary.key_algorithm().map(|k| k.as_str().to_string()),
        in_use: summary.in_use(),
        not_before: summary.not_before().and_then(time),
        not_after: summary.not_after().and_then(time),
        renewal_eligibility: summary
            .renewal_eligibility()
            .map(|r| r.as_str().to_string()),
    }
}

/// The certificate as a resource, described first when its summary lacks what the rules
/// need.
async fn complete(scope: &AcmScope, arn: String, mut certificate: AcmCertificate) -> Resource {
    let incomplete = match certificate.in_use {
        None => true,
        Some(in_use) => in_use && certificate.not_after.is_none(),
    };
    if incomplete {
        let answer = scope
            .call(
                scope
                    .client
                    .describe_certificate()
                    .certificate_arn(&arn)
                    .send(),
            )
            .await;
        match answer {
            Ok(answer) => {
                if let Some(detail) = answer.certificate() {
                    certificate.in_use = Some(!detail.in_use_by().is_empty());
                    certificate.not_before = detail.not_before().and_then(time);
                    certificate.not_after = detail.not_after().and_then(time);
                    certificate.status = detail
                        .status()
                        .map(|s| s.as_str().to_string())
                        .or(certificate.status);
                }
            }
            Err(error) => scope.record_narrowed_gap(
                &arn,
                ResourceKind::AcmCertificate,
                &scope.fail("acm:DescribeCertificate", &error),
            ),
        }
    }
    let name = certificate.domain_name.clone();
    scope.resource(
        arn,
        name,
        Default::default(),
        ResourceConfig::AcmCertificate(certificate),
    )
}
