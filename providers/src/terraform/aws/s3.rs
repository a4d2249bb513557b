//! S3 types: buckets with their parts — ACL, policy, Block Public Access, default
//! encryption, versioning, server access logging, Object Ownership — from the split
//! resources of AWS provider 4 and later or the bucket's inline blocks of provider 3, and
//! the account's Block Public Access.
//!
//! A part comes from, in order: a split resource of the plan that configures the bucket
//! (`aws_s3_bucket_versioning`, …, joined by its `bucket`); the bucket's own inline value
//! when the plan knows it (provider 3 blocks, and what a state or an existing bucket's
//! refresh read); for a bucket the plan creates, what S3 gives every new bucket today
//! ([`new_bucket_defaults`]). Anything else — an inline value the configuration sets that
//! is known only after apply, a part of an existing bucket the plan does not show — is an
//! unknown of that part, so only the rules that read it are not evaluated.

use crate::model::ResourceKind::{
    S3AccountPublicAccessBlock as AccountBlockKind, S3Bucket as BucketKind,
};
use crate::model::*;
use crate::terraform::adapt::Builder;
use crate::terraform::address::{data_reference, index_text, managed_reference};
use crate::terraform::document::RawInstance;
use crate::terraform::instances::{block_bool, block_str, strings, Instance, Step};
use crate::terraform::registry::{TypeMapping, UnknownField};
use crate::terraform::relations::{pick_by_key, Link, Target};
use serde_json::{json, Map, Value};

/// The S3 types, in the order of docs/terraform.md.
pub(crate) const TYPES: &[TypeMapping] = &[
    TypeMapping {
        types: &["aws_s3_bucket"],
        kinds: &[BucketKind],
        resource: Some(bucket),
        relation: None,
        unknown: BUCKET_UNKNOWN,
        becomes: "`s3_bucket`",
        notes: "with the inline `acl` / `grant`, `policy`, `versioning`, `logging` and \
                `server_side_encryption_configuration` of AWS provider 3 when the plan knows \
                them. A bucket the plan creates has, unless a split resource says otherwise, \
                what S3 gives new buckets: Block Public Access all on, Object Ownership \
                `BucketOwnerEnforced`, SSE-S3 (`AES256`) default encryption, versioning \
                `Off`, logging off, no policy, an ACL granting only the owner (the owner's \
                grant of a canned ACL is not listed: a plan has no canonical id). An existing \
                bucket's Block Public Access and Object Ownership are unknown unless the plan \
                manages them",
    },
    TypeMapping {
        types: &["aws_s3_bucket_acl"],
        kinds: &[BucketKind],
        resource: None,
        relation: Some(acl),
        unknown: &[ACL_CANNED, ACL_POLICY, Part::Acl.bucket_unknown()],
        becomes: "the `acl` of its `s3_bucket`",
        notes: "canned `acl` (`public-read`, `public-read-write`, `authenticated-read`, \
                `log-delivery-write` → their group grants) or `access_control_policy` grants",
    },
    TypeMapping {
        types: &["aws_s3_bucket_policy"],
        kinds: &[BucketKind],
        resource: None,
        relation: Some(policy),
        unknown: &[POLICY, Part::Policy.bucket_unknown()],
        becomes: "the `policy` of its `s3_bucket`",
        notes: "a `policy` known only after apply that comes from an \
                `aws_iam_policy_document` data source read during apply is rebuilt from the \
                data source's statements when they are known",
    },
    TypeMapping {
        types: &["aws_s3_bucket_public_access_block"],
        kinds: &[BucketKind],
        resource: None,
        relation: Some(public_access_block),
        unknown: BLOCK_UNKNOWN,
        becomes: "the `public_access_block` of its `s3_bucket`",
        notes: "unset settings are off",
    },
    TypeMapping {
        types: &["aws_s3_bucket_versioning"],
        kinds: &[BucketKind],
        resource: None,
        relation: Some(versioning),
        unknown: &[VERSIONING_STATUS, Part::Versioning.bucket_unknown()],
        becomes: "the `versioning` of its `s3_bucket`",
        notes: "`versioning_configuration.status`; `Disabled` is `Off`",
    },
    TypeMapping {
        types: &["aws_s3_bucket_logging"],
        kinds: &[BucketKind],
        resource: None,
        relation: Some(logging),
        unknown: &[LOGGING_TARGET, Part::Logging.bucket_unknown()],
        becomes: "the `logging` of its `s3_bucket`",
        notes: "a `target_bucket` known only after apply is the name of the planned bucket \
                it references",
    },
    TypeMapping {
        types: &["aws_s3_bucket_server_side_encryption_configuration"],
        kinds: &[BucketKind],
        resource: None,
        relation: Some(encryption),
        unknown: &[
            ENCRYPTION_ALGORITHM,
            ENCRYPTION_KEY,
            Part::Encryption.bucket_unknown(),
        ],
        becomes: "the `default_encryption` of its `s3_bucket`",
        notes: "a `kms_master_key_id` known only after apply is the address of the planned \
                KMS key or alias it references",
    },
    TypeMapping {
        types: &["aws_s3_bucket_ownership_controls"],
        kinds: &[BucketKind],
        resource: None,
        relation: Some(ownership),
        unknown: &[OWNERSHIP, Part::Ownership.bucket_unknown()],
        becomes: "the `object_ownership` of its `s3_bucket`",
        notes: "",
    },
    TypeMapping {
        types: &["aws_s3_account_public_access_block"],
        kinds: &[AccountBlockKind],
        resource: Some(account_public_access_block),
        relation: None,
        unknown: ACCOUNT_BLOCK_UNKNOWN,
        becomes: "`s3_account_public_access_block`",
        notes: "unset settings are off",
    },
];

