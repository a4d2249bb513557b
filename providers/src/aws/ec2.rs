//! EC2 collection: one unit per (region, kind), each one listing with the largest page
//! size, pages in order.

use super::calls::Limiter;
use super::convert::{parse_time, time};
use super::errors::CallFailure;
use super::service::{
    paginate, sdk_client, AwsService, Collected, Job, PageEnd, ScopeContext, Scoped, ServiceScope,
};
use crate::model::*;
use aws_sdk_ec2::types::{Filter, IpPermission, PermissionGroup, SnapshotAttributeName};
use futures::future::join_all;
use std::collections::HashSet;
use std::sync::Arc;

/// The EC2 service: every kind listed once per region, each kind its own unit.
pub(crate) struct Ec2;

/// The EC2 kinds collected in every region, in coverage order.
const KINDS: &[ResourceKind] = &[
    ResourceKind::EbsVolume,
    ResourceKind::EbsEncryptionByDefault,
    ResourceKind::EbsSnapshot,
    ResourceKind::Ami,
    ResourceKind::Vpc,
    ResourceKind::FlowLog,
    ResourceKind::SecurityGroup,
    ResourceKind::NetworkAcl,
    ResourceKind::Ec2Instance,
];

impl AwsService for Ec2 {
    fn name(&self) -> &'static str {
        "ec2"
    }

    fn scope(&self) -> ServiceScope {
        ServiceScope::Regional
    }

    fn kinds(&self) -> &'static [ResourceKind] {
        KINDS
    }

    fn actions(&self) -> &'static [&'static str] {
        &[
            "ec2:DescribeVolumes",
            "ec2:GetEbsEncryptionByDefault",
            "ec2:DescribeSnapshots",
            "ec2:DescribeSnapshotAttribute",
            "ec2:DescribeImages",
            "ec2:DescribeVpcs",
            "ec2:DescribeFlowLogs",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeNetworkAcls",
            "ec2:DescribeInstances",
        ]
    }

    fn jobs(&self, ctx: ScopeContext) -> Vec<Job> {
        let scope = Arc::new(Ec2Scope {
            client: sdk_client!(aws_sdk_ec2, &ctx),
            ctx,
        });
        KINDS
            .iter()
            .map(|&kind| {
                let scope = scope.clone();
                Job::one(kind, async move { collect(kind, &scope).await })
            })
            .collect()
    }
}

/// The largest `MaxResults` the Describe calls accept (AWS may return fewer per page).
const PAGE_SIZE: i32 = 1000;

/// What one region's units share.
type Ec2Scope = Scoped<aws_sdk_ec2::Client>;

/// Collects one kind in one region.
async fn collect(kind: ResourceKind, scope: &Ec2Scope) -> Collected {
    match kind {
        ResourceKind::EbsVolume => volumes(scope).await,
        ResourceKind::EbsEncryptionByDefault => encryption_by_default(scope).await,
        ResourceKind::EbsSnapshot => snapshots(scope).await,
        ResourceKind::Ami => images(scope).await,
        ResourceKind::Vpc => vpcs(scope).await,
        ResourceKind::FlowLog => flow_logs(scope).await,
        ResourceKind::SecurityGroup => security_groups(scope).await,
        ResourceKind::NetworkAcl => network_acls(scope).await,
        ResourceKind::Ec2Instance => instances(scope).await,
        other => Err(CallFailure::new(
            crate::snapshot::FailureKind::Error,
            format!("{} is not an EC2 kind", other.as_str()),
        )),
    }
}

impl Scoped<aws_sdk_ec2::Client> {
    /// `arn:aws:ec2:REGION:ACCOUNT:TYPE/ID`.
    fn arn(&self, resource_type: &str, id: &str) -> String {
        self.regional_arn("ec2", &format!("{resource_type}/{id}"))
    }

    /// A resource of this region, named by its `Name` tag.
    fn resource(
        &self,
        id: String,
        tag_pairs: &[aws_sdk_ec2::types::Tag],
        config: ResourceConfig,
    ) -> Resource {
        self.tagged_resource(id, tag_pairs.iter().map(|t| (t.key(), t.value())), config)
    }
}

