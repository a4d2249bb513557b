//! A generated Terraform configuration and its plan JSON, for the plan benchmark: a root
//! module calling `modules` local modules, each with 8 resource blocks under `count`, for
//! `resources` resource instances in all (10,000 across 50 modules in the benchmark).
//!
//! Every module has its own `.tf` file, so a scan with `--tf-root` looks up the block of
//! every instance. About a third of the checks fail; some values are unknown until apply.

use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The resource blocks of every module: type, name, and whether it depends on another.
const BLOCKS: [&str; 8] = [
    "aws_ebs_volume",
    "aws_security_group",
    "aws_security_group_rule",
    "aws_instance",
    "aws_vpc",
    "aws_flow_log",
    "aws_iam_user",
    "aws_iam_user_policy_attachment",
];

/// Writes `main.tf`, `modules/mNN/main.tf`, `.terraform/modules/modules.json` and
/// `plan.json` into `dir`; returns the plan's path.
pub fn write(dir: &Path, resources: usize, modules: usize) -> std::io::Result<PathBuf> {
    let modules = modules.max(1);
    let per_block = resources.div_ceil(modules * BLOCKS.len()).max(1);
    std::fs::create_dir_all(dir.join(".terraform/modules"))?;
    let mut root_tf = String::from("provider \"aws\" {\n  region = \"eu-west-1\"\n}\n");
    let mut module_calls = serde_json::Map::new();
    let mut manifest = vec![json!({"Key": "", "Source": "", "Dir": "."})];
    let mut changes = Vec::with_capacity(resources);
    for m in 0..modules {
        let name = format!("m{m:02}");
        let _ = write!(
            root_tf,
            "\nmodule \"{name}\" {{\n  source = \"./modules/{name}\"\n}}\n"
        );
        std::fs::create_dir_all(dir.join("modules").join(&name))?;
        std::fs::write(
            dir.join("modules").join(&name).join("main.tf"),
            module_tf(per_block),
        )?;
        manifest.push(json!({"Key": name, "Source": format!("./modules/{name}"), "Dir": format!("modules/{name}")}));
        module_calls.insert(
            name.clone(),
            json!({"source": format!("./modules/{name}"), "module": {"resources": config_resources()}}),
        );
        let module_address = format!("module.{name}");
        for block in BLOCKS {
            for i in 0..per_block {
                if changes.len() >= resources {
                    break;
                }
                changes.push(change(&module_address, block, i));
            }
        }
    }
    std::fs::write(dir.join("main.tf"), root_tf)?;
    std::fs::write(
        dir.join(".terraform/modules/modules.json"),
        serde_json::to_vec(&json!({ "Modules": manifest }))?,
    )?;
    let plan = json!({
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "resource_changes": changes,
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws", "expressions": {"region": {"constant_value": "eu-west-1"}}}},
            "root_module": {"module_calls": module_calls}
        },
        "timestamp": "2026-11-26T09:00:00Z"
    });
    let path = dir.join("plan.json");
    std::fs::write(&path, serde_json::to_vec(&plan)?)?;
    Ok(path)
}

fn module_tf(count: usize) -> String {
    let mut tf = String::new();
    for block in BLOCKS {
        let body = match block {
            "aws_ebs_volume" => "  availability_zone = \"eu-west-1a\"\n  size              = 20\n  encrypted         = count.index % 3 != 0\n",
            "aws_security_group" => "  name = \"sg-${count.index}\"\n\n  ingress {\n    from_port   = 443\n    to_port     = 443\n    protocol    = \"tcp\"\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n",
            "aws_security_group_rule" => "  type              = \"ingress\"\n  security_group_id = aws_security_group.this[count.index].id\n  from_port         = 22\n  to_port           = 22\n  protocol          = \"tcp\"\n  cidr_blocks       = [count.index % 3 == 0 ? \"0.0.0.0/0\" : \"10.0.0.0/8\"]\n",
            "aws_instance" => "  ami           = \"ami-0abcdef1234567890\"\n  instance_type = \"t3.micro\"\n  monitoring    = count.index % 3 != 0\n\n  metadata_options {\n    http_tokens = \"required\"\n  }\n",
            "aws_vpc" => "  cidr_block = \"10.0.0.0/16\"\n",
            "aws_flow_log" => "  vpc_id       = aws_vpc.this[count.index].id\n  traffic_type = \"ALL\"\n",
            "aws_iam_user" => "  name = \"user-${count.index}\"\n",
            _ => "  user       = aws_iam_user.this[count.index].name\n  policy_arn = \"arn:aws:iam::aws:policy/ReadOnlyAccess\"\n",
        };
        let _ = write!(
            tf,
            "resource \"{block}\" \"this\" {{\n  count = {count}\n\n{body}}}\n\n"
        );
    }
    tf
}

