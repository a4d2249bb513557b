//! Typed cloud resources: what the rules read.
//!
//! Every resource carries where it lives (provider, account or project, region or location),
//! a canonical id (an ARN for AWS, a `//storage.googleapis.com/...` URI for GCS), its tags or
//! labels, and a [`ResourceConfig`] with the configuration fields the rules read. Fields that
//! an adapter could not learn are `Option`s or explicit "unknown" states, so a rule can tell
//! "off" from "not known" and answer `NotEvaluated` instead of guessing.

mod aws_ec2;
mod aws_iam;
mod gcp_gcs;
mod iam_policy;
mod plan;

pub use aws_ec2::*;
pub use aws_iam::*;
pub use gcp_gcs::*;
pub use iam_policy::*;
pub use plan::*;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A cloud provider soc2scan reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    /// Amazon Web Services.
    Aws,
    /// Google Cloud.
    Gcp,
}

impl Provider {
    /// The lower-case name used in ids, paths and SARIF tags (`aws`, `gcp`).
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Aws => "aws",
            Provider::Gcp => "gcp",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a kind of resource is collected, which decides the region of its coverage unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CollectionScope {
    /// Listed once per region (EC2): the coverage unit's region is the resource's region.
    Regional,
    /// Listed once per account or project (IAM, GCS buckets): the coverage unit's region is
    /// [`GLOBAL_REGION`], whatever the resource's own location.
    Global,
}

/// The region name of coverage units for globally collected kinds.
pub const GLOBAL_REGION: &str = "global";

macro_rules! resource_kinds {
    ($( $(#[$doc:meta])* $variant:ident => ($name:literal, $provider:ident, $service:literal, $scope:ident, $label:literal) ),+ $(,)?) => {
        /// A kind of resource, and the unit of collection that the coverage table tracks.
        ///
        /// Two kinds are coverage-only: [`ResourceKind::IamCredentialReport`] (the IAM
        /// credential report that fills the credential fields of users) and
        /// [`ResourceKind::GcsBucketIamPolicy`] (each bucket's IAM policy). They never appear
        /// as a resource, but rules that read them are `NotEvaluated` when they failed.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum ResourceKind {
            $( $(#[$doc])* $variant, )+
        }

        impl ResourceKind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [ResourceKind] = &[$(ResourceKind::$variant),+];

            /// The snake_case name used in snapshots and reports.
            pub fn as_str(self) -> &'static str {
                match self { $(ResourceKind::$variant => $name,)+ }
            }

            /// The provider this kind belongs to.
            pub fn provider(self) -> Provider {
                match self { $(ResourceKind::$variant => Provider::$provider,)+ }
            }

            /// The provider's service (`ec2`, `iam`, `gcs`).
            pub fn service(self) -> &'static str {
                match self { $(ResourceKind::$variant => $service,)+ }
            }

            /// Whether the kind is listed per region or once per account/project.
            pub fn collection_scope(self) -> CollectionScope {
                match self { $(ResourceKind::$variant => CollectionScope::$scope,)+ }
            }

            /// A human label ("EBS volume").
            pub fn label(self) -> &'static str {
                match self { $(ResourceKind::$variant => $label,)+ }
            }
        }
    };
}

resource_kinds! {
    /// An EBS volume.
    EbsVolume => ("ebs_volume", Aws, "ec2", Regional, "EBS volume"),
    /// A region's EBS encryption-by-default setting.
    EbsEncryptionByDefault => ("ebs_encryption_by_default", Aws, "ec2", Regional, "EBS encryption-by-default setting"),
    /// An EBS snapshot owned by the account.
    EbsSnapshot => ("ebs_snapshot", Aws, "ec2", Regional, "EBS snapshot"),
    /// An AMI owned by the account.
    Ami => ("ami", Aws, "ec2", Regional, "AMI"),
    /// A VPC.
    Vpc => ("vpc", Aws, "ec2", Regional, "VPC"),
    /// A VPC flow log.
    FlowLog => ("flow_log", Aws, "ec2", Regional, "flow log"),
    /// A security group.
    SecurityGroup => ("security_group", Aws, "ec2", Regional, "security group"),
    /// A network ACL.
    NetworkAcl => ("network_acl", Aws, "ec2", Regional, "network ACL"),
    /// An EC2 instance.
    Ec2Instance => ("ec2_instance", Aws, "ec2", Regional, "EC2 instance"),
    /// The account's IAM summary (root user MFA and access keys).
    IamAccountSummary => ("iam_account_summary", Aws, "iam", Global, "IAM account summary"),
    /// The account's IAM password policy (or its absence).
    IamPasswordPolicy => ("iam_password_policy", Aws, "iam", Global, "IAM password policy"),
    /// The IAM credential report (coverage-only: fills users' credential fields).
    IamCredentialReport => ("iam_credential_report", Aws, "iam", Global, "IAM credential report"),
    /// An IAM user.
    IamUser => ("iam_user", Aws, "iam", Global, "IAM user"),
    /// An IAM group.
    IamGroup => ("iam_group", Aws, "iam", Global, "IAM group"),
    /// An IAM role.
    IamRole => ("iam_role", Aws, "iam", Global, "IAM role"),
    /// A customer- or AWS-managed IAM policy with its default version's document.
    IamManagedPolicy => ("iam_managed_policy", Aws, "iam", Global, "IAM managed policy"),
    /// A Cloud Storage bucket.
    GcsBucket => ("gcs_bucket", Gcp, "gcs", Global, "Cloud Storage bucket"),
    /// A bucket's IAM policy (coverage-only: the policy lives in [`GcsBucket::iam_policy`]).
    GcsBucketIamPolicy => ("gcs_bucket_iam_policy", Gcp, "gcs", Global, "Cloud Storage bucket IAM policy"),
}

