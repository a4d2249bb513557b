//! EC2 and VPC types: volumes, snapshots, images, instances, VPCs and flow logs, security
//! groups and network ACLs with their standalone rules.

use crate::model::ResourceKind::{
    Ami as AmiKind, EbsEncryptionByDefault as EncryptionByDefaultKind, EbsSnapshot as SnapshotKind,
    EbsVolume as VolumeKind, Ec2Instance as InstanceKind, FlowLog as FlowLogKind,
    NetworkAcl as NetworkAclKind, SecurityGroup as SecurityGroupKind, Vpc as VpcKind,
};
use crate::model::*;
use crate::terraform::adapt::Builder;
use crate::terraform::instances::{block_bool, block_int, block_str, nets, strings, Step};
use crate::terraform::registry::{TypeMapping, UnknownField};
use crate::terraform::relations::{Link, Target};
use serde_json::Value;

/// The EC2 types, in the order of docs/terraform.md.
pub(crate) const TYPES: &[TypeMapping] = &[
    TypeMapping {
        types: &["aws_ebs_volume"],
        kinds: &[VolumeKind],
        resource: Some(volume),
        relation: None,
        unknown: &[VOLUME_ENCRYPTED],
        becomes: "`ebs_volume`",
        notes: "",
    },
    TypeMapping {
        types: &["aws_ebs_encryption_by_default"],
        kinds: &[EncryptionByDefaultKind],
        resource: Some(encryption_by_default),
        relation: None,
        unknown: &[ENCRYPTION_BY_DEFAULT],
        becomes: "`ebs_encryption_by_default`",
        notes: "`enabled` defaults to true",
    },
    TypeMapping {
        types: &["aws_ebs_snapshot"],
        kinds: &[SnapshotKind],
        resource: Some(snapshot),
        relation: None,
        unknown: &[SNAPSHOT_ENCRYPTED],
        becomes: "`ebs_snapshot`",
        notes: "`encrypted` is usually known only after apply",
    },
    TypeMapping {
        types: &["aws_ami"],
        kinds: &[AmiKind],
        resource: Some(ami),
        relation: None,
        unknown: &[],
        becomes: "`ami`",
        notes: "",
    },
    TypeMapping {
        types: &["aws_ami_launch_permission"],
        kinds: &[AmiKind],
        resource: None,
        relation: Some(launch_permission),
        unknown: &[LAUNCH_PERMISSION_GROUP],
        becomes: "the launch permissions of its `ami`",
        notes: "a launch permission with `group = \"all\"` makes its image public",
    },
    TypeMapping {
        types: &["aws_instance"],
        kinds: &[InstanceKind, VolumeKind],
        resource: Some(instance),
        relation: None,
        unknown: INSTANCE_UNKNOWN,
        becomes: "`ec2_instance`, and one `ebs_volume` per `root_block_device` / \
                  `ebs_block_device`",
        notes: "planned instances are `running`; `metadata_options`, `monitoring`, \
                `associate_public_ip_address`",
    },
    TypeMapping {
        types: &["aws_vpc", "aws_default_vpc"],
        kinds: &[VpcKind],
        resource: Some(vpc),
        relation: None,
        unknown: &[],
        becomes: "`vpc`",
        notes: "",
    },
    TypeMapping {
        types: &["aws_flow_log"],
        kinds: &[FlowLogKind, VpcKind],
        resource: Some(flow_log),
        relation: Some(flow_log_vpc),
        unknown: &[FLOW_LOG_VPC],
        becomes: "`flow_log`",
        notes: "joins its VPC (`vpc_id`); status `ACTIVE`",
    },
    TypeMapping {
        types: &["aws_security_group", "aws_default_security_group"],
        kinds: &[SecurityGroupKind],
        resource: Some(security_group),
        relation: None,
        unknown: &[GROUP_INGRESS, GROUP_EGRESS],
        becomes: "`security_group`",
        notes: "inline `ingress` / `egress`",
    },
    TypeMapping {
        types: &["aws_security_group_rule"],
        kinds: &[SecurityGroupKind],
        resource: None,
        relation: Some(security_group_rule),
        unknown: GROUP_RULE_UNKNOWN,
        becomes: "rules of their `security_group`",
        notes: "`type` is `ingress` or `egress`",
    },
    TypeMapping {
        types: &[
            "aws_vpc_security_group_ingress_rule",
            "aws_vpc_security_group_egress_rule",
        ],
        kinds: &[SecurityGroupKind],
        resource: None,
        relation: Some(vpc_security_group_rule),
        unknown: VPC_GROUP_RULE_UNKNOWN,
        becomes: "rules of their `security_group`",
        notes: "",
    },
    TypeMapping {
        types: &["aws_network_acl"],
        kinds: &[NetworkAclKind],
        resource: Some(network_acl),
        relation: None,
        unknown: &[ACL_INGRESS, ACL_EGRESS],
        becomes: "`network_acl`",
        notes: "inline `ingress` / `egress` entries",
    },
    TypeMapping {
        types: &["aws_network_acl_rule"],
        kinds: &[NetworkAclKind],
        resource: None,
        relation: Some(network_acl_rule),
        unknown: ACL_RULE_UNKNOWN,
        becomes: "entries of their `network_acl`",
        notes: "standalone rules",
    },
];