/// A part of a bucket: one field of [`S3Bucket`], set by one split type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Acl,
    Policy,
    PublicAccessBlock,
    Encryption,
    Versioning,
    Logging,
    Ownership,
}

impl Part {
    const ALL: [Part; 7] = [
        Part::Acl,
        Part::Policy,
        Part::PublicAccessBlock,
        Part::Encryption,
        Part::Versioning,
        Part::Logging,
        Part::Ownership,
    ];

    /// The model field.
    const fn field(self) -> &'static str {
        match self {
            Part::Acl => "acl",
            Part::Policy => "policy",
            Part::PublicAccessBlock => "public_access_block",
            Part::Encryption => "default_encryption",
            Part::Versioning => "versioning",
            Part::Logging => "logging",
            Part::Ownership => "object_ownership",
        }
    }

    /// The split resource type that sets it.
    const fn split_type(self) -> &'static str {
        match self {
            Part::Acl => "aws_s3_bucket_acl",
            Part::Policy => "aws_s3_bucket_policy",
            Part::PublicAccessBlock => "aws_s3_bucket_public_access_block",
            Part::Encryption => "aws_s3_bucket_server_side_encryption_configuration",
            Part::Versioning => "aws_s3_bucket_versioning",
            Part::Logging => "aws_s3_bucket_logging",
            Part::Ownership => "aws_s3_bucket_ownership_controls",
        }
    }

    /// What S3 calls it, for messages.
    const fn label(self) -> &'static str {
        match self {
            Part::Acl => "ACL",
            Part::Policy => "bucket policy",
            Part::PublicAccessBlock => "Block Public Access",
            Part::Encryption => "default encryption",
            Part::Versioning => "versioning",
            Part::Logging => "server access logging",
            Part::Ownership => "Object Ownership",
        }
    }

    /// The part unknown because the plan does not show it: named after the split type
    /// that would.
    const fn not_in_plan(self) -> UnknownField {
        UnknownField::new(BucketKind, self.field(), self.split_type())
    }

    /// The part unknown on every bucket because a split resource's `bucket` cannot be
    /// resolved (it could configure any of them).
    const fn bucket_unknown(self) -> UnknownField {
        UnknownField::new(BucketKind, self.field(), "bucket")
    }

    /// Whether an unknown value is about this part (its field or one inside it).
    fn covers(self, unknown: &UnknownValue) -> bool {
        let field = self.field();
        unknown.field == field
            || unknown
                .field
                .strip_prefix(field)
                .is_some_and(|rest| rest.starts_with('.'))
    }
}

const INLINE_ACL: UnknownField = UnknownField::new(BucketKind, "acl", "acl");
const INLINE_GRANT: UnknownField = UnknownField::new(BucketKind, "acl", "grant");
const INLINE_POLICY: UnknownField = UnknownField::new(BucketKind, "policy", "policy");
const INLINE_VERSIONING: UnknownField = UnknownField::new(BucketKind, "versioning", "versioning");
const INLINE_LOGGING: UnknownField = UnknownField::new(BucketKind, "logging", "logging");
const INLINE_ENCRYPTION: UnknownField = UnknownField::new(
    BucketKind,
    "default_encryption",
    "server_side_encryption_configuration",
);

/// Every unknown of a bucket block: its inline values, and each part of a bucket the plan
/// does not show (an existing bucket's, or one outside the plan that split resources
/// configure).
const BUCKET_UNKNOWN: &[UnknownField] = &[
    INLINE_ACL,
    INLINE_GRANT,
    INLINE_POLICY,
    INLINE_VERSIONING,
    INLINE_LOGGING,
    INLINE_ENCRYPTION,
    Part::Acl.not_in_plan(),
    Part::Policy.not_in_plan(),
    Part::PublicAccessBlock.not_in_plan(),
    Part::Encryption.not_in_plan(),
    Part::Versioning.not_in_plan(),
    Part::Logging.not_in_plan(),
    Part::Ownership.not_in_plan(),
];

const ACL_CANNED: UnknownField = UnknownField::new(BucketKind, "acl", "acl");
const ACL_POLICY: UnknownField = UnknownField::new(BucketKind, "acl", "access_control_policy");
const POLICY: UnknownField = UnknownField::new(BucketKind, "policy", "policy");
const BLOCK_SETTINGS: [&str; 4] = [
    "block_public_acls",
    "ignore_public_acls",
    "block_public_policy",
    "restrict_public_buckets",
];
const BLOCK_UNKNOWN: &[UnknownField] = &[
    UnknownField::new(BucketKind, "public_access_block", "block_public_acls"),
    UnknownField::new(BucketKind, "public_access_block", "ignore_public_acls"),
    UnknownField::new(BucketKind, "public_access_block", "block_public_policy"),
    UnknownField::new(BucketKind, "public_access_block", "restrict_public_buckets"),
    Part::PublicAccessBlock.bucket_unknown(),
];
const VERSIONING_STATUS: UnknownField =
    UnknownField::new(BucketKind, "versioning", "versioning_configuration.status");