impl fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One cloud resource in a snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    /// Canonical, globally unique id: the ARN for AWS resources (for account- or
    /// region-level settings a synthetic ARN such as
    /// `arn:aws:ec2:eu-west-1:111122223333:ebs-encryption-by-default`), the
    /// `//storage.googleapis.com/projects/_/buckets/NAME` URI for GCS buckets.
    pub id: String,
    /// The provider; must agree with the kind of `config`.
    pub provider: Provider,
    /// AWS account id or GCP project id.
    pub account: String,
    /// AWS region (`global` for IAM) or GCS bucket location (`EU`, `us-central1`, …).
    pub region: String,
    /// Human-readable name (the `Name` tag, a user or bucket name), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Tags (AWS) or labels (GCP).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// The kind-specific configuration the rules read.
    pub config: ResourceConfig,
}

impl Resource {
    /// The kind of this resource.
    pub fn kind(&self) -> ResourceKind {
        self.config.kind()
    }

    /// The name if there is one, else the short id the provider uses (e.g. `vol-0abc`).
    pub fn display_name(&self) -> &str {
        if let Some(name) = &self.name {
            return name;
        }
        self.config.native_id().unwrap_or(&self.id)
    }
}

/// Kind-specific configuration. Serialised externally tagged: `{"ebs_volume": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceConfig {
    /// See [`EbsVolume`].
    EbsVolume(EbsVolume),
    /// See [`EbsEncryptionByDefault`].
    EbsEncryptionByDefault(EbsEncryptionByDefault),
    /// See [`EbsSnapshot`].
    EbsSnapshot(EbsSnapshot),
    /// See [`Ami`].
    Ami(Ami),
    /// See [`Vpc`].
    Vpc(Vpc),
    /// See [`FlowLog`].
    FlowLog(FlowLog),
    /// See [`SecurityGroup`].
    SecurityGroup(SecurityGroup),
    /// See [`NetworkAcl`].
    NetworkAcl(NetworkAcl),
    /// See [`Ec2Instance`].
    Ec2Instance(Ec2Instance),
    /// See [`IamAccountSummary`].
    IamAccountSummary(IamAccountSummary),
    /// See [`IamPasswordPolicy`].
    IamPasswordPolicy(IamPasswordPolicy),
    /// See [`IamUser`].
    IamUser(IamUser),
    /// See [`IamGroup`].
    IamGroup(IamGroup),
    /// See [`IamRole`].
    IamRole(IamRole),
    /// See [`IamManagedPolicy`].
    IamManagedPolicy(IamManagedPolicy),
    /// See [`GcsBucket`].
    GcsBucket(GcsBucket),
}

impl ResourceConfig {
    /// The kind of this configuration.
    pub fn kind(&self) -> ResourceKind {
        match self {
            ResourceConfig::EbsVolume(_) => ResourceKind::EbsVolume,
            ResourceConfig::EbsEncryptionByDefault(_) => ResourceKind::EbsEncryptionByDefault,
            ResourceConfig::EbsSnapshot(_) => ResourceKind::EbsSnapshot,
            ResourceConfig::Ami(_) => ResourceKind::Ami,
            ResourceConfig::Vpc(_) => ResourceKind::Vpc,
            ResourceConfig::FlowLog(_) => ResourceKind::FlowLog,
            ResourceConfig::SecurityGroup(_) => ResourceKind::SecurityGroup,
            ResourceConfig::NetworkAcl(_) => ResourceKind::NetworkAcl,
            ResourceConfig::Ec2Instance(_) => ResourceKind::Ec2Instance,
            ResourceConfig::IamAccountSummary(_) => ResourceKind::IamAccountSummary,
            ResourceConfig::IamPasswordPolicy(_) => ResourceKind::IamPasswordPolicy,
            ResourceConfig::IamUser(_) => ResourceKind::IamUser,
            ResourceConfig::IamGroup(_) => ResourceKind::IamGroup,
            ResourceConfig::IamRole(_) => ResourceKind::IamRole,
            ResourceConfig::IamManagedPolicy(_) => ResourceKind::IamManagedPolicy,
            ResourceConfig::GcsBucket(_) => ResourceKind::GcsBucket,
        }
    }

    /// The provider's own short id (`vol-…`, `sg-…`, user name, bucket name), if the kind has one.
    pub fn native_id(&self) -> Option<&str> {
        Some(match self {
            ResourceConfig::EbsVolume(v) => &v.volume_id,
            ResourceConfig::EbsSnapshot(s) => &s.snapshot_id,
            ResourceConfig::Ami(a) => &a.image_id,
            ResourceConfig::Vpc(v) => &v.vpc_id,
            ResourceConfig::FlowLog(f) => &f.flow_log_id,
            ResourceConfig::SecurityGroup(g) => &g.group_id,
            ResourceConfig::NetworkAcl(n) => &n.network_acl_id,
            ResourceConfig::Ec2Instance(i) => &i.instance_id,
            ResourceConfig::IamUser(u) => &u.user_name,
            ResourceConfig::IamGroup(g) => &g.group_name,
            ResourceConfig::IamRole(r) => &r.role_name,
            ResourceConfig::IamManagedPolicy(p) => &p.policy_name,
            ResourceConfig::GcsBucket(b) => &b.name,
            ResourceConfig::EbsEncryptionByDefault(_)
            | ResourceConfig::IamAccountSummary(_)
            | ResourceConfig::IamPasswordPolicy(_) => return None,
        })
    }
}
