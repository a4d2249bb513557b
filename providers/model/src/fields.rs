//! The field paths of each kind's configuration, read off the model types themselves.
//!
//! Rules name the fields their checks read (`encrypted`, `metadata_options.http_tokens`)
//! and the Terraform adapter names the fields a plan knows only after apply; both are
//! dotted paths into a kind's configuration. A misspelt name would silently never overlap
//! anything, so an unknown value could pass for a known one. [`is_field`] answers whether
//! a path exists, so tests can reject such names.
//!
//! The paths are not a hand-kept list: a small tracing [`Deserializer`] asks each
//! configuration type's own `Deserialize` implementation which fields it has. For every
//! derived struct serde passes the field names (as they appear in snapshots, after any
//! `rename`) to `deserialize_struct`; the tracer records them and then descends into one
//! field per pass, so the whole tree is walked without ever building a value.
//!
//! What a path is:
//! - a struct field, then `.` and a field of the struct inside it: `metadata_options`,
//!   `metadata_options.http_tokens`;
//! - `Option`s and lists are transparent: `ingress.from_port` is the `from_port` of the
//!   rules in `ingress`, `credentials.access_keys.last_used` goes through the optional
//!   credentials and the list of keys;
//! - values with a representation of their own are leaves — scalars, times, addresses,
//!   enums, maps, and types deserialised from any shape (IAM policy documents, the
//!   internally tagged `LastUsed`): `document` is a field, `document.Statement` is not;
//! - relations are fields too: data about a resource that the snapshot keeps in other
//!   resources (the flow logs recording a VPC), named by [`relations`].

use crate::{ResourceConfig, ResourceKind};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::cell::RefCell;
use std::fmt;
use std::sync::OnceLock;

/// Relations of a kind: fields whose values live in other resources of the snapshot, so
/// that a plan can know them only after apply (a flow log whose VPC is not known yet).
/// Each entry: the field name, and where its data comes from.
pub fn relations(kind: ResourceKind) -> &'static [(&'static str, &'static str)] {
    match kind {
        ResourceKind::Vpc => &[(
            "flow_logs",
            "the flow log resources whose resource_id is the VPC",
        )],
        _ => &[],
    }
}

/// Every field path of a kind's configuration (see the module docs), relations included,
/// sorted. Empty for coverage-only kinds, which have no configuration.
pub fn field_paths(kind: ResourceKind) -> &'static [String] {
    static PATHS: OnceLock<Vec<Vec<String>>> = OnceLock::new();
    let all = PATHS.get_or_init(|| ResourceKind::ALL.iter().map(|&k| trace_kind(k)).collect());
    &all[kind as usize]
}

/// Whether `path` names a field of the kind's configuration (see the module docs).
pub fn is_field(kind: ResourceKind, path: &str) -> bool {
    field_paths(kind)
        .binary_search_by(|field| field.as_str().cmp(path))
        .is_ok()
}

/// Whether `path` is a field with no fields inside it (a leaf: a scalar, a list of
/// scalars, or a value with its own representation, such as a policy document).
pub fn is_leaf_field(kind: ResourceKind, path: &str) -> bool {
    let prefix = format!("{path}.");
    is_field(kind, path) && !field_paths(kind).iter().any(|f| f.starts_with(&prefix))
}

fn trace_kind(kind: ResourceKind) -> Vec<String> {
    let mut paths: Vec<String> = relations(kind)
        .iter()
        .map(|(name, _)| name.to_string())
        .collect();
    // One probe per path: the configuration root, then each field found.
    let mut pending: Vec<Vec<&'static str>> = vec![Vec::new()];
    while let Some(path) = pending.pop() {
        match probe(kind, &path) {
            Some(Node::Struct(fields)) => {
                for field in fields {
                    let mut child = path.clone();
                    child.push(field);
                    pending.push(child);
                }
            }
            Some(Node::Leaf) | None => {}
        }
        if !path.is_empty() {
            paths.push(path.join("."));
        }
    }
    paths.sort();
    paths.dedup();
    paths
}

/// What the tracer found at the end of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    /// A struct with these fields (as serialised).
    Struct(&'static [&'static str]),
    /// Anything else.
    Leaf,
}

/// Deserialises the kind's configuration along `path`, and reports what is at its end.
/// `None` for a coverage-only kind (no variant of [`ResourceConfig`]).
fn probe(kind: ResourceKind, path: &[&'static str]) -> Option<Node> {
    let found = RefCell::new(None);
    let root = Root {
        variant: kind.as_str(),
        tracer: Tracer {
            path,
            found: &found,
        },
    };
    // Every probe ends in an error once it has recorded what it found: no value is built.
    let _ = ResourceConfig::deserialize(root);
    found.into_inner()
}

/// The tracer's error: it stops every probe.
#[derive(Debug)]
struct Stop(String);

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Stop(message.to_string())
    }
}