fn config_resources() -> Value {
    let refs = |attr: &str, target: &str| json!({ attr: {"references": [format!("{target}.this[count.index]"), format!("{target}.this")]} });
    Value::Array(
        BLOCKS
            .iter()
            .map(|block| {
                let expressions = match *block {
                    "aws_security_group_rule" => refs("security_group_id", "aws_security_group"),
                    "aws_flow_log" => refs("vpc_id", "aws_vpc"),
                    "aws_iam_user_policy_attachment" => refs("user", "aws_iam_user"),
                    "aws_security_group" => json!({"ingress": []}),
                    _ => json!({}),
                };
                json!({
                    "address": format!("{block}.this"),
                    "mode": "managed",
                    "type": block,
                    "name": "this",
                    "provider_config_key": "aws",
                    "expressions": expressions,
                    "count_expression": {"constant_value": 25}
                })
            })
            .collect(),
    )
}

fn change(module: &str, block: &str, i: usize) -> Value {
    let failing = i.is_multiple_of(3);
    let (after, unknown) = match block {
        "aws_ebs_volume" => (
            json!({"availability_zone": "eu-west-1a", "size": 20, "encrypted": !failing}),
            json!({"id": true, "arn": true}),
        ),
        "aws_security_group" => (
            json!({"name": format!("sg-{i}"), "ingress": [{"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"], "self": false}]}),
            json!({"id": true, "egress": true}),
        ),
        "aws_security_group_rule" => (
            json!({"type": "ingress", "from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": [if failing { "0.0.0.0/0" } else { "10.0.0.0/8" }]}),
            json!({"id": true, "security_group_id": true}),
        ),
        "aws_instance" => (
            json!({"instance_type": "t3.micro", "monitoring": !failing, "metadata_options": [{"http_tokens": "required", "http_endpoint": "enabled"}], "root_block_device": [{"encrypted": true}]}),
            json!({"id": true, "public_ip": true, "associate_public_ip_address": true}),
        ),
        "aws_vpc" => (json!({"cidr_block": "10.0.0.0/16"}), json!({"id": true})),
        "aws_flow_log" => (
            json!({"traffic_type": "ALL"}),
            json!({"id": true, "vpc_id": true}),
        ),
        "aws_iam_user" => (
            json!({"name": format!("{module}-user-{i}")}),
            json!({"id": true}),
        ),
        _ => (
            json!({"user": format!("{module}-user-{i}"), "policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
            json!({"id": true}),
        ),
    };
    json!({
        "address": format!("{module}.{block}.this[{i}]"),
        "module_address": module,
        "mode": "managed",
        "type": block,
        "name": "this",
        "index": i,
        "change": {"actions": ["create"], "before": null, "after": after, "after_unknown": unknown}
    })
}

#[cfg(test)]
mod tests {
    use soc2scan_providers::terraform::{self, PlanOptions};
    use soc2scan_providers::ResourceConfig;

    #[test]
    fn the_generated_plan_loads_with_every_relation_resolved() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let plan = super::write(dir.path(), 400, 5).expect("written");
        let snapshot = terraform::load(&PlanOptions {
            plan_path: &plan,
            tf_root: Some(dir.path()),
            tool_version: "test",
        })
        .expect("loads");
        let info = snapshot.plan.as_ref().expect("plan info");
        assert!(info.ignored_types.is_empty());
        // Rules and attachments join their groups and users; instances add root volumes.
        let groups = snapshot
            .resources
            .iter()
            .filter_map(|r| match &r.config {
                ResourceConfig::SecurityGroup(g) => Some(g),
                _ => None,
            })
            .collect::<Vec<_>>();
        assert_eq!(groups.len(), 50);
        assert!(groups.iter().all(|g| g.ingress.len() == 2));
        assert!(snapshot.resources.iter().all(|r| match &r.config {
            ResourceConfig::FlowLog(f) => f.resource_id.starts_with("module.m0"),
            ResourceConfig::IamUser(u) => u.attached_managed_policies.len() == 1,
            _ => true,
        }));
    }
}
