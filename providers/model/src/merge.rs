//! `soc2scan merge`: one snapshot from the snapshots of several shards (or of several
//! separately collected accounts).
//!
//! The merged snapshot holds every part's targets, coverage and resources side by side, the
//! call counts summed, and the earliest start and latest finish; the shard of each part is
//! dropped (the merged snapshot is not a share of anything). Scanning it gives exactly the
//! verdicts of one unsharded collection of the same accounts, because every rule judges a
//! resource by its own account's data and the merge changes no entry.
//!
//! A merge is refused, naming the files, when its result could not stand for one scan:
//!
//! - the same account or project (provider + id) is in two parts;
//! - the parts were collected with different rule inputs: another tool (name + version), or
//!   another selection of kinds for a provider both parts collected (`--services`); a
//!   snapshot without `metadata.collected_kinds` (written before it existed) is taken to
//!   have collected the kinds of its coverage table;
//! - a part is a Terraform plan (a proposed change, not a collection);
//! - two parts were listed from different AWS Organizations, or with different member
//!   roles (`--org-role`); parts of one organization merge their OU scopes and
//!   `--org-exclude` lists;
//! - the parts' shards have different counts, one shard index is given twice, or (unless
//!   allowed) an index is missing.

use crate::shard::Shard;
use crate::snapshot::{OrganizationScan, Snapshot, SNAPSHOT_FORMAT_VERSION};
use crate::{Provider, ResourceKind};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// One snapshot to merge and the file it came from (named in errors).
#[derive(Debug, Clone)]
pub struct MergePart {
    /// Where it was read from.
    pub path: PathBuf,
    /// The snapshot.
    pub snapshot: Snapshot,
}

/// Why snapshots cannot be merged. Every message names the files involved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    /// Nothing to merge.
    #[error("no snapshot to merge")]
    Empty,
    /// Two parts were listed from different organizations, or assumed different roles.
    #[error("{first} scanned {first_org} and {second} scanned {second_org}; parts of one merge must come from one AWS Organization scanned with one member role")]
    Organization {
        /// The first file.
        first: String,
        /// What it scanned (`organization o-… with role R`).
        first_org: String,
        /// The file that differs.
        second: String,
        /// What it scanned.
        second_org: String,
    },
    /// One account or project is in two parts.
    #[error("{provider} account {account} is in both {first} and {second}; each account must be collected by exactly one part (were two shards given the same index, or one file given twice?)")]
    DuplicateAccount {
        /// Its provider.
        provider: Provider,
        /// Its id.
        account: String,
        /// The first file that has it.
        first: String,
        /// The second.
        second: String,
    },
    /// The parts were collected with different tools or selections.
    #[error("{first} and {second} were collected with different rule inputs: {difference}; collect every part with the same soc2scan version and the same --services")]
    DifferentRuleSets {
        /// One file.
        first: String,
        /// The other.
        second: String,
        /// What differs.
        difference: String,
    },
    /// A part is a Terraform plan.
    #[error("{path}: is a snapshot of a Terraform plan; merge combines live collections (scan each plan on its own)")]
    Plan {
        /// The file.
        path: String,
    },
    /// Shards of different counts.
    #[error("{first} is shard {first_shard} but {second} is shard {second_shard}; every part of one merge must split the accounts into the same number of shards")]
    ShardCounts {
        /// One file.
        first: String,
        /// Its shard.
        first_shard: Shard,
        /// The other.
        second: String,
        /// Its shard.
        second_shard: Shard,
    },
    /// One shard index twice.
    #[error("{first} and {second} are both shard {shard}")]
    RepeatedShard {
        /// One file.
        first: String,
        /// The other.
        second: String,
        /// The shard.
        shard: Shard,
    },
    /// Shards missing.
    #[error("shard{plural} {missing} of {count} {verb} missing (given: {given}); merge every shard, or pass --allow-missing-shards to merge a partial set")]
    MissingShards {
        /// The missing indices, e.g. `1/4, 3/4`.
        missing: String,
        /// "s" when more than one.
        plural: &'static str,
        /// "is" or "are".
        verb: &'static str,
        /// The shard count.
        count: u32,
        /// The indices given.
        given: String,
    },
    /// The merged document does not validate (a part was edited by hand, say).
    #[error("the merged snapshot is inconsistent: {0}")]
    Invalid(String),
}