const LOGGING_TARGET: UnknownField = UnknownField::new(BucketKind, "logging", "target_bucket");
const ENCRYPTION_ALGORITHM: UnknownField = UnknownField::new(
    BucketKind,
    "default_encryption",
    "rule.apply_server_side_encryption_by_default.sse_algorithm",
);
const ENCRYPTION_KEY: UnknownField = UnknownField::new(
    BucketKind,
    "default_encryption.kms_key_id",
    "rule.apply_server_side_encryption_by_default.kms_master_key_id",
);
const OWNERSHIP: UnknownField =
    UnknownField::new(BucketKind, "object_ownership", "rule.object_ownership");
const ACCOUNT_BLOCK_UNKNOWN: &[UnknownField] = &[
    UnknownField::new(
        AccountBlockKind,
        "settings.block_public_acls",
        "block_public_acls",
    ),
    UnknownField::new(
        AccountBlockKind,
        "settings.ignore_public_acls",
        "ignore_public_acls",
    ),
    UnknownField::new(
        AccountBlockKind,
        "settings.block_public_policy",
        "block_public_policy",
    ),
    UnknownField::new(
        AccountBlockKind,
        "settings.restrict_public_buckets",
        "restrict_public_buckets",
    ),
];

/// The bucket a split resource configures.
const BUCKET: Link = Link {
    attribute: "bucket",
    kind: BucketKind,
    types: &["aws_s3_bucket"],
    value_prefix: "",
};
/// The bucket server access logs go to.
const LOG_TARGET: Link = Link {
    attribute: "target_bucket",
    kind: BucketKind,
    types: &["aws_s3_bucket"],
    value_prefix: "",
};
/// The Terraform types a default-encryption key may reference.
const KMS_KEY_TYPES: &[&str] = &["aws_kms_key", "aws_kms_alias", "aws_kms_replica_key"];

/// What S3 gives a bucket created today (since April 2023) when nothing else is set: Block
/// Public Access all on, ACLs disabled (`BucketOwnerEnforced`), SSE-S3 default encryption,
/// versioning never enabled, no server access logging, no policy, and an ACL that grants
/// the owner alone (whose grant is not listed: a plan has no canonical id).
fn new_bucket_defaults(name: String) -> S3Bucket {
    S3Bucket {
        name,
        creation_date: None,
        acl: Some(S3Acl::default()),
        policy: Some(S3PolicyState::None),
        public_access_block: Some(S3PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: true,
            restrict_public_buckets: true,
        }),
        default_encryption: Some(S3DefaultEncryption {
            algorithm: Some("AES256".to_string()),
            kms_key_id: None,
            bucket_key_enabled: Some(false),
        }),
        versioning: Some(S3Versioning {
            status: "Off".to_string(),
            mfa_delete: None,
        }),
        logging: Some(S3Logging {
            target_bucket: None,
            target_prefix: None,
        }),
        object_ownership: Some("BucketOwnerEnforced".to_string()),
    }
}

