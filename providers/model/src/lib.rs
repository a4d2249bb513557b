//! # soc2scan-model
//!
//! The snapshot model every provider adapter fills and every rule reads: typed cloud
//! resources, the kinds table, the coverage table and the snapshot document. It needs no
//! cloud SDK, and it is its own crate so that an edit to an adapter never recompiles the
//! rules or the report writers.
//!
//! Every resource carries where it lives (provider, account or project, region or location),
//! a canonical id (an ARN for AWS, a `//storage.googleapis.com/...` URI for GCS), its tags or
//! labels, and a [`ResourceConfig`] with the configuration fields the rules read. Fields that
//! an adapter could not learn are `Option`s or explicit "unknown" states, so a rule can tell
//! "off" from "not known" and answer `NotEvaluated` instead of guessing.
//!
//! A kind of resource is declared once, in the [`resource_kinds!`] table below: one line
//! gives its snapshot name, provider, service, collection scope, label, canonical id form,
//! configuration type and native id. Its fields live in its own file
//! (`aws/ec2/ebs_volume.rs`, `gcp/gcs/bucket.rs`, ...).

#[macro_use]
mod kinds;
pub mod aws;
#[doc(hidden)]
pub mod docgen;
pub mod fields;
pub mod gcp;
pub mod merge;
pub mod plan;
pub mod shard;
pub mod snapshot;

pub use kinds::kinds_markdown_table;

pub use aws::backup::*;
pub use aws::cloudtrail::*;
pub use aws::cloudwatch::*;
pub use aws::dynamodb::*;
pub use aws::ec2::*;
pub use aws::efs::*;
pub use aws::elbv2::*;
pub use aws::iam::*;
pub use aws::kms::*;
pub use aws::lambda::*;
pub use aws::logs::*;
pub use aws::policy_document::*;
pub use aws::rds::*;
pub use aws::s3::*;

pub use aws::acm::*;
pub use aws::config::*;
pub use aws::guardduty::*;
pub use aws::secretsmanager::*;
pub use aws::securityhub::*;

pub use fields::{field_paths, is_field, is_leaf_field, relations};
pub use gcp::gcs::*;
pub use plan::*;
pub use snapshot::{
    CollectionUnit, CoverageEntry, CoverageStatus, FailureKind, LoadError, OrgAccount,
    OrgUnitScope, OrganizationScan, ScanMetadata, ScanTarget, Snapshot, ToolInfo, SNAPSHOT_FORMAT,
    SNAPSHOT_FORMAT_VERSION,
};

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

