use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every scanned region of every account where GuardDuty is not enabled: the
    /// region has no detector (GuardDuty was never turned on there, or was disabled, which
    /// deletes the detector), or its detector is suspended (`DISABLED`). A region with an
    /// enabled detector passes. A region whose detectors could not be listed or read is a
    /// coverage gap, never a pass or a failure.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC7.1 and CC7.2 expect the organization to monitor its systems for anomalies that
    /// indicate malicious acts, and to detect vulnerabilities. GuardDuty is AWS's managed
    /// threat detection: it reads CloudTrail, VPC flow and DNS logs and reports compromised
    /// credentials, crypto-mining instances and reconnaissance. Attackers favour regions
    /// nobody uses, so a region without it is where an intrusion goes unnoticed.
    ///
    /// ## How to fix
    ///
    /// Enable GuardDuty in every region (with AWS Organizations, from the delegated
    /// administrator account, with auto-enable for member accounts), and resume any
    /// suspended detector.
    ///
    /// ### Console
    ///
    /// GuardDuty → (choose the region) → Get started → Enable GuardDuty; for a suspended
    /// detector, Settings → Suspend GuardDuty → Re-enable.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws guardduty create-detector --region eu-west-1 --enable
    /// # a suspended detector:
    /// aws guardduty update-detector --region eu-west-1 --detector-id DETECTOR_ID --enable
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_guardduty_detector" "this" {
    ///   enable = true
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC7.1 (detecting vulnerabilities and threats), CC7.2 (monitoring for anomalies that
    /// indicate malicious acts).
    pub struct GuarddutyOff {
        id: "aws-guardduty-off",
        title: "GuardDuty is not enabled in a region",
        severity: High,
        criteria: ["CC7.1", "CC7.2"],
        targets: [GuarddutyRegion],
        also_reads: [],
        params: [],
        reads: ["detectors"],
        runtime_only: "needs whether each region of a running account has an enabled detector; a plan shows only the resources it manages",
    }
}

impl Rule for GuarddutyOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::GuarddutyRegion(region) = &resource.config else {
            return crate::aws::wrong_kind(resource, "a GuardDuty region");
        };
        if region.enabled() {
            return Verdict::Pass;
        }
        let state = match region.detectors.as_slice() {
            [] => "it has no detector".to_string(),
            detectors => {
                let ids: Vec<&str> = detectors.iter().map(|d| d.detector_id.as_str()).collect();
                format!(
                    "its detector {} is suspended ({})",
                    ids.join(", "),
                    detectors
                        .iter()
                        .map(|d| d.status.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        };
        Verdict::Fail(format!(
            "GuardDuty is not enabled in region {} of account {}: {state}; expected an \
             enabled GuardDuty detector in every region",
            resource.region, resource.account
        ))
    }
}

#[cfg(test)]
mod tests {
    use crate::cases::{Case, Cases};
    use crate::testing::*;
    use soc2scan_model::{GuarddutyDetector, GuarddutyRegion, Resource, ResourceConfig};

    fn detector(id: &str, status: &str) -> GuarddutyDetector {
        GuarddutyDetector {
            detector_id: id.to_string(),
            status: status.to_string(),
            finding_publishing_frequency: Some("SIX_HOURS".to_string()),
            created_at: Some(days_ago(400)),
        }
    }

    fn region(detectors: Vec<GuarddutyDetector>) -> Resource {
        resource(
            &format!("arn:aws:guardduty:{REGION}:{ACCOUNT}:guardduty-region"),
            ResourceConfig::GuarddutyRegion(GuarddutyRegion { detectors }),
        )
    }

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(
                Case::new("an enabled detector passes")
                    .pass(region(vec![detector("8cb1f2e0d0", "ENABLED")])),
            )
            .case(
                Case::new("no detector fails, naming region and account").fail(
                    region(vec![]),
                    &[REGION, ACCOUNT, "it has no detector", "expected"],
                ),
            )
            .case(
                Case::new("a suspended detector fails, naming it").fail(
                    region(vec![detector("8cb1f2e0d0", "DISABLED")]),
                    &["its detector 8cb1f2e0d0 is suspended (DISABLED)"],
                ),
            )
            .applies_to_every_resource(
                "each region of each account has exactly one GuardDuty region resource, and every one is judged",
            )
    }
}
