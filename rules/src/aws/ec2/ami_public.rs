use super::{named, wrong_kind};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every AMI owned by the account whose launch permission includes everyone.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.1 expects access to information and software to be limited to authorised users.
    /// A public image lets any AWS account launch a copy of your server and read what was
    /// baked into it: application code, configuration, certificates, credentials left on
    /// the disk.
    ///
    /// ## How to fix
    ///
    /// Make the image private and share it with specific accounts or an organization if it
    /// needs sharing. Turn on the account's "block public access for AMIs" setting.
    ///
    /// ### Console
    ///
    /// EC2 → Images → AMIs → select the image → Actions → Edit AMI permissions → choose
    /// "Private" → Save changes. Then EC2 → Settings → Data protection and security → Block
    /// public access for AMIs → Manage.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws ec2 modify-image-attribute --image-id ami-0123 \
    ///   --launch-permission "Remove=[{Group=all}]"
    /// aws ec2 enable-image-block-public-access --image-block-public-access-state block-new-sharing
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// # Share with named accounts only; never with group "all".
    /// resource "aws_ami_launch_permission" "partner" {
    ///   image_id   = aws_ami.app.id
    ///   account_id = "444455556666"
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.1 (logical access security).
    pub struct AmiPublic {
        id: "aws-ec2-ami-public",
        title: "AMI is public",
        severity: High,
        criteria: ["CC6.1"],
        targets: [Ami],
        also_reads: [],
        params: [],
        reads: ["public"],
    }
}

impl Rule for AmiPublic {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let ResourceConfig::Ami(image) = &resource.config else {
            return wrong_kind(resource, "an AMI");
        };
        if image.public {
            Verdict::Fail(format!(
                "AMI {} is public: any AWS account can launch it; expected it private or shared \
                 with named accounts only",
                named(resource)
            ))
        } else {
            Verdict::Pass
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::aws::ec2::fixtures::ami;
    use crate::cases::{Case, Cases};

    pub(super) fn cases() -> Cases {
        let mut public = ami("ami-public", true);
        public.name = Some("golden-image".to_string());
        Cases::new()
            .case(Case::new("a private AMI passes").pass(ami("ami-private", false)))
            .case(
                Case::new("a public AMI fails, named by its Name tag and id").fail(
                    public,
                    &["AMI golden-image (ami-public)", "is public", "expected"],
                ),
            )
            .applies_to_every_resource(
                "any AMI the account owns can be made public, so every one is judged",
            )
    }
}
