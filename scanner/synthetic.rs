//! Synthetic snapshots of any size, for benchmarks (`benches/engine.rs`) and the peak-memory
//! measurement (`cargo run --release --example gen-synthetic-snapshot`).
//!
//! The mix of kinds and the pass/fail variety are fixed by the resource's index, so the same
//! size always gives the same snapshot.

use chrono::{DateTime, Duration, TimeZone, Utc};
use soc2scan_providers::*;
use std::collections::BTreeMap;

const ACCOUNT: &str = "123456789012";
const PROJECT: &str = "synthetic-project";
const REGIONS: [&str; 4] = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2"];

fn collected_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

/// A snapshot with `size` resources of every kind the rules read, in one AWS account over
/// four regions and one GCP project, with complete coverage.
pub fn snapshot(size: usize) -> Snapshot {
    let now = collected_at();
    let mut snapshot = Snapshot::new(crate::VERSION, now - Duration::minutes(5), now);
    snapshot.metadata.targets = vec![
        ScanTarget {
            provider: Provider::Aws,
            account: ACCOUNT.to_string(),
            alias: Some("synthetic".to_string()),
            regions: REGIONS.iter().map(|r| r.to_string()).collect(),
            identity: None,
            organization: None,
        },
        ScanTarget {
            provider: Provider::Gcp,
            account: PROJECT.to_string(),
            alias: None,
            regions: Vec::new(),
            identity: None,
            organization: None,
        },
    ];
    for kind in ResourceKind::ALL {
        let (account, regions): (&str, Vec<&str>) = match (kind.provider(), kind.collection_scope())
        {
            (Provider::Aws, CollectionScope::Regional) => (ACCOUNT, REGIONS.to_vec()),
            (Provider::Aws, CollectionScope::Global) => (ACCOUNT, vec![GLOBAL_REGION]),
            (Provider::Gcp, _) => (PROJECT, vec![GLOBAL_REGION]),
        };
        for region in regions {
            snapshot.coverage.push(CoverageEntry {
                unit: CollectionUnit {
                    provider: kind.provider(),
                    account: account.to_string(),
                    region: region.to_string(),
                    kind: *kind,
                    resource: None,
                },
                status: CoverageStatus::Ok,
            });
        }
    }
    snapshot.resources.reserve(size);
    for region in REGIONS {
        snapshot.resources.push(aws(
            format!("arn:aws:ec2:{region}:{ACCOUNT}:ebs-encryption-by-default"),
            region,
            ResourceConfig::EbsEncryptionByDefault(EbsEncryptionByDefault {
                enabled: region.starts_with("eu"),
                default_kms_key_id: None,
            }),
        ));
    }
    snapshot.resources.push(aws(
        format!("arn:aws:iam::{ACCOUNT}:account-summary"),
        GLOBAL_REGION,
        ResourceConfig::IamAccountSummary(IamAccountSummary {
            root_mfa_enabled: true,
            root_access_keys_present: false,
        }),
    ));
    snapshot.resources.push(aws(
        format!("arn:aws:iam::{ACCOUNT}:password-policy"),
        GLOBAL_REGION,
        ResourceConfig::IamPasswordPolicy(IamPasswordPolicy {
            policy: Some(PasswordPolicy {
                minimum_password_length: Some(12),
                require_symbols: true,
                require_numbers: true,
                ..PasswordPolicy::default()
            }),
        }),
    ));
    snapshot.resources.push(aws(
        "arn:aws:iam::aws:policy/AdministratorAccess".to_string(),
        GLOBAL_REGION,
        ResourceConfig::IamManagedPolicy(IamManagedPolicy {
            policy_name: "AdministratorAccess".to_string(),
            aws_managed: true,
            default_version_id: Some("v1".to_string()),
            attachment_count: 1,
            document: admin_document(),
        }),
    ));
    let mut index = 0usize;
    while snapshot.resources.len() < size {
        snapshot.resources.push(resource(index, now));
        index += 1;
    }
    snapshot
}

fn admin_document() -> PolicyDocument {
    PolicyDocument {
        version: Some("2012-10-17".to_string()),
        statements: vec![PolicyStatement {
            sid: None,
            effect: Effect::Allow,
            action: vec!["*".to_string()],
            not_action: Vec::new(),
            resource: vec!["*".to_string()],
            not_resource: Vec::new(),
            principal: None,
            not_principal: None,
            condition: None,
        }],
    }
}