fn bucket(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let name = i.str("bucket").map(str::to_string);
    let defaults = new_bucket_defaults(name.clone().unwrap_or_else(|| i.address.clone()));
    let mut unknown = Vec::new();

    // The ACL: explicit `grant` blocks, else the canned `acl`.
    let grants = i.attr("grant").and_then(Value::as_array);
    let acl = match (grants.filter(|g| !g.is_empty()), i.str("acl")) {
        _ if configured_unknown(i, &[INLINE_GRANT, INLINE_ACL]).is_some() => {
            inline_state(i, &[INLINE_GRANT, INLINE_ACL])
        }
        (Some(grants), _) => Inline::Known(S3Acl {
            grants: grants.iter().flat_map(inline_grants).collect(),
        }),
        (None, Some(canned)) => match canned_acl(canned) {
            Some(acl) => Inline::Known(acl),
            None => Inline::Unreadable(format!("(canned ACL {canned:?} is not one S3 defines)")),
        },
        (None, None) => inline_state(i, &[INLINE_GRANT, INLINE_ACL]),
    };
    let acl = settle(
        i,
        acl,
        &INLINE_ACL,
        &mut unknown,
        defaults.acl,
        S3Acl::default,
    );

    let policy = match i.str(INLINE_POLICY.attribute) {
        Some(text) => match parse_policy(text) {
            Some(document) => Inline::Known(S3PolicyState::Set { document }),
            None => Inline::Unreadable("(not a policy document soc2scan can read)".to_string()),
        },
        None if i.is_unknown(INLINE_POLICY.attribute) && i.configured(INLINE_POLICY.attribute) => {
            match policy_from_data_source(b, position, &INLINE_POLICY) {
                Ok(document) => Inline::Known(S3PolicyState::Set { document }),
                Err(unknown) => Inline::UnknownAs(unknown),
            }
        }
        // Known and empty: no policy.
        None => inline_state(i, &[INLINE_POLICY]),
    };
    let policy = settle(
        i,
        policy,
        &INLINE_POLICY,
        &mut unknown,
        defaults.policy,
        || S3PolicyState::None,
    );

    let versioning = match i.block("versioning") {
        _ if configured_unknown(i, &[INLINE_VERSIONING]).is_some() => {
            Inline::Unknown(INLINE_VERSIONING)
        }
        Some(block) => Inline::Known(S3Versioning {
            // Provider 3 cannot tell Suspended from never enabled: neither is Enabled.
            status: if block_bool(Some(block), "enabled") == Some(true) {
                "Enabled"
            } else {
                "Off"
            }
            .to_string(),
            mfa_delete: block_bool(Some(block), "mfa_delete"),
        }),
        None => inline_state(i, &[INLINE_VERSIONING]),
    };
    let versioning = settle(
        i,
        versioning,
        &INLINE_VERSIONING,
        &mut unknown,
        defaults.versioning,
        || S3Versioning {
            status: "Off".to_string(),
            mfa_delete: None,
        },
    );

    let logging = match i.block("logging") {
        Some(block) => {
            let path = [
                Step::Key("logging"),
                Step::At(0),
                Step::Key("target_bucket"),
            ];
            let target = match block_str(Some(block), "target_bucket") {
                Some(target) => Some(target.to_string()),
                // A bucket of the plan, whose id is not known yet: its name.
                None if i.unknown_within(&path) => {
                    nested_reference(b, position, &path, BUCKET.types).map(|c| {
                        let target = &b.instances[c];
                        target.str("bucket").unwrap_or(&target.address).to_string()
                    })
                }
                None => None,
            };
            if target.is_none() && i.unknown_within(&path) {
                Inline::Unknown(INLINE_LOGGING)
            } else {
                Inline::Known(S3Logging {
                    target_bucket: target,
                    target_prefix: block_str(Some(block), "target_prefix").map(str::to_string),
                })
            }
        }
        None => inline_state(i, &[INLINE_LOGGING]),
    };
    let logging = settle(
        i,
        logging,
        &INLINE_LOGGING,
        &mut unknown,
        defaults.logging,
        || S3Logging {
            target_bucket: None,
            target_prefix: None,
        },
    );

    let encryption = match i.value(&[
        Step::Key(INLINE_ENCRYPTION.attribute),
        Step::At(0),
        Step::Key("rule"),
        Step::At(0),
    ]) {
        Some(rule) => {
            let by_default = [
                Step::Key(INLINE_ENCRYPTION.attribute),
                Step::At(0),
                Step::Key("rule"),
                Step::At(0),
                Step::Key("apply_server_side_encryption_by_default"),
                Step::At(0),
            ];
            let algorithm = [&by_default[..], &[Step::Key("sse_algorithm")]].concat();
            let key = [&by_default[..], &[Step::Key("kms_master_key_id")]].concat();
            let planned_key = if i.value(&key).is_none() && i.unknown_within(&key) {
                // A key created in the same plan has no id yet: its address stands in.
                nested_reference(b, position, &key, KMS_KEY_TYPES)
                    .map(|c| Some(b.instances[c].address.clone()))
                    .ok_or(())
            } else {
                Ok(None)
            };
            match planned_key {
                _ if i.value(&algorithm).is_none() && i.unknown_within(&algorithm) => {
                    Inline::Unknown(INLINE_ENCRYPTION)
                }
                Ok(key) => Inline::Known(encryption_of_rule(rule, key)),
                Err(()) => Inline::Unknown(INLINE_ENCRYPTION),
            }
        }
        None => inline_state(i, &[INLINE_ENCRYPTION]),
    };
    let default_encryption = settle(
        i,
        encryption,
        &INLINE_ENCRYPTION,
        &mut unknown,
        defaults.default_encryption,
        || S3DefaultEncryption {
            algorithm: None,
            kms_key_id: None,
            bucket_key_enabled: None,
        },
    );

    // No inline form: a new bucket has the defaults, an existing one what it has.
    let (public_access_block, object_ownership) = if i.created {
        (defaults.public_access_block, defaults.object_ownership)
    } else {
        for part in [Part::PublicAccessBlock, Part::Ownership] {
            unknown.push(not_in_plan(i, part));
        }
        (None, None)
    };
    let config = ResourceConfig::S3Bucket(S3Bucket {
        name: defaults.name,
        creation_date: None,
        acl,
        policy,
        public_access_block,
        default_encryption,
        versioning,
        logging,
        object_ownership,
    });
    b.push_primary(position, config, unknown, name);
}

/// An inline value of the bucket, as the plan states it.
enum Inline<T> {
    /// Set to this.
    Known(T),
    /// Known to be empty or null.
    Empty,
    /// Known only after apply, at this attribute.
    Unknown(UnknownField),
    /// Known only after apply, as described.
    UnknownAs(UnknownValue),
    /// Set to a value soc2scan cannot read (described).
    Unreadable(String),
}

/// The first of `fields` whose attribute the configuration sets and the plan knows only
/// after apply (in part).
fn configured_unknown(i: &Instance<'_>, fields: &[UnknownField]) -> Option<UnknownField> {
    fields
        .iter()
        .find(|f| i.is_unknown(f.attribute) && i.configured(f.attribute))
        .copied()
}

/// An inline value without a value: unknown at the first of `fields` that is, else empty.
fn inline_state<T>(i: &Instance<'_>, fields: &[UnknownField]) -> Inline<T> {
    match fields.iter().find(|f| i.is_unknown(f.attribute)) {
        Some(field) => Inline::Unknown(*field),
        None => Inline::Empty,
    }
}