const VOLUME_ENCRYPTED: UnknownField = UnknownField::new(VolumeKind, "encrypted", "encrypted");
const ENCRYPTION_BY_DEFAULT: UnknownField =
    UnknownField::new(EncryptionByDefaultKind, "enabled", "enabled");
const SNAPSHOT_ENCRYPTED: UnknownField = UnknownField::new(SnapshotKind, "encrypted", "encrypted");
const LAUNCH_PERMISSION_GROUP: UnknownField = UnknownField::new(AmiKind, "public", "group");

const INSTANCE_PUBLIC_IP: UnknownField = UnknownField::new(
    InstanceKind,
    "associate_public_ip_address",
    "associate_public_ip_address",
);
const INSTANCE_HTTP_ENDPOINT: UnknownField = UnknownField::new(
    InstanceKind,
    "metadata_options.http_endpoint",
    "metadata_options.http_endpoint",
);
const INSTANCE_HTTP_TOKENS: UnknownField = UnknownField::new(
    InstanceKind,
    "metadata_options.http_tokens",
    "metadata_options.http_tokens",
);
const INSTANCE_MONITORING: UnknownField =
    UnknownField::new(InstanceKind, "monitoring", "monitoring");
const ROOT_DEVICE_ENCRYPTED: UnknownField =
    UnknownField::new(VolumeKind, "encrypted", "root_block_device.encrypted");
const EBS_DEVICE_ENCRYPTED: UnknownField =
    UnknownField::new(VolumeKind, "encrypted", "ebs_block_device[N].encrypted");
const INSTANCE_UNKNOWN: &[UnknownField] = &[
    INSTANCE_PUBLIC_IP,
    INSTANCE_HTTP_ENDPOINT,
    INSTANCE_HTTP_TOKENS,
    INSTANCE_MONITORING,
    ROOT_DEVICE_ENCRYPTED,
    EBS_DEVICE_ENCRYPTED,
];

const FLOW_LOG_VPC: UnknownField = UnknownField::new(VpcKind, "flow_logs", "vpc_id");

const GROUP_INGRESS: UnknownField = UnknownField::new(SecurityGroupKind, "ingress", "ingress");
const GROUP_EGRESS: UnknownField = UnknownField::new(SecurityGroupKind, "egress", "egress");

/// The attributes of an `aws_security_group_rule` that make its group's rules unknown,
/// for each direction.
const GROUP_RULE_UNKNOWN: &[UnknownField] = &[
    UnknownField::new(SecurityGroupKind, "ingress", "cidr_blocks"),
    UnknownField::new(SecurityGroupKind, "ingress", "ipv6_cidr_blocks"),
    UnknownField::new(SecurityGroupKind, "ingress", "from_port"),
    UnknownField::new(SecurityGroupKind, "ingress", "to_port"),
    UnknownField::new(SecurityGroupKind, "ingress", "protocol"),
    UnknownField::new(SecurityGroupKind, "egress", "cidr_blocks"),
    UnknownField::new(SecurityGroupKind, "egress", "ipv6_cidr_blocks"),
    UnknownField::new(SecurityGroupKind, "egress", "from_port"),
    UnknownField::new(SecurityGroupKind, "egress", "to_port"),
    UnknownField::new(SecurityGroupKind, "egress", "protocol"),
];