async fn volumes(scope: &Ec2Scope) -> Collected {
    const OP: &str = "ec2:DescribeVolumes";
    paginate(
        scope,
        OP,
        |token| {
            scope
                .client
                .describe_volumes()
                .max_results(PAGE_SIZE)
                .set_next_token(token)
                .send()
        },
        |page, out| {
            for volume in page.volumes() {
                let volume_id = scope.required(volume.volume_id(), OP, "VolumeId")?;
                let config = EbsVolume {
                    volume_id: volume_id.to_string(),
                    encrypted: scope.required(volume.encrypted(), OP, "Encrypted")?,
                    kms_key_id: volume.kms_key_id().map(str::to_string),
                    state: scope
                        .required(volume.state(), OP, "State")?
                        .as_str()
                        .to_string(),
                    attachments: volume
                        .attachments()
                        .iter()
                        .filter_map(|a| {
                            Some(VolumeAttachment {
                                instance_id: a.instance_id()?.to_string(),
                                device: a.device().map(str::to_string),
                                state: a.state().map(|s| s.as_str().to_string()),
                            })
                        })
                        .collect(),
                    availability_zone: scope
                        .required(volume.availability_zone(), OP, "AvailabilityZone")?
                        .to_string(),
                    size_gib: u32::try_from(scope.required(volume.size(), OP, "Size")?)
                        .unwrap_or_default(),
                    create_time: volume.create_time().and_then(time),
                };
                out.push(scope.resource(
                    scope.arn("volume", volume_id),
                    volume.tags(),
                    ResourceConfig::EbsVolume(config),
                ));
            }
            Ok(PageEnd::next_token(page.next_token()))
        },
    )
    .await
}

async fn encryption_by_default(scope: &Ec2Scope) -> Collected {
    const OP: &str = "ec2:GetEbsEncryptionByDefault";
    let answer = scope
        .limiter
        .call(scope.client.get_ebs_encryption_by_default().send())
        .await
        .map_err(|e| scope.fail(OP, &e))?;
    let config = EbsEncryptionByDefault {
        enabled: scope.required(
            answer.ebs_encryption_by_default(),
            OP,
            "EbsEncryptionByDefault",
        )?,
        // The default key needs another call (GetEbsDefaultKmsKeyId) that no rule reads.
        default_kms_key_id: None,
    };
    Ok(vec![scope.resource(
        format!(
            "arn:{}:ec2:{}:{}:ebs-encryption-by-default",
            scope.partition, scope.region, scope.account
        ),
        &[],
        ResourceConfig::EbsEncryptionByDefault(config),
    )])
}

/// Own snapshots, each with whether everyone may create volumes from it.
///
/// `restorable_by_all` never rests on one filter: `DescribeSnapshots` with
/// `RestorableByUserIds=all` names the candidates, and `DescribeSnapshotAttribute
/// (createVolumePermission)` confirms each one. Snapshots that are not candidates are
/// `Some(false)`; a candidate whose confirmation failed is `None` (not known), and the
/// failure is recorded as a coverage gap narrowed to that snapshot, so the snapshot rules
/// do not evaluate it and the scan is reported incomplete.
async fn snapshots(scope: &Ec2Scope) -> Collected {
    const OP: &str = "ec2:DescribeSnapshots";
    let own = list_snapshots(scope, false).await?;
    let candidates: HashSet<String> = list_snapshots(scope, true)
        .await?
        .into_iter()
        .filter_map(|s| s.snapshot_id().map(str::to_string))
        .collect();
    let confirmations = join_all(
        own.iter()
            .filter_map(|s| s.snapshot_id())
            .filter(|id| candidates.contains(*id))
            .map(|id| async move { (id.to_string(), confirm_public(scope, id).await) }),
    )
    .await;
    let mut out = Vec::with_capacity(own.len());
    for snapshot in &own {
        let snapshot_id = scope.required(snapshot.snapshot_id(), OP, "SnapshotId")?;
        let arn = format!(
            "arn:{}:ec2:{}::snapshot/{snapshot_id}",
            scope.partition, scope.region
        );
        let restorable_by_all = if candidates.contains(snapshot_id) {
            match confirmations.iter().find(|(id, _)| id == snapshot_id) {
                Some((_, Ok(public))) => Some(*public),
                Some((_, Err(failure))) => {
                    scope.record_narrowed_gap(&arn, ResourceKind::EbsSnapshot, failure);
                    None
                }
                None => None,
            }
        } else {
            Some(false)
        };
        let config = EbsSnapshot {
            snapshot_id: snapshot_id.to_string(),
            // AWS writes vol-ffffffff for snapshots not taken from a volume (copies).
            volume_id: snapshot
                .volume_id()
                .filter(|v| *v != "vol-ffffffff")
                .map(str::to_string),
            encrypted: scope.required(snapshot.encrypted(), OP, "Encrypted")?,
            kms_key_id: snapshot.kms_key_id().map(str::to_string),
            state: scope
                .required(snapshot.state(), OP, "State")?
                .as_str()
                .to_string(),
            start_time: scope.required(snapshot.start_time().and_then(time), OP, "StartTime")?,
            restorable_by_all,
        };
        out.push(scope.resource(arn, snapshot.tags(), ResourceConfig::EbsSnapshot(config)));
    }
    Ok(out)
}

