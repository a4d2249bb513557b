//! IAM types: users, groups and roles with their inline and attached policies, managed
//! policies, access keys and login profiles, and the account password policy.

use crate::model::ResourceKind::{
    IamGroup as GroupKind, IamManagedPolicy as PolicyKind, IamPasswordPolicy as PasswordPolicyKind,
    IamRole as RoleKind, IamUser as UserKind,
};
use crate::model::*;
use crate::terraform::adapt::Builder;
use crate::terraform::registry::{TypeMapping, UnknownField};
use crate::terraform::relations::{Link, Target};
use serde_json::Value;

/// The IAM types, in the order of docs/terraform.md.
pub(crate) const TYPES: &[TypeMapping] = &[
    TypeMapping {
        types: &["aws_iam_user"],
        kinds: &[UserKind],
        resource: Some(user),
        relation: None,
        unknown: &[],
        becomes: "`iam_user`",
        notes: "",
    },
    TypeMapping {
        types: &["aws_iam_group"],
        kinds: &[GroupKind],
        resource: Some(group),
        relation: None,
        unknown: &[],
        becomes: "`iam_group`",
        notes: "",
    },
    TypeMapping {
        types: &["aws_iam_role"],
        kinds: &[RoleKind],
        resource: Some(role),
        relation: None,
        unknown: &[],
        becomes: "`iam_role`",
        notes: "",
    },
    TypeMapping {
        types: &[
            "aws_iam_user_policy",
            "aws_iam_group_policy",
            "aws_iam_role_policy",
        ],
        kinds: &[UserKind, GroupKind, RoleKind],
        resource: None,
        relation: Some(inline_policy),
        unknown: &[USER.inline, GROUP.inline, ROLE.inline],
        becomes: "inline policies of their principal (`iam_user`, `iam_group`, `iam_role`)",
        notes: "",
    },
    TypeMapping {
        types: &[
            "aws_iam_user_policy_attachment",
            "aws_iam_group_policy_attachment",
            "aws_iam_role_policy_attachment",
        ],
        kinds: &[UserKind, GroupKind, RoleKind],
        resource: None,
        relation: Some(policy_attachment),
        unknown: &[USER.attached, GROUP.attached, ROLE.attached],
        becomes: "attached policies of their principal (`iam_user`, `iam_group`, `iam_role`)",
        notes: "",
    },
    TypeMapping {
        types: &["aws_iam_policy"],
        kinds: &[PolicyKind],
        resource: Some(managed_policy),
        relation: None,
        unknown: &[POLICY_DOCUMENT],
        becomes: "`iam_managed_policy`",
        notes: "its document, for the principals it is attached to",
    },
    TypeMapping {
        types: &["aws_iam_access_key", "aws_iam_user_login_profile"],
        kinds: &[UserKind],
        resource: None,
        relation: Some(credentials),
        unknown: &[ACCESS_KEY_STATUS],
        becomes: "the user's access keys (with their `status`) and console password",
        notes: "",
    },
    TypeMapping {
        types: &["aws_iam_account_password_policy"],
        kinds: &[PasswordPolicyKind],
        resource: Some(password_policy),
        relation: None,
        unknown: PASSWORD_POLICY_UNKNOWN,
        becomes: "`iam_password_policy`",
        notes: "",
    },
];

/// A kind of principal that policies belong to, and the unknowns they can leave on it.
struct Principal {
    /// The policy's attribute naming the principal.
    link: Link,
    inline: UnknownField,
    attached: UnknownField,
}

const USER: Principal = principal("user", UserKind, &["aws_iam_user"]);
const GROUP: Principal = principal("group", GroupKind, &["aws_iam_group"]);
const ROLE: Principal = principal("role", RoleKind, &["aws_iam_role"]);

const fn principal(
    attribute: &'static str,
    kind: ResourceKind,
    types: &'static [&'static str],
) -> Principal {
    Principal {
        link: Link {
            attribute,
            kind,
            types,
            value_prefix: "",
        },
        inline: UnknownField::new(kind, "inline_policies", "policy"),
        attached: UnknownField::new(kind, "attached_managed_policies", "policy_arn"),
    }
}

/// `aws_iam_user_policy`, `aws_iam_group_policy_attachment`, ... belong to the principal
/// their type names.
fn principal_of(rtype: &str) -> &'static Principal {
    if rtype.starts_with("aws_iam_user") {
        &USER
    } else if rtype.starts_with("aws_iam_group") {
        &GROUP
    } else {
        &ROLE
    }
}

const POLICY: Link = Link {
    attribute: "policy_arn",
    kind: PolicyKind,
    types: &["aws_iam_policy"],
    value_prefix: "",
};
const KEY_USER: Link = Link {
    attribute: "user",
    kind: UserKind,
    types: &["aws_iam_user"],
    value_prefix: "",
};