/// The same for `aws_vpc_security_group_{ingress,egress}_rule`.
const VPC_GROUP_RULE_UNKNOWN: &[UnknownField] = &[
    UnknownField::new(SecurityGroupKind, "ingress", "cidr_ipv4"),
    UnknownField::new(SecurityGroupKind, "ingress", "cidr_ipv6"),
    UnknownField::new(SecurityGroupKind, "ingress", "from_port"),
    UnknownField::new(SecurityGroupKind, "ingress", "to_port"),
    UnknownField::new(SecurityGroupKind, "ingress", "ip_protocol"),
    UnknownField::new(SecurityGroupKind, "egress", "cidr_ipv4"),
    UnknownField::new(SecurityGroupKind, "egress", "cidr_ipv6"),
    UnknownField::new(SecurityGroupKind, "egress", "from_port"),
    UnknownField::new(SecurityGroupKind, "egress", "to_port"),
    UnknownField::new(SecurityGroupKind, "egress", "ip_protocol"),
];

const ACL_INGRESS: UnknownField = UnknownField::new(NetworkAclKind, "entries", "ingress");
const ACL_EGRESS: UnknownField = UnknownField::new(NetworkAclKind, "entries", "egress");
const ACL_RULE_UNKNOWN: &[UnknownField] = &[
    UnknownField::new(NetworkAclKind, "entries", "cidr_block"),
    UnknownField::new(NetworkAclKind, "entries", "ipv6_cidr_block"),
    UnknownField::new(NetworkAclKind, "entries", "from_port"),
    UnknownField::new(NetworkAclKind, "entries", "to_port"),
    UnknownField::new(NetworkAclKind, "entries", "protocol"),
    UnknownField::new(NetworkAclKind, "entries", "rule_action"),
];

const SECURITY_GROUP: Link = Link {
    attribute: "security_group_id",
    kind: SecurityGroupKind,
    types: &["aws_security_group", "aws_default_security_group"],
    value_prefix: "",
};
const NETWORK_ACL: Link = Link {
    attribute: "network_acl_id",
    kind: NetworkAclKind,
    types: &["aws_network_acl"],
    value_prefix: "",
};
const IMAGE: Link = Link {
    attribute: "image_id",
    kind: AmiKind,
    types: &["aws_ami"],
    value_prefix: "",
};
const VPC: Link = Link {
    attribute: "vpc_id",
    kind: VpcKind,
    types: &["aws_vpc", "aws_default_vpc"],
    value_prefix: "",
};

fn volume(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let mut unknown = Vec::new();
    if i.is_unknown(VOLUME_ENCRYPTED.attribute) {
        unknown.push(i.unknown(&VOLUME_ENCRYPTED));
    }
    let config = ResourceConfig::EbsVolume(EbsVolume {
        volume_id: i.native_id(),
        encrypted: i.bool("encrypted").unwrap_or(false),
        kms_key_id: i.str("kms_key_id").map(str::to_string),
        state: "available".to_string(),
        attachments: vec![],
        availability_zone: i.str("availability_zone").unwrap_or("unknown").to_string(),
        size_gib: i.int("size").unwrap_or(0).clamp(0, u32::MAX as i64) as u32,
        create_time: None,
    });
    let identity = i.str("id").map(str::to_string);
    b.push_primary(position, config, unknown, identity);
}

fn encryption_by_default(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let mut unknown = Vec::new();
    if i.is_unknown(ENCRYPTION_BY_DEFAULT.attribute) {
        unknown.push(i.unknown(&ENCRYPTION_BY_DEFAULT));
    }
    let config = ResourceConfig::EbsEncryptionByDefault(EbsEncryptionByDefault {
        enabled: i.bool("enabled").unwrap_or(true),
        default_kms_key_id: None,
    });
    b.push_primary(position, config, unknown, None);
}

fn snapshot(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let mut unknown = Vec::new();
    if i.is_unknown(SNAPSHOT_ENCRYPTED.attribute) {
        unknown.push(i.unknown(&SNAPSHOT_ENCRYPTED));
    }
    let config = ResourceConfig::EbsSnapshot(EbsSnapshot {
        snapshot_id: i.native_id(),
        volume_id: i.str("volume_id").map(str::to_string),
        encrypted: i.bool("encrypted").unwrap_or(false),
        kms_key_id: i.str("kms_key_id").map(str::to_string),
        state: "completed".to_string(),
        start_time: b.now,
        restorable_by_all: None,
    });
    b.push_primary(position, config, unknown, None);
}