/// The value of one inline part. A known value is what it is. For a bucket the plan
/// creates, no value, or one known only after apply that the configuration does not set
/// (the provider computes it, from S3's defaults or the split resources), is the `default`
/// of new buckets. An existing bucket's empty value is "not configured" (`empty`).
/// Anything else is unknown.
fn settle<T>(
    i: &Instance<'_>,
    value: Inline<T>,
    field: &UnknownField,
    unknown: &mut Vec<UnknownValue>,
    default: Option<T>,
    empty: impl FnOnce() -> T,
) -> Option<T> {
    match value {
        Inline::Known(value) => Some(value),
        Inline::Empty if i.created => default,
        Inline::Empty => Some(empty()),
        Inline::Unknown(f) if i.created && !i.configured(f.attribute) => default,
        Inline::Unknown(f) => {
            unknown.push(i.unknown(&f));
            None
        }
        Inline::UnknownAs(value) => {
            unknown.push(value);
            None
        }
        Inline::Unreadable(why) => {
            unknown.push(i.unknown_at(field, format!("{} {why}", i.attribute(field.attribute))));
            None
        }
    }
}

/// A part of an existing bucket the plan does not show, named after the split type that
/// would.
fn not_in_plan(i: &Instance<'_>, part: Part) -> UnknownValue {
    i.unknown_at(
        &part.not_in_plan(),
        format!(
            "{} (an existing bucket: its {} is not in the plan without an {})",
            i.address,
            part.label(),
            part.split_type()
        ),
    )
}

/// The grants of an inline `grant` block (provider 3): one per permission.
fn inline_grants(grant: &Value) -> Vec<S3AclGrant> {
    let grantee_type = block_str(Some(grant), "type").unwrap_or("CanonicalUser");
    let grantee = match grantee_type {
        "Group" => block_str(Some(grant), "uri"),
        "CanonicalUser" => block_str(Some(grant), "id"),
        _ => None,
    };
    strings(grant.get("permissions"))
        .into_iter()
        .map(|permission| S3AclGrant {
            grantee_type: grantee_type.to_string(),
            grantee: grantee.map(str::to_string),
            permission: permission.to_string(),
        })
        .collect()
}

/// The group URI of the S3 log delivery group.
const LOG_DELIVERY: &str = "http://acs.amazonaws.com/groups/s3/LogDelivery";

/// The grants of a canned ACL beside the owner's own (`None` for a name S3 does not
/// define).
fn canned_acl(name: &str) -> Option<S3Acl> {
    let group = |uri: &str, permission: &str| S3AclGrant {
        grantee_type: "Group".to_string(),
        grantee: Some(uri.to_string()),
        permission: permission.to_string(),
    };
    let grants = match name {
        "private" | "bucket-owner-read" | "bucket-owner-full-control" | "aws-exec-read" => vec![],
        "public-read" => vec![group(S3_ALL_USERS, "READ")],
        "public-read-write" => vec![group(S3_ALL_USERS, "READ"), group(S3_ALL_USERS, "WRITE")],
        "authenticated-read" => vec![group(S3_AUTHENTICATED_USERS, "READ")],
        "log-delivery-write" => vec![
            group(LOG_DELIVERY, "WRITE"),
            group(LOG_DELIVERY, "READ_ACP"),
        ],
        _ => return None,
    };
    Some(S3Acl { grants })
}

/// The default encryption of one `rule` block; `key` replaces its KMS key when given.
fn encryption_of_rule(rule: &Value, key: Option<String>) -> S3DefaultEncryption {
    let default = rule
        .get("apply_server_side_encryption_by_default")
        .and_then(|d| d.get(0));
    S3DefaultEncryption {
        algorithm: block_str(default, "sse_algorithm").map(str::to_string),
        kms_key_id: key.or_else(|| block_str(default, "kms_master_key_id").map(str::to_string)),
        bucket_key_enabled: block_bool(Some(rule), "bucket_key_enabled"),
    }
}

fn parse_policy(text: &str) -> Option<PolicyDocument> {
    PolicyDocument::parse(text).ok()
}

/// The bucket a split resource configures: in the plan; outside it (a bucket of its own,
/// defined where the first split resource for it is, whose other parts are unknown); or,
/// when its `bucket` is known only after apply and references no planned bucket, `None`
/// — the part is then unknown on every bucket.
fn split_target(b: &mut Builder<'_>, position: usize, part: Part) -> Option<usize> {
    match b.target(position, &BUCKET) {
        Target::Resource(index) => Some(index),
        Target::Outside(name) => Some(outside_bucket(b, position, name)),
        Target::Unknown => {
            let i = &b.instances[position];
            let value = i.unknown_at(&part.bucket_unknown(), i.attribute(BUCKET.attribute));
            b.spread_unknown(BucketKind, value);
            None
        }
    }
}

/// A bucket outside the plan, checked as a bucket of its own with only the parts the
/// plan's split resources set.
fn outside_bucket(b: &mut Builder<'_>, position: usize, name: String) -> usize {
    let i = &b.instances[position];
    let id = i.address.clone();
    let unknown = Part::ALL
        .iter()
        .map(|&part| {
            i.unknown_at(
                &part.not_in_plan(),
                format!(
                    "{} (a bucket outside the plan: its {} is not in the plan without an {})",
                    i.attribute(BUCKET.attribute),
                    part.label(),
                    part.split_type()
                ),
            )
        })
        .collect();
    let config = ResourceConfig::S3Bucket(S3Bucket {
        name: name.clone(),
        creation_date: None,
        acl: None,
        policy: None,
        public_access_block: None,
        default_encryption: None,
        versioning: None,
        logging: None,
        object_ownership: None,
    });
    let index = b.push(position, id, config, unknown);
    b.by_value.insert((BucketKind, name), index);
    index
}

