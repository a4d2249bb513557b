//! Builders of EC2 resources for the rules' unit tests.

use crate::testing::{resource, ACCOUNT, REGION};
use chrono::{DateTime, Utc};
use soc2scan_model::{
    Ami, EbsEncryptionByDefault, EbsSnapshot, EbsVolume, Ec2Instance, FlowLog,
    InstanceMetadataOptions, NaclAction, NetworkAcl, NetworkAclEntry, PortRange, Resource,
    ResourceConfig, SecurityGroup, SecurityGroupRule, Vpc,
};

/// The ARN of an EC2 resource in the test account and region (`volume`, `vol-1`).
pub fn arn(kind: &str, id: &str) -> String {
    format!("arn:aws:ec2:{REGION}:{ACCOUNT}:{kind}/{id}")
}

/// An 8 GiB encrypted volume in the given state.
pub fn volume(id: &str, state: &str) -> Resource {
    resource(
        &arn("volume", id),
        ResourceConfig::EbsVolume(EbsVolume {
            volume_id: id.to_string(),
            encrypted: true,
            kms_key_id: None,
            state: state.to_string(),
            attachments: vec![],
            availability_zone: "eu-west-1a".to_string(),
            size_gib: 8,
            create_time: None,
        }),
    )
}

/// The region's encryption-by-default setting.
pub fn encryption_by_default(enabled: bool) -> Resource {
    resource(
        &format!("arn:aws:ec2:{REGION}:{ACCOUNT}:ebs-encryption-by-default"),
        ResourceConfig::EbsEncryptionByDefault(EbsEncryptionByDefault {
            enabled,
            default_kms_key_id: None,
        }),
    )
}

/// A completed, encrypted, private snapshot of `volume_id` started at `start_time`.
pub fn ebs_snapshot(id: &str, volume_id: Option<&str>, start_time: DateTime<Utc>) -> EbsSnapshot {
    EbsSnapshot {
        snapshot_id: id.to_string(),
        volume_id: volume_id.map(str::to_string),
        encrypted: true,
        kms_key_id: None,
        state: "completed".to_string(),
        start_time,
        restorable_by_all: Some(false),
    }
}

/// A snapshot as a resource (EBS snapshot ARNs carry no account).
pub fn snapshot_resource(snap: EbsSnapshot) -> Resource {
    resource(
        &format!("arn:aws:ec2:{REGION}::snapshot/{}", snap.snapshot_id),
        ResourceConfig::EbsSnapshot(snap),
    )
}

/// An own AMI.
pub fn ami(id: &str, public: bool) -> Resource {
    resource(
        &format!("arn:aws:ec2:{REGION}::image/{id}"),
        ResourceConfig::Ami(Ami {
            image_id: id.to_string(),
            public,
            state: Some("available".to_string()),
            creation_date: None,
        }),
    )
}

/// A non-default VPC.
pub fn vpc(id: &str) -> Resource {
    resource(
        &arn("vpc", id),
        ResourceConfig::Vpc(Vpc {
            vpc_id: id.to_string(),
            is_default: false,
            cidr_block: Some("10.0.0.0/16".parse().unwrap()),
            state: Some("available".to_string()),
        }),
    )
}

/// A flow log on `resource_id` with the given status.
pub fn flow_log(id: &str, resource_id: &str, status: &str) -> Resource {
    resource(
        &arn("vpc-flow-log", id),
        ResourceConfig::FlowLog(FlowLog {
            flow_log_id: id.to_string(),
            resource_id: resource_id.to_string(),
            traffic_type: "ALL".to_string(),
            status: status.to_string(),
            deliver_logs_status: Some("SUCCESS".to_string()),
            log_destination_type: Some("s3".to_string()),
        }),
    )
}

/// A security group rule on `protocol` and ports from the given ranges (IPv4 and IPv6 are
/// sorted into their lists).
pub fn sg_rule(
    protocol: &str,
    from: Option<i32>,
    to: Option<i32>,
    ranges: &[&str],
) -> SecurityGroupRule {
    let (ipv6, ipv4): (Vec<&str>, Vec<&str>) = ranges.iter().partition(|r| r.contains(':'));
    SecurityGroupRule {
        protocol: protocol.to_string(),
        from_port: from,
        to_port: to,
        ipv4_ranges: ipv4.iter().map(|r| r.parse().unwrap()).collect(),
        ipv6_ranges: ipv6.iter().map(|r| r.parse().unwrap()).collect(),
        referenced_groups: vec![],
        prefix_list_ids: vec![],
    }
}

/// A TCP rule on one port.
pub fn tcp(port: i32, ranges: &[&str]) -> SecurityGroupRule {
    sg_rule("tcp", Some(port), Some(port), ranges)
}

/// A non-default security group `web` with the given inbound rules and no outbound rules.
pub fn security_group(id: &str, ingress: Vec<SecurityGroupRule>) -> Resource {
    resource(
        &arn("security-group", id),
        ResourceConfig::SecurityGroup(SecurityGroup {
            group_id: id.to_string(),
            group_name: "web".to_string(),
            vpc_id: Some("vpc-1".to_string()),
            is_default: false,
            ingress,
            egress: vec![],
        }),
    )
}

/// A network ACL entry.
pub fn nacl_entry(
    rule_number: i32,
    action: NaclAction,
    protocol: &str,
    ports: Option<(i32, i32)>,
    range: &str,
) -> NetworkAclEntry {
    let range: ipnet::IpNet = range.parse().unwrap();
    let (cidr_block, ipv6_cidr_block) = match range {
        ipnet::IpNet::V4(_) => (Some(range), None),
        ipnet::IpNet::V6(_) => (None, Some(range)),
    };
    NetworkAclEntry {
        rule_number,
        egress: false,
        protocol: protocol.to_string(),
        rule_action: action,
        cidr_block,
        ipv6_cidr_block,
        port_range: ports.map(|(from, to)| PortRange { from, to }),
    }
}

/// A network ACL with the given entries.
pub fn network_acl(id: &str, entries: Vec<NetworkAclEntry>) -> Resource {
    resource(
        &arn("network-acl", id),
        ResourceConfig::NetworkAcl(NetworkAcl {
            network_acl_id: id.to_string(),
            vpc_id: Some("vpc-1".to_string()),
            is_default: false,
            entries,
        }),
    )
}

/// An instance in `state`, with IMDSv2 required, detailed monitoring and no public IP.
pub fn instance_config(id: &str, state: &str) -> Ec2Instance {
    Ec2Instance {
        instance_id: id.to_string(),
        state: state.to_string(),
        instance_type: Some("t3.micro".to_string()),
        public_ip: None,
        associate_public_ip_address: None,
        metadata_options: Some(InstanceMetadataOptions {
            http_tokens: "required".to_string(),
            http_endpoint: "enabled".to_string(),
        }),
        monitoring: "enabled".to_string(),
        availability_zone: Some("eu-west-1a".to_string()),
        volume_ids: vec![],
        launch_time: None,
    }
}

/// An instance as a resource.
pub fn instance_resource(instance: Ec2Instance) -> Resource {
    resource(
        &arn("instance", &instance.instance_id),
        ResourceConfig::Ec2Instance(instance),
    )
}
