//! AWS Organizations discovery (`--org`): which accounts to scan, where each sits in the
//! organization, and which are skipped.
//!
//! The caller (the base credentials) is the management account or a delegated
//! administrator for AWS Organizations. The organization is read from its root down:
//! `ListRoots`, then for every organizational unit `ListOrganizationalUnitsForParent` and
//! `ListAccountsForParent`, level by level and concurrently. That gives every account its
//! OU path (`Root/Workloads/Prod`) at one call per OU instead of one `ListParents` per
//! account. When the whole organization is scanned, `ListAccounts` is the authoritative
//! list of accounts: one it names that the walk did not place (moved between OUs during the
//! walk) is placed by `ListParents`, so no account is lost. With `--org-ou`, only the
//! accounts under those OUs, at any depth, are listed.
//!
//! Every call goes through the collection's call counter (the clients carry it), its
//! limiter and the base configuration's retry and timeout settings. Every listing is read
//! to its last page. Any failure here stops the scan: a partial account list must never
//! pass for the organization.

use super::calls::{CallCounter, Limiter};
use super::errors::{self, AwsError};
use super::options::OrgOptions;
use crate::model::shard::Shard;
use crate::snapshot::{OrgAccount, OrgUnitScope, OrganizationScan};
use aws_config::SdkConfig;
use aws_sdk_organizations as organizations;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::future::Future;

/// The Organizations actions the listing calls: the caller's, not the scanned accounts'
/// (see docs/permissions.md, "Scanning an organization").
pub(crate) const ACTIONS: &[&str] = &[
    "organizations:DescribeOrganization",
    "organizations:ListAccounts",
    "organizations:ListAccountsForParent",
    "organizations:ListOrganizationalUnitsForParent",
    "organizations:ListParents",
    "organizations:ListRoots",
];

/// The accounts of an organization to consider, after `--org-ou`, the shard and
/// `--org-exclude`.
#[derive(Debug, Clone)]
pub(crate) struct OrgListing {
    /// What the snapshot records of the organization.
    pub scan: OrganizationScan,
    /// The accounts in scope, by id: `ACTIVE` ones are scanned, the others are skipped
    /// (`skipped: true`).
    pub accounts: BTreeMap<String, OrgAccount>,
}

/// The status under which an account is scanned.
const ACTIVE: &str = "ACTIVE";

/// An organizational unit (or the root) with its path.
#[derive(Debug, Clone)]
struct Unit {
    id: String,
    path: String,
}