/// Deserialises [`ResourceConfig`] as the variant of one kind, whose content the tracer
/// walks.
struct Root<'a> {
    variant: &'static str,
    tracer: Tracer<'a>,
}

impl<'de> Deserializer<'de> for Root<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
        Err(Stop(
            "the configuration is an externally tagged enum".into(),
        ))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Stop> {
        visitor.visit_enum(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct identifier
        ignored_any
    }
}

impl<'de, 'a> de::EnumAccess<'de> for Root<'a> {
    type Error = Stop;
    type Variant = Tracer<'a>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Tracer<'a>), Stop> {
        let variant = seed.deserialize(de::value::StrDeserializer::<Stop>::new(self.variant))?;
        Ok((variant, self.tracer))
    }
}

impl<'de> de::VariantAccess<'de> for Tracer<'_> {
    type Error = Stop;

    fn unit_variant(self) -> Result<(), Stop> {
        Err(Stop("configurations are newtype variants".into()))
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, Stop> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value, Stop> {
        Err(Stop("configurations are newtype variants".into()))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Stop> {
        Err(Stop("configurations are newtype variants".into()))
    }
}

/// Walks `path` through structs (one field each), `Option`s and lists, and records what
/// the type at its end asks to be deserialised as.
#[derive(Clone, Copy)]
struct Tracer<'a> {
    path: &'a [&'static str],
    found: &'a RefCell<Option<Node>>,
}

impl Tracer<'_> {
    /// Records a leaf at the end of the path; a leaf in the middle means the path does not
    /// exist (it cannot happen for paths built from recorded fields).
    fn leaf<T>(self) -> Result<T, Stop> {
        if self.path.is_empty() {
            *self.found.borrow_mut() = Some(Node::Leaf);
        }
        Err(Stop("traced".into()))
    }
}

impl<'de> Deserializer<'de> for Tracer<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
        // A type that accepts several shapes (untagged or internally tagged enums, custom
        // implementations, JSON values): its inner structure is its own business.
        self.leaf()
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Stop> {
        match self.path.split_first() {
            None => {
                *self.found.borrow_mut() = Some(Node::Struct(fields));
                Err(Stop("traced".into()))
            }
            Some((field, rest)) => visitor.visit_map(OneField {
                key: Some(field),
                value: Tracer {
                    path: rest,
                    found: self.found,
                },
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Stop> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        visitor.visit_seq(OneElement(Some(self)))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
        self.leaf()
    }
    fn deserialize_i8<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
        self.leaf()
    }
    fn deserialize_i16<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
        self.leaf()
    }
    fn deserialize_i32<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
        self.leaf()
    }
    fn deserialize_i64<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
        self.leaf()
    }
    fn deserialize_u8<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
        self.leaf()
    }
    fn deserialize_u16<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
        self.leaf()
    }
    fn deserialize_u32<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
        self.leaf()
    }
    fn deserialize_u64<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
        self.leaf()
    }
    fn deserialize_f32<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
        self.leaf()
    }
    fn deserialize_f64<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
        self.leaf()
    }
    fn deserialize_char<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
        self.leaf()
    }
    fn deserialize_str<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
        self.leaf()
    }
    fn deserialize_string<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
        self.leaf()
    }
    fn deserialize_bytes<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
        self.leaf()
    }
    fn deserialize_byte_buf<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
        self.leaf()
    }
    fn deserialize_unit<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
        self.leaf()
    }
    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _visitor: V,
    ) -> Result<V::Value, Stop> {
        self.leaf()
    }
    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, Stop> {
        self.leaf()
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, Stop> {
        self.leaf()
    }
    fn deserialize_map<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
        // Keys of a map are data, not field names.
        self.leaf()
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Stop> {
        self.leaf()
    }
    fn deserialize_identifier<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
        self.leaf()
    }
    fn deserialize_ignored_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
        self.leaf()
    }
}

/// A struct's map with only the field the path goes through.
struct OneField<'a> {
    key: Option<&'static str>,
    value: Tracer<'a>,
}

impl<'de> MapAccess<'de> for OneField<'_> {
    type Error = Stop;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Stop> {
        match self.key.take() {
            Some(key) => seed
                .deserialize(de::value::StrDeserializer::<Stop>::new(key))
                .map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Stop> {
        seed.deserialize(self.value)
    }
}

/// A list with one element, the path's next step.
struct OneElement<'a>(Option<Tracer<'a>>);