fn ami(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let config = ResourceConfig::Ami(Ami {
        image_id: i.native_id(),
        public: false,
        state: None,
        creation_date: None,
    });
    let identity = i.str("id").map(str::to_string);
    b.push_primary(position, config, Vec::new(), identity);
}

fn launch_permission(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let group = i.str("group");
    let unknown = i
        .is_unknown(LAUNCH_PERMISSION_GROUP.attribute)
        .then(|| i.unknown(&LAUNCH_PERMISSION_GROUP));
    if let Target::Resource(index) = b.target(position, &IMAGE) {
        if let ResourceConfig::Ami(image) = &mut b.resources[index].config {
            image.public |= group == Some("all");
        }
        b.planned[index].unknown.extend(unknown);
    }
}

fn instance(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let mut unknown = Vec::new();
    let instance_id = i.native_id();
    let associate = i.bool("associate_public_ip_address");
    let public_ip = i.str("public_ip").and_then(|ip| ip.parse().ok());
    if associate.is_none() && public_ip.is_none() && i.is_unknown(INSTANCE_PUBLIC_IP.attribute) {
        unknown.push(i.unknown_at(
            &INSTANCE_PUBLIC_IP,
            format!(
                "{} (not set: the subnet's map_public_ip_on_launch decides)",
                i.attribute(INSTANCE_PUBLIC_IP.attribute)
            ),
        ));
    }
    let options = i.block("metadata_options");
    let tokens = block_str(options, "http_tokens");
    let endpoint = block_str(options, "http_endpoint");
    let metadata_options = match tokens {
        Some(tokens) => {
            if endpoint.is_none()
                && tokens != "required"
                && i.unknown_within(&[
                    Step::Key("metadata_options"),
                    Step::At(0),
                    Step::Key("http_endpoint"),
                ])
            {
                unknown.push(i.unknown(&INSTANCE_HTTP_ENDPOINT));
            }
            Some(InstanceMetadataOptions {
                http_tokens: tokens.to_string(),
                http_endpoint: endpoint.unwrap_or("enabled").to_string(),
            })
        }
        None => {
            let attribute = if options.is_some() || i.configured("metadata_options") {
                i.attribute(INSTANCE_HTTP_TOKENS.attribute)
            } else {
                format!(
                    "{} (not set: the AMI's or account's default applies)",
                    i.attribute("metadata_options")
                )
            };
            unknown.push(i.unknown_at(&INSTANCE_HTTP_TOKENS, attribute));
            None
        }
    };
    let monitoring = match i.bool("monitoring") {
        Some(true) => "enabled",
        Some(false) => "disabled",
        None if i.is_unknown(INSTANCE_MONITORING.attribute) => {
            unknown.push(i.unknown(&INSTANCE_MONITORING));
            "disabled"
        }
        None => "disabled",
    };
    let availability_zone = i.str("availability_zone").map(str::to_string);
    let config = ResourceConfig::Ec2Instance(Ec2Instance {
        instance_id: instance_id.clone(),
        state: "running".to_string(),
        instance_type: i.str("instance_type").map(str::to_string),
        public_ip,
        associate_public_ip_address: associate,
        metadata_options,
        monitoring: monitoring.to_string(),
        availability_zone: availability_zone.clone(),
        volume_ids: vec![],
        launch_time: None,
    });
    b.push_primary(position, config, unknown, None);

    // Block devices are EBS volumes of their own.
    let i = &b.instances[position];
    let mut volumes = Vec::new();
    let root = i.block("root_block_device");
    let mut root_unknown = Vec::new();
    // Not set, encryption is decided by the AMI's snapshot and the region's default.
    if block_bool(root, "encrypted").is_none() {
        let attribute = if root.is_some()
            && i.unknown_within(&[
                Step::Key("root_block_device"),
                Step::At(0),
                Step::Key("encrypted"),
            ]) {
            i.attribute(ROOT_DEVICE_ENCRYPTED.attribute)
        } else {
            format!(
                "{} (not set: the AMI and the region's default encryption decide)",
                i.attribute("root_block_device")
            )
        };
        root_unknown.push(i.unknown_at(&ROOT_DEVICE_ENCRYPTED, attribute));
    }
    volumes.push((
        format!("{}.root_block_device", i.address),
        root,
        root_unknown,
    ));
    for (n, device) in i
        .attr("ebs_block_device")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let name = block_str(Some(device), "device_name")
            .map(|d| format!("{:?}", d))
            .unwrap_or_else(|| n.to_string());
        let mut device_unknown = Vec::new();
        if block_bool(Some(device), "encrypted").is_none() {
            device_unknown.push(i.unknown_at(
                &EBS_DEVICE_ENCRYPTED,
                i.attribute(&format!("ebs_block_device[{n}].encrypted")),
            ));
        }
        volumes.push((
            format!("{}.ebs_block_device[{name}]", i.address),
            Some(device),
            device_unknown,
        ));
    }
    for (id, block, unknown) in volumes {
        let config = ResourceConfig::EbsVolume(EbsVolume {
            volume_id: block_str(block, "volume_id")
                .map(str::to_string)
                .unwrap_or_else(|| id.clone()),
            encrypted: block_bool(block, "encrypted").unwrap_or(false),
            kms_key_id: block_str(block, "kms_key_id").map(str::to_string),
            state: "in-use".to_string(),
            attachments: vec![VolumeAttachment {
                instance_id: instance_id.clone(),
                device: block_str(block, "device_name").map(str::to_string),
                state: Some("attached".to_string()),
            }],
            availability_zone: availability_zone
                .clone()
                .unwrap_or_else(|| "unknown".into()),
            size_gib: block_int(block, "volume_size")
                .unwrap_or(0)
                .clamp(0, u32::MAX as i64) as u32,
            create_time: None,
        });
        b.push(position, id, config, unknown);
    }
}

