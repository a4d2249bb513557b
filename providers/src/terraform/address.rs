//! Terraform addresses: `module.network["a"].module.subnets[0].aws_subnet.this["x"]`.
//!
//! One tokenizer reads every address-like text the adapter meets — resource instance
//! addresses ([`parse_address`], for locations), the `module_address` of a resource change
//! ([`module_path`]) and the configuration's `references` ([`managed_reference`]) — so a
//! key with dots, brackets or escaped quotes is split the same way everywhere.

use serde::{Deserialize, Serialize};

/// Whether an address names a managed resource or a data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceMode {
    /// `resource` blocks.
    Managed,
    /// `data` blocks.
    Data,
}

/// The parts of a Terraform resource instance address such as
/// `module.net["a"].module.sub[0].aws_security_group.web["x"]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAddress {
    /// Module call names from the root, without instance keys: `["net", "sub"]`.
    pub module_path: Vec<String>,
    /// Each module call's instance key as printed (`["a"]`, `[0]`), `None` for a module
    /// without count or for_each; same length as `module_path`.
    pub module_keys: Vec<Option<String>>,
    /// Managed resource or data source.
    pub mode: ResourceMode,
    /// The resource type: `aws_security_group`.
    pub resource_type: String,
    /// The resource name: `web`.
    pub name: String,
    /// The instance key as printed (`[0]`, `["x"]`), `None` without count or for_each.
    pub key: Option<String>,
}

impl ParsedAddress {
    /// `module_path` as the `&[&str]` that
    /// [`LocationIndex::locate`](super::locations::LocationIndex::locate) takes.
    pub fn module_path_strs(&self) -> Vec<&str> {
        self.module_path.iter().map(String::as_str).collect()
    }
}

/// One `NAME` or `NAME[KEY]` step of an address; `key` keeps its brackets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Step<'a> {
    name: &'a str,
    key: Option<&'a str>,
}

/// The steps of an address, read lazily so that a caller needing only the first steps (a
/// reference's `TYPE.NAME`) does not depend on what follows them. Yields `Err(())` once, at
/// the first malformed step, then stops.
struct Steps<'a> {
    rest: &'a str,
    /// Whether a key must be a literal (`[0]`, `["a"]`), as in an instance address, or may
    /// be an expression (`[count.index]`), as in a reference.
    literal_keys: bool,
    done: bool,
}

fn steps(text: &str, literal_keys: bool) -> Steps<'_> {
    Steps {
        rest: text,
        literal_keys,
        done: false,
    }
}

impl<'a> Iterator for Steps<'a> {
    type Item = Result<Step<'a>, ()>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let step = self.step();
        match step {
            Ok(_) if self.rest.is_empty() => self.done = true,
            Ok(_) => match self.rest.strip_prefix('.') {
                Some(rest) => self.rest = rest,
                None => {
                    self.done = true;
                    return Some(Err(()));
                }
            },
            Err(()) => self.done = true,
        }
        Some(step)
    }
}

impl<'a> Steps<'a> {
    fn step(&mut self) -> Result<Step<'a>, ()> {
        let rest = self.rest;
        let name_len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(rest.len());
        if name_len == 0 {
            return Err(());
        }
        let name = &rest[..name_len];
        let after = &rest[name_len..];
        let key = if after.starts_with('[') {
            let key_len = key_len(after, self.literal_keys).ok_or(())?;
            Some(&after[..key_len])
        } else {
            None
        };
        self.rest = &after[key.map_or(0, str::len)..];
        Ok(Step { name, key })
    }
}