/// Lists the organization of the base credentials.
pub(crate) async fn list(
    config: &SdkConfig,
    counter: &CallCounter,
    limiter: &Limiter,
    options: &OrgOptions,
    shard: Option<&Shard>,
) -> Result<OrgListing, AwsError> {
    let client = organizations::Client::from_conf(
        organizations::config::Builder::from(config)
            .interceptor(counter.clone())
            .retry_partition(super::calls::retry_partition())
            .build(),
    );
    let client = &client;
    let lister = &Lister { limiter };

    let organization = limiter
        .call(client.describe_organization().send())
        .await
        .map_err(|error| failure("organizations:DescribeOrganization", &error))?;
    let organization = organization.organization();
    let id = organization
        .and_then(|o| o.id())
        .unwrap_or_default()
        .to_string();
    let management_account = organization
        .and_then(|o| o.master_account_id())
        .unwrap_or_default()
        .to_string();

    let roots = lister
        .pages(
            "organizations:ListRoots",
            |token| client.list_roots().set_next_token(token).send(),
            |page: organizations::operation::list_roots::ListRootsOutput, out| {
                out.extend(page.roots().iter().filter_map(|root| {
                    Some(Unit {
                        id: root.id()?.to_string(),
                        path: root.name().unwrap_or("Root").to_string(),
                    })
                }));
                page.next_token().map(str::to_string)
            },
        )
        .await?;
    if roots.is_empty() {
        return Err(AwsError::Organization(format!(
            "organizations:ListRoots named no root in organization {id}"
        )));
    }

    // Every OU, level by level from the roots, with its path and its parent.
    let mut units: Vec<Unit> = roots.clone();
    let mut children: HashMap<String, Vec<usize>> = HashMap::new();
    let mut level: Vec<usize> = (0..units.len()).collect();
    while !level.is_empty() {
        let listed = futures::future::join_all(level.iter().map(|&index| {
            let parent = units[index].clone();
            async move {
                let found = lister
                    .pages(
                        "organizations:ListOrganizationalUnitsForParent",
                        |token| {
                            client
                                .list_organizational_units_for_parent()
                                .parent_id(&parent.id)
                                .set_next_token(token)
                                .send()
                        },
                        |page: organizations::operation::list_organizational_units_for_parent::ListOrganizationalUnitsForParentOutput, out| {
                            out.extend(page.organizational_units().iter().filter_map(|unit| {
                                Some(Unit {
                                    id: unit.id()?.to_string(),
                                    path: format!("{}/{}", parent.path, unit.name().unwrap_or("?")),
                                })
                            }));
                            page.next_token().map(str::to_string)
                        },
                    )
                    .await;
                (parent.id, found)
            }
        }))
        .await;
        let mut next = Vec::new();
        for (parent, found) in listed {
            for unit in found? {
                if units.iter().any(|known| known.id == unit.id) {
                    continue;
                }
                units.push(unit);
                children
                    .entry(parent.clone())
                    .or_default()
                    .push(units.len() - 1);
                next.push(units.len() - 1);
            }
        }
        level = next;
    }

    // The units whose accounts are listed: the named ones and everything under them.
    let scope_roots: Vec<usize> = if options.units.is_empty() {
        (0..roots.len()).collect()
    } else {
        let mut chosen = Vec::new();
        for wanted in &options.units {
            match units.iter().position(|unit| &unit.id == wanted) {
                Some(index) => chosen.push(index),
                None => {
                    return Err(AwsError::Organization(format!(
                        "--org-ou {wanted}: organization {id} has no organizational unit or root \
                         with this id (ids look like ou-ab12-cdef3456; `aws organizations \
                         list-organizational-units-for-parent` lists them)"
                    )))
                }
            }
        }
        chosen
    };
    let mut in_scope: Vec<usize> = Vec::new();
    let mut stack = scope_roots.clone();
    let mut seen = HashSet::new();
    while let Some(index) = stack.pop() {
        if !seen.insert(index) {
            continue;
        }
        in_scope.push(index);
        if let Some(below) = children.get(&units[index].id) {
            stack.extend(below.iter().copied());
        }
    }
    in_scope.sort_unstable();

    let listed = futures::future::join_all(in_scope.iter().map(|&index| {
        let unit = units[index].clone();
        async move {
            let accounts = lister
                .pages(
                    "organizations:ListAccountsForParent",
                    |token| {
                        client
                            .list_accounts_for_parent()
                            .parent_id(&unit.id)
                            .set_next_token(token)
                            .send()
                    },
                    |page: organizations::operation::list_accounts_for_parent::ListAccountsForParentOutput, out| {
                        out.extend(page.accounts().iter().filter_map(|account| placed(account, &unit.path)));
                        page.next_token().map(str::to_string)
                    },
                )
                .await;
            accounts
        }
    }))
    .await;
    let mut accounts: BTreeMap<String, OrgAccount> = BTreeMap::new();
    for found in listed {
        for (account, placement) in found? {
            accounts.insert(account, placement);
        }
    }

    if options.units.is_empty() {
        // ListAccounts is the organization's own list: an account the walk missed (moved
        // while it ran) is placed by ListParents.
        let all = lister
            .pages(
                "organizations:ListAccounts",
                |token| client.list_accounts().set_next_token(token).send(),
                |page: organizations::operation::list_accounts::ListAccountsOutput, out| {
                    out.extend(
                        page.accounts()
                            .iter()
                            .filter_map(|account| placed(account, "")),
                    );
                    page.next_token().map(str::to_string)
                },
            )
            .await?;
        for (account, mut placement) in all {
            if accounts.contains_key(&account) {
                continue;
            }
            let parents = lister
                .pages(
                    "organizations:ListParents",
                    |token| {
                        client
                            .list_parents()
                            .child_id(&account)
                            .set_next_token(token)
                            .send()
                    },
                    |page: organizations::operation::list_parents::ListParentsOutput, out| {
                        out.extend(
                            page.parents()
                                .iter()
                                .filter_map(|p| p.id().map(str::to_string)),
                        );
                        page.next_token().map(str::to_string)
                    },
                )
                .await?;
            placement.ou_path = parents
                .first()
                .and_then(|parent| units.iter().find(|unit| &unit.id == parent))
                .map(|unit| unit.path.clone())
                .unwrap_or_else(|| "Root/?".to_string());
            accounts.insert(account, placement);
        }
    }

    if let Some(shard) = shard {
        accounts.retain(|account, _| shard.includes(account));
    }
    let mut excluded: Vec<String> = Vec::new();
    accounts.retain(|account, _| {
        let keep = !options.exclude.contains(account);
        if !keep {
            excluded.push(account.clone());
        }
        keep
    });

    Ok(OrgListing {
        scan: OrganizationScan {
            id,
            management_account,
            member_role: options.role_name.clone(),
            units: scope_roots
                .iter()
                .filter(|_| !options.units.is_empty())
                .map(|&index| OrgUnitScope {
                    id: units[index].id.clone(),
                    path: units[index].path.clone(),
                })
                .collect(),
            excluded,
        },
        accounts,
    })
}

