//! Who a resource policy lets in: the one evaluator behind every "public" rule on a
//! resource policy (S3 bucket policies, KMS key policies and Lambda function policies).
//!
//! A statement is **open to everyone** when it is an `Allow` whose principal is anyone —
//! `"Principal": "*"`, `{"AWS": "*"}` (alone or in a list), or any `NotPrincipal` (which
//! allows everyone but the listed principals) — and no condition of it restricts *who* can
//! use it. A `Deny` to everyone, without conditions, that covers the same actions on the
//! same resources cancels it.
//!
//! A condition **restricts who** when it pins one of the keys that identify the caller or
//! where the call comes from ([`RESTRICTING_KEYS`]) to fixed values with a positive
//! operator: `StringEquals`, `StringEqualsIgnoreCase`, `StringLike` and `ArnLike` without
//! wildcards in the value, `ArnEquals`, or `IpAddress` with a range narrower than the whole
//! address space. Negated operators (`StringNotEquals`, `NotIpAddress`, …) do not restrict
//! (they let in everyone else), `…IfExists` does not (a caller without the key matches),
//! and `ForAllValues:` does not (an empty set matches). `Bool`, `Null`, `aws:SecureTransport`
//! and the like restrict *how*, not who. This is the test S3 Block Public Access uses for
//! "public", extended with the KMS and organization keys IAM Access Analyzer treats the same
//! way.
//!
//! Actions match the way IAM matches them: case-insensitively, with `*` and `?` wildcards;
//! a `NotAction` statement covers every action its patterns do not match.

use soc2scan_model::{Effect, PolicyDocument, PolicyStatement};

/// Condition keys that, pinned to fixed values, restrict who can use a statement.
pub const RESTRICTING_KEYS: &[&str] = &[
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOwner",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceIp",
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:userid",
    "aws:username",
    "kms:CallerAccount",
    "s3:DataAccessPointArn",
    "s3:DataAccessPointAccount",
    "lambda:FunctionUrlAuthType",
];

/// Which actions a caller asks about.
#[derive(Debug, Clone, Copy)]
pub enum Actions<'a> {
    /// Any action at all (a KMS key policy open to everyone for anything is public).
    Any,
    /// Any of these concrete actions (`s3:GetObject`).
    Of(&'a [&'a str]),
}

/// One statement that leaves the resource open to everyone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicAccess {
    /// The statement's `Sid`, or `statement N` (1-based) when it has none.
    pub statement: String,
    /// The asked-for actions it allows (for [`Actions::Any`], its own action patterns, or
    /// `NotAction …`).
    pub actions: Vec<String>,
}

impl PublicAccess {
    /// `statement "Sid" allows s3:GetObject, s3:ListBucket`.
    pub fn describe(&self) -> String {
        format!(
            "statement {} allows {} to everyone",
            self.statement,
            self.actions.join(", ")
        )
    }
}

/// The statements of `doc` that allow everyone any of `actions` with no condition that
/// restricts who, less the actions an unconditioned `Deny` to everyone takes back.
pub fn public_access(doc: &PolicyDocument, actions: Actions<'_>) -> Vec<PublicAccess> {
    let denials: Vec<&PolicyStatement> = doc
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Deny && denies_everyone(s))
        .collect();
    doc.statements
        .iter()
        .enumerate()
        .filter(|(_, s)| s.effect == Effect::Allow && open_to_everyone(s))
        .filter_map(|(index, allow)| {
            let allowed: Vec<String> = match actions {
                Actions::Of(asked) => asked
                    .iter()
                    .filter(|action| covers_action(allow, action))
                    .filter(|action| {
                        !denials.iter().any(|deny| {
                            covers_action(deny, action) && covers_resources(deny, allow)
                        })
                    })
                    .map(|action| action.to_string())
                    .collect(),
                Actions::Any => {
                    let cancelled = denials.iter().any(|deny| {
                        covers_resources(deny, allow) && covers_every_action_of(deny, allow)
                    });
                    if cancelled {
                        Vec::new()
                    } else if allow.action.is_empty() {
                        vec![format!("NotAction {}", allow.not_action.join(", "))]
                    } else {
                        allow.action.clone()
                    }
                }
            };
            (!allowed.is_empty()).then(|| PublicAccess {
                statement: allow
                    .sid
                    .as_deref()
                    .filter(|sid| !sid.is_empty())
                    .map(|sid| format!("\"{sid}\""))
                    .unwrap_or_else(|| format!("{}", index + 1)),
                actions: allowed,
            })
        })
        .collect()
}