/// Sets one part of the bucket at `index`: the split resource is what S3 will have, so
/// what the bucket block said of the part (its unknowns included) no longer counts.
fn set_part(
    b: &mut Builder<'_>,
    index: usize,
    part: Part,
    unknown: Vec<UnknownValue>,
    set: impl FnOnce(&mut S3Bucket),
) {
    if let ResourceConfig::S3Bucket(bucket) = &mut b.resources[index].config {
        set(bucket);
    }
    let planned = &mut b.planned[index];
    planned.unknown.retain(|u| !part.covers(u));
    planned.unknown.extend(unknown);
}

/// The unknowns among `fields` of the instance at `position`.
fn unknowns(b: &Builder<'_>, position: usize, fields: &[UnknownField]) -> Vec<UnknownValue> {
    let i = &b.instances[position];
    fields
        .iter()
        .filter(|f| i.is_unknown(f.attribute))
        .map(|f| i.unknown(f))
        .collect()
}

fn acl(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let mut unknown = Vec::new();
    let grants = if let Some(canned) = i.str("acl") {
        match canned_acl(canned) {
            Some(acl) => Some(acl),
            None => {
                unknown.push(i.unknown_at(
                    &ACL_CANNED,
                    format!(
                        "{} (canned ACL {canned:?} is not one S3 defines)",
                        i.attribute("acl")
                    ),
                ));
                None
            }
        }
    } else if let Some(policy) = i.block("access_control_policy") {
        if i.is_unknown(ACL_POLICY.attribute) {
            unknown.push(i.unknown(&ACL_POLICY));
            None
        } else {
            Some(S3Acl {
                grants: policy
                    .get("grant")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(policy_grant)
                    .collect(),
            })
        }
    } else {
        for field in [ACL_CANNED, ACL_POLICY] {
            if i.is_unknown(field.attribute) && i.configured(field.attribute) {
                unknown.push(i.unknown(&field));
            }
        }
        // Neither set nor unknown: the provider's default, `private`.
        unknown.is_empty().then(S3Acl::default)
    };
    if let Some(index) = split_target(b, position, Part::Acl) {
        set_part(b, index, Part::Acl, unknown, |bucket| bucket.acl = grants);
    }
}

/// One grant of an `access_control_policy`.
fn policy_grant(grant: &Value) -> Option<S3AclGrant> {
    let grantee = grant.get("grantee").and_then(|g| g.get(0));
    let grantee_type = block_str(grantee, "type")?.to_string();
    Some(S3AclGrant {
        grantee: match grantee_type.as_str() {
            "Group" => block_str(grantee, "uri").map(str::to_string),
            "CanonicalUser" => block_str(grantee, "id").map(str::to_string),
            // E-mail addresses are personal data: not recorded.
            _ => None,
        },
        grantee_type,
        permission: block_str(Some(grant), "permission")?.to_string(),
    })
}

fn policy(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let (state, unknown) = match i.str(POLICY.attribute) {
        Some(text) => match parse_policy(text) {
            Some(document) => (Some(S3PolicyState::Set { document }), vec![]),
            None => (
                None,
                vec![i.unknown_at(
                    &POLICY,
                    format!(
                        "{} (not a policy document soc2scan can read)",
                        i.attribute(POLICY.attribute)
                    ),
                )],
            ),
        },
        None => match policy_from_data_source(b, position, &POLICY) {
            Ok(document) => (Some(S3PolicyState::Set { document }), vec![]),
            Err(unknown) => (None, vec![unknown]),
        },
    };
    if let Some(index) = split_target(b, position, Part::Policy) {
        set_part(b, index, Part::Policy, unknown, |bucket| {
            bucket.policy = state
        });
    }
}

fn public_access_block(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let setting = |name: &str| i.bool(name).unwrap_or(false);
    let block = S3PublicAccessBlock {
        block_public_acls: setting(BLOCK_SETTINGS[0]),
        ignore_public_acls: setting(BLOCK_SETTINGS[1]),
        block_public_policy: setting(BLOCK_SETTINGS[2]),
        restrict_public_buckets: setting(BLOCK_SETTINGS[3]),
    };
    let unknown = unknowns(b, position, &BLOCK_UNKNOWN[..4]);
    let value = unknown.is_empty().then_some(block);
    if let Some(index) = split_target(b, position, Part::PublicAccessBlock) {
        set_part(b, index, Part::PublicAccessBlock, unknown, |bucket| {
            bucket.public_access_block = value
        });
    }
}

fn versioning(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let configuration = i.block("versioning_configuration");
    let status = block_str(configuration, "status");
    let unknown_status = status.is_none()
        && i.unknown_within(&[
            Step::Key("versioning_configuration"),
            Step::At(0),
            Step::Key("status"),
        ]);
    let unknown = if unknown_status {
        vec![i.unknown(&VERSIONING_STATUS)]
    } else {
        vec![]
    };
    let value = (!unknown_status).then(|| S3Versioning {
        status: match status {
            Some("Enabled") => "Enabled",
            Some("Suspended") => "Suspended",
            _ => "Off",
        }
        .to_string(),
        mfa_delete: block_str(configuration, "mfa_delete").map(|m| m == "Enabled"),
    });
    if let Some(index) = split_target(b, position, Part::Versioning) {
        set_part(b, index, Part::Versioning, unknown, |bucket| {
            bucket.versioning = value
        });
    }
}