impl<'de> SeqAccess<'de> for OneElement<'_> {
    type Error = Stop;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Stop> {
        match self.0.take() {
            Some(tracer) => seed.deserialize(tracer).map(Some),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Snapshot;
    use serde_json::Value;

    #[test]
    fn real_paths_are_fields_and_misspelt_ones_are_not() {
        use ResourceKind::*;
        for (kind, path) in [
            (EbsVolume, "encrypted"),
            (EbsVolume, "attachments.instance_id"),
            (Ec2Instance, "metadata_options"),
            (Ec2Instance, "metadata_options.http_tokens"),
            (Ec2Instance, "public_ip"),
            (SecurityGroup, "ingress"),
            (SecurityGroup, "ingress.ipv6_ranges"),
            (NetworkAcl, "entries.port_range.from"),
            (NetworkAcl, "entries.rule_action"),
            (IamUser, "credentials.access_keys"),
            (IamUser, "credentials.access_keys.last_used"),
            (IamUser, "credentials.password_last_used"),
            (IamUser, "attached_managed_policies.policy_arn"),
            (IamUser, "inline_policies.document"),
            (IamManagedPolicy, "document"),
            (IamPasswordPolicy, "policy.minimum_password_length"),
            (GcsBucket, "iam_policy.bindings.condition.expression"),
            (GcsBucket, "logging.log_bucket"),
            (Vpc, "flow_logs"),
        ] {
            assert!(is_field(kind, path), "{kind}: {path} should be a field");
        }
        for (kind, path) in [
            (EbsVolume, "encryted"),
            (EbsVolume, "Encrypted"),
            (EbsVolume, ""),
            (EbsVolume, "*"),
            (Ec2Instance, "metadata_options.http_token"),
            (Ec2Instance, "metadata_options."),
            (SecurityGroup, "ingres"),
            (IamUser, "credentials.access_key"),
            // A field of another kind.
            (Vpc, "encrypted"),
            (SecurityGroup, "flow_logs"),
            // Inside a leaf: a policy document and a time have no field paths.
            (IamManagedPolicy, "document.Statement"),
            (IamUser, "create_date.year"),
            (IamUser, "credentials.password_last_used.at"),
        ] {
            assert!(
                !is_field(kind, path),
                "{kind}: {path} should not be a field"
            );
        }
    }

    #[test]
    fn every_kind_with_a_configuration_has_fields_and_coverage_only_kinds_none() {
        for &kind in ResourceKind::ALL {
            assert_eq!(
                field_paths(kind).is_empty(),
                kind.is_coverage_only(),
                "{kind}: {:?}",
                field_paths(kind)
            );
        }
        assert!(is_leaf_field(ResourceKind::IamManagedPolicy, "document"));
        assert!(!is_leaf_field(
            ResourceKind::Ec2Instance,
            "metadata_options"
        ));
    }

    /// Every leaf of a JSON value (`metadata_options.http_tokens`); lists are walked
    /// through, empty lists and nulls are leaves.
    fn json_leaves(value: &Value, prefix: &str, out: &mut Vec<String>) {
        let join = |key: &str| {
            if prefix.is_empty() {
                key.to_string()
            } else {
                format!("{prefix}.{key}")
            }
        };
        match value {
            Value::Object(map) => map.iter().for_each(|(k, v)| json_leaves(v, &join(k), out)),
            Value::Array(items) if !items.is_empty() => {
                items.iter().for_each(|v| json_leaves(v, prefix, out))
            }
            _ => out.push(prefix.to_string()),
        }
    }

    #[test]
    fn every_path_in_the_example_snapshot_is_a_field_or_inside_a_leaf() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/acme-snapshot.json");
        let snapshot = Snapshot::load(&path).unwrap_or_else(|error| panic!("{error}"));
        let mut checked = 0;
        for resource in &snapshot.resources {
            let kind = resource.kind();
            let config = serde_json::to_value(&resource.config).expect("serialisable");
            let inner = &config[kind.as_str()];
            let mut leaves = Vec::new();
            json_leaves(inner, "", &mut leaves);
            for leaf in leaves {
                checked += 1;
                // The leaf itself, or the value with its own representation it lies in.
                let covered = std::iter::once(leaf.as_str())
                    .chain(leaf.rmatch_indices('.').map(|(i, _)| &leaf[..i]))
                    .find(|prefix| is_field(kind, prefix));
                match covered {
                    Some(field) if field == leaf || is_leaf_field(kind, field) => {}
                    other => panic!("{kind}: {leaf} is not a field (nearest: {other:?})"),
                }
            }
        }
        assert!(checked > 200, "only {checked} paths checked");
    }
}