/// Whether an `Allow` statement's principal is anyone and nothing restricts who.
fn open_to_everyone(statement: &PolicyStatement) -> bool {
    let principal_is_anyone =
        statement.not_principal.is_some() || statement.principal.as_ref().is_some_and(is_anyone);
    principal_is_anyone && !restricts_who(statement)
}

/// Whether a `Deny` statement applies to every caller, unconditionally.
fn denies_everyone(statement: &PolicyStatement) -> bool {
    statement.not_principal.is_none()
        && statement.principal.as_ref().is_some_and(is_anyone)
        && statement.condition.as_ref().is_none_or(|c| c.is_empty())
}

/// Whether a `Principal` is anyone: `"*"`, `{"AWS": "*"}` or `{"AWS": [..., "*", ...]}`.
pub fn is_anyone(principal: &serde_json::Value) -> bool {
    match principal {
        serde_json::Value::String(s) => s == "*",
        serde_json::Value::Object(map) => map.get("AWS").is_some_and(|aws| match aws {
            serde_json::Value::String(s) => s == "*",
            serde_json::Value::Array(items) => items.iter().any(|i| i.as_str() == Some("*")),
            _ => false,
        }),
        _ => false,
    }
}

/// Whether any condition of the statement pins a restricting key to fixed values.
pub fn restricts_who(statement: &PolicyStatement) -> bool {
    let Some(conditions) = &statement.condition else {
        return false;
    };
    conditions.iter().any(|(operator, keys)| {
        let Some(keys) = keys.as_object() else {
            return false;
        };
        keys.iter().any(|(key, values)| {
            RESTRICTING_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
                && operator_restricts(operator, values)
        })
    })
}

/// Whether `operator` with `values` admits only fixed, named callers.
fn operator_restricts(operator: &str, values: &serde_json::Value) -> bool {
    let (set_qualifier, base) = match operator.split_once(':') {
        Some((qualifier, base)) => (Some(qualifier), base),
        None => (None, operator),
    };
    if set_qualifier.is_some_and(|q| q.eq_ignore_ascii_case("ForAllValues")) {
        return false;
    }
    if base.to_ascii_lowercase().ends_with("ifexists") {
        return false;
    }
    let values: Vec<&str> = match values {
        serde_json::Value::String(s) => vec![s.as_str()],
        serde_json::Value::Array(items) => items.iter().filter_map(|v| v.as_str()).collect(),
        _ => return false,
    };
    if values.is_empty() {
        return false;
    }
    match base.to_ascii_lowercase().as_str() {
        "stringequals" | "stringequalsignorecase" | "arnequals" => {
            values.iter().all(|v| !v.is_empty() && *v != "*")
        }
        "stringlike" | "arnlike" => values.iter().all(|v| fixed_pattern(v)),
        "ipaddress" => values.iter().all(|v| narrower_than_everything(v)),
        _ => false,
    }
}

/// A `StringLike`/`ArnLike` value that names fixed callers: no wildcard, or an ARN whose
/// account field is fixed (`arn:aws:sns:*:111122223333:*`).
fn fixed_pattern(value: &str) -> bool {
    if !value.contains(['*', '?']) {
        return !value.is_empty();
    }
    let fields: Vec<&str> = value.splitn(6, ':').collect();
    fields.len() == 6
        && fields[0] == "arn"
        && !fields[4].is_empty()
        && !fields[4].contains(['*', '?'])
}

/// An address range smaller than the whole IPv4 or IPv6 space.
fn narrower_than_everything(cidr: &str) -> bool {
    match cidr.parse::<ipnet::IpNet>() {
        Ok(net) => net.prefix_len() > 0,
        Err(_) => cidr
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| !ip.is_unspecified()),
    }
}

/// Whether the statement's `Action`/`NotAction` covers `action`.
fn covers_action(statement: &PolicyStatement, action: &str) -> bool {
    if !statement.action.is_empty() {
        statement.action.iter().any(|p| wildcard_match(p, action))
    } else if !statement.not_action.is_empty() {
        !statement
            .not_action
            .iter()
            .any(|p| wildcard_match(p, action))
    } else {
        false
    }
}

/// Whether a deny covers every action the allow names (used for [`Actions::Any`]).
fn covers_every_action_of(deny: &PolicyStatement, allow: &PolicyStatement) -> bool {
    if allow.action.is_empty() {
        // The allow is a NotAction: only a deny of everything covers it.
        return deny.action.iter().any(|p| p == "*");
    }
    if deny.action.is_empty() {
        // A NotAction deny covers an allowed pattern no NotAction pattern could match.
        return allow.action.iter().all(|a| {
            !deny
                .not_action
                .iter()
                .any(|n| wildcard_match(n, a) || wildcard_match(a, n))
        });
    }
    allow
        .action
        .iter()
        .all(|a| deny.action.iter().any(|d| wildcard_match(d, a)))
}