/// An account of a listing with its path; `None` for an entry without an id.
fn placed(account: &organizations::types::Account, path: &str) -> Option<(String, OrgAccount)> {
    let id = account.id()?.to_string();
    // `State` supersedes the older `Status`; either may be absent.
    let status = account
        .state()
        .map(|state| state.as_str().to_string())
        .or_else(|| account.status().map(|status| status.as_str().to_string()))
        .unwrap_or_else(|| "UNKNOWN".to_string());
    Some((
        id,
        OrgAccount {
            name: account.name().map(str::to_string),
            ou_path: path.to_string(),
            skipped: status != ACTIVE,
            status,
        },
    ))
}

/// Runs paginated listings under the limiter.
struct Lister<'a> {
    limiter: &'a Limiter,
}

impl Lister<'_> {
    /// Every page of one listing: `request` sends the page of a token, `take` keeps its
    /// items and gives the next token.
    async fn pages<T, P, E, Fut>(
        &self,
        operation: &'static str,
        mut request: impl FnMut(Option<String>) -> Fut,
        mut take: impl FnMut(P, &mut Vec<T>) -> Option<String>,
    ) -> Result<Vec<T>, AwsError>
    where
        Fut: Future<Output = Result<P, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut token = None;
        loop {
            let page = self
                .limiter
                .call(request(token.take()))
                .await
                .map_err(|error| failure(operation, &error))?;
            let next = take(page, &mut out);
            match errors::next_page(
                &mut seen,
                next.is_some(),
                next.as_deref(),
                "organizations",
                operation,
            ) {
                Ok(Some(next)) => token = Some(next),
                Ok(None) => return Ok(out),
                Err(failure) => return Err(AwsError::Organization(failure.message)),
            }
        }
    }
}

/// A failed Organizations call, as the error that stops the scan.
fn failure<E>(operation: &str, error: &SdkError<E, HttpResponse>) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let code = match error {
        SdkError::ServiceError(service) => service.err().code().unwrap_or_default().to_string(),
        _ => String::new(),
    };
    let hint = match code.as_str() {
        "AWSOrganizationsNotInUseException" => {
            " — the base credentials' account is not in an AWS Organization; scan accounts with \
             --role-arn instead"
        }
        "AccessDeniedException" | "AccessDenied" => {
            " — run from the organization's management account or a delegated administrator \
             for AWS Organizations, with the caller policy of docs/permissions.md (\"Scanning \
             an organization\")"
        }
        "ParentNotFoundException" | "ChildNotFoundException" => {
            " — an organizational unit disappeared while the organization was listed; run \
             the scan again"
        }
        _ => "",
    };
    AwsError::Organization(format!("{operation}: {}{hint}", errors::describe(error)))
}
