//! Relation resolution: which resource of the plan an attribute points at (a rule's
//! `security_group_id`, an attachment's `policy_arn`, a flow log's `vpc_id`, a member's
//! `bucket`) — by the attribute's known value first, then through the configuration's
//! `references` — and unknowns that spread to every resource of a kind.

use super::adapt::Builder;
use super::address::managed_reference;
use super::instances::Instance;
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
        if let Some(index) = self
            .references_to(position, link.attribute, link.types)
            .find_map(|c| self.resource_of.get(&c))
        {
            return Target::Resource(*index);
        }
        match known {
            Some(value) => Target::Outside(value),
            None => Target::Unknown,
        }
    }

    /// The instances of `types` that the attribute's expression references, by position,
    /// in the order of the references.
    pub(super) fn references_to<'s>(
        &'s self,
        position: usize,
        attribute: &str,
        types: &'s [&'s str],
    ) -> impl Iterator<Item = usize> + 's {
        let i = &self.instances[position];
        i.references(attribute)
            .into_iter()
            .filter_map(move |reference| {
                let (rtype, name, key) = managed_reference(reference)?;
                if !types.contains(&rtype) {
                    return None;
                }
                let candidates = self.by_block.get(&(i.module_address, rtype, name))?;
                pick_by_key(i, key, candidates, |&c| self.instances[c].key_text()).copied()
            })
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

/// The candidate a reference from `referrer` with instance `key` (as written) means: the
/// one with that key for a literal key; without one, the only candidate; and for an
/// expression key (`[count.index]`, `[each.key]`) or none among several, the candidate with
/// the referrer's own key.
pub(super) fn pick_by_key<'c, T>(
    referrer: &Instance<'_>,
    key: Option<&str>,
    candidates: &'c [T],
    key_of: impl Fn(&T) -> Option<String>,
) -> Option<&'c T> {
    let literal = key.filter(|k| {
        let inner = k.trim_start_matches('[').trim_end_matches(']');
        inner.starts_with('"') || inner.parse::<i64>().is_ok()
    });
    match (literal, candidates) {
        (Some(key), _) => candidates
            .iter()
            .find(|&c| key_of(c).as_deref() == Some(key)),
        (None, [only]) => Some(only),
        (None, _) => candidates
            .iter()
            .find(|&c| key_of(c) == referrer.key_text() && referrer.index.is_some()),
    }
}