fn logging(b: &mut Builder<'_>, position: usize) {
    let target = b.target(position, &LOG_TARGET);
    let i = &b.instances[position];
    let mut unknown = Vec::new();
    let target_bucket = match target {
        Target::Resource(index) => match &b.resources[index].config {
            ResourceConfig::S3Bucket(bucket) => Some(bucket.name.clone()),
            _ => None,
        },
        Target::Outside(name) => Some(name),
        Target::Unknown => {
            unknown.push(i.unknown(&LOGGING_TARGET));
            None
        }
    };
    let value = unknown.is_empty().then(|| S3Logging {
        target_bucket,
        target_prefix: i.str("target_prefix").map(str::to_string),
    });
    if let Some(index) = split_target(b, position, Part::Logging) {
        set_part(b, index, Part::Logging, unknown, |bucket| {
            bucket.logging = value
        });
    }
}

fn encryption(b: &mut Builder<'_>, position: usize) {
    use Step::{At, Key};
    let i = &b.instances[position];
    let mut unknown = Vec::new();
    // `rule` is a set: its first element is the rule (S3 takes one).
    let rule = i.value(&[Key("rule"), At(0)]);
    let by_default = [
        Key("rule"),
        At(0),
        Key("apply_server_side_encryption_by_default"),
        At(0),
    ];
    let algorithm_path = [&by_default[..], &[Key("sse_algorithm")]].concat();
    let key_path = [&by_default[..], &[Key("kms_master_key_id")]].concat();
    let algorithm = i.value(&algorithm_path).and_then(Value::as_str);
    let algorithm_unknown = algorithm.is_none() && i.unknown_within(&algorithm_path);
    if algorithm_unknown {
        unknown.push(i.unknown(&ENCRYPTION_ALGORITHM));
    }
    let mut key = i
        .value(&key_path)
        .and_then(Value::as_str)
        .map(str::to_string);
    if key.is_none() && i.unknown_within(&key_path) {
        // A key created in the same plan has no id yet: its address stands in for it.
        key = nested_reference(b, position, &key_path, KMS_KEY_TYPES)
            .map(|c| b.instances[c].address.clone());
        if key.is_none() {
            unknown.push(i.unknown(&ENCRYPTION_KEY));
        }
    }
    let value = (!algorithm_unknown).then(|| S3DefaultEncryption {
        // Without a readable rule S3 keeps SSE-S3, the floor every bucket has.
        algorithm: Some(algorithm.unwrap_or("AES256").to_string()),
        kms_key_id: key,
        bucket_key_enabled: rule.and_then(|r| block_bool(Some(r), "bucket_key_enabled")),
    });
    if let Some(index) = split_target(b, position, Part::Encryption) {
        set_part(b, index, Part::Encryption, unknown, |bucket| {
            bucket.default_encryption = value
        });
    }
}

