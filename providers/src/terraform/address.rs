//! Terraform addresses: `module.network["a"].module.subnets[0].aws_subnet.this["x"]`.

/// Splits an address into its dot-separated steps, keeping bracketed keys (which may hold
/// dots and brackets inside quotes) with the step they follow.
pub fn steps(address: &str) -> Vec<&str> {
    let mut steps = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in address.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '.' if depth == 0 => {
                steps.push(&address[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    steps.push(&address[start..]);
    steps
}

/// A step without its instance key: `network["a"]` → `network`.
pub fn without_key(step: &str) -> &str {
    step.split('[').next().unwrap_or(step)
}

/// Module call names from the root, without instance keys:
/// `module.network["a"].module.subnets[0]` → `["network", "subnets"]`.
pub fn module_path(module_address: &str) -> Vec<String> {
    if module_address.is_empty() {
        return Vec::new();
    }
    let steps = steps(module_address);
    steps
        .chunks(2)
        .filter(|pair| pair.len() == 2 && pair[0] == "module")
        .map(|pair| without_key(pair[1]).to_string())
        .collect()
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
    let steps = steps(reference);
    let first = *steps.first()?;
    if matches!(
        first,
        "var" | "local" | "data" | "module" | "each" | "count" | "path" | "terraform" | "self"
    ) || steps.len() < 2
        || !first.contains('_')
    {
        return None;
    }
    let second = steps[1];
    let (name, key) = match second.find('[') {
        Some(at) => (&second[..at], Some(&second[at..])),
        None => (second, None),
    };
    Some((first, name, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_keep_quoted_keys_whole() {
        assert_eq!(
            steps(r#"module.net["a.b"].aws_vpc.this[0]"#),
            vec!["module", r#"net["a.b"]"#, "aws_vpc", "this[0]"]
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
        assert_eq!(managed_reference("var.vpc_id"), None);
        assert_eq!(managed_reference("data.aws_vpc.x.id"), None);
        assert_eq!(managed_reference("module.net.vpc_id"), None);
        assert_eq!(
            index_text(&serde_json::json!("a")).as_deref(),
            Some(r#"["a"]"#)
        );
        assert_eq!(index_text(&serde_json::json!(2)).as_deref(), Some("[2]"));
    }
}