/// Whether a deny's resources cover everything the allow's do.
fn covers_resources(deny: &PolicyStatement, allow: &PolicyStatement) -> bool {
    if !deny.not_resource.is_empty() {
        return false;
    }
    if deny.resource.is_empty() || deny.resource.iter().any(|r| r == "*") {
        // Key policies leave out Resource or use "*": the key itself.
        return true;
    }
    !allow.resource.is_empty()
        && allow
            .resource
            .iter()
            .all(|a| deny.resource.iter().any(|d| wildcard_match(d, a)))
}

/// IAM's wildcard match: case-insensitive, `*` any run of characters, `?` any one.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.to_lowercase().chars().collect();
    let text: Vec<char> = text.to_lowercase().chars().collect();
    let (mut p, mut t) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            backtrack = Some((p, t));
            p += 1;
        } else if let Some((star, matched)) = backtrack {
            p = star + 1;
            t = matched + 1;
            backtrack = Some((star, matched + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(json: &str) -> PolicyDocument {
        PolicyDocument::parse(json).expect("test policy parses")
    }

    const READ: &[&str] = &["s3:GetObject", "s3:ListBucket"];

    fn public_read(json: &str) -> Vec<String> {
        public_access(&doc(json), Actions::Of(READ))
            .into_iter()
            .flat_map(|p| p.actions)
            .collect()
    }

    fn allow(principal: &str, condition: &str) -> String {
        let condition = if condition.is_empty() {
            String::new()
        } else {
            format!(r#","Condition":{condition}"#)
        };
        format!(
            r#"{{"Statement":[{{"Sid":"S","Effect":"Allow","Principal":{principal},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"{condition}}}]}}"#
        )
    }

    #[test]
    fn every_principal_form() {
        assert_eq!(public_read(&allow(r#""*""#, "")), ["s3:GetObject"]);
        assert_eq!(public_read(&allow(r#"{"AWS":"*"}"#, "")), ["s3:GetObject"]);
        assert_eq!(
            public_read(&allow(
                r#"{"AWS":["arn:aws:iam::111122223333:root","*"]}"#,
                ""
            )),
            ["s3:GetObject"]
        );
        assert!(public_read(&allow(r#"{"AWS":"arn:aws:iam::111122223333:root"}"#, "")).is_empty());
        assert!(public_read(&allow(r#"{"AWS":["111122223333"]}"#, "")).is_empty());
        assert!(public_read(&allow(r#"{"Service":"logging.s3.amazonaws.com"}"#, "")).is_empty());
        assert!(public_read(&allow(r#"{"CanonicalUser":"abc"}"#, "")).is_empty());
        assert!(public_read(&allow(
            r#"{"Federated":"cognito-identity.amazonaws.com"}"#,
            ""
        ))
        .is_empty());
    }

    #[test]
    fn not_principal_allows_everyone_else() {
        let json = r#"{"Statement":{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":"*"}}"#;
        assert_eq!(public_read(json), READ);
        let deny = r#"{"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":"*"}}"#;
        assert!(
            public_read(deny).is_empty(),
            "a NotPrincipal Deny grants nothing"
        );
    }

    #[test]
    fn actions_and_not_actions_with_wildcards() {
        let json = |action: &str| {
            format!(
                r#"{{"Statement":{{"Effect":"Allow","Principal":"*",{action},"Resource":"*"}}}}"#
            )
        };
        assert_eq!(
            public_read(&json(r#""Action":"s3:Get*""#)),
            ["s3:GetObject"]
        );
        assert_eq!(
            public_read(&json(r#""Action":"S3:LIST?UCKET""#)),
            ["s3:ListBucket"]
        );
        assert_eq!(public_read(&json(r#""Action":"*""#)), READ);
        assert!(public_read(&json(r#""Action":["s3:PutObject","s3:DeleteObject"]"#)).is_empty());
        assert_eq!(
            public_read(&json(r#""NotAction":"s3:Get*""#)),
            ["s3:ListBucket"]
        );
        assert!(public_read(&json(r#""NotAction":"s3:*""#)).is_empty());
    }

    #[test]
    fn deny_to_everyone_overrides_allow() {
        let json = r#"{"Statement":[
            {"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]},
            {"Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
        // The deny covers GetObject on the objects but not ListBucket, and not the bucket ARN.
        assert_eq!(
            public_read(json),
            READ,
            "the deny does not cover the bucket ARN"
        );
        let full = r#"{"Statement":[
            {"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]},
            {"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b*"}]}"#;
        assert_eq!(public_read(full), ["s3:ListBucket"]);
        let conditioned = r#"{"Statement":[
            {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},
            {"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;
        assert_eq!(
            public_read(conditioned),
            ["s3:GetObject"],
            "a conditioned deny takes back only part"
        );
        let any = r#"{"Statement":[
            {"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"},
            {"Effect":"Deny","Principal":"*","Action":"kms:*"}]}"#;
        assert!(public_access(&doc(any), Actions::Any).is_empty());
        let partial = r#"{"Statement":[
            {"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"},
            {"Effect":"Deny","Principal":"*","Action":"kms:Decrypt","Resource":"*"}]}"#;
        assert_eq!(
            public_access(&doc(partial), Actions::Any),
            [PublicAccess {
                statement: "1".into(),
                actions: vec!["kms:*".into()]
            }]
        );
    }

    #[test]
    fn conditions_that_restrict_who() {
        for condition in [
            r#"{"StringEquals":{"aws:SourceAccount":"111122223333"}}"#,
            r#"{"ArnLike":{"aws:SourceArn":"arn:aws:cloudtrail:*:111122223333:trail/*"}}"#,
            r#"{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:eu-west-1:111122223333:t"}}"#,
            r#"{"StringEquals":{"aws:SourceVpce":["vpce-1","vpce-2"]}}"#,
            r#"{"StringEquals":{"aws:sourcevpc":"vpc-1"}}"#,
            r#"{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}"#,
            r#"{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}}"#,
            r#"{"ForAnyValue:StringEquals":{"aws:PrincipalOrgPaths":"o-a/r-b/ou-c/"}}"#,
            r#"{"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"s3.eu-west-1.amazonaws.com"}}"#,
        ] {
            assert!(
                public_read(&allow(r#""*""#, condition)).is_empty(),
                "{condition}"
            );
        }
    }

    #[test]
    fn conditions_that_do_not_restrict_who() {
        for condition in [
            r#"{"Bool":{"aws:SecureTransport":"true"}}"#,
            r#"{"StringNotEquals":{"aws:SourceAccount":"111122223333"}}"#,
            r#"{"StringEqualsIfExists":{"aws:SourceAccount":"111122223333"}}"#,
            r#"{"ForAllValues:StringEquals":{"aws:PrincipalOrgID":"o-abc"}}"#,
            r#"{"StringLike":{"aws:SourceArn":"*"}}"#,
            r#"{"StringLike":{"aws:SourceArn":"arn:aws:sns:*:*:topic"}}"#,
            r#"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#,
            r#"{"IpAddress":{"aws:SourceIp":"::/0"}}"#,
            r#"{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
            r#"{"StringEquals":{"s3:prefix":"public/"}}"#,
            r#"{"StringEquals":{"kms:ViaService":"s3.eu-west-1.amazonaws.com"}}"#,
            r#"{"Null":{"aws:SourceAccount":"false"}}"#,
        ] {
            assert_eq!(
                public_read(&allow(r#""*""#, condition)),
                ["s3:GetObject"],
                "{condition}"
            );
        }
    }

    #[test]
    fn statement_names_and_any_actions() {
        let json = r#"{"Statement":[
            {"Sid":"","Effect":"Allow","Principal":"*","Action":["kms:Decrypt","kms:Encrypt"]},
            {"Sid":"Open","Effect":"Allow","Principal":{"AWS":"*"},"NotAction":"kms:ScheduleKeyDeletion","Resource":"*"},
            {"Sid":"Account","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}"#;
        let found = public_access(&doc(json), Actions::Any);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].statement, "1");
        assert_eq!(found[0].actions, ["kms:Decrypt", "kms:Encrypt"]);
        assert_eq!(found[1].statement, "\"Open\"");
        assert_eq!(found[1].actions, ["NotAction kms:ScheduleKeyDeletion"]);
        assert_eq!(
            found[1].describe(),
            "statement \"Open\" allows NotAction kms:ScheduleKeyDeletion to everyone"
        );
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("*", ""));
        assert!(wildcard_match("s3:*Object*", "s3:GetObjectVersion"));
        assert!(wildcard_match("arn:aws:s3:::b*", "arn:aws:s3:::b/key"));
        assert!(!wildcard_match("s3:Get?", "s3:Get"));
        assert!(wildcard_match("a*b*c", "aXXbYYbZc"));
        assert!(!wildcard_match("a*b*c", "aXXbYYbZ"));
    }
}
