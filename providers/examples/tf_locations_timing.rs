//! Times [`LocationIndex`] on a generated configuration: 50 modules × 200 resources, then one
//! lookup per resource instance address.
//!
//! `cargo run --release -p soc2scan-providers --example tf_locations_timing`

use serde_json::{json, Map, Value};
use soc2scan_providers::terraform::locations::{parse_address, LocationIndex};
use std::fmt::Write as _;
use std::time::Instant;

const MODULES: usize = 50;
const RESOURCES_PER_MODULE: usize = 200;

/// One module's `main.tf`: security groups with inline rules, instances with nested blocks
/// and IAM policies with heredocs, in turn.
fn module_source(module: usize) -> String {
    let mut out = String::new();
    for i in 0..RESOURCES_PER_MODULE {
        let _ = match i % 3 {
            0 => write!(
                out,
                "# security group {i}\nresource \"aws_security_group\" \"r{i}\" {{\n  \
                 name   = \"m{module}-r{i}\"\n  vpc_id = var.vpc_id\n\n  ingress {{\n    \
                 from_port   = 443\n    to_port     = 443\n    protocol    = \"tcp\"\n    \
                 cidr_blocks = [\"0.0.0.0/0\"]\n  }}\n\n  egress {{\n    from_port   = 0\n    \
                 to_port     = 0\n    protocol    = \"-1\"\n    cidr_blocks = [\"0.0.0.0/0\"]\n  \
                 }}\n  tags = {{ Name = \"m{module}-r{i}\", Team = \"platform\" }}\n}}\n\n"
            ),
            1 => write!(
                out,
                "resource \"aws_instance\" \"r{i}\" {{\n  ami           = \"ami-0123456789abcdef0\"\n  \
                 instance_type = \"t3.micro\"\n  subnet_id     = var.subnet_ids[{i} % length(var.subnet_ids)]\n\n  \
                 root_block_device {{\n    encrypted   = true\n    volume_size = 20\n  }}\n\n  \
                 metadata_options {{\n    http_tokens = \"required\"\n  }}\n}}\n\n"
            ),
            _ => write!(
                out,
                "resource \"aws_iam_policy\" \"r{i}\" {{\n  name   = \"m{module}-r{i}\"\n  \
                 policy = <<-EOT\n    {{\n      \"Version\": \"2012-10-17\",\n      \
                 \"Statement\": [{{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \
                 \"Resource\": \"arn:aws:s3:::bucket-{module}/*\"}}]\n    }}\n  EOT\n}}\n\n"
            ),
        };
    }
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let root = tmp.path();
    let mut calls = Map::new();
    let mut root_tf = String::from("variable \"vpc_id\" {}\n\n");
    let mut bytes = 0;
    let mut addresses = Vec::new();
    for m in 0..MODULES {
        let dir = root.join(format!("modules/m{m}"));
        std::fs::create_dir_all(&dir)?;
        let source = module_source(m);
        bytes += source.len();
        std::fs::write(dir.join("main.tf"), source)?;
        let _ = writeln!(
            root_tf,
            "module \"m{m}\" {{\n  source = \"./modules/m{m}\"\n}}\n"
        );
        calls.insert(
            format!("m{m}"),
            json!({ "source": format!("./modules/m{m}") }),
        );
        for i in 0..RESOURCES_PER_MODULE {
            let ty = ["aws_security_group", "aws_instance", "aws_iam_policy"][i % 3];
            addresses.push(format!("module.m{m}[\"k\"].{ty}.r{i}"));
        }
    }
    std::fs::write(root.join("main.tf"), root_tf)?;
    let configuration = json!({ "root_module": { "module_calls": Value::Object(calls) } });

    let start = Instant::now();
    let index = LocationIndex::build(root, &configuration)?;
    let built = start.elapsed();
    let mut found = 0;
    for address in &addresses {
        let parsed = parse_address(address).ok_or("bad generated address")?;
        if index.locate_address(&parsed).is_some() {
            found += 1;
        }
    }
    let total = start.elapsed();
    println!(
        "{MODULES} modules x {RESOURCES_PER_MODULE} resources ({:.1} MB of .tf): index built in \
         {:.1} ms, {found}/{} located, {:.1} ms in all",
        bytes as f64 / 1e6,
        built.as_secs_f64() * 1e3,
        addresses.len(),
        total.as_secs_f64() * 1e3
    );
    Ok(())
}
