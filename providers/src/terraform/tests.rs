//! The mapping of each supported resource type, relations, unknown values and bad input.

use super::*;
use crate::model::*;
use serde_json::{json, Value};

const PLAN_PATH: &str = "infra/plan.json";

fn options() -> PlanOptions<'static> {
    PlanOptions {
        plan_path: Path::new(PLAN_PATH),
        tf_root: None,
        tool_version: "0.0.0-test",
    }
}

/// A `resource_changes` entry in the root module.
fn change(rtype: &str, name: &str, after: Value, unknown: Value) -> Value {
    change_at("", rtype, name, None, after, unknown)
}

fn change_at(
    module: &str,
    rtype: &str,
    name: &str,
    index: Option<Value>,
    after: Value,
    unknown: Value,
) -> Value {
    let key = index
        .as_ref()
        .and_then(address::index_text)
        .unwrap_or_default();
    let prefix = if module.is_empty() {
        String::new()
    } else {
        format!("{module}.")
    };
    let mut entry = json!({
        "address": format!("{prefix}{rtype}.{name}{key}"),
        "mode": "managed",
        "type": rtype,
        "name": name,
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {"actions": ["create"], "before": null, "after": after, "after_unknown": unknown}
    });
    if !module.is_empty() {
        entry["module_address"] = json!(module);
    }
    if let Some(index) = index {
        entry["index"] = index;
    }
    entry
}

/// A configuration block whose attributes reference `refs` (attribute → references).
fn config(rtype: &str, name: &str, refs: Value) -> Value {
    let expressions: serde_json::Map<String, Value> = refs
        .as_object()
        .map(|map| {
            map.iter()
                .map(|(attr, refs)| (attr.clone(), json!({ "references": refs })))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "address": format!("{rtype}.{name}"),
        "mode": "managed",
        "type": rtype,
        "name": name,
        "provider_config_key": if rtype.starts_with("google_") { "google" } else { "aws" },
        "expressions": expressions
    })
}

fn document(changes: Vec<Value>, configuration: Vec<Value>) -> Value {
    json!({
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "resource_changes": changes,
        "configuration": {
            "provider_config": {
                "aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-1"}}},
                "google": {"name": "google", "expressions": {"project": {"constant_value": "acme-prod"}}}
            },
            "root_module": {"resources": configuration}
        },
        "timestamp": "2026-11-26T09:00:00Z"
    })
}

fn scan(document: &Value) -> Snapshot {
    let bytes = serde_json::to_vec(document).expect("serialises");
    let snapshot = from_json_slice(&bytes, &options()).unwrap_or_else(|error| panic!("{error}"));
    // Every plan the tests build checks the registry's declared fields too.
    assert_unknowns_declared(&snapshot);
    snapshot
}

fn resource<'s>(snapshot: &'s Snapshot, id: &str) -> &'s Resource {
    snapshot
        .resources
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| {
            let ids: Vec<&str> = snapshot.resources.iter().map(|r| r.id.as_str()).collect();
            panic!("no resource {id}; have {ids:?}")
        })
}

fn unknown_fields(snapshot: &Snapshot, id: &str) -> Vec<(String, String)> {
    snapshot.plan.as_ref().expect("plan info").resources[id]
        .unknown
        .iter()
        .map(|u| (u.field.clone(), u.attribute.clone()))
        .collect()
}

#[test]
fn ebs_volumes_map_encryption_and_unknown_encryption() {
    let snapshot = scan(&document(
        vec![
            change(
                "aws_ebs_volume",
                "data",
                json!({"availability_zone": "eu-west-1a", "size": 100, "encrypted": true}),
                json!({"id": true, "kms_key_id": true}),
            ),
            change(
                "aws_ebs_volume",
                "logs",
                json!({"availability_zone": "eu-west-1a", "size": 20}),
                json!({"id": true, "encrypted": true}),
            ),
        ],
        vec![],
    ));
    let data = resource(&snapshot, "aws_ebs_volume.data");
    assert_eq!(data.account, PLAN_ACCOUNT);
    assert_eq!(data.region, "eu-west-1");
    let ResourceConfig::EbsVolume(volume) = &data.config else {
        panic!("not a volume")
    };
    assert!(volume.encrypted);
    assert_eq!(volume.size_gib, 100);
    assert!(unknown_fields(&snapshot, "aws_ebs_volume.data").is_empty());
    assert_eq!(
        unknown_fields(&snapshot, "aws_ebs_volume.logs"),
        vec![(
            "encrypted".to_string(),
            "aws_ebs_volume.logs.encrypted".to_string()
        )]
    );
    // Without --tf-root, every resource points at the plan file.
    let planned = &snapshot.plan.as_ref().expect("plan").resources["aws_ebs_volume.data"];
    assert_eq!(planned.source.file, PLAN_PATH);
    assert_eq!(planned.source.line, None);
}

#[test]
fn encryption_by_default_snapshot_and_public_ami() {
    let snapshot = scan(&document(
        vec![
            change(
                "aws_ebs_encryption_by_default",
                "this",
                json!({"enabled": false}),
                json!({"id": true}),
            ),
            change(
                "aws_ebs_snapshot",
                "s",
                json!({}),
                json!({"id": true, "encrypted": true, "volume_id": true}),
            ),
            change(
                "aws_ami",
                "golden",
                json!({"name": "g"}),
                json!({"id": true}),
            ),
            change(
                "aws_ami_launch_permission",
                "all",
                json!({"group": "all"}),
                json!({"id": true, "image_id": true}),
            ),
        ],
        vec![config(
            "aws_ami_launch_permission",
            "all",
            json!({"image_id": ["aws_ami.golden.id", "aws_ami.golden"]}),
        )],
    ));
    assert!(matches!(
        &resource(&snapshot, "aws_ebs_encryption_by_default.this").config,
        ResourceConfig::EbsEncryptionByDefault(EbsEncryptionByDefault { enabled: false, .. })
    ));
    assert_eq!(
        unknown_fields(&snapshot, "aws_ebs_snapshot.s")[0].0,
        "encrypted"
    );
    assert!(matches!(
        &resource(&snapshot, "aws_ami.golden").config,
        ResourceConfig::Ami(Ami { public: true, .. })
    ));
    // The permission joins the image: it is not a resource of its own.
    assert_eq!(snapshot.resources.len(), 3);
}

#[test]
fn instances_map_imds_monitoring_public_ip_and_block_devices() {
    let known = json!({
        "instance_type": "t3.micro",
        "associate_public_ip_address": true,
        "monitoring": false,
        "metadata_options": [{"http_tokens": "optional", "http_endpoint": "enabled"}],
        "root_block_device": [{"encrypted": false}],
        "ebs_block_device": [{"device_name": "/dev/sdf", "encrypted": true, "volume_size": 10}]
    });
    let snapshot = scan(&document(
        vec![
            change(
                "aws_instance",
                "web",
                known,
                json!({"id": true, "public_ip": true}),
            ),
            change(
                "aws_instance",
                "worker",
                json!({"instance_type": "m6i.large", "monitoring": true}),
                json!({"id": true, "associate_public_ip_address": true, "metadata_options": true, "root_block_device": true, "ebs_block_device": true}),
            ),
        ],
        vec![config("aws_instance", "worker", json!({"monitoring": []}))],
    ));
    let ResourceConfig::Ec2Instance(web) = &resource(&snapshot, "aws_instance.web").config else {
        panic!("not an instance")
    };
    assert_eq!(web.state, "running");
    assert_eq!(web.associate_public_ip_address, Some(true));
    assert_eq!(web.monitoring, "disabled");
    assert_eq!(
        web.metadata_options
            .as_ref()
            .map(|m| m.http_tokens.as_str()),
        Some("optional")
    );
    assert!(unknown_fields(&snapshot, "aws_instance.web").is_empty());
    let ResourceConfig::EbsVolume(root) =
        &resource(&snapshot, "aws_instance.web.root_block_device").config
    else {
        panic!("not a volume")
    };
    assert!(!root.encrypted);
    assert_eq!(root.attachments[0].instance_id, "aws_instance.web");
    let ResourceConfig::EbsVolume(data) =
        &resource(&snapshot, "aws_instance.web.ebs_block_device[\"/dev/sdf\"]").config
    else {
        panic!("not a volume")
    };
    assert!(data.encrypted);

    let fields: Vec<String> = unknown_fields(&snapshot, "aws_instance.worker")
        .into_iter()
        .map(|(field, _)| field)
        .collect();
    assert_eq!(
        fields,
        vec![
            "associate_public_ip_address",
            "metadata_options.http_tokens"
        ]
    );
    assert_eq!(
        unknown_fields(&snapshot, "aws_instance.worker.root_block_device")[0].0,
        "encrypted"
    );
}

#[test]
fn flow_logs_find_their_vpc_by_reference_or_known_id() {
    let snapshot = scan(&document(
        vec![
            change(
                "aws_vpc",
                "new",
                json!({"cidr_block": "10.0.0.0/16"}),
                json!({"id": true}),
            ),
            change(
                "aws_flow_log",
                "new",
                json!({"traffic_type": "ALL"}),
                json!({"id": true, "vpc_id": true}),
            ),
            change(
                "aws_default_vpc",
                "old",
                json!({"id": "vpc-0old"}),
                json!({}),
            ),
            change(
                "aws_flow_log",
                "old",
                json!({"vpc_id": "vpc-0old", "traffic_type": "REJECT"}),
                json!({"id": true}),
            ),
        ],
        vec![config(
            "aws_flow_log",
            "new",
            json!({"vpc_id": ["aws_vpc.new.id", "aws_vpc.new"]}),
        )],
    ));
    let ResourceConfig::FlowLog(new) = &resource(&snapshot, "aws_flow_log.new").config else {
        panic!()
    };
    // A new VPC has no id yet: its address stands in for it on both sides.
    assert_eq!(new.resource_id, "aws_vpc.new");
    let ResourceConfig::Vpc(vpc) = &resource(&snapshot, "aws_vpc.new").config else {
        panic!()
    };
    assert_eq!(vpc.vpc_id, "aws_vpc.new");
    let ResourceConfig::FlowLog(old) = &resource(&snapshot, "aws_flow_log.old").config else {
        panic!()
    };
    assert_eq!(old.resource_id, "vpc-0old");
    assert!(matches!(
        &resource(&snapshot, "aws_default_vpc.old").config,
        ResourceConfig::Vpc(Vpc {
            is_default: true,
            ..
        })
    ));
}

#[test]
fn a_flow_log_of_an_unresolvable_vpc_makes_every_vpc_unknown() {
    let snapshot = scan(&document(
        vec![
            change("aws_vpc", "a", json!({}), json!({"id": true})),
            change(
                "aws_flow_log",
                "x",
                json!({}),
                json!({"id": true, "vpc_id": true}),
            ),
        ],
        vec![config(
            "aws_flow_log",
            "x",
            json!({"vpc_id": ["var.vpc_id"]}),
        )],
    ));
    assert_eq!(
        unknown_fields(&snapshot, "aws_vpc.a"),
        vec![("flow_logs".to_string(), "aws_flow_log.x.vpc_id".to_string())]
    );
}

fn sg_rule(cidr: &str, port: i64) -> Value {
    json!({"type": "ingress", "from_port": port, "to_port": port, "protocol": "tcp", "cidr_blocks": [cidr]})
}