async fn list_snapshots(
    scope: &Ec2Scope,
    restorable_by_all: bool,
) -> Result<Vec<aws_sdk_ec2::types::Snapshot>, CallFailure> {
    const OP: &str = "ec2:DescribeSnapshots";
    paginate(
        scope,
        OP,
        |token| {
            let request = scope
                .client
                .describe_snapshots()
                .owner_ids("self")
                .max_results(PAGE_SIZE)
                .set_next_token(token);
            if restorable_by_all {
                request.restorable_by_user_ids("all").send()
            } else {
                request.send()
            }
        },
        |page, out| {
            out.extend(page.snapshots().iter().cloned());
            Ok(PageEnd::next_token(page.next_token()))
        },
    )
    .await
}

/// Whether `createVolumePermission` grants the group `all`.
async fn confirm_public(scope: &Ec2Scope, snapshot_id: &str) -> Result<bool, CallFailure> {
    const OP: &str = "ec2:DescribeSnapshotAttribute";
    let answer = scope
        .limiter
        .call(
            scope
                .client
                .describe_snapshot_attribute()
                .snapshot_id(snapshot_id)
                .attribute(SnapshotAttributeName::CreateVolumePermission)
                .send(),
        )
        .await
        .map_err(|e| scope.fail(OP, &e))?;
    Ok(answer
        .create_volume_permissions()
        .iter()
        .any(|p| p.group() == Some(&PermissionGroup::All)))
}

async fn images(scope: &Ec2Scope) -> Collected {
    const OP: &str = "ec2:DescribeImages";
    paginate(
        scope,
        OP,
        |token| {
            scope
                .client
                .describe_images()
                .owners("self")
                // Disabled and deprecated images are still the account's images.
                .include_deprecated(true)
                .include_disabled(true)
                .max_results(PAGE_SIZE)
                .set_next_token(token)
                .send()
        },
        |page, out| {
            for image in page.images() {
                let image_id = scope.required(image.image_id(), OP, "ImageId")?;
                let config = Ami {
                    image_id: image_id.to_string(),
                    public: scope.required(image.public(), OP, "Public")?,
                    state: image.state().map(|s| s.as_str().to_string()),
                    creation_date: image.creation_date().and_then(parse_time),
                };
                out.push(scope.resource(
                    scope.arn("image", image_id),
                    image.tags(),
                    ResourceConfig::Ami(config),
                ));
            }
            Ok(PageEnd::next_token(page.next_token()))
        },
    )
    .await
}

async fn vpcs(scope: &Ec2Scope) -> Collected {
    const OP: &str = "ec2:DescribeVpcs";
    paginate(
        scope,
        OP,
        |token| {
            scope
                .client
                .describe_vpcs()
                .max_results(PAGE_SIZE)
                .set_next_token(token)
                .send()
        },
        |page, out| {
            for vpc in page.vpcs() {
                let vpc_id = scope.required(vpc.vpc_id(), OP, "VpcId")?;
                let config = Vpc {
                    vpc_id: vpc_id.to_string(),
                    is_default: vpc.is_default().unwrap_or(false),
                    cidr_block: vpc.cidr_block().and_then(|c| c.parse().ok()),
                    state: vpc.state().map(|s| s.as_str().to_string()),
                };
                out.push(scope.resource(
                    scope.arn("vpc", vpc_id),
                    vpc.tags(),
                    ResourceConfig::Vpc(config),
                ));
            }
            Ok(PageEnd::next_token(page.next_token()))
        },
    )
    .await
}

async fn flow_logs(scope: &Ec2Scope) -> Collected {
    const OP: &str = "ec2:DescribeFlowLogs";
    paginate(
        scope,
        OP,
        |token| {
            scope
                .client
                .describe_flow_logs()
                .max_results(PAGE_SIZE)
                .set_next_token(token)
                .send()
        },
        |page, out| {
            for flow_log in page.flow_logs() {
                let flow_log_id = scope.required(flow_log.flow_log_id(), OP, "FlowLogId")?;
                let config = FlowLog {
                    flow_log_id: flow_log_id.to_string(),
                    resource_id: scope
                        .required(flow_log.resource_id(), OP, "ResourceId")?
                        .to_string(),
                    traffic_type: scope
                        .required(flow_log.traffic_type(), OP, "TrafficType")?
                        .as_str()
                        .to_string(),
                    status: scope
                        .required(flow_log.flow_log_status(), OP, "FlowLogStatus")?
                        .to_string(),
                    deliver_logs_status: flow_log.deliver_logs_status().map(str::to_string),
                    log_destination_type: flow_log
                        .log_destination_type()
                        .map(|t| t.as_str().to_string()),
                };
                out.push(scope.resource(
                    scope.arn("vpc-flow-log", flow_log_id),
                    flow_log.tags(),
                    ResourceConfig::FlowLog(config),
                ));
            }
            Ok(PageEnd::next_token(page.next_token()))
        },
    )
    .await
}