resource_kinds! {
    /// An EBS volume.
    EbsVolume {
        name: "ebs_volume", provider: Aws, service: "ec2", scope: Regional, label: "EBS volume",
        canonical_id: "`arn:aws:ec2:REGION:ACCOUNT:volume/vol-…`",
        config: EbsVolume, native_id: volume_id,
    },
    /// A region's EBS encryption-by-default setting.
    EbsEncryptionByDefault {
        name: "ebs_encryption_by_default", provider: Aws, service: "ec2", scope: Regional,
        label: "EBS encryption-by-default setting",
        canonical_id: "`arn:aws:ec2:REGION:ACCOUNT:ebs-encryption-by-default` (synthetic)",
        config: EbsEncryptionByDefault,
    },
    /// An EBS snapshot owned by the account.
    EbsSnapshot {
        name: "ebs_snapshot", provider: Aws, service: "ec2", scope: Regional, label: "EBS snapshot",
        canonical_id: "`arn:aws:ec2:REGION::snapshot/snap-…`",
        config: EbsSnapshot, native_id: snapshot_id,
    },
    /// An AMI owned by the account.
    Ami {
        name: "ami", provider: Aws, service: "ec2", scope: Regional, label: "AMI",
        canonical_id: "`arn:aws:ec2:REGION:ACCOUNT:image/ami-…`",
        config: Ami, native_id: image_id,
    },
    /// A VPC.
    Vpc {
        name: "vpc", provider: Aws, service: "ec2", scope: Regional, label: "VPC",
        canonical_id: "`arn:aws:ec2:REGION:ACCOUNT:vpc/vpc-…`",
        config: Vpc, native_id: vpc_id,
    },
    /// A VPC flow log.
    FlowLog {
        name: "flow_log", provider: Aws, service: "ec2", scope: Regional, label: "flow log",
        canonical_id: "`arn:aws:ec2:REGION:ACCOUNT:vpc-flow-log/fl-…`",
        config: FlowLog, native_id: flow_log_id,
    },
    /// A security group.
    SecurityGroup {
        name: "security_group", provider: Aws, service: "ec2", scope: Regional,
        label: "security group",
        canonical_id: "`arn:aws:ec2:REGION:ACCOUNT:security-group/sg-…`",
        config: SecurityGroup, native_id: group_id,
    },
    /// A network ACL.
    NetworkAcl {
        name: "network_acl", provider: Aws, service: "ec2", scope: Regional, label: "network ACL",
        canonical_id: "`arn:aws:ec2:REGION:ACCOUNT:network-acl/acl-…`",
        config: NetworkAcl, native_id: network_acl_id,
    },
    /// An EC2 instance.
    Ec2Instance {
        name: "ec2_instance", provider: Aws, service: "ec2", scope: Regional, label: "EC2 instance",
        canonical_id: "`arn:aws:ec2:REGION:ACCOUNT:instance/i-…`",
        config: Ec2Instance, native_id: instance_id,
    },
    /// An RDS DB instance (including the instances of Aurora and Multi-AZ DB clusters).
    RdsDbInstance {
        name: "rds_db_instance", provider: Aws, service: "rds", scope: Regional,
        label: "RDS DB instance",
        canonical_id: "`arn:aws:rds:REGION:ACCOUNT:db:NAME`",
        config: RdsDbInstance, native_id: db_instance_identifier,
    },
    /// An RDS DB cluster (Aurora, or a Multi-AZ DB cluster).
    RdsDbCluster {
        name: "rds_db_cluster", provider: Aws, service: "rds", scope: Regional,
        label: "RDS DB cluster",
        canonical_id: "`arn:aws:rds:REGION:ACCOUNT:cluster:NAME`",
        config: RdsDbCluster, native_id: db_cluster_identifier,
    },
    /// A manual RDS DB snapshot owned by the account.
    RdsDbSnapshot {
        name: "rds_db_snapshot", provider: Aws, service: "rds", scope: Regional,
        label: "RDS DB snapshot",
        canonical_id: "`arn:aws:rds:REGION:ACCOUNT:snapshot:NAME`",
        config: RdsSnapshot, native_id: snapshot_identifier,
    },
    /// A manual RDS DB cluster snapshot owned by the account.
    RdsDbClusterSnapshot {
        name: "rds_db_cluster_snapshot", provider: Aws, service: "rds", scope: Regional,
        label: "RDS DB cluster snapshot",
        canonical_id: "`arn:aws:rds:REGION:ACCOUNT:cluster-snapshot:NAME`",
        config: RdsSnapshot, native_id: snapshot_identifier,
    },
    /// The account's IAM summary (root user MFA and access keys).
    IamAccountSummary {
        name: "iam_account_summary", provider: Aws, service: "iam", scope: Global,
        label: "IAM account summary",
        canonical_id: "`arn:aws:iam::ACCOUNT:account-summary` (synthetic)",
        config: IamAccountSummary,
    },
    /// The account's IAM password policy (or its absence).
    IamPasswordPolicy {
        name: "iam_password_policy", provider: Aws, service: "iam", scope: Global,
        label: "IAM password policy",
        canonical_id: "`arn:aws:iam::ACCOUNT:password-policy` (synthetic)",
        config: IamPasswordPolicy,
    },
    /// The IAM credential report: when IAM generated it (its rows fill users' credential
    /// fields).
    IamCredentialReport {
        name: "iam_credential_report", provider: Aws, service: "iam", scope: Global,
        label: "IAM credential report",
        canonical_id: "`arn:aws:iam::ACCOUNT:credential-report` (synthetic)",
        config: IamCredentialReport,
    },
    /// An IAM user.
    IamUser {
        name: "iam_user", provider: Aws, service: "iam", scope: Global, label: "IAM user",
        canonical_id: "`arn:aws:iam::ACCOUNT:user/NAME`",
        config: IamUser, native_id: user_name,
    },
    /// An IAM group.
    IamGroup {
        name: "iam_group", provider: Aws, service: "iam", scope: Global, label: "IAM group",
        canonical_id: "`arn:aws:iam::ACCOUNT:group/NAME`",
        config: IamGroup, native_id: group_name,
    },
    /// An IAM role.
    IamRole {
        name: "iam_role", provider: Aws, service: "iam", scope: Global, label: "IAM role",
        canonical_id: "`arn:aws:iam::ACCOUNT:role/NAME`",
        config: IamRole, native_id: role_name,
    },
    /// A customer- or AWS-managed IAM policy with its default version's document.
    IamManagedPolicy {
        name: "iam_managed_policy", provider: Aws, service: "iam", scope: Global,
        label: "IAM managed policy",
        canonical_id: "`arn:aws:iam::ACCOUNT:policy/NAME`, or `arn:aws:iam::aws:policy/NAME` for AWS-managed policies",
        config: IamManagedPolicy, native_id: policy_name,
    },
    /// An S3 bucket (listed once per account; its `region` is the bucket's own).
    S3Bucket {
        name: "s3_bucket", provider: Aws, service: "s3", scope: Global, label: "S3 bucket",
        canonical_id: "`arn:aws:s3:::NAME`",
        config: S3Bucket, native_id: name,
    },
    /// The account's S3 Block Public Access settings.
    S3AccountPublicAccessBlock {
        name: "s3_account_public_access_block", provider: Aws, service: "s3", scope: Global,
        label: "S3 account Block Public Access setting",
        canonical_id: "`arn:aws:s3::ACCOUNT:account-public-access-block` (synthetic)",
        config: S3AccountPublicAccessBlock,
    },
    /// A bucket's ACL (coverage-only: the value lives in [`S3Bucket`]; a failed read
    /// for one bucket is a unit narrowed to that bucket).
    S3BucketAcl {
        name: "s3_bucket_acl", provider: Aws, service: "s3", scope: Global,
        label: "S3 bucket ACL", canonical_id: "coverage only",
    },
    /// A bucket's policy (coverage-only: the value lives in [`S3Bucket`]; a failed read
    /// for one bucket is a unit narrowed to that bucket).
    S3BucketPolicy {
        name: "s3_bucket_policy", provider: Aws, service: "s3", scope: Global,
        label: "S3 bucket policy", canonical_id: "coverage only",
    },
    /// A bucket's Block Public Access settings (coverage-only: the value lives in [`S3Bucket`]; a failed read
    /// for one bucket is a unit narrowed to that bucket).
    S3BucketPublicAccessBlock {
        name: "s3_bucket_public_access_block", provider: Aws, service: "s3", scope: Global,
        label: "S3 bucket Block Public Access settings", canonical_id: "coverage only",
    },
    /// A bucket's default encryption (coverage-only: the value lives in [`S3Bucket`]; a failed read
    /// for one bucket is a unit narrowed to that bucket).
    S3BucketEncryption {
        name: "s3_bucket_encryption", provider: Aws, service: "s3", scope: Global,
        label: "S3 bucket default encryption", canonical_id: "coverage only",
    },
    /// A bucket's versioning (coverage-only: the value lives in [`S3Bucket`]; a failed read
    /// for one bucket is a unit narrowed to that bucket).
    S3BucketVersioning {
        name: "s3_bucket_versioning", provider: Aws, service: "s3", scope: Global,
        label: "S3 bucket versioning", canonical_id: "coverage only",
    },
    /// A bucket's server access logging (coverage-only: the value lives in [`S3Bucket`]; a failed read
    /// for one bucket is a unit narrowed to that bucket).
    S3BucketLogging {
        name: "s3_bucket_logging", provider: Aws, service: "s3", scope: Global,
        label: "S3 bucket server access logging", canonical_id: "coverage only",
    },
    /// A bucket's Object Ownership (coverage-only: the value lives in [`S3Bucket`]; a failed read
    /// for one bucket is a unit narrowed to that bucket).
    S3BucketOwnershipControls {
        name: "s3_bucket_ownership_controls", provider: Aws, service: "s3", scope: Global,
        label: "S3 bucket Object Ownership", canonical_id: "coverage only",
    },
    /// A KMS key, customer-managed or AWS-managed.
    KmsKey {
        name: "kms_key", provider: Aws, service: "kms", scope: Regional, label: "KMS key",
        canonical_id: "`arn:aws:kms:REGION:ACCOUNT:key/KEY-ID`",
        config: KmsKey, native_id: key_id,
    },
    /// Customer-managed keys' rotation status (coverage-only: the status lives in
    /// [`KmsKey::rotation_enabled`]; a failure for one key is a unit narrowed to that key).
    KmsKeyRotation {
        name: "kms_key_rotation", provider: Aws, service: "kms", scope: Regional,
        label: "KMS key rotation status", canonical_id: "coverage only",
    },
    /// Customer-managed keys' key policies (coverage-only: the policy lives in
    /// [`KmsKey::policy`]; a failure for one key is a unit narrowed to that key).
    KmsKeyPolicy {
        name: "kms_key_policy", provider: Aws, service: "kms", scope: Regional,
        label: "KMS key policy", canonical_id: "coverage only",
    },
    /// A DynamoDB table.
    DynamodbTable {
        name: "dynamodb_table", provider: Aws, service: "dynamodb", scope: Regional,
        label: "DynamoDB table",
        canonical_id: "`arn:aws:dynamodb:REGION:ACCOUNT:table/NAME`",
        config: DynamodbTable, native_id: table_name,
    },
    /// Tables' continuous backups (coverage-only: point-in-time recovery lives in
    /// [`DynamodbTable::point_in_time_recovery_enabled`]; a failure for one table is a unit
    /// narrowed to that table).
    DynamodbContinuousBackups {
        name: "dynamodb_continuous_backups", provider: Aws, service: "dynamodb",
        scope: Regional, label: "DynamoDB continuous backups", canonical_id: "coverage only",
    },
    /// An EFS file system.
    EfsFileSystem {
        name: "efs_file_system", provider: Aws, service: "efs", scope: Regional,
        label: "EFS file system",
        canonical_id: "`arn:aws:elasticfilesystem:REGION:ACCOUNT:file-system/fs-…`",
        config: EfsFileSystem, native_id: file_system_id,
    },
    /// File systems' backup policies (coverage-only: the status lives in
    /// [`EfsFileSystem::backup_policy_status`]; a failure for one file system is a unit
    /// narrowed to that file system).
    EfsBackupPolicy {
        name: "efs_backup_policy", provider: Aws, service: "efs", scope: Regional,
        label: "EFS backup policy", canonical_id: "coverage only",
    },
    /// An AWS Backup plan with its rules.
    BackupPlan {
        name: "backup_plan", provider: Aws, service: "backup", scope: Regional,
        label: "backup plan",
        canonical_id: "`arn:aws:backup:REGION:ACCOUNT:backup-plan:ID`",
        config: BackupPlan, native_id: backup_plan_id,
    },
    /// An AWS Backup vault with its Vault Lock settings.
    BackupVault {
        name: "backup_vault", provider: Aws, service: "backup", scope: Regional,
        label: "backup vault",
        canonical_id: "`arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME`",
        config: BackupVault, native_id: backup_vault_name,
    },
    /// AWS Backup in one region, whether it has plans or not.
    BackupRegion {
        name: "backup_region", provider: Aws, service: "backup", scope: Regional,
        label: "AWS Backup region",
        canonical_id: "`arn:aws:backup:REGION:ACCOUNT:backup-region` (synthetic)",
        config: BackupRegion,
    },
    /// A CloudTrail trail, in its home region (an organization trail seen from a member
    /// account is a resource of the member).
    CloudtrailTrail {
        name: "cloudtrail_trail", provider: Aws, service: "cloudtrail", scope: Regional,
        label: "CloudTrail trail",
        canonical_id: "`arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME` (the owner's account)",
        config: CloudtrailTrail, native_id: name,
    },
    /// Trails' status (coverage-only: whether a trail is logging lives in
    /// [`CloudtrailTrail::is_logging`]; a failure for one trail is a unit narrowed to it).
    CloudtrailTrailStatus {
        name: "cloudtrail_trail_status", provider: Aws, service: "cloudtrail", scope: Regional,
        label: "CloudTrail trail status", canonical_id: "coverage only",
    },
    /// Trails' event selectors (coverage-only: they live in
    /// [`CloudtrailTrail::event_selectors`]; a failure for one trail is a unit narrowed to it).
    CloudtrailEventSelectors {
        name: "cloudtrail_event_selectors", provider: Aws, service: "cloudtrail",
        scope: Regional, label: "CloudTrail event selectors", canonical_id: "coverage only",
    },
    /// CloudTrail in one account as a whole, whether it has trails or not.
    CloudtrailAccount {
        name: "cloudtrail_account", provider: Aws, service: "cloudtrail", scope: Global,
        label: "CloudTrail account",
        canonical_id: "`arn:aws:cloudtrail::ACCOUNT:account` (synthetic)",
        config: CloudtrailAccount,
    },
    /// A CloudWatch Logs log group.
    LogsLogGroup {
        name: "logs_log_group", provider: Aws, service: "logs", scope: Regional,
        label: "CloudWatch Logs log group",
        canonical_id: "`arn:aws:logs:REGION:ACCOUNT:log-group:NAME`",
        config: LogsLogGroup, native_id: log_group_name,
    },
    /// A region's metric filters (coverage-only: a group's filters live in
    /// [`LogsLogGroup::metric_filters`]; `DescribeMetricFilters` is read once per region).
    LogsMetricFilter {
        name: "logs_metric_filter", provider: Aws, service: "logs", scope: Regional,
        label: "CloudWatch Logs metric filters", canonical_id: "coverage only",
    },
    /// A CloudWatch metric alarm.
    CloudwatchAlarm {
        name: "cloudwatch_alarm", provider: Aws, service: "cloudwatch", scope: Regional,
        label: "CloudWatch alarm",
        canonical_id: "`arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME`",
        config: CloudwatchAlarm, native_id: alarm_name,
    },
    /// CloudWatch monitoring of one account as a whole (the security-alarm join).
    CloudwatchAccount {
        name: "cloudwatch_account", provider: Aws, service: "cloudwatch", scope: Global,
        label: "CloudWatch account",
        canonical_id: "`arn:aws:cloudwatch::ACCOUNT:account` (synthetic)",
        config: CloudwatchAccount,
    },
    /// AWS Config in one region, whether it has a configuration recorder or not.
    ConfigRegion {
        name: "config_region", provider: Aws, service: "config", scope: Regional,
        label: "AWS Config region",
        canonical_id: "`arn:aws:config:REGION:ACCOUNT:config-region` (synthetic)",
        config: ConfigRegion,
    },
    /// GuardDuty in one region, whether it has a detector or not.
    GuarddutyRegion {
        name: "guardduty_region", provider: Aws, service: "guardduty", scope: Regional,
        label: "GuardDuty region",
        canonical_id: "`arn:aws:guardduty:REGION:ACCOUNT:guardduty-region` (synthetic)",
        config: GuarddutyRegion,
    },
    /// Security Hub in one region, enabled or not.
    SecurityhubRegion {
        name: "securityhub_region", provider: Aws, service: "securityhub", scope: Regional,
        label: "Security Hub region",
        canonical_id: "`arn:aws:securityhub:REGION:ACCOUNT:securityhub-region` (synthetic)",
        config: SecurityhubRegion,
    },
    /// An ACM certificate.
    AcmCertificate {
        name: "acm_certificate", provider: Aws, service: "acm", scope: Regional,
        label: "ACM certificate",
        canonical_id: "`arn:aws:acm:REGION:ACCOUNT:certificate/ID`",
        config: AcmCertificate, native_id: certificate_id,
    },
    /// A Secrets Manager secret (its metadata; never its value).
    SecretsmanagerSecret {
        name: "secretsmanager_secret", provider: Aws, service: "secretsmanager",
        scope: Regional, label: "Secrets Manager secret",
        canonical_id: "`arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-SUFFIX`",
        config: SecretsmanagerSecret, native_id: name,
    },
    /// An Application, Network or Gateway Load Balancer.
    Elbv2LoadBalancer {
        name: "elbv2_load_balancer", provider: Aws, service: "elbv2", scope: Regional,
        label: "load balancer",
        canonical_id: "`arn:aws:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/app/NAME/ID` (`net/…`, `gwy/…`)",
        config: Elbv2LoadBalancer, native_id: load_balancer_name,
    },
    /// Load balancers' listeners (coverage-only: the listeners live in
    /// [`Elbv2LoadBalancer::listeners`]; a failure for one load balancer is a unit narrowed
    /// to it).
    Elbv2Listeners {
        name: "elbv2_listeners", provider: Aws, service: "elbv2", scope: Regional,
        label: "load balancer listeners", canonical_id: "coverage only",
    },
    /// Load balancers' attributes (coverage-only: the access-log settings live in
    /// [`Elbv2LoadBalancer::access_logs`]; a failure for one load balancer is a unit
    /// narrowed to it).
    Elbv2LoadBalancerAttributes {
        name: "elbv2_load_balancer_attributes", provider: Aws, service: "elbv2",
        scope: Regional, label: "load balancer attributes", canonical_id: "coverage only",
    },
    /// A Lambda function.
    LambdaFunction {
        name: "lambda_function", provider: Aws, service: "lambda", scope: Regional,
        label: "Lambda function",
        canonical_id: "`arn:aws:lambda:REGION:ACCOUNT:function:NAME`",
        config: LambdaFunction, native_id: function_name,
    },
    /// Functions' resource-based policies (coverage-only: the policy lives in
    /// [`LambdaFunction::policy`]; a failure for one function is a unit narrowed to it).
    LambdaFunctionPolicy {
        name: "lambda_function_policy", provider: Aws, service: "lambda", scope: Regional,
        label: "Lambda function policy", canonical_id: "coverage only",
    },
    /// Functions' URLs (coverage-only: the URL lives in [`LambdaFunction::function_url`];
    /// a failure for one function is a unit narrowed to it).
    LambdaFunctionUrl {
        name: "lambda_function_url", provider: Aws, service: "lambda", scope: Regional,
        label: "Lambda function URL", canonical_id: "coverage only",
    },
    /// A Cloud Storage bucket.
    GcsBucket {
        name: "gcs_bucket", provider: Gcp, service: "gcs", scope: Global,
        label: "Cloud Storage bucket",
        canonical_id: "`//storage.googleapis.com/projects/_/buckets/NAME`",
        config: GcsBucket, native_id: name,
    },
    /// A bucket's IAM policy (coverage-only: the policy lives in [`GcsBucket::iam_policy`];
    /// a failure for one bucket is a unit narrowed to that bucket).
    GcsBucketIamPolicy {
        name: "gcs_bucket_iam_policy", provider: Gcp, service: "gcs", scope: Global,
        label: "Cloud Storage bucket IAM policy", canonical_id: "coverage only",
    },
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