/// The length of the `[...]` key at the start of `s`: a literal (digits, or a quoted
/// string with `\` escapes) as in an instance address, else — for references — anything up
/// to the matching `]`, skipping brackets inside quoted strings (`[each.value["k"]]`).
fn key_len(s: &str, literal_only: bool) -> Option<usize> {
    let bytes = s.as_bytes();
    if literal_only {
        return match bytes.get(1)? {
            b'"' => {
                let end = string_end(bytes, 1)?;
                (bytes.get(end + 1) == Some(&b']')).then_some(end + 2)
            }
            b'0'..=b'9' => {
                let digits = bytes[1..].iter().take_while(|b| b.is_ascii_digit()).count();
                (bytes.get(1 + digits) == Some(&b']')).then_some(digits + 2)
            }
            _ => None,
        };
    }
    let mut depth = 0usize;
    let mut i = 0;
    loop {
        match bytes.get(i)? {
            b'"' => i = string_end(bytes, i)?,
            b'[' => depth += 1,
            b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// The index of the `"` closing the string that opens at `open`.
fn string_end(bytes: &[u8], open: usize) -> Option<usize> {
    let mut i = open + 1;
    loop {
        match bytes.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
}

/// Splits a resource instance address into its parts; `None` if it is not one.
///
/// Instance keys are returned as Terraform prints them, quotes and escapes included, so a
/// key like `["a.b[0]\"c"]` does not split the address.
pub fn parse_address(address: &str) -> Option<ParsedAddress> {
    let steps: Vec<Step<'_>> = steps(address, true).collect::<Result<_, ()>>().ok()?;
    let plain = |step: &Step<'_>, name: &str| step.name == name && step.key.is_none();

    let mut module_path = Vec::new();
    let mut module_keys = Vec::new();
    let mut i = 0;
    // `module.NAME[KEY]` pairs, while at least a TYPE.NAME remains after them.
    while steps.len() - i > 2 && plain(&steps[i], "module") {
        let step = steps[i + 1];
        module_path.push(step.name.to_string());
        module_keys.push(step.key.map(str::to_string));
        i += 2;
    }
    let mode = if steps.len() - i == 3 && plain(&steps[i], "data") {
        i += 1;
        ResourceMode::Data
    } else {
        ResourceMode::Managed
    };
    let [resource_type, resource] = &steps[i..] else {
        return None;
    };
    // `module.x` and `data.x` are not resource addresses.
    if resource_type.key.is_some() || matches!(resource_type.name, "module" | "data") {
        return None;
    }
    Some(ParsedAddress {
        module_path,
        module_keys,
        mode,
        resource_type: resource_type.name.to_string(),
        name: resource.name.to_string(),
        key: resource.key.map(str::to_string),
    })
}

/// Module call names from the root, without instance keys:
/// `module.network["a"].module.subnets[0]` → `["network", "subnets"]`.
pub fn module_path(module_address: &str) -> Vec<String> {
    let mut path = Vec::new();
    let mut steps = steps(module_address, true);
    while let (Some(Ok(first)), Some(Ok(call))) = (steps.next(), steps.next()) {
        if first.name == "module" && first.key.is_none() {
            path.push(call.name.to_string());
        }
    }
    path
}

/// The instance key of a resource as Terraform writes it in an address: `[0]` or `["a"]`.
pub fn index_text(index: &serde_json::Value) -> Option<String> {
    match index {
        serde_json::Value::Number(n) => Some(format!("[{n}]")),
        serde_json::Value::String(s) => Some(format!("[{}]", serde_json::Value::from(s.as_str()))),
        _ => None,
    }
}

/// A reference from a configuration expression (`aws_security_group.web.id`,
/// `aws_security_group.web[0]`, `aws_iam_user.u["a"].name`), as `(type, name, key)`.
/// References to variables, locals, data sources, modules and the like are `None`.
pub fn managed_reference(reference: &str) -> Option<(&str, &str, Option<&str>)> {
    let mut steps = steps(reference, false);
    let (Some(Ok(first)), Some(Ok(second))) = (steps.next(), steps.next()) else {
        return None;
    };
    if first.key.is_some()
        || matches!(
            first.name,
            "var" | "local" | "data" | "module" | "each" | "count" | "path" | "terraform" | "self"
        )
        || !first.name.contains('_')
    {
        return None;
    }
    Some((first.name, second.name, second.key))
}

/// A reference to a data source (`data.aws_iam_policy_document.p.json`,
/// `data.aws_iam_policy_document.p["a"]`), as `(type, name, key)`.
pub fn data_reference(reference: &str) -> Option<(&str, &str, Option<&str>)> {
    let mut steps = steps(reference, false);
    let (Some(Ok(data)), Some(Ok(rtype)), Some(Ok(name))) =
        (steps.next(), steps.next(), steps.next())
    else {
        return None;
    };
    (data.name == "data" && data.key.is_none() && rtype.key.is_none())
        .then_some((rtype.name, name.name, name.key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths_drop_instance_keys() {
        assert_eq!(
            module_path(r#"module.net["a.b"].module.subnets[0]"#),
            vec!["net", "subnets"]
        );
        assert_eq!(
            module_path(r#"module.network["a"].module.subnets[0]"#),
            vec!["network", "subnets"]
        );
        assert!(module_path("").is_empty());
    }

    #[test]
    fn references_name_managed_resources_only() {
        assert_eq!(
            managed_reference("aws_security_group.web.id"),
            Some(("aws_security_group", "web", None))
        );
        assert_eq!(
            managed_reference(r#"aws_iam_user.u["a"].name"#),
            Some(("aws_iam_user", "u", Some(r#"["a"]"#)))
        );
        // Expression keys refer to the instance with the referrer's key.
        assert_eq!(
            managed_reference("aws_security_group.web[count.index].id"),
            Some(("aws_security_group", "web", Some("[count.index]")))
        );
        assert_eq!(
            managed_reference(r#"aws_s3_bucket.b[each.value["x]"]].id"#),
            Some(("aws_s3_bucket", "b", Some(r#"[each.value["x]"]]"#)))
        );
        // What follows TYPE.NAME does not matter.
        assert_eq!(
            managed_reference("aws_instance.web.*.id"),
            Some(("aws_instance", "web", None))
        );
        assert_eq!(managed_reference("var.vpc_id"), None);
        assert_eq!(managed_reference("data.aws_vpc.x.id"), None);
        assert_eq!(managed_reference("module.net.vpc_id"), None);
        assert_eq!(managed_reference("aws_vpc"), None);
        assert_eq!(
            index_text(&serde_json::json!("a")).as_deref(),
            Some(r#"["a"]"#)
        );
        assert_eq!(index_text(&serde_json::json!(2)).as_deref(), Some("[2]"));
    }

    #[test]
    fn data_references_name_the_data_source() {
        assert_eq!(
            data_reference("data.aws_iam_policy_document.tls.json"),
            Some(("aws_iam_policy_document", "tls", None))
        );
        assert_eq!(
            data_reference(r#"data.aws_iam_policy_document.p["a"]"#),
            Some(("aws_iam_policy_document", "p", Some(r#"["a"]"#)))
        );
        assert_eq!(
            data_reference("data.aws_iam_policy_document.p[each.key].json"),
            Some(("aws_iam_policy_document", "p", Some("[each.key]")))
        );
        assert_eq!(data_reference("aws_s3_bucket.b.id"), None);
        assert_eq!(data_reference("data.aws_vpc"), None);
        assert_eq!(data_reference("module.x.data"), None);
    }

    fn parsed(
        modules: &[(&str, Option<&str>)],
        mode: ResourceMode,
        resource_type: &str,
        name: &str,
        key: Option<&str>,
    ) -> Option<ParsedAddress> {
        Some(ParsedAddress {
            module_path: modules.iter().map(|m| m.0.to_string()).collect(),
            module_keys: modules.iter().map(|m| m.1.map(str::to_string)).collect(),
            mode,
            resource_type: resource_type.to_string(),
            name: name.to_string(),
            key: key.map(str::to_string),
        })
    }

    #[test]
    fn addresses_split_into_modules_mode_type_name_and_key() {
        use ResourceMode::{Data, Managed};
        assert_eq!(
            parse_address("aws_vpc.main"),
            parsed(&[], Managed, "aws_vpc", "main", None)
        );
        assert_eq!(
            parse_address("data.aws_iam_policy_document.p"),
            parsed(&[], Data, "aws_iam_policy_document", "p", None)
        );
        assert_eq!(
            parse_address(r#"module.net["a"].module.sub[0].aws_security_group.web["x"]"#),
            parsed(
                &[("net", Some(r#"["a"]"#)), ("sub", Some("[0]"))],
                Managed,
                "aws_security_group",
                "web",
                Some(r#"["x"]"#)
            )
        );
        assert_eq!(
            parse_address("module.net.data.aws_caller_identity.me[12]"),
            parsed(
                &[("net", None)],
                Data,
                "aws_caller_identity",
                "me",
                Some("[12]")
            )
        );
        // Keys may hold dots, brackets and escaped quotes and backslashes.
        assert_eq!(
            parse_address(r#"module.m["a.b[0]\"c\\"].aws_iam_user.u["x.y]\"z"]"#),
            parsed(
                &[("m", Some(r#"["a.b[0]\"c\\"]"#))],
                Managed,
                "aws_iam_user",
                "u",
                Some(r#"["x.y]\"z"]"#)
            )
        );
        // A module named `data`, and a resource type that starts like one.
        assert_eq!(
            parse_address("module.data.module_x.data"),
            parsed(&[("data", None)], Managed, "module_x", "data", None)
        );
    }

    #[test]
    fn non_addresses_are_rejected() {
        for bad in [
            "",
            "aws_vpc",
            "aws_vpc.",
            ".aws_vpc.main",
            "aws_vpc.main.extra",
            "aws_vpc[0].main",
            "aws_vpc.main[",
            "aws_vpc.main[x]",
            "aws_vpc.main[\"open]",
            "aws_vpc.main[0]x",
            "aws_vpc.main[count.index]",
            "module.net",
            "module.net[0]",
            "data.x",
            "module.net.data.x.y.z",
        ] {
            assert_eq!(parse_address(bad), None, "{bad:?}");
        }
    }
}