async fn security_groups(scope: &Ec2Scope) -> Collected {
    const OP: &str = "ec2:DescribeSecurityGroups";
    paginate(
        scope,
        OP,
        |token| {
            scope
                .client
                .describe_security_groups()
                .max_results(PAGE_SIZE)
                .set_next_token(token)
                .send()
        },
        |page, out| {
            for group in page.security_groups() {
                let group_id = scope.required(group.group_id(), OP, "GroupId")?;
                let group_name = scope.required(group.group_name(), OP, "GroupName")?;
                let config = SecurityGroup {
                    group_id: group_id.to_string(),
                    group_name: group_name.to_string(),
                    vpc_id: group.vpc_id().map(str::to_string),
                    // Every VPC has exactly one group named "default", and no other group may
                    // take that name.
                    is_default: group_name == "default",
                    ingress: permissions(scope, group.ip_permissions(), OP)?,
                    egress: permissions(scope, group.ip_permissions_egress(), OP)?,
                };
                out.push(scope.resource(
                    scope.arn("security-group", group_id),
                    group.tags(),
                    ResourceConfig::SecurityGroup(config),
                ));
            }
            Ok(PageEnd::next_token(page.next_token()))
        },
    )
    .await
}

fn permissions(
    scope: &Ec2Scope,
    permissions: &[IpPermission],
    operation: &str,
) -> Result<Vec<SecurityGroupRule>, CallFailure> {
    permissions
        .iter()
        .map(|p| {
            let protocol = scope.required(p.ip_protocol(), operation, "IpProtocol")?;
            let all_traffic = protocol == "-1";
            Ok(SecurityGroupRule {
                protocol: protocol.to_string(),
                from_port: p.from_port().filter(|_| !all_traffic),
                to_port: p.to_port().filter(|_| !all_traffic),
                ipv4_ranges: p
                    .ip_ranges()
                    .iter()
                    .map(|r| cidr(scope, r.cidr_ip(), operation))
                    .collect::<Result<_, _>>()?,
                ipv6_ranges: p
                    .ipv6_ranges()
                    .iter()
                    .map(|r| cidr(scope, r.cidr_ipv6(), operation))
                    .collect::<Result<_, _>>()?,
                referenced_groups: p
                    .user_id_group_pairs()
                    .iter()
                    .filter_map(|g| g.group_id().map(str::to_string))
                    .collect(),
                prefix_list_ids: p
                    .prefix_list_ids()
                    .iter()
                    .filter_map(|l| l.prefix_list_id().map(str::to_string))
                    .collect(),
            })
        })
        .collect()
}

/// A CIDR the rules must see: an unreadable one fails the unit rather than vanishing
/// (dropping `0.0.0.0/0` would turn an open group into a pass).
fn cidr(
    scope: &Ec2Scope,
    text: Option<&str>,
    operation: &str,
) -> Result<ipnet::IpNet, CallFailure> {
    let text = scope.required(text, operation, "CidrIp")?;
    text.parse().map_err(|_| {
        CallFailure::new(
            crate::snapshot::FailureKind::Error,
            format!("{} {operation}: unreadable CIDR {text:?}", scope.region),
        )
    })
}