fn vpc(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let config = ResourceConfig::Vpc(Vpc {
        vpc_id: i.native_id(),
        is_default: i.rtype == "aws_default_vpc",
        cidr_block: i.str("cidr_block").and_then(|c| c.parse().ok()),
        state: Some("available".to_string()),
    });
    let identity = i.str("id").map(str::to_string);
    b.push_primary(position, config, Vec::new(), identity);
}

fn flow_log(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    // Its VPC is resolved with the relations, once every VPC is known.
    let config = ResourceConfig::FlowLog(FlowLog {
        flow_log_id: i.native_id(),
        resource_id: String::new(),
        traffic_type: i.str("traffic_type").unwrap_or("ALL").to_string(),
        status: "ACTIVE".to_string(),
        deliver_logs_status: None,
        log_destination_type: i.str("log_destination_type").map(str::to_string),
    });
    b.push_primary(position, config, Vec::new(), None);
}

fn flow_log_vpc(b: &mut Builder<'_>, position: usize) {
    let target = b.target(position, &VPC);
    let i = &b.instances[position];
    let resource_id = match target {
        Target::Resource(vpc) => match &b.resources[vpc].config {
            ResourceConfig::Vpc(v) => Some(v.vpc_id.clone()),
            _ => None,
        },
        Target::Outside(id) => Some(id),
        Target::Unknown => {
            let unresolved = (i.configured(FLOW_LOG_VPC.attribute)
                && i.str("subnet_id").is_none()
                && i.str("eni_id").is_none())
            .then(|| i.unknown(&FLOW_LOG_VPC));
            let other = i.str("subnet_id").or(i.str("eni_id")).map(str::to_string);
            if let Some(value) = unresolved {
                b.spread_unknown(FLOW_LOG_VPC.kind, value);
            }
            other
        }
    };
    if let (Some(resource_id), Some(&index)) = (resource_id, b.resource_of.get(&position)) {
        if let ResourceConfig::FlowLog(flow_log) = &mut b.resources[index].config {
            flow_log.resource_id = resource_id;
        }
    }
}

fn security_group(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let mut unknown = Vec::new();
    let known_id = i.str("id").map(str::to_string);
    let is_default = i.rtype == "aws_default_security_group";
    let mut rules = |field: &UnknownField| -> Vec<SecurityGroupRule> {
        let block = field.attribute;
        if i.is_unknown(block) && i.configured(block) {
            unknown.push(i.unknown(field));
        }
        i.attr(block)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|rule| sg_rule_of_block(rule, known_id.as_deref()))
            .collect()
    };
    let ingress = rules(&GROUP_INGRESS);
    let egress = rules(&GROUP_EGRESS);
    let config = ResourceConfig::SecurityGroup(SecurityGroup {
        group_id: i.native_id(),
        group_name: i
            .str("name")
            .map(str::to_string)
            .unwrap_or_else(|| if is_default { "default" } else { i.name }.to_string()),
        vpc_id: i.str("vpc_id").map(str::to_string),
        is_default,
        ingress,
        egress,
    });
    b.push_primary(position, config, unknown, known_id);
}