fn aws(id: String, region: &str, config: ResourceConfig) -> Resource {
    Resource {
        id,
        provider: Provider::Aws,
        account: ACCOUNT.to_string(),
        region: region.to_string(),
        name: None,
        tags: BTreeMap::new(),
        config,
    }
}

fn internet_rule(port: i32) -> SecurityGroupRule {
    SecurityGroupRule {
        protocol: "tcp".to_string(),
        from_port: Some(port),
        to_port: Some(port),
        ipv4_ranges: vec!["0.0.0.0/0".parse().unwrap_or_else(|_| unreachable!())],
        ipv6_ranges: Vec::new(),
        referenced_groups: Vec::new(),
        prefix_list_ids: Vec::new(),
    }
}

/// The `index`-th generated resource: kind and settings cycle so every rule sees passes
/// and failures.
fn resource(index: usize, now: DateTime<Utc>) -> Resource {
    let region = REGIONS[index % REGIONS.len()];
    let odd = index % 2 == 1;
    let serial = index / 20;
    let volume_id = format!("vol-{serial:012x}");
    match index % 20 {
        0..=4 => aws(
            format!(
                "arn:aws:ec2:{region}:{ACCOUNT}:volume/{volume_id}-{}",
                index % 20
            ),
            region,
            ResourceConfig::EbsVolume(EbsVolume {
                volume_id: format!("{volume_id}-{}", index % 20),
                encrypted: odd,
                kms_key_id: None,
                state: if index.is_multiple_of(3) {
                    "available"
                } else {
                    "in-use"
                }
                .to_string(),
                attachments: Vec::new(),
                availability_zone: format!("{region}a"),
                size_gib: 100,
                create_time: Some(now - Duration::days(400)),
            }),
        ),
        5..=8 => aws(
            format!("arn:aws:ec2:{region}::snapshot/snap-{index:012x}"),
            region,
            ResourceConfig::EbsSnapshot(EbsSnapshot {
                snapshot_id: format!("snap-{index:012x}"),
                volume_id: Some(format!("{volume_id}-{}", index % 5)),
                encrypted: !odd,
                kms_key_id: None,
                state: "completed".to_string(),
                start_time: now - Duration::days((index % 14) as i64),
                restorable_by_all: Some(index.is_multiple_of(97)),
            }),
        ),
        9..=11 => aws(
            format!("arn:aws:ec2:{region}:{ACCOUNT}:security-group/sg-{index:012x}"),
            region,
            ResourceConfig::SecurityGroup(SecurityGroup {
                group_id: format!("sg-{index:012x}"),
                group_name: if index % 20 == 9 {
                    "default".to_string()
                } else {
                    format!("app-{index}")
                },
                vpc_id: Some(format!("vpc-{:08x}", serial % 64)),
                is_default: index % 20 == 9,
                ingress: match index % 5 {
                    0 => vec![internet_rule(22)],
                    1 => vec![internet_rule(5432)],
                    2 => vec![internet_rule(443)],
                    _ => Vec::new(),
                },
                egress: Vec::new(),
            }),
        ),
        12..=14 => aws(
            format!("arn:aws:ec2:{region}:{ACCOUNT}:instance/i-{index:012x}"),
            region,
            ResourceConfig::Ec2Instance(Ec2Instance {
                instance_id: format!("i-{index:012x}"),
                state: if index.is_multiple_of(7) {
                    "stopped"
                } else {
                    "running"
                }
                .to_string(),
                instance_type: Some("m6i.large".to_string()),
                public_ip: odd.then(|| std::net::IpAddr::from([203, 0, 113, (index % 250) as u8])),
                associate_public_ip_address: None,
                metadata_options: Some(InstanceMetadataOptions {
                    http_tokens: if odd { "optional" } else { "required" }.to_string(),
                    http_endpoint: "enabled".to_string(),
                }),
                monitoring: if odd { "disabled" } else { "enabled" }.to_string(),
                availability_zone: Some(format!("{region}b")),
                volume_ids: vec![volume_id],
                launch_time: Some(now - Duration::days(30)),
            }),
        ),
        15 => aws(
            format!("arn:aws:ec2:{region}:{ACCOUNT}:vpc/vpc-{index:012x}"),
            region,
            ResourceConfig::Vpc(Vpc {
                vpc_id: format!("vpc-{index:012x}"),
                is_default: false,
                cidr_block: None,
                state: Some("available".to_string()),
            }),
        ),
        16 => aws(
            format!("arn:aws:ec2:{region}:{ACCOUNT}:network-acl/acl-{index:012x}"),
            region,
            ResourceConfig::NetworkAcl(NetworkAcl {
                network_acl_id: format!("acl-{index:012x}"),
                vpc_id: None,
                is_default: true,
                entries: vec![NetworkAclEntry {
                    rule_number: 100,
                    egress: false,
                    protocol: "-1".to_string(),
                    rule_action: NaclAction::Allow,
                    cidr_block: "0.0.0.0/0".parse().ok(),
                    ipv6_cidr_block: None,
                    port_range: None,
                }],
            }),
        ),
        17 => aws(
            format!("arn:aws:iam::{ACCOUNT}:user/user-{index}"),
            GLOBAL_REGION,
            ResourceConfig::IamUser(IamUser {
                user_name: format!("user-{index}"),
                user_id: None,
                create_date: now - Duration::days(200),
                credentials: Some(UserCredentials {
                    password_enabled: odd,
                    password_last_used: LastUsed::Used {
                        at: now - Duration::days((index % 90) as i64),
                    },
                    password_last_changed: Some(now - Duration::days(100)),
                    mfa_active: index.is_multiple_of(3),
                    access_keys: vec![AccessKey {
                        slot: 1,
                        active: true,
                        last_rotated: Some(now - Duration::days((index % 200) as i64)),
                        last_used: LastUsed::Never,
                    }],
                }),
                attached_managed_policies: if index.is_multiple_of(11) {
                    vec![AttachedPolicy {
                        policy_name: "AdministratorAccess".to_string(),
                        policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess".to_string(),
                    }]
                } else {
                    Vec::new()
                },
                inline_policies: Vec::new(),
                groups: vec!["developers".to_string()],
            }),
        ),
        18 => aws(
            format!("arn:aws:iam::{ACCOUNT}:role/role-{index}"),
            GLOBAL_REGION,
            ResourceConfig::IamRole(IamRole {
                role_name: format!("role-{index}"),
                path: Some("/".to_string()),
                assume_role_policy: None,
                attached_managed_policies: Vec::new(),
                inline_policies: if odd {
                    vec![InlinePolicy {
                        policy_name: "admin".to_string(),
                        document: admin_document(),
                    }]
                } else {
                    Vec::new()
                },
            }),
        ),
        _ => Resource {
            id: format!("//storage.googleapis.com/projects/_/buckets/bucket-{index}"),
            provider: Provider::Gcp,
            account: PROJECT.to_string(),
            region: "EU".to_string(),
            name: None,
            tags: BTreeMap::new(),
            config: ResourceConfig::GcsBucket(GcsBucket {
                name: format!("bucket-{index}"),
                location: "EU".to_string(),
                location_type: Some("multi-region".to_string()),
                uniform_bucket_level_access: odd,
                public_access_prevention: if odd { "enforced" } else { "inherited" }.to_string(),
                versioning_enabled: odd,
                default_kms_key: None,
                logging: None,
                soft_delete_retention_seconds: Some(604_800),
                retention_policy: None,
                create_time: None,
                update_time: None,
                iam_policy: Some(GcsIamPolicy {
                    bindings: vec![GcsIamBinding {
                        role: "roles/storage.objectViewer".to_string(),
                        members: vec![if index.is_multiple_of(13) {
                            "allUsers"
                        } else {
                            "group:eng@example.com"
                        }
                        .to_string()],
                        condition: None,
                    }],
                }),
            }),
        },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn synthetic_snapshots_are_valid() {
        let snapshot = super::snapshot(5_000);
        assert_eq!(snapshot.resources.len(), 5_000);
        snapshot
            .validate(std::path::Path::new("synthetic"))
            .expect("valid snapshot");
    }
}
