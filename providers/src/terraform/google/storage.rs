//! Cloud Storage types: buckets and the IAM members, bindings and policies of a bucket.

use crate::model::ResourceKind::GcsBucket as BucketKind;
use crate::model::*;
use crate::terraform::adapt::Builder;
use crate::terraform::instances::{block_bool, block_int, block_str, strings};
use crate::terraform::registry::{TypeMapping, UnknownField};
use crate::terraform::relations::{Link, Target};

/// The Cloud Storage types, in the order of docs/terraform.md.
pub(crate) const TYPES: &[TypeMapping] = &[
    TypeMapping {
        types: &["google_storage_bucket"],
        kinds: &[BucketKind],
        resource: Some(bucket),
        relation: None,
        unknown: BUCKET_UNKNOWN,
        becomes: "`gcs_bucket`",
        notes: "",
    },
    TypeMapping {
        types: &[
            "google_storage_bucket_iam_member",
            "google_storage_bucket_iam_binding",
            "google_storage_bucket_iam_policy",
        ],
        kinds: &[BucketKind],
        resource: None,
        relation: Some(bucket_iam),
        unknown: &[IAM_ROLE, IAM_MEMBER, IAM_MEMBERS, IAM_POLICY_DATA],
        becomes: "bindings of their bucket's IAM policy",
        notes:
            "a `google_storage_bucket_iam_policy` replaces the bucket's other bindings, as it does \
                in GCP",
    },
];

/// Each unknown field of a bucket, at the top-level attribute or block behind it.
const BUCKET_UNKNOWN: &[UnknownField] = &[
    UnknownField::new(
        BucketKind,
        "uniform_bucket_level_access",
        "uniform_bucket_level_access",
    ),
    UnknownField::new(
        BucketKind,
        "public_access_prevention",
        "public_access_prevention",
    ),
    UnknownField::new(BucketKind, "versioning_enabled", "versioning"),
    UnknownField::new(
        BucketKind,
        "soft_delete_retention_seconds",
        "soft_delete_policy",
    ),
    UnknownField::new(BucketKind, "default_kms_key", "encryption"),
    UnknownField::new(BucketKind, "logging", "logging"),
    UnknownField::new(BucketKind, "retention_policy", "retention_policy"),
];

const IAM_ROLE: UnknownField = UnknownField::new(BucketKind, "iam_policy", "role");
const IAM_MEMBER: UnknownField = UnknownField::new(BucketKind, "iam_policy", "member");
const IAM_MEMBERS: UnknownField = UnknownField::new(BucketKind, "iam_policy", "members");
const IAM_POLICY_DATA: UnknownField = UnknownField::new(BucketKind, "iam_policy", "policy_data");

const BUCKET: Link = Link {
    attribute: "bucket",
    kind: BucketKind,
    types: &["google_storage_bucket"],
    // The provider may name a bucket by its resource path.
    value_prefix: "b/",
};

fn bucket(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let uniform = i.bool("uniform_bucket_level_access");
    let prevention = i.str("public_access_prevention");
    let versioning = block_bool(i.block("versioning"), "enabled");
    let soft_delete = block_int(i.block("soft_delete_policy"), "retention_duration_seconds");
    let kms = block_str(i.block("encryption"), "default_kms_key_name");
    let logging = i.block("logging");
    let retention = i.block("retention_policy").and_then(|policy| {
        Some(GcsRetentionPolicy {
            retention_period_seconds: block_int(Some(policy), "retention_period")?.max(0) as u64,
            is_locked: block_bool(Some(policy), "is_locked").unwrap_or(false),
        })
    });
    // In the order of BUCKET_UNKNOWN: whether each field's value is in the plan.
    let present = [
        uniform.is_some(),
        prevention.is_some(),
        versioning.is_some(),
        soft_delete.is_some(),
        kms.is_some(),
        logging.is_some(),
        retention.is_some(),
    ];
    let unknown = BUCKET_UNKNOWN
        .iter()
        .zip(present)
        .filter(|(field, present)| !present && i.is_unknown(field.attribute))
        .map(|(field, _)| i.unknown(field))
        .collect();
    let name = i.str("name").map(str::to_string);
    let config = ResourceConfig::GcsBucket(GcsBucket {
        name: name.clone().unwrap_or_else(|| i.address.clone()),
        location: i.str("location").unwrap_or("unknown").to_ascii_uppercase(),
        location_type: None,
        uniform_bucket_level_access: uniform.unwrap_or(false),
        public_access_prevention: prevention.unwrap_or("inherited").to_string(),
        versioning_enabled: versioning.unwrap_or(false),
        default_kms_key: kms.map(str::to_string),
        logging: block_str(logging, "log_bucket").map(|bucket| GcsLogging {
            log_bucket: bucket.to_string(),
            log_object_prefix: block_str(logging, "log_object_prefix").map(str::to_string),
        }),
        soft_delete_retention_seconds: soft_delete.map(|s| s.max(0) as u64),
        retention_policy: retention,
        create_time: None,
        update_time: None,
        // The plan manages the bucket's IAM through its own resources (added below).
        iam_policy: Some(GcsIamPolicy::default()),
    });
    b.push_primary(position, config, unknown, name);
}

fn bucket_iam(b: &mut Builder<'_>, position: usize) {
    let i = &b.instances[position];
    let rtype = i.rtype;
    let mut unknown = Vec::new();
    let mut note = |fields: &[UnknownField]| {
        for field in fields {
            if i.is_unknown(field.attribute) {
                unknown.push(i.unknown(field));
            }
        }
    };
    let condition = i.block("condition").and_then(|c| {
        Some(GcsIamCondition {
            title: block_str(Some(c), "title").map(str::to_string),
            expression: block_str(Some(c), "expression")?.to_string(),
        })
    });
    let bindings: Vec<GcsIamBinding> = match rtype {
        "google_storage_bucket_iam_member" => {
            note(&[IAM_ROLE, IAM_MEMBER]);
            match (i.str("role"), i.str("member")) {
                (Some(role), Some(member)) => vec![GcsIamBinding {
                    role: role.to_string(),
                    members: vec![member.to_string()],
                    condition,
                }],
                _ => vec![],
            }
        }
        "google_storage_bucket_iam_binding" => {
            note(&[IAM_ROLE, IAM_MEMBERS]);
            match i.str("role") {
                Some(role) => vec![GcsIamBinding {
                    role: role.to_string(),
                    members: strings(i.attr("members"))
                        .into_iter()
                        .map(str::to_string)
                        .collect(),
                    condition,
                }],
                None => vec![],
            }
        }
        _ => {
            let policy = i
                .str(IAM_POLICY_DATA.attribute)
                .and_then(|text| serde_json::from_str::<GcsIamPolicy>(text).ok());
            if policy.is_none() {
                unknown.push(i.unknown(&IAM_POLICY_DATA));
            }
            policy.map(|p| p.bindings).unwrap_or_default()
        }
    };
    if let Target::Resource(index) = b.target(position, &BUCKET) {
        if let ResourceConfig::GcsBucket(bucket) = &mut b.resources[index].config {
            let policy = bucket.iam_policy.get_or_insert_with(GcsIamPolicy::default);
            if rtype == "google_storage_bucket_iam_policy" {
                // An authoritative policy replaces every other binding.
                policy.bindings = bindings;
            } else {
                policy.bindings.extend(bindings);
            }
        }
        b.planned[index].unknown.extend(unknown);
    }
}