/// The unknown attributes of a standalone rule, as unknowns of its group's `direction`.
fn rule_unknown(
    b: &Builder<'_>,
    position: usize,
    table: &[UnknownField],
    direction: &str,
) -> Vec<UnknownValue> {
    let i = &b.instances[position];
    table
        .iter()
        .filter(|field| field.field == direction && i.is_unknown(field.attribute))
        .map(|field| i.unknown(field))
        .collect()
}

fn security_group_rule(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let egress = i.str("type") == Some("egress");
    let mut rule = sg_rule_of_block(i.after, None);
    if i.bool("self") == Some(true) {
        rule.referenced_groups.push("self".to_string());
    }
    if let Some(source) = i.str("source_security_group_id") {
        rule.referenced_groups.push(source.to_string());
    }
    let direction = if egress { "egress" } else { "ingress" };
    let unknown = rule_unknown(b, position, GROUP_RULE_UNKNOWN, direction);
    let target = b.target(position, &SECURITY_GROUP);
    join_security_group(b, position, target, rule, egress, unknown);
}

fn vpc_security_group_rule(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let egress = i.rtype.ends_with("egress_rule");
    let rule = SecurityGroupRule {
        protocol: i.str("ip_protocol").unwrap_or("-1").to_string(),
        from_port: i.int("from_port").map(|p| p as i32),
        to_port: i.int("to_port").map(|p| p as i32),
        ipv4_ranges: i
            .str("cidr_ipv4")
            .and_then(|c| c.parse().ok())
            .into_iter()
            .collect(),
        ipv6_ranges: i
            .str("cidr_ipv6")
            .and_then(|c| c.parse().ok())
            .into_iter()
            .collect(),
        referenced_groups: i
            .str("referenced_security_group_id")
            .map(str::to_string)
            .into_iter()
            .collect(),
        prefix_list_ids: i
            .str("prefix_list_id")
            .map(str::to_string)
            .into_iter()
            .collect(),
    };
    let direction = if egress { "egress" } else { "ingress" };
    let unknown = rule_unknown(b, position, VPC_GROUP_RULE_UNKNOWN, direction);
    let target = b.target(position, &SECURITY_GROUP);
    join_security_group(b, position, target, rule, egress, unknown);
}

fn join_security_group(
    b: &mut Builder<'_>,
    position: usize,
    target: Target,
    rule: SecurityGroupRule,
    egress: bool,
    unknown: Vec<UnknownValue>,
) {
    let index = match target {
        Target::Resource(index) => index,
        Target::Outside(id) => synthetic_group(b, position, id),
        Target::Unknown => synthetic_group(b, position, "(known after apply)".to_string()),
    };
    if let ResourceConfig::SecurityGroup(group) = &mut b.resources[index].config {
        if egress {
            group.egress.push(rule);
        } else {
            group.ingress.push(rule);
        }
    }
    b.planned[index].unknown.extend(unknown);
}

/// A rule for a group outside the plan is checked as a group of its own, defined where the
/// rule is.
fn synthetic_group(b: &mut Builder<'_>, position: usize, group_id: String) -> usize {
    let id = b.instances[position].address.clone();
    let config = ResourceConfig::SecurityGroup(SecurityGroup {
        group_id,
        group_name: id.clone(),
        vpc_id: None,
        is_default: false,
        ingress: vec![],
        egress: vec![],
    });
    b.push(position, id, config, Vec::new())
}

fn network_acl(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let mut unknown = Vec::new();
    let mut entries = Vec::new();
    for (field, egress) in [(&ACL_INGRESS, false), (&ACL_EGRESS, true)] {
        let block = field.attribute;
        if i.is_unknown(block) && i.configured(block) {
            unknown.push(i.unknown(field));
        }
        for rule in i
            .attr(block)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            entries.push(nacl_entry(
                rule,
                egress,
                block_int(Some(rule), "rule_no"),
                block_str(Some(rule), "action"),
            ));
        }
    }
    let config = ResourceConfig::NetworkAcl(NetworkAcl {
        network_acl_id: i.native_id(),
        vpc_id: i.str("vpc_id").map(str::to_string),
        is_default: false,
        entries,
    });
    let identity = i.str("id").map(str::to_string);
    b.push_primary(position, config, unknown, identity);
}