const POLICY_DOCUMENT: UnknownField = UnknownField::new(PolicyKind, "document", "policy");
const ACCESS_KEY_STATUS: UnknownField =
    UnknownField::new(UserKind, "credentials.access_keys", "status");
const PASSWORD_POLICY_UNKNOWN: &[UnknownField] = &[
    UnknownField::new(PasswordPolicyKind, "policy", "minimum_password_length"),
    UnknownField::new(PasswordPolicyKind, "policy", "require_symbols"),
    UnknownField::new(PasswordPolicyKind, "policy", "require_numbers"),
    UnknownField::new(PasswordPolicyKind, "policy", "require_uppercase_characters"),
    UnknownField::new(PasswordPolicyKind, "policy", "require_lowercase_characters"),
    UnknownField::new(PasswordPolicyKind, "policy", "max_password_age"),
    UnknownField::new(PasswordPolicyKind, "policy", "password_reuse_prevention"),
    UnknownField::new(
        PasswordPolicyKind,
        "policy",
        "allow_users_to_change_password",
    ),
];

fn user(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let name = i.str("name").map(str::to_string);
    let config = ResourceConfig::IamUser(IamUser {
        user_name: name.clone().unwrap_or_else(|| i.address.clone()),
        user_id: None,
        create_date: b.now,
        credentials: Some(planned_credentials()),
        attached_managed_policies: vec![],
        inline_policies: vec![],
        groups: vec![],
    });
    b.push_primary(position, config, Vec::new(), name);
}

fn group(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let name = i.str("name").map(str::to_string);
    let config = ResourceConfig::IamGroup(IamGroup {
        group_name: name.clone().unwrap_or_else(|| i.address.clone()),
        attached_managed_policies: vec![],
        inline_policies: vec![],
    });
    b.push_primary(position, config, Vec::new(), name);
}

fn role(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let name = i.str("name").map(str::to_string);
    let config = ResourceConfig::IamRole(IamRole {
        role_name: name.clone().unwrap_or_else(|| i.address.clone()),
        path: i.str("path").map(str::to_string),
        assume_role_policy: i.str("assume_role_policy").and_then(parse_document),
        attached_managed_policies: vec![],
        inline_policies: vec![],
    });
    b.push_primary(position, config, Vec::new(), name);
}

fn managed_policy(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let mut unknown = Vec::new();
    let document = i.str(POLICY_DOCUMENT.attribute).and_then(parse_document);
    if document.is_none() {
        unknown.push(i.unknown(&POLICY_DOCUMENT));
    }
    let config = ResourceConfig::IamManagedPolicy(IamManagedPolicy {
        policy_name: i.str("name").unwrap_or(i.name).to_string(),
        aws_managed: false,
        default_version_id: None,
        attachment_count: 0,
        document: document.unwrap_or_default(),
    });
    let arn = i.str("arn").map(str::to_string);
    b.push_primary(position, config, unknown, arn);
}

fn password_policy(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let unknown = PASSWORD_POLICY_UNKNOWN
        .iter()
        .filter(|field| i.is_unknown(field.attribute))
        .map(|field| i.unknown(field))
        .collect();
    let positive = |name: &str| {
        i.int(name)
            .filter(|v| *v > 0)
            .map(|v| v.clamp(0, u32::MAX as i64) as u32)
    };
    let policy = PasswordPolicy {
        minimum_password_length: positive("minimum_password_length"),
        require_symbols: i.bool("require_symbols").unwrap_or(false),
        require_numbers: i.bool("require_numbers").unwrap_or(false),
        require_uppercase_characters: i.bool("require_uppercase_characters").unwrap_or(false),
        require_lowercase_characters: i.bool("require_lowercase_characters").unwrap_or(false),
        max_password_age: positive("max_password_age"),
        password_reuse_prevention: positive("password_reuse_prevention"),
        allow_users_to_change_password: i.bool("allow_users_to_change_password").unwrap_or(true),
    };
    let config = ResourceConfig::IamPasswordPolicy(IamPasswordPolicy {
        policy: Some(policy),
    });
    b.push_primary(position, config, unknown, None);
}

fn inline_policy(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let principal = principal_of(i.rtype);
    let document = i.str(principal.inline.attribute).and_then(parse_document);
    let unknown = document.is_none().then(|| i.unknown(&principal.inline));
    let policy = InlinePolicy {
        policy_name: i.str("name").unwrap_or(i.name).to_string(),
        document: document.unwrap_or_default(),
    };
    let index = resolve_principal(b, position, principal);
    match &mut b.resources[index].config {
        ResourceConfig::IamUser(user) => user.inline_policies.push(policy),
        ResourceConfig::IamGroup(group) => group.inline_policies.push(policy),
        ResourceConfig::IamRole(role) => role.inline_policies.push(policy),
        _ => {}
    }
    b.planned[index].unknown.extend(unknown);
}