/// What a merge produced besides the snapshot: shards left out with `allow_missing_shards`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MergeNotes {
    /// Missing shards (e.g. `1/4`), when allowed.
    pub missing_shards: Vec<Shard>,
}

/// Merges `parts` into one snapshot written by `tool_version` (see the module docs for what
/// is refused). `allow_missing_shards` accepts a set of shards with indices missing.
pub fn merge(
    parts: &[MergePart],
    tool_version: &str,
    allow_missing_shards: bool,
) -> Result<(Snapshot, MergeNotes), MergeError> {
    let first = parts.first().ok_or(MergeError::Empty)?;
    let name = |part: &MergePart| part.path.display().to_string();
    for part in parts {
        if part.snapshot.plan.is_some() {
            return Err(MergeError::Plan { path: name(part) });
        }
    }
    check_rule_inputs(parts, &name)?;
    let mut owners: BTreeMap<(Provider, &str), &MergePart> = BTreeMap::new();
    for part in parts {
        for target in &part.snapshot.metadata.targets {
            if let Some(earlier) = owners.insert((target.provider, target.account.as_str()), part) {
                return Err(MergeError::DuplicateAccount {
                    provider: target.provider,
                    account: target.account.clone(),
                    first: name(earlier),
                    second: name(part),
                });
            }
        }
    }

    let notes = check_shards(parts, &name, allow_missing_shards)?;
    let organization = merge_organizations(parts, &name)?;

    let metadata = &first.snapshot.metadata;
    let mut merged = Snapshot::new(tool_version, metadata.started_at, metadata.finished_at);
    merged.metadata.tool = metadata.tool.clone();
    merged.metadata.organization = organization;
    for part in parts {
        let part = &part.snapshot;
        merged.metadata.started_at = merged.metadata.started_at.min(part.metadata.started_at);
        merged.metadata.finished_at = merged.metadata.finished_at.max(part.metadata.finished_at);
        merged
            .metadata
            .targets
            .extend(part.metadata.targets.iter().cloned());
        for (operation, count) in &part.metadata.api_calls {
            *merged
                .metadata
                .api_calls
                .entry(operation.clone())
                .or_insert(0) += count;
        }
        merged
            .metadata
            .collected_kinds
            .extend(part.metadata.collected_kinds.iter().copied());
        merged.coverage.extend(part.coverage.iter().cloned());
        merged.resources.extend(part.resources.iter().cloned());
    }
    merged
        .metadata
        .targets
        .sort_by(|a, b| (a.provider, &a.account).cmp(&(b.provider, &b.account)));
    merged.coverage.sort_by(|a, b| a.unit.cmp(&b.unit));
    merged.resources.sort_by(|a, b| {
        (a.provider, &a.account, a.kind(), &a.region, &a.id).cmp(&(
            b.provider,
            &b.account,
            b.kind(),
            &b.region,
            &b.id,
        ))
    });
    debug_assert_eq!(merged.format_version, SNAPSHOT_FORMAT_VERSION);
    merged
        .validate(std::path::Path::new("the merged snapshot"))
        .map_err(|error| MergeError::Invalid(error.to_string()))?;
    Ok((merged, notes))
}

/// The organization the parts were listed from, if any was: one organization and one
/// member role across the parts that name one, with their OU scopes and exclusions unioned
/// (a part collected without `--org` names none and adds nothing).
fn merge_organizations(
    parts: &[MergePart],
    name: &dyn Fn(&MergePart) -> String,
) -> Result<Option<OrganizationScan>, MergeError> {
    let describe =
        |org: &OrganizationScan| format!("organization {} with role {}", org.id, org.member_role);
    let mut merged: Option<(&MergePart, OrganizationScan)> = None;
    for part in parts {
        let Some(org) = &part.snapshot.metadata.organization else {
            continue;
        };
        match &mut merged {
            None => merged = Some((part, org.clone())),
            Some((first, so_far)) => {
                if so_far.id != org.id || so_far.member_role != org.member_role {
                    return Err(MergeError::Organization {
                        first: name(first),
                        first_org: describe(so_far),
                        second: name(part),
                        second_org: describe(org),
                    });
                }
                for unit in &org.units {
                    if !so_far.units.iter().any(|known| known.id == unit.id) {
                        so_far.units.push(unit.clone());
                    }
                }
                so_far.excluded.extend(org.excluded.iter().cloned());
            }
        }
    }
    Ok(merged.map(|(_, mut org)| {
        org.units.sort_by(|a, b| a.id.cmp(&b.id));
        org.excluded.sort();
        org.excluded.dedup();
        org
    }))
}