async fn network_acls(scope: &Ec2Scope) -> Collected {
    const OP: &str = "ec2:DescribeNetworkAcls";
    paginate(
        scope,
        OP,
        |token| {
            scope
                .client
                .describe_network_acls()
                .max_results(PAGE_SIZE)
                .set_next_token(token)
                .send()
        },
        |page, out| {
            for acl in page.network_acls() {
                let acl_id = scope.required(acl.network_acl_id(), OP, "NetworkAclId")?;
                let entries = acl
                    .entries()
                    .iter()
                    .map(|e| {
                        Ok(NetworkAclEntry {
                            rule_number: scope.required(e.rule_number(), OP, "RuleNumber")?,
                            egress: scope.required(e.egress(), OP, "Egress")?,
                            protocol: scope.required(e.protocol(), OP, "Protocol")?.to_string(),
                            rule_action: match scope
                                .required(e.rule_action(), OP, "RuleAction")?
                                .as_str()
                            {
                                "allow" => NaclAction::Allow,
                                "deny" => NaclAction::Deny,
                                other => {
                                    return Err(CallFailure::new(
                                        crate::snapshot::FailureKind::Error,
                                        format!(
                                            "{} {OP}: unknown RuleAction {other:?}",
                                            scope.region
                                        ),
                                    ))
                                }
                            },
                            cidr_block: e
                                .cidr_block()
                                .map(|c| cidr(scope, Some(c), OP))
                                .transpose()?,
                            ipv6_cidr_block: e
                                .ipv6_cidr_block()
                                .map(|c| cidr(scope, Some(c), OP))
                                .transpose()?,
                            port_range: e.port_range().and_then(|r| {
                                Some(PortRange {
                                    from: r.from()?,
                                    to: r.to()?,
                                })
                            }),
                        })
                    })
                    .collect::<Result<Vec<_>, CallFailure>>()?;
                let config = NetworkAcl {
                    network_acl_id: acl_id.to_string(),
                    vpc_id: acl.vpc_id().map(str::to_string),
                    is_default: acl.is_default().unwrap_or(false),
                    entries,
                };
                out.push(scope.resource(
                    scope.arn("network-acl", acl_id),
                    acl.tags(),
                    ResourceConfig::NetworkAcl(config),
                ));
            }
            Ok(PageEnd::next_token(page.next_token()))
        },
    )
    .await
}

/// Instances. `DescribeInstances` carries no user data (that needs
/// `DescribeInstanceAttribute`, which soc2scan never calls).
async fn instances(scope: &Ec2Scope) -> Collected {
    const OP: &str = "ec2:DescribeInstances";
    paginate(
        scope,
        OP,
        |token| {
            scope
                .client
                .describe_instances()
                .max_results(PAGE_SIZE)
                .set_next_token(token)
                .send()
        },
        |page, out| {
            for instance in page.reservations().iter().flat_map(|r| r.instances()) {
                let instance_id = scope.required(instance.instance_id(), OP, "InstanceId")?;
                let state =
                    scope.required(instance.state().and_then(|s| s.name()), OP, "State.Name")?;
                let config = Ec2Instance {
                    instance_id: instance_id.to_string(),
                    state: state.as_str().to_string(),
                    instance_type: instance.instance_type().map(|t| t.as_str().to_string()),
                    public_ip: instance.public_ip_address().and_then(|ip| ip.parse().ok()),
                    associate_public_ip_address: None,
                    metadata_options: instance.metadata_options().and_then(|m| {
                        Some(InstanceMetadataOptions {
                            http_tokens: m.http_tokens()?.as_str().to_string(),
                            http_endpoint: m.http_endpoint()?.as_str().to_string(),
                        })
                    }),
                    monitoring: scope
                        .required(
                            instance.monitoring().and_then(|m| m.state()),
                            OP,
                            "Monitoring.State",
                        )?
                        .as_str()
                        .to_string(),
                    availability_zone: instance
                        .placement()
                        .and_then(|p| p.availability_zone())
                        .map(str::to_string),
                    volume_ids: instance
                        .block_device_mappings()
                        .iter()
                        .filter_map(|m| m.ebs()?.volume_id().map(str::to_string))
                        .collect(),
                    launch_time: instance.launch_time().and_then(time),
                };
                out.push(scope.resource(
                    scope.arn("instance", instance_id),
                    instance.tags(),
                    ResourceConfig::Ec2Instance(config),
                ));
            }
            Ok(PageEnd::next_token(page.next_token()))
        },
    )
    .await
}

/// The regions enabled for the account (`--all-regions`).
pub(crate) async fn enabled_regions(
    client: &aws_sdk_ec2::Client,
    limiter: &Limiter,
) -> Result<Vec<String>, String> {
    let answer = limiter
        .call(
            client
                .describe_regions()
                .all_regions(false)
                .filters(
                    Filter::builder()
                        .name("opt-in-status")
                        .values("opt-in-not-required")
                        .values("opted-in")
                        .build(),
                )
                .send(),
        )
        .await
        .map_err(|e| super::errors::describe(&e))?;
    let mut regions: Vec<String> = answer
        .regions()
        .iter()
        .filter_map(|r| r.region_name().map(str::to_string))
        .collect();
    regions.sort();
    regions.dedup();
    Ok(regions)
}