fn policy_attachment(b: &mut Builder<'_>, position: usize) {
    let principal = principal_of(b.instances[position].rtype);
    let policy_target = b.target(position, &POLICY);
    let i = &b.instances[position];
    let mut unknown = Vec::new();
    let attached = match policy_target {
        Target::Resource(policy) => {
            let resource = &b.resources[policy];
            // A policy whose document is unknown leaves the principal's permissions
            // unknown too.
            for value in &b.planned[policy].unknown {
                unknown.push(i.unknown_at(&principal.attached, value.attribute.clone()));
            }
            Some(AttachedPolicy {
                policy_name: match &resource.config {
                    ResourceConfig::IamManagedPolicy(p) => p.policy_name.clone(),
                    _ => resource.id.clone(),
                },
                policy_arn: resource.id.clone(),
            })
        }
        Target::Outside(arn) => Some(AttachedPolicy {
            policy_name: arn.rsplit('/').next().unwrap_or(&arn).to_string(),
            policy_arn: arn,
        }),
        Target::Unknown => {
            unknown.push(i.unknown(&principal.attached));
            None
        }
    };
    let index = resolve_principal(b, position, principal);
    if let Some(attached) = attached {
        match &mut b.resources[index].config {
            ResourceConfig::IamUser(user) => user.attached_managed_policies.push(attached),
            ResourceConfig::IamGroup(group) => group.attached_managed_policies.push(attached),
            ResourceConfig::IamRole(role) => role.attached_managed_policies.push(attached),
            _ => {}
        }
    }
    b.planned[index].unknown.extend(unknown);
}

fn credentials(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let is_login_profile = i.rtype == "aws_iam_user_login_profile";
    let active = i
        .str("status")
        .is_none_or(|s| s.eq_ignore_ascii_case("active"));
    let status_unknown = i
        .is_unknown(ACCESS_KEY_STATUS.attribute)
        .then(|| i.unknown(&ACCESS_KEY_STATUS));
    let Target::Resource(index) = b.target(position, &KEY_USER) else {
        return;
    };
    let ResourceConfig::IamUser(user) = &mut b.resources[index].config else {
        return;
    };
    let credentials = user.credentials.get_or_insert_with(planned_credentials);
    if is_login_profile {
        credentials.password_enabled = true;
    } else {
        let slot = credentials.access_keys.len() as u8 + 1;
        credentials.access_keys.push(AccessKey {
            slot,
            active,
            last_rotated: None,
            last_used: LastUsed::Unknown,
        });
        b.planned[index].unknown.extend(status_unknown);
    }
}

/// The user, group or role a policy belongs to; one outside the plan is checked as a
/// principal of its own, defined where the policy is.
fn resolve_principal(b: &mut Builder<'_>, position: usize, principal: &Principal) -> usize {
    let link = &principal.link;
    match b.target(position, link) {
        Target::Resource(index) => index,
        target => {
            let name = match target {
                Target::Outside(name) => name,
                _ => b.instances[position].attribute(link.attribute),
            };
            let id = b.instances[position].address.clone();
            let config = match link.kind {
                UserKind => ResourceConfig::IamUser(IamUser {
                    user_name: name,
                    user_id: None,
                    create_date: b.now,
                    credentials: Some(planned_credentials()),
                    attached_managed_policies: vec![],
                    inline_policies: vec![],
                    groups: vec![],
                }),
                GroupKind => ResourceConfig::IamGroup(IamGroup {
                    group_name: name,
                    attached_managed_policies: vec![],
                    inline_policies: vec![],
                }),
                _ => ResourceConfig::IamRole(IamRole {
                    role_name: name,
                    path: None,
                    assume_role_policy: None,
                    attached_managed_policies: vec![],
                    inline_policies: vec![],
                }),
            };
            b.push(position, id, config, Vec::new())
        }
    }
}

/// Credential facts of a planned user: no password or keys until the plan's login profile
/// and access keys add them; use and MFA are runtime facts (their rules do not run on plans).
fn planned_credentials() -> UserCredentials {
    UserCredentials {
        password_enabled: false,
        password_last_used: LastUsed::Unknown,
        password_last_changed: None,
        mfa_active: false,
        access_keys: vec![],
    }
}

fn parse_document(text: &str) -> Option<PolicyDocument> {
    serde_json::from_value(Value::String(text.to_string())).ok()
}