/// The kinds a part set out to collect, by provider: `metadata.collected_kinds`, else (an
/// older snapshot) the kinds of its coverage table.
fn kinds_by_provider(snapshot: &Snapshot) -> BTreeMap<Provider, BTreeSet<ResourceKind>> {
    let kinds: BTreeSet<ResourceKind> = if snapshot.metadata.collected_kinds.is_empty() {
        snapshot
            .coverage
            .iter()
            .filter(|entry| entry.unit.resource.is_none())
            .map(|entry| entry.unit.kind)
            .collect()
    } else {
        snapshot.metadata.collected_kinds.clone()
    };
    let mut by_provider: BTreeMap<Provider, BTreeSet<ResourceKind>> = BTreeMap::new();
    for kind in kinds {
        by_provider.entry(kind.provider()).or_default().insert(kind);
    }
    by_provider
}

/// Every part must come from the same tool and, for each provider two parts collected, the
/// same kinds: otherwise a rule could run on one part's accounts and be "not collected" (or
/// a gap) on another's, and the merged report would stand for no single scan.
fn check_rule_inputs(
    parts: &[MergePart],
    name: &dyn Fn(&MergePart) -> String,
) -> Result<(), MergeError> {
    let first = &parts[0];
    let tool = &first.snapshot.metadata.tool;
    let mut seen: BTreeMap<Provider, (&MergePart, BTreeSet<ResourceKind>)> = BTreeMap::new();
    for part in parts {
        let other = &part.snapshot.metadata.tool;
        if other != tool {
            return Err(MergeError::DifferentRuleSets {
                first: name(first),
                second: name(part),
                difference: format!(
                    "written by {} {} and by {} {}",
                    tool.name, tool.version, other.name, other.version
                ),
            });
        }
        for (provider, kinds) in kinds_by_provider(&part.snapshot) {
            match seen.get(&provider) {
                None => {
                    seen.insert(provider, (part, kinds));
                }
                Some((earlier, expected)) if *expected != kinds => {
                    let list = |set: BTreeSet<&ResourceKind>| {
                        if set.is_empty() {
                            "none".to_string()
                        } else {
                            set.iter()
                                .map(|k| k.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        }
                    };
                    return Err(MergeError::DifferentRuleSets {
                        first: name(earlier),
                        second: name(part),
                        difference: format!(
                            "{provider} kinds collected only by the first: {}; only by the second: {}",
                            list(expected.difference(&kinds).collect()),
                            list(kinds.difference(expected).collect()),
                        ),
                    });
                }
                Some(_) => {}
            }
        }
    }
    Ok(())
}

/// The parts that carry a shard must agree on the count, name each index at most once and,
/// unless `allow_missing`, every index.
fn check_shards(
    parts: &[MergePart],
    name: &dyn Fn(&MergePart) -> String,
    allow_missing: bool,
) -> Result<MergeNotes, MergeError> {
    let sharded: Vec<(&MergePart, Shard)> = parts
        .iter()
        .filter_map(|part| part.snapshot.metadata.shard.map(|shard| (part, shard)))
        .collect();
    let Some(&(first, first_shard)) = sharded.first() else {
        return Ok(MergeNotes::default());
    };
    let mut by_index: BTreeMap<u32, &MergePart> = BTreeMap::new();
    for &(part, shard) in &sharded {
        if shard.count() != first_shard.count() {
            return Err(MergeError::ShardCounts {
                first: name(first),
                first_shard,
                second: name(part),
                second_shard: shard,
            });
        }
        if let Some(earlier) = by_index.insert(shard.index(), part) {
            return Err(MergeError::RepeatedShard {
                first: name(earlier),
                second: name(part),
                shard,
            });
        }
    }
    let count = first_shard.count();
    let missing: Vec<Shard> = (0..count)
        .filter(|index| !by_index.contains_key(index))
        .filter_map(|index| Shard::new(index, count).ok())
        .collect();
    if missing.is_empty() || allow_missing {
        return Ok(MergeNotes {
            missing_shards: missing,
        });
    }
    let join = |shards: &mut dyn Iterator<Item = String>| shards.collect::<Vec<_>>().join(", ");
    Err(MergeError::MissingShards {
        missing: join(&mut missing.iter().map(Shard::to_string)),
        plural: if missing.len() == 1 { "" } else { "s" },
        verb: if missing.len() == 1 { "is" } else { "are" },
        count,
        given: join(&mut by_index.keys().map(|index| format!("{index}/{count}"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{CollectionUnit, CoverageEntry, CoverageStatus, ScanTarget};
    use crate::GLOBAL_REGION;
    use chrono::{TimeZone, Utc};

    /// A snapshot of `accounts` with one ok IAM-user unit each, in shard `shard`.
    fn part(path: &str, accounts: &[&str], shard: Option<(u32, u32)>, minute: u32) -> MergePart {
        let at = |m: u32| Utc.with_ymd_and_hms(2026, 11, 20, 6, m, 0).unwrap();
        let mut snapshot = Snapshot::new("1.2.3", at(minute), at(minute + 5));
        snapshot.metadata.shard = shard.map(|(i, n)| Shard::new(i, n).unwrap());
        snapshot.metadata.collected_kinds = [ResourceKind::IamUser].into_iter().collect();
        for account in accounts {
            snapshot.metadata.targets.push(ScanTarget {
                provider: Provider::Aws,
                account: account.to_string(),
                alias: None,
                regions: vec![],
                identity: None,
                organization: None,
            });
            snapshot.coverage.push(CoverageEntry {
                unit: CollectionUnit {
                    provider: Provider::Aws,
                    account: account.to_string(),
                    region: GLOBAL_REGION.to_string(),
                    kind: ResourceKind::IamUser,
                    resource: None,
                },
                status: CoverageStatus::Ok,
            });
            snapshot
                .metadata
                .api_calls
                .insert("iam:ListUsers".to_string(), 2);
        }
        MergePart {
            path: PathBuf::from(path),
            snapshot,
        }
    }

    #[test]
    fn merges_targets_coverage_and_calls_over_the_whole_time_span() {
        let parts = [
            part("b.json", &["222222222222"], Some((1, 3)), 10),
            part("a.json", &["111111111111", "333333333333"], Some((0, 3)), 0),
            part("c.json", &[], Some((2, 3)), 20),
        ];
        let (merged, notes) = merge(&parts, "9.9.9", false).unwrap();
        assert!(notes.missing_shards.is_empty());
        let accounts: Vec<&str> = merged
            .metadata
            .targets
            .iter()
            .map(|t| t.account.as_str())
            .collect();
        assert_eq!(accounts, ["111111111111", "222222222222", "333333333333"]);
        assert_eq!(merged.coverage.len(), 3);
        assert_eq!(
            merged.metadata.api_calls["iam:ListUsers"], 4,
            "2 + 2 + none"
        );
        assert_eq!(merged.metadata.shard, None);
        assert_eq!(
            merged.metadata.tool.version, "1.2.3",
            "the parts' collector"
        );
        assert_eq!(merged.metadata.started_at.format("%M").to_string(), "00");
        assert_eq!(merged.metadata.finished_at.format("%M").to_string(), "25");
    }

    #[test]
    fn parts_of_one_organization_merge_its_scopes_and_others_are_refused() {
        use crate::snapshot::{OrgUnitScope, OrganizationScan};
        let org = |id: &str, role: &str, unit: &str, excluded: &str| OrganizationScan {
            id: id.into(),
            management_account: "999999999999".into(),
            member_role: role.into(),
            units: vec![OrgUnitScope {
                id: unit.into(),
                path: format!("Root/{unit}"),
            }],
            excluded: vec![excluded.into()],
        };
        let with = |mut part: MergePart, scan: OrganizationScan| {
            part.snapshot.metadata.organization = Some(scan);
            part
        };
        let a = || part("a.json", &["111111111111"], None, 0);
        let b = || part("b.json", &["222222222222"], None, 0);
        let (merged, _) = merge(
            &[
                with(a(), org("o-1", "R", "ou-b", "333333333333")),
                with(b(), org("o-1", "R", "ou-a", "333333333333")),
                part("c.json", &["444444444444"], None, 0),
            ],
            "9.9.9",
            false,
        )
        .unwrap();
        let organization = merged.metadata.organization.expect("kept");
        let units: Vec<&str> = organization.units.iter().map(|u| u.id.as_str()).collect();
        assert_eq!(units, ["ou-a", "ou-b"]);
        assert_eq!(organization.excluded, ["333333333333"]);

        for (other, says) in [
            (org("o-2", "R", "ou-a", "3"), "organization o-2 with role R"),
            (
                org("o-1", "Audit", "ou-a", "3"),
                "organization o-1 with role Audit",
            ),
        ] {
            let error = merge(
                &[with(a(), org("o-1", "R", "ou-a", "3")), with(b(), other)],
                "9.9.9",
                false,
            )
            .unwrap_err()
            .to_string();
            assert!(
                error.contains("a.json scanned organization o-1 with role R")
                    && error.contains(&format!("b.json scanned {says}")),
                "{error}"
            );
        }
    }

    #[test]
    fn refuses_what_could_not_stand_for_one_scan() {
        let error = |parts: &[MergePart]| merge(parts, "9.9.9", false).unwrap_err().to_string();

        let twice = error(&[
            part("a.json", &["111111111111"], None, 0),
            part("b.json", &["111111111111"], None, 0),
        ]);
        assert!(
            twice.contains("aws account 111111111111 is in both a.json and b.json"),
            "{twice}"
        );

        let mut other_version = part("b.json", &["222222222222"], None, 0);
        other_version.snapshot.metadata.tool.version = "1.2.4".into();
        let version = error(&[part("a.json", &["111111111111"], None, 0), other_version]);
        assert!(
            version.contains("a.json and b.json were collected with different rule inputs")
                && version.contains("soc2scan 1.2.3 and by soc2scan 1.2.4"),
            "{version}"
        );

        let mut other_kinds = part("b.json", &[], None, 0);
        other_kinds.snapshot.metadata.collected_kinds =
            [ResourceKind::IamUser, ResourceKind::EbsVolume]
                .into_iter()
                .collect();
        let kinds = error(&[part("a.json", &["111111111111"], None, 0), other_kinds]);
        assert!(kinds.contains("only by the second: ebs_volume"), "{kinds}");

        let counts = error(&[
            part("a.json", &[], Some((0, 2)), 0),
            part("b.json", &[], Some((1, 3)), 0),
        ]);
        assert!(
            counts.contains("a.json is shard 0/2 but b.json is shard 1/3"),
            "{counts}"
        );

        let repeated = error(&[
            part("a.json", &[], Some((1, 3)), 0),
            part("b.json", &[], Some((1, 3)), 0),
        ]);
        assert!(
            repeated.contains("a.json and b.json are both shard 1/3"),
            "{repeated}"
        );

        let missing = error(&[part("a.json", &[], Some((1, 4)), 0)]);
        assert!(
            missing.contains("shards 0/4, 2/4, 3/4 of 4 are missing (given: 1/4)")
                && missing.contains("--allow-missing-shards"),
            "{missing}"
        );
        let (_, notes) = merge(&[part("a.json", &[], Some((1, 2)), 0)], "9", true).unwrap();
        assert_eq!(notes.missing_shards, vec![Shard::new(0, 2).unwrap()]);

        let mut plan = part("plan.json", &[], None, 0);
        plan.snapshot.plan = Some(
            serde_json::from_value(
                serde_json::json!({"plan_file": "plan.json", "format_version": "1.2"}),
            )
            .unwrap(),
        );
        assert!(error(&[plan]).contains("plan.json: is a snapshot of a Terraform plan"));
    }

    #[test]
    fn an_older_part_without_collected_kinds_is_judged_by_its_coverage() {
        let mut old = part("old.json", &["222222222222"], None, 0);
        old.snapshot.metadata.collected_kinds.clear();
        assert!(merge(
            &[part("a.json", &["111111111111"], None, 0), old],
            "9",
            false
        )
        .is_ok());
    }
}
