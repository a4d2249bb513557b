use super::{named, wrong_kind};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every running instance whose instance metadata service (IMDS) accepts
    /// IMDSv1 requests, i.e. `http_tokens` is not `required`. An instance whose metadata
    /// endpoint is disabled passes. When the metadata options were not reported, the
    /// instance is not evaluated. Stopped and terminated instances are not checked.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 expects credentials to be protected, and CC6.6 expects protection against
    /// threats from outside the system boundary. IMDSv1 answers plain GET requests, so a
    /// server-side request forgery bug in any application on the instance lets an outside
    /// attacker read the instance role's temporary credentials. IMDSv2 requires a session
    /// token obtained with a PUT, which such requests cannot forge.
    ///
    /// ## How to fix
    ///
    /// Require IMDSv2 on the instance (after checking that its SDKs and agents support it —
    /// all current AWS SDKs do), set it in launch templates, and make it the account
    /// default for new instances.
    ///
    /// ### Console
    ///
    /// EC2 → Instances → select the instance → Actions → Instance settings → Modify instance
    /// metadata options → IMDSv2: Required → Save. For new instances: EC2 → Settings → Data
    /// protection and security → IMDS defaults → Metadata version: V2 only.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws ec2 modify-instance-metadata-options --instance-id i-0123 \
    ///   --http-tokens required --http-endpoint enabled
    /// aws ec2 modify-instance-metadata-defaults --http-tokens required
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_instance" "app" {
    ///   # ...
    ///   metadata_options {
    ///     http_endpoint = "enabled"
    ///     http_tokens   = "required"
    ///   }
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security, protection of credentials), CC6.6 (protection
    /// against threats from outside the system boundary).
    pub struct InstanceImdsv1Allowed {
        id: "aws-ec2-instance-imdsv1-allowed",
        title: "Running instance does not require IMDSv2",
        severity: Medium,
        criteria: ["CC6.1", "CC6.6"],
        targets: [Ec2Instance],
        also_reads: [],
        params: [],
        reads: ["state", "metadata_options"],
    }
}

impl Rule for InstanceImdsv1Allowed {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn applies(&self, resource: &Resource) -> bool {
        matches!(&resource.config, ResourceConfig::Ec2Instance(instance) if instance.is_running())
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::Ec2Instance(instance) = &resource.config else {
            return wrong_kind(resource, "an EC2 instance");
        };
        let Some(options) = &instance.metadata_options else {
            return Verdict::NotEvaluated(format!(
                "the instance metadata options of EC2 instance {} were not reported, so \
                 whether it requires IMDSv2 is unknown",
                named(resource)
            ));
        };
        if options.http_endpoint.eq_ignore_ascii_case("disabled")
            || options.http_tokens.eq_ignore_ascii_case("required")
        {
            return Verdict::Pass;
        }
        Verdict::Fail(format!(
            "running EC2 instance {} allows IMDSv1: its metadata service has http_tokens \
             \"{}\"; expected http_tokens \"required\" (IMDSv2 only) or the metadata endpoint \
             disabled",
            named(resource),
            options.http_tokens
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ec2::fixtures::{instance_config, instance_resource};
    use crate::cases::{Case, Cases};
    use soc2scan_model::InstanceMetadataOptions;

    pub(super) fn cases() -> Cases {
        let mut named = with_imds("i-v1", "running", "optional", "enabled");
        named.name = Some("web-1".to_string());
        let mut unknown = instance_config("i-unknown", "running");
        unknown.metadata_options = None;
        Cases::new()
            .case(
                Case::new("IMDSv2 required or the metadata endpoint disabled passes")
                    .pass(with_imds("i-v2", "running", "required", "enabled"))
                    .pass(with_imds("i-off", "running", "optional", "disabled")),
            )
            .case(Case::new("optional tokens fail").fail(
                named,
                &[
                    "EC2 instance web-1 (i-v1)",
                    "allows IMDSv1",
                    "\"optional\"",
                    "expected http_tokens \"required\"",
                ],
            ))
            .case(
                Case::new("unreported metadata options are not evaluated")
                    .not_evaluated(instance_resource(unknown), &["i-unknown", "not reported"]),
            )
            .case(
                Case::new("a stopped instance is not judged").not_applicable(with_imds(
                    "i-stopped",
                    "stopped",
                    "optional",
                    "enabled",
                )),
            )
    }

    fn with_imds(id: &str, state: &str, tokens: &str, endpoint: &str) -> Resource {
        let mut instance = instance_config(id, state);
        instance.metadata_options = Some(InstanceMetadataOptions {
            http_tokens: tokens.to_string(),
            http_endpoint: endpoint.to_string(),
        });
        instance_resource(instance)
    }
}