/// The instance of one of `types` that the expression of a nested attribute references
/// (`rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id`).
fn nested_reference(
    b: &Builder<'_>,
    position: usize,
    path: &[Step<'_>],
    types: &[&str],
) -> Option<usize> {
    let i = &b.instances[position];
    let mut expression = i.config?.get("expressions")?;
    for step in path {
        expression = match step {
            Step::Key(key) => expression.get(*key)?,
            Step::At(n) => expression.get(*n)?,
        };
    }
    strings(expression.get("references"))
        .into_iter()
        .find_map(|reference| {
            let (rtype, name, key) = managed_reference(reference)?;
            if !types.contains(&rtype) {
                return None;
            }
            let candidates = b.by_block.get(&(i.module_address, rtype, name))?;
            pick_by_key(i, key, candidates, |&c| b.instances[c].key_text()).copied()
        })
}

fn ownership(b: &mut Builder<'_>, position: usize) {
    use Step::{At, Key};
    let i = &b.instances[position];
    let path = [Key("rule"), At(0), Key("object_ownership")];
    let value = i.value(&path).and_then(Value::as_str).map(str::to_string);
    let unknown = if value.is_none() && i.unknown_within(&path) {
        vec![i.unknown(&OWNERSHIP)]
    } else {
        vec![]
    };
    if value.is_none() && unknown.is_empty() {
        // No rule: the resource sets nothing.
        return;
    }
    if let Some(index) = split_target(b, position, Part::Ownership) {
        set_part(b, index, Part::Ownership, unknown, |bucket| {
            bucket.object_ownership = value
        });
    }
}

fn account_public_access_block(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let setting = |name: &str| i.bool(name).unwrap_or(false);
    let unknown = unknowns(b, position, ACCOUNT_BLOCK_UNKNOWN);
    let config = ResourceConfig::S3AccountPublicAccessBlock(S3AccountPublicAccessBlock {
        configured: true,
        settings: S3PublicAccessBlock {
            block_public_acls: setting(BLOCK_SETTINGS[0]),
            ignore_public_acls: setting(BLOCK_SETTINGS[1]),
            block_public_policy: setting(BLOCK_SETTINGS[2]),
            restrict_public_buckets: setting(BLOCK_SETTINGS[3]),
        },
    });
    b.push_primary(position, config, unknown, None);
}

/// The document of a policy attribute known only after apply, rebuilt from the
/// `aws_iam_policy_document` data source it references when the plan reads that only
/// during apply but knows its statements; else the unknown to record (naming the data
/// source's unknown argument when that is why).
fn policy_from_data_source(
    b: &Builder<'_>,
    position: usize,
    field: &UnknownField,
) -> Result<PolicyDocument, UnknownValue> {
    let i = &b.instances[position];
    for reference in i.references(field.attribute) {
        let Some((rtype, name, key)) = data_reference(reference) else {
            continue;
        };
        if rtype != "aws_iam_policy_document" {
            continue;
        }
        let Some(candidates) = b.data.get(&(i.module_address, rtype, name)) else {
            continue;
        };
        let Some(source) = pick_by_key(i, key, candidates, |c| c.index.and_then(index_text)) else {
            continue;
        };
        return render_policy_document(source).map_err(|unknown_argument| {
            i.unknown_at(
                field,
                format!(
                    "{unknown_argument} (the {} of {})",
                    field.attribute, i.address
                ),
            )
        });
    }
    Err(i.unknown(field))
}

/// The JSON an `aws_iam_policy_document` will render, from its planned arguments, the way
/// the provider renders it; `Err` names the first argument that is known only after apply
/// or that soc2scan does not merge (source and override documents).
fn render_policy_document(source: &RawInstance<'_>) -> Result<PolicyDocument, String> {
    let after = source.after;
    let unknown = source.unknown;
    let at = |path: &str| format!("{}.{path}", source.address);
    for merged in [
        "source_policy_documents",
        "override_policy_documents",
        "source_json",
        "override_json",
    ] {
        let set = match after.get(merged) {
            Some(Value::String(text)) => !text.is_empty(),
            Some(Value::Array(items)) => !items.is_empty(),
            _ => false,
        };
        if set || first_unknown(unknown.get(merged)).is_some() {
            return Err(at(merged));
        }
    }
    for plain in ["version", "policy_id"] {
        if first_unknown(unknown.get(plain)).is_some() {
            return Err(at(plain));
        }
    }
    if let Some(path) = first_unknown(unknown.get("statement")) {
        return Err(at(&format!("statement{path}")));
    }
    let statements: Vec<Value> = after
        .get("statement")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(render_statement)
        .collect();
    let mut document = Map::new();
    document.insert(
        "Version".into(),
        json!(block_str(Some(after), "version").unwrap_or("2012-10-17")),
    );
    if let Some(id) = block_str(Some(after), "policy_id") {
        document.insert("Id".into(), json!(id));
    }
    document.insert("Statement".into(), Value::Array(statements));
    serde_json::from_value(Value::Object(document))
        .map_err(|_| at("statement (not a policy document soc2scan can read)"))
}

/// Where inside an `after_unknown` value the first unknown is (`""` for the value itself,
/// `[0].resources` inside it).
fn first_unknown(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Bool(true) => Some(String::new()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(n, item)| first_unknown(Some(item)).map(|rest| format!("[{n}]{rest}"))),
        Value::Object(map) => map
            .iter()
            .find_map(|(key, item)| first_unknown(Some(item)).map(|rest| format!(".{key}{rest}"))),
        _ => None,
    }
}

/// One statement block as the provider renders it: one-element lists as strings,
/// `principals` by type (`type = "*"` is `"Principal": "*"`), conditions by test and key.
fn render_statement(statement: &Value) -> Value {
    let mut out = Map::new();
    let list = |key: &str| -> Option<Value> {
        let items = strings(statement.get(key));
        match items.as_slice() {
            [] => None,
            [one] => Some(json!(one)),
            many => Some(json!(many)),
        }
    };
    if let Some(sid) = block_str(Some(statement), "sid") {
        out.insert("Sid".into(), json!(sid));
    }
    out.insert(
        "Effect".into(),
        json!(block_str(Some(statement), "effect").unwrap_or("Allow")),
    );
    for (key, name) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        if let Some(value) = list(key) {
            out.insert(name.into(), value);
        }
    }
    for (key, name) in [
        ("principals", "Principal"),
        ("not_principals", "NotPrincipal"),
    ] {
        if let Some(value) = render_principals(statement.get(key)) {
            out.insert(name.into(), value);
        }
    }
    let mut conditions: Map<String, Value> = Map::new();
    for condition in statement
        .get("condition")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (Some(test), Some(variable)) = (
            block_str(Some(condition), "test"),
            block_str(Some(condition), "variable"),
        ) else {
            continue;
        };
        let values = strings(condition.get("values"));
        let entry = conditions
            .entry(test.to_string())
            .or_insert_with(|| json!({}));
        if let Value::Object(keys) = entry {
            let value = match values.as_slice() {
                [one] => json!(one),
                many => json!(many),
            };
            keys.insert(variable.to_string(), value);
        }
    }
    if !conditions.is_empty() {
        out.insert("Condition".into(), Value::Object(conditions));
    }
    Value::Object(out)
}

fn render_principals(blocks: Option<&Value>) -> Option<Value> {
    let blocks = blocks.and_then(Value::as_array).filter(|b| !b.is_empty())?;
    let mut by_type: Map<String, Value> = Map::new();
    for block in blocks {
        let kind = block_str(Some(block), "type").unwrap_or("AWS");
        let identifiers = strings(block.get("identifiers"));
        if kind == "*" {
            return Some(json!("*"));
        }
        let entry = by_type.entry(kind.to_string()).or_insert_with(|| json!([]));
        if let Value::Array(items) = entry {
            items.extend(identifiers.into_iter().map(|id| json!(id)));
        }
    }
    for value in by_type.values_mut() {
        if let Value::Array(items) = value {
            if items.len() == 1 {
                *value = items.remove(0);
            }
        }
    }
    Some(Value::Object(by_type))
}