#[test]
fn security_group_rules_join_their_group() {
    let snapshot = scan(&document(
        vec![
            change(
                "aws_security_group",
                "web",
                json!({"name": "web", "ingress": [{"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"], "self": false}]}),
                json!({"id": true, "egress": true}),
            ),
            change(
                "aws_security_group_rule",
                "ssh",
                sg_rule("0.0.0.0/0", 22),
                json!({"id": true, "security_group_id": true}),
            ),
            change(
                "aws_security_group",
                "existing",
                json!({"id": "sg-0existing", "name": "existing", "ingress": [], "egress": []}),
                json!({}),
            ),
            change(
                "aws_vpc_security_group_ingress_rule",
                "pg",
                json!({"security_group_id": "sg-0existing", "ip_protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr_ipv4": "0.0.0.0/0"}),
                json!({"id": true}),
            ),
            change(
                "aws_security_group_rule",
                "outside",
                json!({"type": "egress", "security_group_id": "sg-0elsewhere", "from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": ["0.0.0.0/0"]}),
                json!({"id": true}),
            ),
            change(
                "aws_default_security_group",
                "default",
                json!({"ingress": [], "egress": []}),
                json!({"id": true}),
            ),
        ],
        vec![
            config(
                "aws_security_group_rule",
                "ssh",
                json!({"security_group_id": ["aws_security_group.web.id", "aws_security_group.web"]}),
            ),
            config("aws_security_group", "web", json!({"ingress": []})),
        ],
    ));
    let ResourceConfig::SecurityGroup(web) = &resource(&snapshot, "aws_security_group.web").config
    else {
        panic!()
    };
    let ports: Vec<Option<i32>> = web.ingress.iter().map(|r| r.from_port).collect();
    assert_eq!(ports, vec![Some(443), Some(22)]);
    assert_eq!(web.ingress[1].ipv4_ranges[0].to_string(), "0.0.0.0/0");
    // Egress not configured: unknown in the plan, but not the user's rules.
    assert!(unknown_fields(&snapshot, "aws_security_group.web").is_empty());

    let ResourceConfig::SecurityGroup(existing) =
        &resource(&snapshot, "aws_security_group.existing").config
    else {
        panic!()
    };
    assert_eq!(existing.ingress[0].from_port, Some(5432));

    // A rule for a group outside the plan becomes a group of its own.
    let ResourceConfig::SecurityGroup(outside) =
        &resource(&snapshot, "aws_security_group_rule.outside").config
    else {
        panic!()
    };
    assert_eq!(outside.group_id, "sg-0elsewhere");
    assert_eq!(outside.egress[0].protocol, "-1");
    assert_eq!(outside.egress[0].from_port, None);
    assert!(matches!(
        &resource(&snapshot, "aws_default_security_group.default").config,
        ResourceConfig::SecurityGroup(SecurityGroup {
            is_default: true,
            ..
        })
    ));
}

#[test]
fn for_each_references_pick_the_instance_with_the_same_key() {
    let group = |key: &str| {
        change_at(
            "",
            "aws_security_group",
            "g",
            Some(json!(key)),
            json!({"name": key, "ingress": []}),
            json!({"id": true}),
        )
    };
    let rule = |key: &str, port: i64| {
        change_at(
            "",
            "aws_security_group_rule",
            "r",
            Some(json!(key)),
            sg_rule("0.0.0.0/0", port),
            json!({"id": true, "security_group_id": true}),
        )
    };
    let snapshot = scan(&document(
        vec![group("a"), group("b"), rule("a", 22), rule("b", 3389)],
        vec![config(
            "aws_security_group_rule",
            "r",
            json!({"security_group_id": ["aws_security_group.g", "aws_security_group.g[each.key]"]}),
        )],
    ));
    for (key, port) in [("a", 22), ("b", 3389)] {
        let ResourceConfig::SecurityGroup(group) =
            &resource(&snapshot, &format!("aws_security_group.g[\"{key}\"]")).config
        else {
            panic!()
        };
        assert_eq!(group.ingress.len(), 1, "{key}");
        assert_eq!(group.ingress[0].from_port, Some(port));
    }
}

#[test]
fn unknown_rule_values_make_the_group_ingress_unknown() {
    let snapshot = scan(&document(
        vec![
            change(
                "aws_security_group",
                "g",
                json!({"name": "g"}),
                json!({"id": true, "ingress": true, "egress": true}),
            ),
            change(
                "aws_security_group_rule",
                "r",
                json!({"type": "ingress", "from_port": 22, "to_port": 22, "protocol": "tcp"}),
                json!({"id": true, "security_group_id": true, "cidr_blocks": true}),
            ),
        ],
        vec![
            config("aws_security_group", "g", json!({})),
            config(
                "aws_security_group_rule",
                "r",
                json!({"security_group_id": ["aws_security_group.g.id", "aws_security_group.g"]}),
            ),
        ],
    ));
    assert_eq!(
        unknown_fields(&snapshot, "aws_security_group.g"),
        vec![(
            "ingress".to_string(),
            "aws_security_group_rule.r.cidr_blocks".to_string()
        )]
    );
}

#[test]
fn network_acls_take_inline_entries_and_rules() {
    let snapshot = scan(&document(
        vec![
            change(
                "aws_network_acl",
                "a",
                json!({"ingress": [{"rule_no": 100, "action": "allow", "protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_block": "0.0.0.0/0"}], "egress": [{"rule_no": 100, "action": "allow", "protocol": "-1", "from_port": 0, "to_port": 0, "cidr_block": "0.0.0.0/0"}]}),
                json!({"id": true}),
            ),
            change(
                "aws_network_acl_rule",
                "deny",
                json!({"rule_number": 50, "egress": false, "protocol": "6", "rule_action": "deny", "cidr_block": "0.0.0.0/0", "from_port": 22, "to_port": 22}),
                json!({"id": true, "network_acl_id": true}),
            ),
        ],
        vec![config(
            "aws_network_acl_rule",
            "deny",
            json!({"network_acl_id": ["aws_network_acl.a.id", "aws_network_acl.a"]}),
        )],
    ));
    let ResourceConfig::NetworkAcl(acl) = &resource(&snapshot, "aws_network_acl.a").config else {
        panic!()
    };
    assert_eq!(acl.entries.len(), 3);
    assert_eq!(
        acl.entries[0].port_range,
        Some(PortRange { from: 22, to: 22 })
    );
    assert!(acl.entries[1].egress);
    assert_eq!(acl.entries[1].port_range, None);
    assert_eq!(acl.entries[2].rule_number, 50);
    assert_eq!(acl.entries[2].rule_action, NaclAction::Deny);
}

