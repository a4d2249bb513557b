//! Relation resolution: which resource of the plan an attribute points at (a rule's
//! `security_group_id`, an attachment's `policy_arn`, a flow log's `vpc_id`, a member's
//! `bucket`) — by the attribute's known value first, then through the configuration's
//! `references` — and unknowns that spread to every resource of a kind.

use super::adapt::Builder;
use super::address::managed_reference;
use crate::model::{ResourceKind, UnknownValue};

/// An attribute that names another resource, and what it can name.
#[derive(Debug, Clone, Copy)]
pub(super) struct Link {
    /// The attribute of the referring instance (`security_group_id`).
    pub attribute: &'static str,
    /// The kind of the resource it names; resources of that kind are found by the value
    /// they were registered with ([`Builder::push_primary`]'s `identity`).
    pub kind: ResourceKind,
    /// The Terraform types its references may name.
    pub types: &'static [&'static str],
    /// A prefix the provider may put before the value (`b/` before a bucket name).
    pub value_prefix: &'static str,
}

/// Where a relation points.
pub(super) enum Target {
    /// A resource of the snapshot (index).
    Resource(usize),
    /// A known value that matches no resource of the plan (something outside it).
    Outside(String),
    /// Neither known nor resolvable through references.
    Unknown,
}

impl Builder<'_> {
    /// Where `link` of the instance at `position` points: a resource of the plan (by known
    /// value, else by reference), a known value outside the plan, or unknown.
    pub(super) fn target(&self, position: usize, link: &Link) -> Target {
        let i = &self.instances[position];
        let known = i
            .str(link.attribute)
            .map(|value| value.trim_start_matches(link.value_prefix).to_string());
        if let Some(value) = &known {
            if let Some(&index) = self.by_value.get(&(link.kind, value.clone())) {
                return Target::Resource(index);
            }
        }
        for reference in i.references(link.attribute) {
            let Some((rtype, name, key)) = managed_reference(reference) else {
                continue;
            };
            if !link.types.contains(&rtype) {
                continue;
            }
            let Some(candidates) = self.by_block.get(&(i.module_address, rtype, name)) else {
                continue;
            };
            // A key that is an expression (`[count.index]`, `[each.key]`) means "the
            // instance with the referrer's key", like a reference without a key.
            let literal = key.filter(|k| {
                let inner = k.trim_start_matches('[').trim_end_matches(']');
                inner.starts_with('"') || inner.parse::<i64>().is_ok()
            });
            let chosen = match (literal, candidates.as_slice()) {
                (Some(key), _) => candidates
                    .iter()
                    .find(|&&c| self.instances[c].key_text().as_deref() == Some(key)),
                (None, [only]) => Some(only),
                // `aws_security_group.web[count.index]` and `[each.key]` refer to the
                // instance with the same key as the referrer.
                (None, _) => candidates
                    .iter()
                    .find(|&&c| self.instances[c].key_text() == i.key_text() && i.index.is_some()),
            };
            if let Some(index) = chosen.and_then(|c| self.resource_of.get(c)) {
                return Target::Resource(*index);
            }
        }
        match known {
            Some(value) => Target::Outside(value),
            None => Target::Unknown,
        }
    }

    /// Marks `value` unknown on every resource of `kind` once all are mapped: a relation
    /// that cannot be resolved could point at any of them (a flow log whose VPC is known
    /// only after apply could record any VPC).
    pub(super) fn spread_unknown(&mut self, kind: ResourceKind, value: UnknownValue) {
        self.spread.push((kind, value));
    }

    pub(super) fn finish_spread(&mut self) {
        if self.spread.is_empty() {
            return;
        }
        for (resource, planned) in self.resources.iter().zip(self.planned.iter_mut()) {
            let kind = resource.kind();
            planned.unknown.extend(
                self.spread
                    .iter()
                    .filter(|(k, _)| *k == kind)
                    .map(|(_, value)| value.clone()),
            );
        }
    }
}
