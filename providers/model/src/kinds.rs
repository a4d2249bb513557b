//! The kinds table: [`resource_kinds!`] turns one line per kind into the [`ResourceKind`]
//! enum, the [`ResourceConfig`] enum and everything that maps between them, so a kind is
//! declared in exactly one place.
//!
//! [`ResourceKind`]: crate::ResourceKind
//! [`ResourceConfig`]: crate::ResourceConfig

/// Declares every resource kind. Each entry names:
///
/// - `name`: the snake_case name used in snapshots, reports and the `config` key;
/// - `provider`, `service` (`ec2`, `iam`, `gcs`) and `scope` (`Regional` or `Global`: the
///   region of its coverage unit);
/// - `label` (a human name) and `canonical_id` (the form of its resources' ids, for
///   docs/snapshot-format.md);
/// - `config`: the configuration type, which lives in its own file; a kind without one is
///   coverage-only (a unit whose data fills other resources, such as the IAM credential
///   report);
/// - `native_id`: the configuration field holding the provider's own short id, if any.
macro_rules! resource_kinds {
    ($(
        $(#[$doc:meta])*
        $variant:ident {
            name: $name:literal, provider: $provider:ident, service: $service:literal,
            scope: $scope:ident, label: $label:literal, canonical_id: $canonical_id:literal
            $(, config: $config:ident $(, native_id: $native_id:ident)?)? $(,)?
        }
    ),+ $(,)?) => {
        /// A kind of resource, and the unit of collection that the coverage table tracks.
        ///
        /// Coverage-only kinds ([`ResourceKind::is_coverage_only`]) never appear as a
        /// resource, but rules that read them are `NotEvaluated` when they failed.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum ResourceKind {
            $( $(#[$doc])* #[serde(rename = $name)] $variant, )+
        }

        impl ResourceKind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [ResourceKind] = &[$(ResourceKind::$variant),+];

            /// The snake_case name used in snapshots and reports.
            pub fn as_str(self) -> &'static str {
                match self { $(ResourceKind::$variant => $name,)+ }
            }

            /// The kind with this snake_case name.
            pub fn from_name(name: &str) -> Option<ResourceKind> {
                match name { $($name => Some(ResourceKind::$variant),)+ _ => None }
            }

            /// The provider this kind belongs to.
            pub fn provider(self) -> Provider {
                match self { $(ResourceKind::$variant => Provider::$provider,)+ }
            }

            /// The provider's service (`ec2`, `iam`, `gcs`).
            pub fn service(self) -> &'static str {
                match self { $(ResourceKind::$variant => $service,)+ }
            }

            /// Whether the kind is listed per region or once per account/project.
            pub fn collection_scope(self) -> CollectionScope {
                match self { $(ResourceKind::$variant => CollectionScope::$scope,)+ }
            }

            /// A human label ("EBS volume").
            pub fn label(self) -> &'static str {
                match self { $(ResourceKind::$variant => $label,)+ }
            }

            /// The form of the canonical ids of this kind's resources (Markdown), or
            /// "coverage only".
            pub fn canonical_id_form(self) -> &'static str {
                match self { $(ResourceKind::$variant => $canonical_id,)+ }
            }

            /// Whether the kind exists only in the coverage table (its data fills other
            /// resources), never as a resource.
            pub fn is_coverage_only(self) -> bool {
                #[allow(unreachable_patterns)]
                match self {
                    $($(ResourceKind::$variant => { let _ = stringify!($config); false })?)+
                    _ => true,
                }
            }
        }

        /// Kind-specific configuration. Serialised externally tagged, keyed by the kind's
        /// name: `{"ebs_volume": {...}}`.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub enum ResourceConfig {
            $($(
                #[doc = concat!("See [`", stringify!($config), "`].")]
                #[serde(rename = $name)]
                $variant($config),
            )?)+
        }

        impl ResourceConfig {
            /// The kind of this configuration.
            pub fn kind(&self) -> ResourceKind {
                match self {
                    $($(ResourceConfig::$variant(_) => { let _ = stringify!($config); ResourceKind::$variant })?)+
                }
            }

            /// The provider's own short id (`vol-…`, `sg-…`, user name, bucket name), if the
            /// kind has one.
            pub fn native_id(&self) -> Option<&str> {
                match self {
                    $($(ResourceConfig::$variant(_config) => {
                        resource_kinds!(@native_id _config $(, $native_id)?)
                    })?)+
                }
            }
        }
    };
    (@native_id $config:ident) => { None };
    (@native_id $config:ident, $field:ident) => { Some(&$config.$field) };
}

use crate::{CollectionScope, Provider, ResourceKind};

/// The kinds table of docs/snapshot-format.md (Markdown), generated from the kinds table so
/// the docs cannot drift from the code; a test compares the two.
pub fn kinds_markdown_table() -> String {
    let mut table = String::from(
        "| kind | provider / service | collected | canonical id |\n|---|---|---|---|\n",
    );
    for kind in ResourceKind::ALL {
        let collected = match (kind.collection_scope(), kind.provider()) {
            (CollectionScope::Regional, _) => "per region",
            (CollectionScope::Global, Provider::Aws) => "per account",
            (CollectionScope::Global, Provider::Gcp) => "per project",
        };
        table.push_str(&format!(
            "| `{}` | {} / {} | {} | {} |\n",
            kind.as_str(),
            kind.provider(),
            kind.service(),
            collected,
            kind.canonical_id_form()
        ));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_kinds_table_is_generated_from_the_kinds_table() {
        crate::docgen::check_generated_section(
            "docs/snapshot-format.md",
            "kinds",
            &kinds_markdown_table(),
        );
    }
    #[test]
    fn names_round_trip_and_every_configured_kind_serialises_under_its_name() {
        for &kind in ResourceKind::ALL {
            assert_eq!(ResourceKind::from_name(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).expect("serialises");
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(ResourceKind::from_name("s3_bucket_typo"), None);
        let coverage_only: Vec<&str> = ResourceKind::ALL
            .iter()
            .filter(|kind| kind.is_coverage_only())
            .map(|kind| kind.as_str())
            .collect();
        assert_eq!(
            coverage_only,
            [
                "s3_bucket_acl",
                "s3_bucket_policy",
                "s3_bucket_public_access_block",
                "s3_bucket_encryption",
                "s3_bucket_versioning",
                "s3_bucket_logging",
                "s3_bucket_ownership_controls",
                "kms_key_rotation",
                "kms_key_policy",
                "dynamodb_continuous_backups",
                "efs_backup_policy",
                "cloudtrail_trail_status",
                "cloudtrail_event_selectors",
                "logs_metric_filter",
                "elbv2_listeners",
                "elbv2_load_balancer_attributes",
                "lambda_function_policy",
                "lambda_function_url",
                "gcs_bucket_iam_policy"
            ]
        );
    }
}
