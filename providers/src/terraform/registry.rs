//! The registry of supported Terraform types: each service module declares its
//! [`TypeMapping`]s (the types, the kinds they become or join, how they are mapped, the
//! model fields they can leave unknown, their line in docs/terraform.md), and [`SERVICES`]
//! lists the services. A new service is one module and one line there.

use super::adapt::Builder;
use super::{aws, google};
use crate::model::ResourceKind;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Every service's mappings, in the order of the table in docs/terraform.md.
pub(super) const SERVICES: &[&[TypeMapping]] = &[
    aws::ec2::TYPES,
    aws::iam::TYPES,
    aws::s3::TYPES,
    aws::rds::TYPES,
    aws::kms::TYPES,
    aws::dynamodb::TYPES,
    aws::efs::TYPES,
    aws::backup::TYPES,
    aws::cloudtrail::TYPES,
    aws::secretsmanager::TYPES,
    aws::elbv2::TYPES,
    aws::lambda::TYPES,
    google::storage::TYPES,
];

/// Maps the instance at a position of the builder.
pub(super) type MapFn = fn(&mut Builder<'_>, usize);

/// Terraform types mapped the same way.
pub(super) struct TypeMapping {
    /// The Terraform resource types.
    pub types: &'static [&'static str],
    /// The kinds the types become, or the kinds of the resources they join.
    pub kinds: &'static [ResourceKind],
    /// Maps an instance to resources of its own, in the first pass (`None` for a type that
    /// only joins others).
    pub resource: Option<MapFn>,
    /// Joins an instance to the resources it belongs to, in the second pass, once every
    /// resource it may join exists.
    pub relation: Option<MapFn>,
    /// Every model field an instance can leave known only after apply.
    pub unknown: &'static [UnknownField],
    /// What the types become, for the "model kind" column of docs/terraform.md.
    pub becomes: &'static str,
    /// The "notes" column of docs/terraform.md.
    pub notes: &'static str,
}

/// A model field the adapter can mark known only after apply, on a resource of `kind`,
/// and the Terraform attribute behind it (relative to the instance; `[N]` stands for an
/// index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct UnknownField {
    /// The kind of the resource that carries the unknown value.
    pub kind: ResourceKind,
    /// The model field (a dotted path into the kind's configuration).
    pub field: &'static str,
    /// The Terraform attribute whose unknown value makes the field unknown.
    pub attribute: &'static str,
}

impl UnknownField {
    /// For the tables of the service modules.
    pub(super) const fn new(
        kind: ResourceKind,
        field: &'static str,
        attribute: &'static str,
    ) -> UnknownField {
        UnknownField {
            kind,
            field,
            attribute,
        }
    }
}

/// The mapping of a Terraform type; `None` for an unsupported type.
pub(super) fn mapping(rtype: &str) -> Option<&'static TypeMapping> {
    // Built once: a plan of 10,000 instances looks a type up 20,000 times.
    static BY_TYPE: OnceLock<HashMap<&'static str, &'static TypeMapping>> = OnceLock::new();
    BY_TYPE
        .get_or_init(|| {
            all()
                .flat_map(|mapping| mapping.types.iter().map(move |&t| (t, mapping)))
                .collect()
        })
        .get(rtype)
        .copied()
}

/// Every mapping, in table order.
pub(super) fn all() -> impl Iterator<Item = &'static TypeMapping> {
    SERVICES.iter().flat_map(|service| service.iter())
}

/// The supported-types table of docs/terraform.md.
pub(super) fn supported_types_markdown() -> String {
    let mut out = String::from("| Terraform type | model kind | notes |\n|---|---|---|\n");
    for mapping in all() {
        let types: Vec<String> = mapping.types.iter().map(|t| format!("`{t}`")).collect();
        let notes = if mapping.notes.is_empty() {
            String::new()
        } else {
            format!(" {}", mapping.notes)
        };
        out.push_str(&format!(
            "| {} | {} |{notes} |\n",
            types.join(", "),
            mapping.becomes
        ));
    }
    out
}