#[test]
fn iam_policies_attach_to_principals_in_the_plan() {
    let admin =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let snapshot = scan(&document(
        vec![
            change(
                "aws_iam_user",
                "alice",
                json!({"name": "alice"}),
                json!({"id": true}),
            ),
            change(
                "aws_iam_policy",
                "admin",
                json!({"name": "admin", "policy": admin}),
                json!({"arn": true, "id": true}),
            ),
            change(
                "aws_iam_user_policy_attachment",
                "a",
                json!({"user": "alice"}),
                json!({"id": true, "policy_arn": true}),
            ),
            change(
                "aws_iam_user_policy",
                "inline",
                json!({"user": "alice", "name": "inline", "policy": admin}),
                json!({"id": true}),
            ),
            change(
                "aws_iam_group",
                "devs",
                json!({"name": "devs"}),
                json!({"id": true}),
            ),
            change(
                "aws_iam_group_policy_attachment",
                "ro",
                json!({"group": "devs", "policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
                json!({"id": true}),
            ),
            change(
                "aws_iam_role_policy",
                "orphan",
                json!({"role": "external-role", "name": "p", "policy": admin}),
                json!({"id": true}),
            ),
            change(
                "aws_iam_role_policy_attachment",
                "unknown",
                json!({"role": "external-role"}),
                json!({"id": true, "policy_arn": true}),
            ),
            change(
                "aws_iam_access_key",
                "k",
                json!({"user": "alice", "status": "Active"}),
                json!({"id": true, "secret": true}),
            ),
            change(
                "aws_iam_user_login_profile",
                "p",
                json!({"user": "alice"}),
                json!({"id": true, "password": true}),
            ),
        ],
        vec![
            config(
                "aws_iam_user_policy_attachment",
                "a",
                json!({"user": ["aws_iam_user.alice.name", "aws_iam_user.alice"], "policy_arn": ["aws_iam_policy.admin.arn", "aws_iam_policy.admin"]}),
            ),
            config(
                "aws_iam_role_policy_attachment",
                "unknown",
                json!({"policy_arn": ["var.policy_arn"]}),
            ),
        ],
    ));
    let ResourceConfig::IamUser(alice) = &resource(&snapshot, "aws_iam_user.alice").config else {
        panic!()
    };
    assert_eq!(
        alice.attached_managed_policies[0].policy_arn,
        "aws_iam_policy.admin"
    );
    assert_eq!(alice.attached_managed_policies[0].policy_name, "admin");
    assert_eq!(alice.inline_policies[0].policy_name, "inline");
    let credentials = alice.credentials.as_ref().expect("credentials");
    assert!(credentials.password_enabled);
    assert_eq!(credentials.access_keys.len(), 1);
    assert!(credentials.access_keys[0].active);
    let ResourceConfig::IamManagedPolicy(policy) =
        &resource(&snapshot, "aws_iam_policy.admin").config
    else {
        panic!()
    };
    assert_eq!(policy.document.statements[0].action, vec!["*"]);
    let ResourceConfig::IamGroup(devs) = &resource(&snapshot, "aws_iam_group.devs").config else {
        panic!()
    };
    assert_eq!(
        devs.attached_managed_policies[0].policy_name,
        "ReadOnlyAccess"
    );
    // A role outside the plan is checked where its policy is defined.
    let ResourceConfig::IamRole(role) = &resource(&snapshot, "aws_iam_role_policy.orphan").config
    else {
        panic!()
    };
    assert_eq!(role.role_name, "external-role");
    assert_eq!(
        unknown_fields(&snapshot, "aws_iam_role_policy_attachment.unknown"),
        vec![(
            "attached_managed_policies".to_string(),
            "aws_iam_role_policy_attachment.unknown.policy_arn".to_string()
        )]
    );
}

#[test]
fn password_policy_maps_zero_as_unset() {
    let snapshot = scan(&document(
        vec![change(
            "aws_iam_account_password_policy",
            "p",
            json!({"minimum_password_length": 8, "max_password_age": 0, "password_reuse_prevention": 0, "require_symbols": true, "require_numbers": false, "require_uppercase_characters": false, "require_lowercase_characters": false, "allow_users_to_change_password": true}),
            json!({"id": true}),
        )],
        vec![],
    ));
    let ResourceConfig::IamPasswordPolicy(IamPasswordPolicy {
        policy: Some(policy),
    }) = &resource(&snapshot, "aws_iam_account_password_policy.p").config
    else {
        panic!()
    };
    assert_eq!(policy.minimum_password_length, Some(8));
    assert_eq!(policy.max_password_age, None);
    assert_eq!(policy.password_reuse_prevention, None);
    assert!(policy.require_symbols);
    assert_eq!(
        resource(&snapshot, "aws_iam_account_password_policy.p").region,
        GLOBAL_REGION
    );
}

#[test]
fn buckets_take_their_iam_members_bindings_and_policies() {
    let bucket = |name: &str| {
        change(
            "google_storage_bucket",
            name,
            json!({"name": name, "location": "eu", "uniform_bucket_level_access": true, "public_access_prevention": "enforced", "versioning": [{"enabled": true}], "encryption": [], "logging": [{"log_bucket": "logs"}], "soft_delete_policy": [{"retention_duration_seconds": 604800}]}),
            json!({"id": true}),
        )
    };
    let snapshot = scan(&document(
        vec![
            bucket("a"),
            bucket("b"),
            change(
                "google_storage_bucket_iam_member",
                "m",
                json!({"bucket": "b/a", "role": "roles/storage.objectViewer", "member": "allUsers"}),
                json!({"id": true}),
            ),
            change(
                "google_storage_bucket_iam_binding",
                "x",
                json!({"role": "roles/storage.admin", "members": ["group:ops@acme.example"]}),
                json!({"id": true, "bucket": true}),
            ),
            change(
                "google_storage_bucket_iam_policy",
                "p",
                json!({"bucket": "b", "policy_data": r#"{"bindings":[{"role":"roles/storage.objectViewer","members":["allAuthenticatedUsers"]}]}"#}),
                json!({"id": true}),
            ),
        ],
        vec![config(
            "google_storage_bucket_iam_binding",
            "x",
            json!({"bucket": ["google_storage_bucket.a.name", "google_storage_bucket.a"]}),
        )],
    ));
    let a = resource(&snapshot, "google_storage_bucket.a");
    assert_eq!(a.provider, Provider::Gcp);
    assert_eq!(a.account, "acme-prod");
    assert_eq!(a.region, "EU");
    let ResourceConfig::GcsBucket(a) = &a.config else {
        panic!()
    };
    let members: Vec<&str> = a
        .iam_policy
        .as_ref()
        .expect("policy")
        .bindings
        .iter()
        .flat_map(|b| b.members.iter().map(String::as_str))
        .collect();
    assert_eq!(members, vec!["allUsers", "group:ops@acme.example"]);
    assert_eq!(a.soft_delete_retention_seconds, Some(604800));
    assert_eq!(
        a.logging.as_ref().map(|l| l.log_bucket.as_str()),
        Some("logs")
    );
    let ResourceConfig::GcsBucket(b) = &resource(&snapshot, "google_storage_bucket.b").config
    else {
        panic!()
    };
    assert_eq!(
        b.iam_policy.as_ref().expect("policy").bindings[0].members,
        vec!["allAuthenticatedUsers"]
    );
}

#[test]
fn deletes_data_sources_and_unsupported_types_are_not_resources() {
    let mut deleted = change("aws_ebs_volume", "old", Value::Null, Value::Null);
    deleted["change"]["actions"] = json!(["delete"]);
    deleted["change"]["before"] = json!({"id": "vol-0old", "encrypted": false});
    let mut replaced = change(
        "aws_ebs_volume",
        "replaced",
        json!({"encrypted": true}),
        json!({"id": true}),
    );
    replaced["change"]["actions"] = json!(["delete", "create"]);
    let mut data = change("aws_vpc", "lookup", json!({"id": "vpc-1"}), json!({}));
    data["mode"] = json!("data");
    let snapshot = scan(&document(
        vec![
            deleted,
            replaced,
            data,
            change("aws_sqs_queue", "b", json!({}), json!({})),
            change("aws_sqs_queue", "c", json!({}), json!({})),
        ],
        vec![],
    ));
    let ids: Vec<&str> = snapshot.resources.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, vec!["aws_ebs_volume.replaced"]);
    let plan = snapshot.plan.as_ref().expect("plan");
    assert_eq!(plan.deleted, 1);
    assert_eq!(plan.ignored_types.get("aws_sqs_queue"), Some(&2));
}

#[test]
fn the_snapshot_of_a_plan_passes_the_snapshot_validator_and_round_trips() {
    let text = include_str!("../../../tests/fixtures/terraform/acme-plan/plan.json");
    let snapshot = from_json_slice(text.as_bytes(), &options()).expect("fixture loads");
    snapshot
        .validate(Path::new("plan"))
        .expect("coverage rules accept a plan");
    let json = snapshot.to_json_pretty().expect("serialises");
    let again = Snapshot::from_json_slice(json.as_bytes(), Path::new("again.json"))
        .expect("re-loads as a snapshot");
    assert_eq!(again, snapshot);
    // Module resources take the region of the provider they inherit (parent_key).
    let vpc = resource(&snapshot, "module.network[\"prod\"].aws_vpc.this");
    assert_eq!(vpc.region, "eu-west-1");
    assert_eq!(
        snapshot.plan.as_ref().expect("plan").resources["module.network[\"prod\"].aws_vpc.this"]
            .address,
        "module.network[\"prod\"].aws_vpc.this"
    );
}

#[test]
fn a_state_is_read_from_its_values() {
    let text = include_str!("../../../tests/fixtures/terraform/legacy-state/state.json");
    let snapshot = from_json_slice(text.as_bytes(), &options()).expect("state loads");
    assert!(snapshot.plan.as_ref().expect("plan").is_state);
    let bastion = resource(&snapshot, "aws_instance.bastion");
    assert_eq!(bastion.region, "us-east-1");
    let ResourceConfig::Ec2Instance(instance) = &bastion.config else {
        panic!()
    };
    assert_eq!(instance.instance_id, "i-0a1b2c3d4e5f60001");
    assert_eq!(
        instance.public_ip.map(|ip| ip.to_string()).as_deref(),
        Some("203.0.113.10")
    );
    // No configuration in a state: relations are resolved by known values.
    let ResourceConfig::FlowLog(flow_log) = &resource(&snapshot, "aws_flow_log.main").config else {
        panic!()
    };
    assert_eq!(flow_log.resource_id, "vpc-0a1b2c3d4e5f60001");
    assert_eq!(
        resource(&snapshot, "aws_ebs_encryption_by_default.this").region,
        "us-east-1"
    );
}

fn error_of(text: &str) -> PlanError {
    match from_json_slice(text.as_bytes(), &options()) {
        Ok(_) => panic!("{text:.60} loaded"),
        Err(error) => {
            assert!(
                error.to_string().starts_with(PLAN_PATH),
                "message must name the file: {error}"
            );
            error
        }
    }
}

#[test]
fn other_format_versions_are_refused() {
    let error = error_of(r#"{"format_version": "2.0", "resource_changes": []}"#);
    assert!(
        matches!(&error, PlanError::Version { found, .. } if found == "\"2.0\""),
        "{error:?}"
    );
    assert!(error.to_string().contains("reads format_version 1.x"));
    assert!(matches!(
        error_of(r#"{"format_version": 1, "resource_changes": []}"#),
        PlanError::Version { .. }
    ));
    let error = error_of(r#"{"terraform_version": "1.9.8", "resource_changes": []}"#);
    assert!(matches!(error, PlanError::NotPlan { .. }), "{error:?}");
    assert!(error.to_string().contains("no \"format_version\""));
}

#[test]
fn truncated_and_non_json_plans_are_syntax_errors() {
    let text = include_str!("../../../tests/fixtures/terraform/acme-plan/plan.json");
    let error = error_of(&text[..text.len() / 2]);
    assert!(matches!(error, PlanError::Syntax { .. }), "{error:?}");
    assert!(error.to_string().contains("not valid JSON"));
    assert!(matches!(error_of(""), PlanError::Syntax { .. }));
    assert!(matches!(error_of("plan: yes"), PlanError::Syntax { .. }));
}

#[test]
fn other_json_is_not_a_plan() {
    for (text, found) in [
        ("[1, 2]", "an array"),
        (r#"{"version": "2.1.0", "runs": []}"#, "a SARIF log"),
        (
            r#"{"format": "soc2scan-snapshot", "format_version": 1}"#,
            "a soc2scan snapshot",
        ),
        (
            r#"{"format_version": "1.2", "variables": {}}"#,
            "without \"resource_changes\"",
        ),
    ] {
        let error = error_of(text);
        assert!(matches!(error, PlanError::NotPlan { .. }), "{error:?}");
        assert!(error.to_string().contains(found), "{error}");
    }
}

#[test]
fn malformed_resource_changes_name_the_json_path() {
    let error = error_of(r#"{"format_version": "1.2", "resource_changes": {}}"#);
    assert!(
        matches!(&error, PlanError::Data { json_path, .. } if json_path == "resource_changes"),
        "{error:?}"
    );
    let error = error_of(
        r#"{"format_version": "1.2", "resource_changes": [{"address": "a.b", "type": "aws_vpc", "name": "b", "change": {"after": {}}}]}"#,
    );
    assert!(
        matches!(&error, PlanError::Data { json_path, .. } if json_path == "resource_changes[0].change.actions"),
        "{error:?}"
    );
}

#[test]
fn tf_root_must_hold_the_tf_files() {
    let text = r#"{"format_version": "1.2", "resource_changes": []}"#;
    let dir = std::env::temp_dir().join(format!("soc2scan-tf-root-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for (root, fragment) in [
        (dir.clone(), "contains no .tf files"),
        (dir.join("missing"), "no such directory"),
    ] {
        let options = PlanOptions {
            tf_root: Some(&root),
            ..options()
        };
        let error = from_json_slice(text.as_bytes(), &options).expect_err("no .tf files");
        assert!(matches!(error, PlanError::Locate(_)), "{error:?}");
        let message = error.to_string();
        assert!(message.contains(&root.display().to_string()), "{message}");
        assert!(message.contains(fragment), "{message}");
    }
    std::fs::write(dir.join("main.tf"), "").expect("write");
    let options = PlanOptions {
        tf_root: Some(&dir),
        ..options()
    };
    assert!(from_json_slice(text.as_bytes(), &options).is_ok());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn with_tf_root_resources_point_at_their_block_and_modules_at_theirs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/terraform/acme-plan");
    let plan = root.join("plan.json");
    let snapshot = load(&PlanOptions {
        plan_path: &plan,
        tf_root: Some(&root),
        tool_version: "test",
    })
    .expect("loads");
    let plan = snapshot.plan.as_ref().expect("plan");
    let at = |id: &str| {
        let source = &plan.resources[id].source;
        (source.file.as_str(), source.line)
    };
    assert_eq!(at("aws_ebs_volume.scratch[1]"), ("main.tf", Some(36)));
    assert_eq!(
        at("aws_instance.web[\"b\"].root_block_device"),
        ("main.tf", Some(71))
    );
    assert_eq!(
        at("module.network[\"prod\"].aws_network_acl.public"),
        ("modules/network/main.tf", Some(26))
    );
    assert!(plan.unresolved_modules.is_empty());
}

#[test]
fn the_supported_types_table_is_generated_from_the_registry() {
    soc2scan_model::docgen::check_generated_section(
        "docs/terraform.md",
        "terraform-types",
        &supported_types_markdown(),
    );
}

#[test]
fn every_type_is_registered_once_with_unknowns_of_its_own_kinds() {
    let mut seen = std::collections::BTreeSet::new();
    for mapping in registry::all() {
        assert!(
            mapping.resource.is_some() || mapping.relation.is_some(),
            "{:?} maps nothing",
            mapping.types
        );
        assert!(!mapping.kinds.is_empty(), "{:?} has no kind", mapping.types);
        for rtype in mapping.types {
            assert!(seen.insert(*rtype), "{rtype} is registered twice");
            assert!(std::ptr::eq(
                registry::mapping(rtype).expect("looked up"),
                mapping
            ));
        }
        for field in mapping.unknown {
            assert!(
                mapping.kinds.contains(&field.kind),
                "{:?}: unknown field {field:?} is on a kind the types do not map",
                mapping.types
            );
        }
    }
    assert!(registry::mapping("aws_sqs_queue").is_none());
}

/// Panics if the snapshot carries an unknown field the registry does not declare for the
/// kind of the resource it is on.
fn assert_unknowns_declared(snapshot: &Snapshot) {
    let declared: std::collections::BTreeSet<(ResourceKind, &str)> = declared_unknown_fields()
        .into_iter()
        .map(|(kind, field, _)| (kind, field))
        .collect();
    let plan = snapshot.plan.as_ref().expect("plan info");
    for resource in &snapshot.resources {
        for unknown in &plan.resources[&resource.id].unknown {
            assert!(
                declared.contains(&(resource.kind(), unknown.field.as_str())),
                "{}: unknown field {:?} ({}) is not in declared_unknown_fields()",
                resource.id,
                unknown.field,
                unknown.attribute
            );
        }
    }
}

#[test]
fn every_unknown_field_the_fixture_plans_emit_is_declared() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut emitted = 0;
    for fixture in [
        "tests/fixtures/terraform/acme-plan/plan.json",
        "tests/fixtures/terraform/legacy-state/state.json",
        "tests/fixtures/terraform/rds-plan/plan.json",
        "tests/fixtures/terraform/s3-plan/plan.json",
        "tests/fixtures/terraform/s3-provider3-plan/plan.json",
        "tests/fixtures/terraform/secrets-plan/plan.json",
        "tests/fixtures/terraform/trail-plan/plan.json",
        "tests/fixtures/terraform/edge-plan/plan.json",
        "providers/tests/fixtures/terraform-locations/plan.json",
    ] {
        let bytes = std::fs::read(root.join(fixture)).expect("fixture");
        let snapshot = from_json_slice(&bytes, &options()).unwrap_or_else(|e| panic!("{e}"));
        assert_unknowns_declared(&snapshot);
        emitted += snapshot
            .plan
            .as_ref()
            .map(|plan| {
                plan.resources
                    .values()
                    .map(|r| r.unknown.len())
                    .sum::<usize>()
            })
            .unwrap_or(0);
    }
    assert!(emitted > 0, "the fixtures exercise unknown values");
}

/// The other half of the field-name contract: every model field the plan adapter can mark
/// known only after apply is a real field of the kind it marks, checked against the model
/// types themselves (`soc2scan_model::is_field`), so a misspelt name fails here instead of
/// turning an unknown value into a confident verdict. (Rules' `reads` get the same check in
/// the rules crate.)
#[test]
fn every_declared_unknown_field_is_a_field_of_its_kind_in_the_model() {
    let declared = declared_unknown_fields();
    assert!(declared.len() > 10, "{declared:?}");
    let wrong: Vec<String> = declared
        .iter()
        .filter(|(kind, field, _)| !crate::model::is_field(*kind, field))
        .map(|(kind, field, attribute)| format!("{kind}.{field} (from {attribute})"))
        .collect();
    assert!(
        wrong.is_empty(),
        "the plan adapter marks fields the model does not have: {wrong:?}"
    );
    // And the check bites: a misspelling is not a field.
    assert!(!crate::model::is_field(
        ResourceKind::EbsVolume,
        "encrypted_"
    ));
}

#[test]
fn rds_instances_clusters_and_snapshots_map_settings_unknowns_and_sources() {
    let snapshot = scan(&document(
        vec![
            change(
                "aws_db_instance",
                "orders",
                json!({
                    "identifier": "orders-db", "engine": "postgres", "instance_class": "db.m6g.large",
                    "publicly_accessible": false, "storage_encrypted": true,
                    "kms_key_id": "arn:aws:kms:eu-west-1:111122223333:key/k1",
                    "backup_retention_period": 14, "deletion_protection": true, "multi_az": true,
                    "enabled_cloudwatch_logs_exports": ["postgresql"]
                }),
                json!({"id": true, "arn": true}),
            ),
            change(
                "aws_db_instance",
                "replica",
                json!({"identifier": "orders-replica", "replicate_source_db": "orders-db",
                       "publicly_accessible": true}),
                json!({"id": true, "engine": true, "storage_encrypted": true,
                       "backup_retention_period": true, "multi_az": true}),
            ),
            change(
                "aws_rds_cluster",
                "orders",
                json!({"cluster_identifier": "orders-aurora", "engine": "aurora-postgresql",
                       "storage_encrypted": true}),
                json!({"id": true}),
            ),
            change(
                "aws_rds_cluster",
                "legacy",
                json!({"engine": "aurora-mysql"}),
                json!({"id": true, "cluster_identifier": true, "storage_encrypted": true}),
            ),
            change(
                "aws_rds_cluster_instance",
                "orders",
                json!({"identifier": "orders-aurora-1", "cluster_identifier": "orders-aurora",
                       "engine": "aurora-postgresql", "publicly_accessible": true}),
                json!({"id": true}),
            ),
            change(
                "aws_db_snapshot",
                "before",
                json!({"db_instance_identifier": "orders-db",
                       "db_snapshot_identifier": "orders-before", "shared_accounts": ["all"]}),
                json!({"id": true, "encrypted": true}),
            ),
            change(
                "aws_db_snapshot",
                "replica",
                json!({"db_instance_identifier": "orders-replica",
                       "db_snapshot_identifier": "orders-replica-before"}),
                json!({"id": true, "encrypted": true}),
            ),
            change(
                "aws_db_cluster_snapshot",
                "orders",
                json!({"db_cluster_identifier": "orders-aurora",
                       "db_cluster_snapshot_identifier": "orders-aurora-before",
                       "shared_accounts": []}),
                json!({"id": true, "storage_encrypted": true}),
            ),
            change(
                "aws_db_cluster_snapshot",
                "legacy",
                json!({"db_cluster_snapshot_identifier": "legacy-before"}),
                json!({"id": true, "db_cluster_identifier": true, "storage_encrypted": true,
                       "shared_accounts": true}),
            ),
        ],
        vec![
            config(
                "aws_db_instance",
                "replica",
                json!({"replicate_source_db": ["aws_db_instance.orders.identifier", "aws_db_instance.orders"]}),
            ),
            config(
                "aws_db_cluster_snapshot",
                "legacy",
                json!({"db_cluster_identifier": ["aws_rds_cluster.legacy.id", "aws_rds_cluster.legacy"]}),
            ),
        ],
    ));
    let instance = |id: &str| match &resource(&snapshot, id).config {
        ResourceConfig::RdsDbInstance(instance) => instance.clone(),
        other => panic!("{id} is {other:?}"),
    };
    let orders = instance("aws_db_instance.orders");
    assert_eq!(orders.db_instance_identifier, "orders-db");
    assert_eq!(orders.engine, "postgres");
    assert_eq!(orders.db_instance_class.as_deref(), Some("db.m6g.large"));
    assert_eq!(
        (
            orders.publicly_accessible,
            orders.storage_encrypted,
            orders.deletion_protection,
            orders.multi_az
        ),
        (Some(false), Some(true), Some(true), Some(true))
    );
    assert_eq!(orders.backup_retention_period, Some(14));
    assert_eq!(orders.enabled_cloudwatch_logs_exports, vec!["postgresql"]);
    assert!(unknown_fields(&snapshot, "aws_db_instance.orders").is_empty());

    // A replica: its engine, encryption and settings AWS decides come from the source.
    let replica = instance("aws_db_instance.replica");
    assert_eq!(replica.read_replica_source.as_deref(), Some("orders-db"));
    assert_eq!(replica.publicly_accessible, Some(true));
    assert_eq!(
        replica.deletion_protection,
        Some(false),
        "the provider's default"
    );
    assert_eq!(
        (
            replica.storage_encrypted,
            replica.backup_retention_period,
            replica.multi_az
        ),
        (None, None, None)
    );
    let not_set = |attribute: &str| {
        format!(
            "aws_db_instance.replica.{attribute} (not set: AWS or the source decides it at apply)"
        )
    };
    assert_eq!(
        unknown_fields(&snapshot, "aws_db_instance.replica"),
        vec![
            ("engine".to_string(), not_set("engine")),
            (
                "storage_encrypted".to_string(),
                not_set("storage_encrypted")
            ),
            ("multi_az".to_string(), not_set("multi_az")),
            (
                "backup_retention_period".to_string(),
                not_set("backup_retention_period")
            ),
        ]
    );

    // A cluster's instance is a member, with only its public access its own.
    let member = instance("aws_rds_cluster_instance.orders");
    assert_eq!(
        member.db_cluster_identifier.as_deref(),
        Some("orders-aurora")
    );
    assert_eq!(member.publicly_accessible, Some(true));
    assert_eq!(member.storage_encrypted, None);

    let cluster = |id: &str| match &resource(&snapshot, id).config {
        ResourceConfig::RdsDbCluster(cluster) => cluster.clone(),
        other => panic!("{id} is {other:?}"),
    };
    assert_eq!(
        cluster("aws_rds_cluster.orders").storage_encrypted,
        Some(true)
    );
    let legacy = cluster("aws_rds_cluster.legacy");
    assert_eq!(legacy.db_cluster_identifier, "aws_rds_cluster.legacy");
    assert_eq!(legacy.storage_encrypted, None);
    assert_eq!(
        unknown_fields(&snapshot, "aws_rds_cluster.legacy"),
        vec![(
            "storage_encrypted".to_string(),
            "aws_rds_cluster.legacy.storage_encrypted".to_string()
        )]
    );

    // Snapshots: public through shared_accounts; encrypted when the source in the plan is.
    let snap = |id: &str| match &resource(&snapshot, id).config {
        ResourceConfig::RdsDbSnapshot(s) | ResourceConfig::RdsDbClusterSnapshot(s) => s.clone(),
        other => panic!("{id} is {other:?}"),
    };
    let before = snap("aws_db_snapshot.before");
    assert_eq!(before.snapshot_identifier, "orders-before");
    assert_eq!(before.source_identifier.as_deref(), Some("orders-db"));
    assert_eq!(before.restorable_by_all, Some(true));
    assert_eq!(before.encrypted, Some(true), "from aws_db_instance.orders");
    assert!(unknown_fields(&snapshot, "aws_db_snapshot.before").is_empty());
    assert_eq!(
        resource(&snapshot, "aws_db_snapshot.before").kind(),
        ResourceKind::RdsDbSnapshot
    );
    // The replica's encryption is itself unknown, so its snapshot's stays unknown.
    assert_eq!(snap("aws_db_snapshot.replica").encrypted, None);
    assert_eq!(
        snap("aws_db_snapshot.replica").restorable_by_all,
        Some(false)
    );
    assert_eq!(
        unknown_fields(&snapshot, "aws_db_snapshot.replica"),
        vec![(
            "encrypted".to_string(),
            "aws_db_snapshot.replica.encrypted".to_string()
        )]
    );
    let orders_snapshot = snap("aws_db_cluster_snapshot.orders");
    assert_eq!(
        orders_snapshot.encrypted,
        Some(true),
        "from aws_rds_cluster.orders"
    );
    assert_eq!(orders_snapshot.restorable_by_all, Some(false));
    assert_eq!(
        resource(&snapshot, "aws_db_cluster_snapshot.orders").kind(),
        ResourceKind::RdsDbClusterSnapshot
    );
    assert_eq!(
        unknown_fields(&snapshot, "aws_db_cluster_snapshot.legacy"),
        vec![
            (
                "encrypted".to_string(),
                "aws_db_cluster_snapshot.legacy.storage_encrypted".to_string()
            ),
            (
                "restorable_by_all".to_string(),
                "aws_db_cluster_snapshot.legacy.shared_accounts".to_string()
            ),
        ]
    );
}

// --- S3 ------------------------------------------------------------------

fn load_fixture(name: &str) -> Snapshot {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/terraform")
        .join(name);
    let plan = root.join("plan.json");
    let snapshot = load(&PlanOptions {
        plan_path: &plan,
        tf_root: Some(&root),
        tool_version: "test",
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert_unknowns_declared(&snapshot);
    snapshot
}

fn s3<'s>(snapshot: &'s Snapshot, id: &str) -> &'s S3Bucket {
    match &resource(snapshot, id).config {
        ResourceConfig::S3Bucket(bucket) => bucket,
        other => panic!("{id} is not a bucket: {other:?}"),
    }
}

fn block(on: bool) -> S3PublicAccessBlock {
    S3PublicAccessBlock {
        block_public_acls: on,
        ignore_public_acls: on,
        block_public_policy: on,
        restrict_public_buckets: on,
    }
}

fn sse(algorithm: &str, key: Option<&str>, bucket_key: Option<bool>) -> S3DefaultEncryption {
    S3DefaultEncryption {
        algorithm: Some(algorithm.to_string()),
        kms_key_id: key.map(str::to_string),
        bucket_key_enabled: bucket_key,
    }
}

fn versioning(status: &str, mfa_delete: Option<bool>) -> S3Versioning {
    S3Versioning {
        status: status.to_string(),
        mfa_delete,
    }
}

fn logging_to(target: Option<&str>, prefix: Option<&str>) -> S3Logging {
    S3Logging {
        target_bucket: target.map(str::to_string),
        target_prefix: prefix.map(str::to_string),
    }
}

fn grant(grantee_type: &str, grantee: &str, permission: &str) -> S3AclGrant {
    S3AclGrant {
        grantee_type: grantee_type.to_string(),
        grantee: Some(grantee.to_string()),
        permission: permission.to_string(),
    }
}

/// A bucket the plan creates with nothing but its name: S3's defaults for new buckets.
fn new_bucket(name: &str) -> S3Bucket {
    S3Bucket {
        name: name.to_string(),
        creation_date: None,
        acl: Some(S3Acl::default()),
        policy: Some(S3PolicyState::None),
        public_access_block: Some(block(true)),
        default_encryption: Some(sse("AES256", None, Some(false))),
        versioning: Some(versioning("Off", None)),
        logging: Some(logging_to(None, None)),
        object_ownership: Some("BucketOwnerEnforced".to_string()),
    }
}

fn policy_of(json: Value) -> Option<S3PolicyState> {
    Some(S3PolicyState::Set {
        document: serde_json::from_value(json).expect("a policy document"),
    })
}

fn tls_deny(principal: Value, resources: &[&str]) -> Value {
    json!({
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": principal,
        "Action": "s3:*",
        "Resource": resources,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    })
}

#[test]
fn s3_buckets_take_their_split_resources_and_the_defaults_of_new_buckets() {
    let snapshot = load_fixture("s3-plan");
    snapshot
        .validate(Path::new("plan"))
        .expect("coverage rules accept the plan");
    let ids: Vec<&str> = snapshot
        .resources
        .iter()
        .filter(|r| r.kind() == ResourceKind::S3Bucket)
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(
        ids,
        vec![
            "aws_s3_bucket.logs",
            "aws_s3_bucket.data",
            "aws_s3_bucket.website",
            "aws_s3_bucket.dropbox",
            "aws_s3_bucket.reports",
            "aws_s3_bucket.tenant[0]",
            "aws_s3_bucket.tenant[1]",
            "module.archive[\"audit\"].aws_s3_bucket.this",
            "module.archive[\"exports\"].aws_s3_bucket.this",
            "aws_s3_bucket.legacy_reports",
            "aws_s3_bucket_policy.uploads",
        ]
    );
    // Buckets are in their provider's region; the units of S3 kinds are global.
    assert_eq!(
        resource(&snapshot, "aws_s3_bucket.logs").region,
        "eu-west-1"
    );
    assert_eq!(
        Snapshot::coverage_region(resource(&snapshot, "aws_s3_bucket.logs")),
        GLOBAL_REGION
    );

    let logs = S3Bucket {
        policy: policy_of(json!({"Version": "2012-10-17", "Statement": [
            {
                "Sid": "S3ServerAccessLogs",
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::acme-logs/*",
                "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}
            },
            tls_deny(json!("*"), &["arn:aws:s3:::acme-logs", "arn:aws:s3:::acme-logs/*"])
        ]})),
        versioning: Some(versioning("Suspended", None)),
        ..new_bucket("acme-logs")
    };
    assert_eq!(s3(&snapshot, "aws_s3_bucket.logs"), &logs);

    // Every split resource, joined by reference (`bucket = aws_s3_bucket.data.id`): the
    // policy rebuilt from the policy document read during apply, the log target and the
    // KMS key (ids not known yet) named by what they reference.
    let data = S3Bucket {
        policy: policy_of(json!({"Version": "2012-10-17", "Statement": [tls_deny(
            json!("*"),
            &["arn:aws:s3:::acme-customer-data", "arn:aws:s3:::acme-customer-data/*"]
        )]})),
        default_encryption: Some(sse("aws:kms", Some("aws_kms_key.s3"), Some(true))),
        versioning: Some(versioning("Enabled", None)),
        logging: Some(logging_to(Some("acme-logs"), Some("customer-data/"))),
        ..new_bucket("acme-customer-data")
    };
    assert_eq!(s3(&snapshot, "aws_s3_bucket.data"), &data);

    let website = S3Bucket {
        policy: policy_of(json!({"Version": "2012-10-17", "Statement": [{
            "Sid": "PublicRead",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::acme-website/*"
        }]})),
        public_access_block: Some(block(false)),
        ..new_bucket("acme-website")
    };
    assert_eq!(s3(&snapshot, "aws_s3_bucket.website"), &website);

    let dropbox = S3Bucket {
        acl: Some(S3Acl {
            grants: vec![
                grant("Group", S3_ALL_USERS, "READ"),
                grant("Group", S3_ALL_USERS, "WRITE"),
            ],
        }),
        public_access_block: Some(block(false)),
        object_ownership: Some("ObjectWriter".to_string()),
        ..new_bucket("acme-partner-dropbox")
    };
    assert_eq!(s3(&snapshot, "aws_s3_bucket.dropbox"), &dropbox);

    // The policy document waits for the bucket's ARN: the policy is unknown, named by the
    // data source's argument, and every other part is known.
    let reports = S3Bucket {
        policy: None,
        ..new_bucket("acme-reports")
    };
    assert_eq!(s3(&snapshot, "aws_s3_bucket.reports"), &reports);
    assert_eq!(
        unknown_fields(&snapshot, "aws_s3_bucket.reports"),
        vec![(
            "policy".to_string(),
            "data.aws_iam_policy_document.reports.statement[0].resources (the policy of \
             aws_s3_bucket_policy.reports)"
                .to_string()
        )]
    );

    // count: each versioning resource joins the bucket with its own index.
    assert_eq!(
        s3(&snapshot, "aws_s3_bucket.tenant[0]").versioning,
        Some(versioning("Enabled", None))
    );
    assert_eq!(
        s3(&snapshot, "aws_s3_bucket.tenant[1]").versioning,
        Some(versioning("Suspended", None))
    );

    // A module with for_each: the audit archive logs to a bucket named by a known value;
    // the exports archive's log bucket is known only after apply.
    let archive = |key: &str, logging: Option<S3Logging>| S3Bucket {
        versioning: Some(versioning("Enabled", None)),
        logging,
        object_ownership: Some("BucketOwnerPreferred".to_string()),
        ..new_bucket(&format!("acme-{key}-archive"))
    };
    assert_eq!(
        s3(&snapshot, "module.archive[\"audit\"].aws_s3_bucket.this"),
        &archive("audit", Some(logging_to(Some("acme-logs"), Some("audit/"))))
    );
    assert_eq!(
        s3(&snapshot, "module.archive[\"exports\"].aws_s3_bucket.this"),
        &archive("exports", None)
    );
    assert_eq!(
        unknown_fields(&snapshot, "module.archive[\"exports\"].aws_s3_bucket.this"),
        vec![(
            "logging".to_string(),
            "module.archive[\"exports\"].aws_s3_bucket_logging.this.target_bucket".to_string()
        )]
    );

    // An existing bucket: what the refresh read, and no Block Public Access or ownership.
    let legacy = S3Bucket {
        name: "acme-legacy-reports".to_string(),
        creation_date: None,
        acl: Some(S3Acl {
            grants: vec![grant(
                "CanonicalUser",
                "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
                "FULL_CONTROL",
            )],
        }),
        policy: Some(S3PolicyState::None),
        public_access_block: None,
        default_encryption: Some(sse("AES256", None, Some(false))),
        versioning: Some(versioning("Enabled", Some(false))),
        logging: Some(logging_to(None, None)),
        object_ownership: None,
    };
    assert_eq!(s3(&snapshot, "aws_s3_bucket.legacy_reports"), &legacy);
    assert_eq!(
        unknown_fields(&snapshot, "aws_s3_bucket.legacy_reports"),
        vec![
            (
                "public_access_block".to_string(),
                "aws_s3_bucket.legacy_reports (an existing bucket: its Block Public Access is \
                 not in the plan without an aws_s3_bucket_public_access_block)"
                    .to_string()
            ),
            (
                "object_ownership".to_string(),
                "aws_s3_bucket.legacy_reports (an existing bucket: its Object Ownership is not \
                 in the plan without an aws_s3_bucket_ownership_controls)"
                    .to_string()
            ),
        ]
    );

    // A policy for a bucket outside the plan: a bucket of its own, with only that part.
    let uploads = s3(&snapshot, "aws_s3_bucket_policy.uploads");
    assert_eq!(uploads.name, "acme-legacy-uploads");
    assert!(uploads.policy.is_some());
    assert_eq!(
        (uploads.acl.as_ref(), uploads.versioning.as_ref()),
        (None, None)
    );
    let unknown = unknown_fields(&snapshot, "aws_s3_bucket_policy.uploads");
    let fields: Vec<&str> = unknown.iter().map(|(field, _)| field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "acl",
            "public_access_block",
            "default_encryption",
            "versioning",
            "logging",
            "object_ownership"
        ]
    );
    assert_eq!(
        unknown[0].1,
        "aws_s3_bucket_policy.uploads.bucket (a bucket outside the plan: its ACL is not in the \
         plan without an aws_s3_bucket_acl)"
    );

    let ResourceConfig::S3AccountPublicAccessBlock(account) =
        &resource(&snapshot, "aws_s3_account_public_access_block.this").config
    else {
        panic!("not the account's Block Public Access")
    };
    assert_eq!(
        account,
        &S3AccountPublicAccessBlock {
            configured: true,
            settings: block(false),
        }
    );
    assert_eq!(
        resource(&snapshot, "aws_s3_account_public_access_block.this").region,
        GLOBAL_REGION
    );

    // Every other bucket's parts are known.
    for id in [
        "aws_s3_bucket.logs",
        "aws_s3_bucket.data",
        "aws_s3_bucket.website",
        "aws_s3_bucket.dropbox",
        "aws_s3_bucket.tenant[0]",
        "aws_s3_bucket.tenant[1]",
        "module.archive[\"audit\"].aws_s3_bucket.this",
        "aws_s3_account_public_access_block.this",
    ] {
        assert!(unknown_fields(&snapshot, id).is_empty(), "{id}");
    }
    // The KMS key is modelled (its own kind); the random suffix is not.
    let plan = snapshot.plan.as_ref().expect("plan");
    assert_eq!(plan.ignored_types.get("aws_kms_key"), None);
    assert_eq!(plan.ignored_types.get("aws_s3_bucket_policy"), None);
}

#[test]
fn s3_resources_point_at_their_blocks_modules_included() {
    let snapshot = load_fixture("s3-plan");
    let plan = snapshot.plan.as_ref().expect("plan");
    let at = |id: &str| {
        let source = &plan.resources[id].source;
        (source.file.as_str(), source.line)
    };
    assert_eq!(
        at("aws_s3_account_public_access_block.this"),
        ("main.tf", Some(14))
    );
    assert_eq!(at("aws_s3_bucket.data"), ("main.tf", Some(70)));
    assert_eq!(at("aws_s3_bucket.tenant[1]"), ("main.tf", Some(221)));
    assert_eq!(at("aws_s3_bucket.legacy_reports"), ("main.tf", Some(246)));
    // The bucket outside the plan is where its policy is.
    assert_eq!(at("aws_s3_bucket_policy.uploads"), ("main.tf", Some(252)));
    assert_eq!(
        at("module.archive[\"exports\"].aws_s3_bucket.this"),
        ("modules/archive/main.tf", Some(9))
    );
    assert!(plan.unresolved_modules.is_empty());
}

#[test]
fn s3_buckets_of_provider_3_take_their_inline_blocks() {
    let snapshot = load_fixture("s3-provider3-plan");
    let group = |uri: &str, permission: &str| grant("Group", uri, permission);
    const LOG_DELIVERY: &str = "http://acs.amazonaws.com/groups/s3/LogDelivery";
    assert_eq!(
        s3(&snapshot, "aws_s3_bucket.logs"),
        &S3Bucket {
            acl: Some(S3Acl {
                grants: vec![
                    group(LOG_DELIVERY, "WRITE"),
                    group(LOG_DELIVERY, "READ_ACP")
                ],
            }),
            ..new_bucket("acme-v3-logs")
        }
    );
    assert_eq!(
        resource(&snapshot, "aws_s3_bucket.logs").region,
        "us-east-1"
    );
    let key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    assert_eq!(
        s3(&snapshot, "aws_s3_bucket.assets"),
        &S3Bucket {
            acl: Some(S3Acl {
                grants: vec![group(S3_ALL_USERS, "READ")],
            }),
            policy: policy_of(json!({"Version": "2012-10-17", "Statement": [tls_deny(
                json!("*"),
                &["arn:aws:s3:::acme-v3-assets", "arn:aws:s3:::acme-v3-assets/*"]
            )]})),
            default_encryption: Some(sse("aws:kms", Some(key), Some(false))),
            versioning: Some(versioning("Enabled", Some(false))),
            // The inline target is a planned bucket's id: its name.
            logging: Some(logging_to(Some("acme-v3-logs"), Some("assets/"))),
            ..new_bucket("acme-v3-assets")
        }
    );
    assert!(unknown_fields(&snapshot, "aws_s3_bucket.assets").is_empty());
    assert_eq!(
        s3(&snapshot, "aws_s3_bucket.shared"),
        &S3Bucket {
            acl: Some(S3Acl {
                grants: vec![
                    group(S3_AUTHENTICATED_USERS, "READ"),
                    group(S3_AUTHENTICATED_USERS, "WRITE"),
                    grant(
                        "CanonicalUser",
                        "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
                        "FULL_CONTROL"
                    ),
                ],
            }),
            policy: None,
            ..new_bucket("acme-v3-shared")
        }
    );
    assert_eq!(
        unknown_fields(&snapshot, "aws_s3_bucket.shared"),
        vec![(
            "policy".to_string(),
            "data.aws_iam_policy_document.shared.statement[0].principals[0].identifiers (the \
             policy of aws_s3_bucket.shared)"
                .to_string()
        )]
    );
    let ResourceConfig::S3AccountPublicAccessBlock(account) =
        &resource(&snapshot, "aws_s3_account_public_access_block.this").config
    else {
        panic!("not the account's Block Public Access")
    };
    assert_eq!(account.settings, block(true));
}

/// `aws_s3_bucket.NAME` created with nothing but its name (AWS provider 5).
fn new_bucket_change(name: &str, bucket: &str) -> Value {
    change(
        "aws_s3_bucket",
        name,
        json!({"bucket": bucket, "force_destroy": false}),
        json!({"id": true, "arn": true, "acl": true, "grant": true, "policy": true,
               "versioning": true, "logging": true,
               "server_side_encryption_configuration": true, "region": true}),
    )
}

/// Configuration blocks of buckets that set nothing but their name.
fn bucket_configs(names: &[&str]) -> Vec<Value> {
    names
        .iter()
        .map(|name| config("aws_s3_bucket", name, json!({})))
        .collect()
}

#[test]
fn s3_acls_canned_and_explicit_join_their_bucket_by_name_or_reference() {
    let canned = [
        ("private", vec![]),
        ("bucket-owner-full-control", vec![]),
        ("public-read", vec![grant("Group", S3_ALL_USERS, "READ")]),
        (
            "public-read-write",
            vec![
                grant("Group", S3_ALL_USERS, "READ"),
                grant("Group", S3_ALL_USERS, "WRITE"),
            ],
        ),
        (
            "authenticated-read",
            vec![grant("Group", S3_AUTHENTICATED_USERS, "READ")],
        ),
    ];
    let mut changes = Vec::new();
    for (n, (acl, _)) in canned.iter().enumerate() {
        changes.push(new_bucket_change(&format!("b{n}"), &format!("bucket-{n}")));
        // Joined by the bucket's known name.
        changes.push(change(
            "aws_s3_bucket_acl",
            &format!("b{n}"),
            json!({"bucket": format!("bucket-{n}"), "acl": acl}),
            json!({"id": true, "access_control_policy": true}),
        ));
    }
    changes.push(new_bucket_change("explicit", "explicit"));
    changes.push(change(
        "aws_s3_bucket_acl",
        "explicit",
        json!({"access_control_policy": [{
            "grant": [
                {"grantee": [{"type": "Group", "uri": S3_ALL_USERS}], "permission": "READ_ACP"},
                {"grantee": [{"type": "AmazonCustomerByEmail", "email_address": "a@example.com"}],
                 "permission": "WRITE"},
                {"grantee": [{"type": "CanonicalUser", "id": "abc123"}], "permission": "FULL_CONTROL"}
            ],
            "owner": [{"id": "abc123"}]
        }]}),
        json!({"id": true, "bucket": true, "acl": true}),
    ));
    changes.push(new_bucket_change("odd", "odd"));
    changes.push(change(
        "aws_s3_bucket_acl",
        "odd",
        json!({"acl": "everyone-please"}),
        json!({"id": true, "bucket": true, "access_control_policy": true}),
    ));
    let mut configuration = bucket_configs(&["b0", "b1", "b2", "b3", "b4", "explicit", "odd"]);
    configuration.extend([
        config(
            "aws_s3_bucket_acl",
            "explicit",
            json!({"bucket": ["aws_s3_bucket.explicit.id", "aws_s3_bucket.explicit"]}),
        ),
        config(
            "aws_s3_bucket_acl",
            "odd",
            json!({"bucket": ["aws_s3_bucket.odd.id", "aws_s3_bucket.odd"]}),
        ),
    ]);
    let snapshot = scan(&document(changes, configuration));
    for (n, (acl, grants)) in canned.into_iter().enumerate() {
        assert_eq!(
            s3(&snapshot, &format!("aws_s3_bucket.b{n}")).acl,
            Some(S3Acl { grants }),
            "{acl}"
        );
    }
    assert_eq!(
        s3(&snapshot, "aws_s3_bucket.explicit").acl,
        Some(S3Acl {
            grants: vec![
                grant("Group", S3_ALL_USERS, "READ_ACP"),
                S3AclGrant {
                    grantee_type: "AmazonCustomerByEmail".to_string(),
                    grantee: None,
                    permission: "WRITE".to_string(),
                },
                grant("CanonicalUser", "abc123", "FULL_CONTROL"),
            ]
        })
    );
    // No bucket of its own for a split resource of a planned bucket.
    assert_eq!(snapshot.resources.len(), 7);
    assert_eq!(s3(&snapshot, "aws_s3_bucket.odd").acl, None);
    assert_eq!(
        unknown_fields(&snapshot, "aws_s3_bucket.odd"),
        vec![(
            "acl".to_string(),
            "aws_s3_bucket_acl.odd.acl (canned ACL \"everyone-please\" is not one S3 defines)"
                .to_string()
        )]
    );
}

#[test]
fn a_split_resource_of_an_unresolvable_bucket_makes_that_part_unknown_everywhere() {
    let snapshot = scan(&document(
        vec![
            new_bucket_change("a", "a"),
            new_bucket_change("b", "b"),
            change(
                "aws_s3_bucket_versioning",
                "v",
                json!({"versioning_configuration": [{"status": "Enabled"}]}),
                json!({"id": true, "bucket": true}),
            ),
        ],
        [
            bucket_configs(&["a", "b"]),
            vec![config(
                "aws_s3_bucket_versioning",
                "v",
                json!({"bucket": ["module.storage.bucket_id", "module.storage"]}),
            )],
        ]
        .concat(),
    ));
    for id in ["aws_s3_bucket.a", "aws_s3_bucket.b"] {
        assert_eq!(
            unknown_fields(&snapshot, id),
            vec![(
                "versioning".to_string(),
                "aws_s3_bucket_versioning.v.bucket".to_string()
            )],
            "{id}"
        );
        // The value the bucket block gives stays beside the unknown.
        assert_eq!(s3(&snapshot, id).versioning, Some(versioning("Off", None)));
    }
    assert_eq!(snapshot.resources.len(), 2);
}

#[test]
fn s3_parts_known_only_after_apply_are_unknown_and_split_resources_replace_inline_values() {
    let policy_document = |statement: Value, extra: Value| {
        let mut after = json!({"statement": [statement], "version": null});
        for (k, v) in extra.as_object().expect("object") {
            after[k] = v.clone();
        }
        let mut entry = change(
            "aws_iam_policy_document",
            "p",
            after,
            json!({"id": true, "json": true}),
        );
        entry["mode"] = json!("data");
        entry["address"] = json!("data.aws_iam_policy_document.p");
        entry["change"]["actions"] = json!(["read"]);
        entry
    };
    let statement = json!({
        "effect": null,
        "actions": ["s3:GetObject", "s3:ListBucket"],
        "resources": ["arn:aws:s3:::x", "arn:aws:s3:::x/*"],
        "principals": [
            {"type": "AWS", "identifiers": ["arn:aws:iam::111122223333:root"]},
            {"type": "Service", "identifiers": ["cloudfront.amazonaws.com"]},
            {"type": "AWS", "identifiers": ["arn:aws:iam::444455556666:root"]}
        ],
        "not_principals": [],
        "condition": [
            {"test": "StringEquals", "variable": "aws:SourceVpce", "values": ["vpce-1", "vpce-2"]},
            {"test": "Bool", "variable": "aws:SecureTransport", "values": ["true"]}
        ]
    });
    let policy_ref = json!({"policy": ["data.aws_iam_policy_document.p.json", "data.aws_iam_policy_document.p"]});
    let bucket_ref = |name: &str| {
        json!([
            format!("aws_s3_bucket.{name}.id"),
            format!("aws_s3_bucket.{name}")
        ])
    };
    let mut policy_config = config("aws_s3_bucket_policy", "rebuilt", policy_ref.clone());
    policy_config["expressions"]["bucket"] = json!({"references": bucket_ref("rebuilt")});
    let snapshot = scan(&document(
        vec![
            new_bucket_change("rebuilt", "rebuilt"),
            policy_document(statement.clone(), json!({})),
            change(
                "aws_s3_bucket_policy",
                "rebuilt",
                json!({}),
                json!({"id": true, "bucket": true, "policy": true}),
            ),
            // An inline policy the configuration sets, from a data source the plan does not
            // list: unknown; its split versioning is known, the inline one was computed.
            change(
                "aws_s3_bucket",
                "inline",
                json!({"bucket": "inline"}),
                json!({"id": true, "policy": true, "versioning": true,
                       "server_side_encryption_configuration": true}),
            ),
            change(
                "aws_s3_bucket_server_side_encryption_configuration",
                "inline",
                json!({"bucket": "inline", "rule": [{"apply_server_side_encryption_by_default":
                    [{"sse_algorithm": "aws:kms:dsse"}]}]}),
                json!({"id": true, "rule": [{"apply_server_side_encryption_by_default":
                    [{"kms_master_key_id": true}]}]}),
            ),
            change(
                "aws_s3_account_public_access_block",
                "this",
                json!({"block_public_acls": true, "ignore_public_acls": true,
                       "block_public_policy": true}),
                json!({"id": true, "restrict_public_buckets": true}),
            ),
        ],
        vec![
            policy_config,
            config("aws_s3_bucket", "rebuilt", json!({})),
            config(
                "aws_s3_bucket",
                "inline",
                json!({"policy": ["data.aws_iam_policy_document.missing.json"]}),
            ),
            config(
                "aws_s3_bucket_server_side_encryption_configuration",
                "inline",
                json!({}),
            ),
        ],
    ));
    // Statement defaults (Allow), principals merged by type, one-element lists as strings,
    // conditions by test and key.
    assert_eq!(
        s3(&snapshot, "aws_s3_bucket.rebuilt").policy,
        policy_of(json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": ["arn:aws:s3:::x", "arn:aws:s3:::x/*"],
            "Principal": {
                "AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"],
                "Service": "cloudfront.amazonaws.com"
            },
            "Condition": {
                "StringEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2"]},
                "Bool": {"aws:SecureTransport": "true"}
            }
        }]}))
    );
    assert!(unknown_fields(&snapshot, "aws_s3_bucket.rebuilt").is_empty());
    let inline = s3(&snapshot, "aws_s3_bucket.inline");
    assert_eq!(inline.policy, None);
    // The key is known only after apply and references no planned key: the algorithm is
    // known, the key is not.
    assert_eq!(
        inline.default_encryption,
        Some(sse("aws:kms:dsse", None, None))
    );
    assert_eq!(
        unknown_fields(&snapshot, "aws_s3_bucket.inline"),
        vec![
            (
                "policy".to_string(),
                "aws_s3_bucket.inline.policy".to_string()
            ),
            (
                "default_encryption.kms_key_id".to_string(),
                "aws_s3_bucket_server_side_encryption_configuration.inline.rule.apply_server_side_encryption_by_default.kms_master_key_id".to_string()
            ),
        ]
    );
    let account = "aws_s3_account_public_access_block.this";
    assert_eq!(
        unknown_fields(&snapshot, account),
        vec![(
            "settings.restrict_public_buckets".to_string(),
            format!("{account}.restrict_public_buckets")
        )]
    );

    // A document merged from others is not rebuilt: the argument is named.
    let snapshot = scan(&document(
        vec![
            new_bucket_change("rebuilt", "rebuilt"),
            policy_document(
                statement,
                json!({"source_policy_documents": ["{\"Statement\": []}"]}),
            ),
            change(
                "aws_s3_bucket_policy",
                "rebuilt",
                json!({}),
                json!({"id": true, "bucket": true, "policy": true}),
            ),
        ],
        vec![
            {
                let mut c = config("aws_s3_bucket_policy", "rebuilt", policy_ref);
                c["expressions"]["bucket"] = json!({"references": bucket_ref("rebuilt")});
                c
            },
            config("aws_s3_bucket", "rebuilt", json!({})),
        ],
    ));
    assert_eq!(
        unknown_fields(&snapshot, "aws_s3_bucket.rebuilt"),
        vec![(
            "policy".to_string(),
            "data.aws_iam_policy_document.p.source_policy_documents (the policy of \
             aws_s3_bucket_policy.rebuilt)"
                .to_string()
        )]
    );
}

#[test]
fn a_state_bucket_is_what_it_holds_with_split_resources_on_top() {
    let text = json!({
        "format_version": "1.0",
        "terraform_version": "1.9.8",
        "values": {"root_module": {"resources": [
            {
                "address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket",
                "name": "b",
                "values": {
                    "bucket": "b", "id": "b", "arn": "arn:aws:s3:::b", "region": "eu-central-1",
                    "acl": null, "grant": [], "policy": "", "logging": [], "versioning": [],
                    "server_side_encryption_configuration": []
                }
            },
            {
                "address": "aws_s3_bucket_public_access_block.b", "mode": "managed",
                "type": "aws_s3_bucket_public_access_block", "name": "b",
                "values": {"bucket": "b", "block_public_acls": true, "ignore_public_acls": true,
                           "block_public_policy": false, "restrict_public_buckets": false}
            },
            {
                "address": "aws_s3_bucket_ownership_controls.b", "mode": "managed",
                "type": "aws_s3_bucket_ownership_controls", "name": "b",
                "values": {"bucket": "b", "rule": [{"object_ownership": "BucketOwnerPreferred"}]}
            }
        ]}}
    });
    let snapshot = scan(&text);
    let bucket = resource(&snapshot, "aws_s3_bucket.b");
    assert_eq!(bucket.region, "eu-central-1");
    // Empty values of an existing bucket are "not configured", not the new-bucket defaults.
    assert_eq!(
        s3(&snapshot, "aws_s3_bucket.b"),
        &S3Bucket {
            name: "b".to_string(),
            creation_date: None,
            acl: Some(S3Acl::default()),
            policy: Some(S3PolicyState::None),
            public_access_block: Some(S3PublicAccessBlock {
                block_public_acls: true,
                ignore_public_acls: true,
                block_public_policy: false,
                restrict_public_buckets: false,
            }),
            default_encryption: Some(S3DefaultEncryption {
                algorithm: None,
                kms_key_id: None,
                bucket_key_enabled: None,
            }),
            versioning: Some(versioning("Off", None)),
            logging: Some(logging_to(None, None)),
            object_ownership: Some("BucketOwnerPreferred".to_string()),
        }
    );
    // The split resources replaced what the bucket block could not say.
    assert!(unknown_fields(&snapshot, "aws_s3_bucket.b").is_empty());
}

#[test]
fn s3_split_values_known_only_after_apply_are_unknowns_of_their_part() {
    let by_ref = |rtype: &str| {
        config(
            rtype,
            "x",
            json!({"bucket": ["aws_s3_bucket.x.id", "aws_s3_bucket.x"]}),
        )
    };
    let split = |rtype: &str, after: Value, unknown: Value| {
        let mut unknown = unknown;
        unknown["bucket"] = json!(true);
        change(rtype, "x", after, unknown)
    };
    let snapshot = scan(&document(
        vec![
            new_bucket_change("x", "x"),
            split(
                "aws_s3_bucket_versioning",
                json!({"versioning_configuration": [{}]}),
                json!({"versioning_configuration": [{"status": true, "mfa_delete": true}]}),
            ),
            split(
                "aws_s3_bucket_ownership_controls",
                json!({"rule": [{}]}),
                json!({"rule": [{"object_ownership": true}]}),
            ),
            split(
                "aws_s3_bucket_public_access_block",
                json!({"block_public_acls": true}),
                json!({"ignore_public_acls": true}),
            ),
            split(
                "aws_s3_bucket_logging",
                json!({"target_prefix": "x/"}),
                json!({"target_bucket": true}),
            ),
        ],
        [
            bucket_configs(&["x"]),
            vec![
                by_ref("aws_s3_bucket_versioning"),
                by_ref("aws_s3_bucket_ownership_controls"),
                by_ref("aws_s3_bucket_public_access_block"),
                by_ref("aws_s3_bucket_logging"),
            ],
        ]
        .concat(),
    ));
    let bucket = s3(&snapshot, "aws_s3_bucket.x");
    assert_eq!(
        (
            &bucket.versioning,
            &bucket.object_ownership,
            &bucket.public_access_block,
            &bucket.logging
        ),
        (&None, &None, &None, &None)
    );
    assert_eq!(
        unknown_fields(&snapshot, "aws_s3_bucket.x"),
        vec![
            (
                "versioning".to_string(),
                "aws_s3_bucket_versioning.x.versioning_configuration.status".to_string()
            ),
            (
                "object_ownership".to_string(),
                "aws_s3_bucket_ownership_controls.x.rule.object_ownership".to_string()
            ),
            (
                "public_access_block".to_string(),
                "aws_s3_bucket_public_access_block.x.ignore_public_acls".to_string()
            ),
            (
                "logging".to_string(),
                "aws_s3_bucket_logging.x.target_bucket".to_string()
            ),
        ]
    );
    // The parts no split resource sets keep the defaults of a new bucket.
    assert_eq!(bucket.policy, Some(S3PolicyState::None));
}

#[test]
fn kms_keys_map_rotation_state_and_policies_and_key_policies_join_them() {
    let public = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Everyone","Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}]}"#;
    let snapshot = scan(&document(
        vec![
            // No policy in the configuration: the provider computes KMS's default one.
            change(
                "aws_kms_key",
                "rotating",
                json!({"description": "orders", "enable_key_rotation": true, "rotation_period_in_days": 180, "deletion_window_in_days": 7}),
                json!({"id": true, "key_id": true, "arn": true, "policy": true}),
            ),
            change(
                "aws_kms_key",
                "open",
                json!({"enable_key_rotation": false, "is_enabled": false, "policy": public}),
                json!({"id": true, "key_id": true}),
            ),
            // A policy rendered from something known only after apply.
            change(
                "aws_kms_key",
                "later",
                json!({"customer_master_key_spec": "RSA_2048", "key_usage": "SIGN_VERIFY"}),
                json!({"id": true, "key_id": true, "policy": true}),
            ),
            change(
                "aws_kms_key_policy",
                "rotating",
                json!({"policy": public}),
                json!({"id": true, "key_id": true}),
            ),
        ],
        vec![
            config(
                "aws_kms_key",
                "rotating",
                json!({"enable_key_rotation": []}),
            ),
            config(
                "aws_kms_key",
                "later",
                json!({"policy": ["aws_iam_role.app.arn"]}),
            ),
            config(
                "aws_kms_key_policy",
                "rotating",
                json!({"key_id": ["aws_kms_key.rotating.id", "aws_kms_key.rotating"]}),
            ),
        ],
    ));
    let key = |id: &str| match &resource(&snapshot, id).config {
        ResourceConfig::KmsKey(key) => key.clone(),
        _ => panic!("not a key"),
    };
    let rotating = key("aws_kms_key.rotating");
    assert_eq!(rotating.key_manager.as_deref(), Some("CUSTOMER"));
    assert_eq!(rotating.key_state.as_deref(), Some("Enabled"));
    assert_eq!(rotating.key_spec.as_deref(), Some("SYMMETRIC_DEFAULT"));
    assert_eq!(rotating.origin.as_deref(), Some("AWS_KMS"));
    assert_eq!(rotating.rotation_enabled, Some(true));
    assert_eq!(rotating.rotation_period_days, Some(180));
    assert_eq!(
        rotating.pending_deletion(),
        Some(false),
        "deletion_window_in_days is not a scheduled deletion"
    );
    assert_eq!(
        rotating.policy.as_ref().unwrap().statements[0]
            .sid
            .as_deref(),
        Some("Everyone"),
        "the aws_kms_key_policy replaced the default policy"
    );
    assert!(unknown_fields(&snapshot, "aws_kms_key.rotating").is_empty());
    let open = key("aws_kms_key.open");
    assert_eq!(open.key_state.as_deref(), Some("Disabled"));
    assert_eq!(open.rotation_enabled, Some(false));
    assert!(open.policy.is_some());
    let later = key("aws_kms_key.later");
    assert_eq!(later.supports_automatic_rotation(), Some(false));
    assert_eq!(later.policy, None);
    assert_eq!(
        unknown_fields(&snapshot, "aws_kms_key.later"),
        vec![("policy".to_string(), "aws_kms_key.later.policy".to_string())]
    );
    // Without a policy at all, the default policy names the key's own account.
    let snapshot = scan(&document(
        vec![change(
            "aws_kms_key",
            "plain",
            json!({"enable_key_rotation": true}),
            json!({"id": true}),
        )],
        vec![],
    ));
    let ResourceConfig::KmsKey(plain) = &resource(&snapshot, "aws_kms_key.plain").config else {
        panic!("not a key")
    };
    assert_eq!(
        plain.policy.as_ref().unwrap().statements[0].principal,
        Some(json!({"AWS": "arn:aws:iam::plan:root"}))
    );
}

#[test]
fn a_key_policy_whose_key_is_unknown_makes_every_key_policy_unknown() {
    let snapshot = scan(&document(
        vec![
            change(
                "aws_kms_key",
                "a",
                json!({"policy": "{\"Statement\":[]}"}),
                json!({"id": true}),
            ),
            change(
                "aws_kms_key_policy",
                "p",
                json!({"policy": "{\"Statement\":[]}"}),
                json!({"key_id": true}),
            ),
        ],
        vec![],
    ));
    assert_eq!(
        unknown_fields(&snapshot, "aws_kms_key.a"),
        vec![(
            "policy".to_string(),
            "aws_kms_key_policy.p.key_id".to_string()
        )]
    );
}

#[test]
fn dynamodb_tables_map_point_in_time_recovery_and_deletion_protection() {
    let snapshot = scan(&document(
        vec![
            change(
                "aws_dynamodb_table",
                "orders",
                json!({"name": "orders", "billing_mode": "PAY_PER_REQUEST", "deletion_protection_enabled": true,
                       "point_in_time_recovery": [{"enabled": true, "recovery_period_in_days": 35}],
                       "server_side_encryption": [{"enabled": true, "kms_key_arn": "arn:aws:kms:eu-west-1:111122223333:key/k"}]}),
                json!({"arn": true, "point_in_time_recovery": [{"recovery_period_in_days": true}]}),
            ),
            change(
                "aws_dynamodb_table",
                "sessions",
                json!({"name": "sessions", "point_in_time_recovery": []}),
                json!({"arn": true, "deletion_protection_enabled": true, "point_in_time_recovery": [{"enabled": true}]}),
            ),
        ],
        vec![config(
            "aws_dynamodb_table",
            "sessions",
            json!({"point_in_time_recovery": [], "deletion_protection_enabled": ["var.protect"]}),
        )],
    ));
    let ResourceConfig::DynamodbTable(orders) =
        &resource(&snapshot, "aws_dynamodb_table.orders").config
    else {
        panic!("not a table")
    };
    assert_eq!(orders.table_name, "orders");
    assert_eq!(orders.point_in_time_recovery_enabled, Some(true));
    assert_eq!(orders.point_in_time_recovery_days, Some(35));
    assert_eq!(orders.deletion_protection_enabled, Some(true));
    assert_eq!(orders.sse_type.as_deref(), Some("KMS"));
    assert!(
        unknown_fields(&snapshot, "aws_dynamodb_table.orders").is_empty(),
        "a computed recovery period does not make recovery unknown"
    );
    let ResourceConfig::DynamodbTable(sessions) =
        &resource(&snapshot, "aws_dynamodb_table.sessions").config
    else {
        panic!("not a table")
    };
    assert_eq!(sessions.point_in_time_recovery_enabled, Some(false));
    assert_eq!(sessions.billing_mode.as_deref(), Some("PROVISIONED"));
    assert_eq!(
        unknown_fields(&snapshot, "aws_dynamodb_table.sessions"),
        vec![
            (
                "point_in_time_recovery_enabled".to_string(),
                "aws_dynamodb_table.sessions.point_in_time_recovery.enabled".to_string()
            ),
            (
                "deletion_protection_enabled".to_string(),
                "aws_dynamodb_table.sessions.deletion_protection_enabled".to_string()
            ),
        ]
    );
}

#[test]
fn efs_file_systems_take_their_backup_policies() {
    let snapshot = scan(&document(
        vec![
            change(
                "aws_efs_file_system",
                "regional",
                json!({"encrypted": true}),
                json!({"id": true}),
            ),
            change(
                "aws_efs_file_system",
                "onezone",
                json!({"encrypted": false, "availability_zone_name": "eu-west-1a"}),
                json!({"id": true}),
            ),
            change(
                "aws_efs_file_system",
                "existing",
                json!({"id": "fs-0existing", "encrypted": true}),
                json!({}),
            ),
            change(
                "aws_efs_file_system",
                "later",
                json!({}),
                json!({"id": true, "encrypted": true}),
            ),
            change(
                "aws_efs_backup_policy",
                "regional",
                json!({"backup_policy": [{"status": "ENABLED"}]}),
                json!({"id": true, "file_system_id": true}),
            ),
            change(
                "aws_efs_backup_policy",
                "existing",
                json!({"file_system_id": "fs-0existing", "backup_policy": [{"status": "DISABLED"}]}),
                json!({"id": true}),
            ),
        ],
        vec![config(
            "aws_efs_backup_policy",
            "regional",
            json!({"file_system_id": ["aws_efs_file_system.regional.id", "aws_efs_file_system.regional"]}),
        )],
    ));
    let fs = |id: &str| match &resource(&snapshot, id).config {
        ResourceConfig::EfsFileSystem(fs) => fs.clone(),
        _ => panic!("not a file system"),
    };
    assert_eq!(
        fs("aws_efs_file_system.regional")
            .backup_policy_status
            .as_deref(),
        Some("ENABLED")
    );
    let onezone = fs("aws_efs_file_system.onezone");
    assert!(!onezone.encrypted);
    assert_eq!(
        onezone.backup_policy_status.as_deref(),
        Some("ENABLED"),
        "One Zone file systems get automatic backups at creation"
    );
    assert_eq!(
        fs("aws_efs_file_system.existing")
            .backup_policy_status
            .as_deref(),
        Some("DISABLED")
    );
    assert_eq!(
        fs("aws_efs_file_system.later")
            .backup_policy_status
            .as_deref(),
        Some("DISABLED")
    );
    assert_eq!(
        unknown_fields(&snapshot, "aws_efs_file_system.later"),
        vec![(
            "encrypted".to_string(),
            "aws_efs_file_system.later.encrypted".to_string()
        )]
    );
}

#[test]
fn backup_plans_keep_their_rules_and_vault_locks_join_their_vaults() {
    let snapshot = scan(&document(
        vec![
            change(
                "aws_backup_plan",
                "daily",
                json!({"name": "daily", "rule": [
                    {"rule_name": "daily", "target_vault_name": "main", "schedule": "cron(0 3 * * ? *)",
                     "lifecycle": [{"delete_after": 35, "cold_storage_after": 0}]},
                    {"rule_name": "forever", "target_vault_name": "main", "lifecycle": []}
                ]}),
                json!({"id": true, "arn": true, "version": true}),
            ),
            change(
                "aws_backup_plan",
                "computed",
                json!({"name": "computed", "rule": [{"rule_name": "r", "target_vault_name": "main", "lifecycle": [{}]}]}),
                json!({"id": true, "rule": [{"lifecycle": [{"delete_after": true}]}]}),
            ),
            change(
                "aws_backup_vault",
                "main",
                json!({"name": "main"}),
                json!({"id": true, "arn": true}),
            ),
            change(
                "aws_backup_vault",
                "open",
                json!({"name": "open"}),
                json!({"id": true}),
            ),
            change(
                "aws_backup_vault_lock_configuration",
                "main",
                json!({"backup_vault_name": "main", "min_retention_days": 35, "max_retention_days": 365, "changeable_for_days": 3}),
                json!({"id": true}),
            ),
        ],
        vec![],
    ));
    let ResourceConfig::BackupPlan(daily) = &resource(&snapshot, "aws_backup_plan.daily").config
    else {
        panic!("not a plan")
    };
    let rules = daily.rules.as_ref().unwrap();
    assert_eq!(rules.len(), 2);
    assert_eq!(
        rules[0].lifecycle,
        Some(BackupLifecycle {
            delete_after_days: Some(35),
            move_to_cold_storage_after_days: None
        })
    );
    assert_eq!(
        rules[0].schedule_expression.as_deref(),
        Some("cron(0 3 * * ? *)")
    );
    assert_eq!(rules[1].lifecycle, None, "no lifecycle: kept until deleted");
    assert_eq!(
        unknown_fields(&snapshot, "aws_backup_plan.computed"),
        vec![(
            "rules".to_string(),
            "aws_backup_plan.computed.rule[0].lifecycle.delete_after".to_string()
        )]
    );
    let vault = |id: &str| match &resource(&snapshot, id).config {
        ResourceConfig::BackupVault(vault) => vault.clone(),
        _ => panic!("not a vault"),
    };
    let main = vault("aws_backup_vault.main");
    assert_eq!(main.locked, Some(true));
    assert_eq!(
        (main.min_retention_days, main.max_retention_days),
        (Some(35), Some(365))
    );
    assert_eq!(
        main.lock_date.map(|d| d.to_rfc3339()),
        Some("2026-11-29T09:00:00+00:00".to_string()),
        "compliance mode: immutable three days after the plan's apply"
    );
    assert_eq!(vault("aws_backup_vault.open").locked, Some(false));
}

#[test]
fn bucket_retention_policies_are_read_and_an_unknown_one_is_named() {
    let bucket = |name: &str, retention: Value, unknown: Value| {
        change(
            "google_storage_bucket",
            name,
            json!({"name": name, "location": "eu", "retention_policy": retention}),
            unknown,
        )
    };
    let snapshot = scan(&document(
        vec![
            bucket(
                "locked",
                json!([{"retention_period": 31536000, "is_locked": true}]),
                json!({"id": true}),
            ),
            bucket(
                "unlocked",
                json!([{"retention_period": 86400}]),
                json!({"id": true}),
            ),
            bucket("none", json!([]), json!({"id": true})),
            bucket(
                "later",
                json!([{"is_locked": true}]),
                json!({"id": true, "retention_policy": [{"retention_period": true}]}),
            ),
        ],
        vec![],
    ));
    let retention = |name: &str| {
        let ResourceConfig::GcsBucket(bucket) =
            &resource(&snapshot, &format!("google_storage_bucket.{name}")).config
        else {
            panic!("not a bucket")
        };
        bucket.retention_policy.clone()
    };
    assert_eq!(
        retention("locked"),
        Some(GcsRetentionPolicy {
            retention_period_seconds: 31_536_000,
            is_locked: true
        })
    );
    assert_eq!(
        retention("unlocked"),
        Some(GcsRetentionPolicy {
            retention_period_seconds: 86_400,
            is_locked: false
        })
    );
    assert_eq!(retention("none"), None);
    assert!(unknown_fields(&snapshot, "google_storage_bucket.none").is_empty());
    // A period known only after apply: the policy is unknown, never "no retention policy".
    assert_eq!(retention("later"), None);
    assert_eq!(
        unknown_fields(&snapshot, "google_storage_bucket.later"),
        vec![(
            "retention_policy".to_string(),
            "google_storage_bucket.later.retention_policy".to_string()
        )]
    );
}

fn secret<'s>(snapshot: &'s Snapshot, id: &str) -> &'s SecretsmanagerSecret {
    match &resource(snapshot, id).config {
        ResourceConfig::SecretsmanagerSecret(secret) => secret,
        other => panic!("{id} is not a secret: {other:?}"),
    }
}

#[test]
fn secrets_take_their_rotation_from_the_rotation_that_names_them() {
    let snapshot = load_fixture("secrets-plan");
    let orders = secret(&snapshot, "aws_secretsmanager_secret.orders_db");
    assert_eq!(orders.name, "prod/orders-db");
    assert_eq!(
        orders.kms_key_id.as_deref(),
        Some("arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-secrets")
    );
    assert!(orders.rotation_enabled);
    assert_eq!(
        orders.rotation_rules,
        Some(SecretRotationRules {
            automatically_after_days: Some(30),
            schedule_expression: None,
            duration: None,
        })
    );
    assert_eq!(
        orders.rotation_lambda_arn.as_deref(),
        Some("arn:aws:lambda:eu-west-1:111122223333:function:rotate-orders-db")
    );
    assert_eq!(orders.history, None, "a plan has no rotation history");
    let legacy = secret(&snapshot, "aws_secretsmanager_secret.legacy");
    assert!(!legacy.rotation_enabled);
    assert_eq!(legacy.rotation_rules, None);
    let yearly = secret(&snapshot, "aws_secretsmanager_secret.yearly");
    assert_eq!(
        yearly
            .rotation_rules
            .as_ref()
            .and_then(|r| r.interval_days()),
        Some(365)
    );
    for index in 0..2 {
        let tenant = secret(
            &snapshot,
            &format!("aws_secretsmanager_secret.tenant[{index}]"),
        );
        assert_eq!(tenant.name, format!("tenant-{index}/db"));
        assert!(tenant.rotation_enabled, "tenant[{index}]");
    }
    assert_eq!(
        unknown_fields(&snapshot, "aws_secretsmanager_secret.reporting"),
        vec![(
            "rotation_rules.automatically_after_days".to_string(),
            "aws_secretsmanager_secret_rotation.reporting.rotation_rules.automatically_after_days"
                .to_string()
        )]
    );
    assert_eq!(
        unknown_fields(&snapshot, "aws_secretsmanager_secret.orders_db"),
        vec![]
    );
}

#[test]
fn a_rotation_of_an_unresolvable_secret_makes_every_secret_rotation_unknown() {
    let doc = document(
        vec![
            change(
                "aws_secretsmanager_secret",
                "a",
                json!({"name": "a"}),
                json!({"arn": true, "id": true}),
            ),
            change(
                "aws_secretsmanager_secret_rotation",
                "r",
                json!({"rotation_rules": [{"automatically_after_days": 30}]}),
                json!({"secret_id": true}),
            ),
        ],
        vec![
            config("aws_secretsmanager_secret", "a", json!({})),
            config(
                "aws_secretsmanager_secret_rotation",
                "r",
                json!({"secret_id": ["var.secret_arn"]}),
            ),
        ],
    );
    let snapshot = scan(&doc);
    assert!(!secret(&snapshot, "aws_secretsmanager_secret.a").rotation_enabled);
    assert_eq!(
        unknown_fields(&snapshot, "aws_secretsmanager_secret.a"),
        vec![(
            "rotation_enabled".to_string(),
            "aws_secretsmanager_secret_rotation.r.secret_id".to_string()
        )]
    );
}

// --- ELBv2 and Lambda (the edge-plan fixture covers the common shapes) ----------------

#[test]
fn a_listener_protocol_known_only_after_apply_and_a_listener_of_no_known_lb() {
    let snapshot = scan(&document(
        vec![
            change(
                "aws_lb",
                "web",
                json!({"name": "web", "internal": false, "load_balancer_type": "application"}),
                json!({"arn": true}),
            ),
            change(
                "aws_lb",
                "api",
                json!({"name": "api", "internal": false}),
                json!({"arn": true, "load_balancer_type": true}),
            ),
            change(
                "aws_lb_listener",
                "web",
                json!({"port": 8443, "default_action": [{"type": "fixed-response"}]}),
                json!({"load_balancer_arn": true, "protocol": true, "ssl_policy": true}),
            ),
            change(
                "aws_lb_listener",
                "stray",
                json!({"port": 80, "protocol": "HTTP", "default_action": [{"type": "forward"}]}),
                json!({"load_balancer_arn": true}),
            ),
        ],
        vec![config(
            "aws_lb_listener",
            "web",
            json!({"load_balancer_arn": ["aws_lb.web.arn", "aws_lb.web"]}),
        )],
    ));
    let unknown = |id| unknown_fields(&snapshot, id);
    assert_eq!(
        unknown("aws_lb.web"),
        [
            (
                "listeners.protocol".to_string(),
                "aws_lb_listener.web.protocol".to_string()
            ),
            (
                "listeners".to_string(),
                "aws_lb_listener.stray.load_balancer_arn".to_string()
            ),
        ]
    );
    assert_eq!(
        unknown("aws_lb.api"),
        [
            (
                "load_balancer_type".to_string(),
                "aws_lb.api.load_balancer_type".to_string()
            ),
            (
                "listeners".to_string(),
                "aws_lb_listener.stray.load_balancer_arn".to_string()
            ),
        ]
    );
    let ResourceConfig::Elbv2LoadBalancer(web) = &resource(&snapshot, "aws_lb.web").config else {
        panic!("not a load balancer")
    };
    assert_eq!(web.listeners.as_ref().unwrap()[0].protocol, None);
}

#[test]
fn a_permission_names_its_function_by_arn_and_one_of_no_known_function_spreads() {
    let arn = "arn:aws:lambda:eu-west-1:111122223333:function:orders";
    let snapshot = scan(&document(
        vec![
            change(
                "aws_lambda_function",
                "orders",
                json!({"function_name": "orders", "runtime": "python3.13"}),
                json!({"arn": true}),
            ),
            change(
                "aws_lambda_permission",
                "by_arn",
                json!({"function_name": arn, "principal": "123456789012", "action": "lambda:InvokeFunction", "statement_id": "partner"}),
                json!({}),
            ),
            change(
                "aws_lambda_permission",
                "stray",
                json!({"principal": "*", "action": "lambda:InvokeFunction"}),
                json!({"function_name": true}),
            ),
        ],
        vec![],
    ));
    let ResourceConfig::LambdaFunction(orders) =
        &resource(&snapshot, "aws_lambda_function.orders").config
    else {
        panic!("not a function")
    };
    let statement = &orders
        .policy
        .as_ref()
        .unwrap()
        .document()
        .unwrap()
        .statements[0];
    assert_eq!(statement.principal, Some(json!({"AWS": "123456789012"})));
    assert_eq!(
        unknown_fields(&snapshot, "aws_lambda_function.orders"),
        [(
            "policy".to_string(),
            "aws_lambda_permission.stray.function_name".to_string()
        )]
    );
}