fn network_acl_rule(b: &mut Builder<'_>, position: usize) {
    let target = b.target(position, &NETWORK_ACL);
    let i = &b.instances[position];
    let entry = nacl_entry(
        i.after,
        i.bool("egress").unwrap_or(false),
        i.int("rule_number"),
        i.str("rule_action"),
    );
    let unknown: Vec<UnknownValue> = ACL_RULE_UNKNOWN
        .iter()
        .filter(|field| i.is_unknown(field.attribute))
        .map(|field| i.unknown(field))
        .collect();
    let index = match target {
        Target::Resource(index) => index,
        Target::Outside(id) => synthetic_acl(b, position, id),
        Target::Unknown => synthetic_acl(b, position, "(known after apply)".to_string()),
    };
    if let ResourceConfig::NetworkAcl(acl) = &mut b.resources[index].config {
        acl.entries.push(entry);
    }
    b.planned[index].unknown.extend(unknown);
}

/// A rule for an ACL outside the plan is checked as an ACL of its own, defined where the
/// rule is.
fn synthetic_acl(b: &mut Builder<'_>, position: usize, network_acl_id: String) -> usize {
    let id = b.instances[position].address.clone();
    let config = ResourceConfig::NetworkAcl(NetworkAcl {
        network_acl_id,
        vpc_id: None,
        is_default: false,
        entries: vec![],
    });
    b.push(position, id, config, Vec::new())
}

/// A security group rule from an inline `ingress`/`egress` block or a standalone
/// `aws_security_group_rule` (same attribute names).
fn sg_rule_of_block(block: &Value, own_group: Option<&str>) -> SecurityGroupRule {
    let protocol = block_str(Some(block), "protocol")
        .unwrap_or("-1")
        .to_string();
    let all = matches!(protocol.as_str(), "-1" | "all");
    let mut referenced_groups: Vec<String> = strings(block.get("security_groups"))
        .into_iter()
        .map(str::to_string)
        .collect();
    if block_bool(Some(block), "self") == Some(true) {
        referenced_groups.push(own_group.unwrap_or("self").to_string());
    }
    SecurityGroupRule {
        from_port: (!all)
            .then(|| block_int(Some(block), "from_port"))
            .flatten()
            .map(|p| p as i32),
        to_port: (!all)
            .then(|| block_int(Some(block), "to_port"))
            .flatten()
            .map(|p| p as i32),
        protocol,
        ipv4_ranges: nets(block.get("cidr_blocks")),
        ipv6_ranges: nets(block.get("ipv6_cidr_blocks")),
        referenced_groups,
        prefix_list_ids: strings(block.get("prefix_list_ids"))
            .into_iter()
            .map(str::to_string)
            .collect(),
    }
}

/// A network ACL entry from an inline block (`rule_no`, `action`) or an
/// `aws_network_acl_rule` (`rule_number`, `rule_action`).
fn nacl_entry(
    block: &Value,
    egress: bool,
    number: Option<i64>,
    action: Option<&str>,
) -> NetworkAclEntry {
    let protocol = block_str(Some(block), "protocol")
        .unwrap_or("-1")
        .to_string();
    let all = matches!(protocol.as_str(), "-1" | "all");
    let from = block_int(Some(block), "from_port");
    let to = block_int(Some(block), "to_port");
    NetworkAclEntry {
        rule_number: number.unwrap_or(0) as i32,
        egress,
        port_range: match (all, from, to) {
            (false, Some(from), Some(to)) if !(from == 0 && to == 0) => Some(PortRange {
                from: from as i32,
                to: to as i32,
            }),
            _ => None,
        },
        protocol,
        rule_action: if action.is_some_and(|a| a.eq_ignore_ascii_case("deny")) {
            NaclAction::Deny
        } else {
            NaclAction::Allow
        },
        cidr_block: block_str(Some(block), "cidr_block").and_then(|c| c.parse().ok()),
        ipv6_cidr_block: block_str(Some(block), "ipv6_cidr_block").and_then(|c| c.parse().ok()),
    }
}
