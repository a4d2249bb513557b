//! IAM collection, once per account, in a number of calls that does not grow with the
//! number of users, groups or roles beyond paging:
//!
//! - `GetAccountAuthorizationDetails` (filter User, Group, Role, LocalManagedPolicy; all
//!   pages): principals with their inline and attached policies, and the customer-managed
//!   policies with their versions;
//! - `ListPolicies` (Scope=AWS, OnlyAttached) and one `GetPolicyVersion` per AWS-managed
//!   policy that is attached somewhere: the documents the rules need of AWS-managed
//!   policies, without downloading the ~1,300 AWS-managed policies (all versions) that the
//!   `AWSManagedPolicy` filter of `GetAccountAuthorizationDetails` would return;
//! - the credential report (`GenerateCredentialReport` until complete, then
//!   `GetCredentialReport`), for passwords, MFA and access keys of every user, and when
//!   IAM generated it (`GeneratedTime`: IAM reuses a report for up to four hours);
//! - `GetAccountSummary` (root MFA and root keys) and `GetAccountPasswordPolicy`.
//!
//! A managed policy whose document cannot be read (a denied or throttled
//! `GetPolicyVersion`, an unreadable customer-managed document) is left out with an
//! `iam_managed_policy` gap narrowed to its ARN, so only the principals it is attached to
//! lose their verdicts; a failed `ListPolicies` narrows the same way to every AWS-managed
//! policy attached to a principal.

use super::convert::{required, tags, time};
use super::credential_report::{self, CredentialReport};
use super::errors::CallFailure;
use super::service::{
    paginate, sdk_client, AwsService, Collected, Job, PageEnd, ScopeContext, Scoped, ServiceScope,
};
use crate::model::*;
use crate::snapshot::FailureKind;
use aws_sdk_iam::types::{
    AttachedPolicy as SdkAttachedPolicy, EntityType, PolicyDetail, PolicyScopeType,
    ReportStateType, SummaryKeyType,
};
use futures::future::join_all;
use std::time::{Duration, Instant};

/// The IAM service: every kind listed once per account, from calls several kinds share.
pub(crate) struct Iam;

/// The IAM kinds collected once per account, in coverage order.
const KINDS: &[ResourceKind] = &[
    ResourceKind::IamAccountSummary,
    ResourceKind::IamPasswordPolicy,
    ResourceKind::IamCredentialReport,
    ResourceKind::IamUser,
    ResourceKind::IamGroup,
    ResourceKind::IamRole,
    ResourceKind::IamManagedPolicy,
];

impl AwsService for Iam {
    fn name(&self) -> &'static str {
        "iam"
    }

    fn scope(&self) -> ServiceScope {
        ServiceScope::Account
    }

    fn kinds(&self) -> &'static [ResourceKind] {
        KINDS
    }

    fn actions(&self) -> &'static [&'static str] {
        &[
            "iam:GetAccountAuthorizationDetails",
            "iam:ListPolicies",
            "iam:GetPolicyVersion",
            "iam:GenerateCredentialReport",
            "iam:GetCredentialReport",
            "iam:GetAccountSummary",
            "iam:GetAccountPasswordPolicy",
        ]
    }

    fn jobs(&self, ctx: ScopeContext) -> Vec<Job> {
        let scope = IamScope {
            client: sdk_client!(aws_sdk_iam, &ctx),
            ctx,
        };
        vec![Job::several(KINDS, async move { collect(&scope).await })]
    }
}

/// IAM's largest `MaxItems`.
const PAGE_SIZE: i32 = 1000;
/// How long to wait for IAM to finish generating the credential report.
const REPORT_WAIT: Duration = Duration::from_secs(180);
/// First pause between `GenerateCredentialReport` polls; doubles up to [`REPORT_POLL_MAX`].
const REPORT_POLL_FIRST: Duration = Duration::from_millis(100);
const REPORT_POLL_MAX: Duration = Duration::from_secs(2);

const SCOPE: &str = crate::model::GLOBAL_REGION;

/// What the account's IAM units share.
type IamScope = Scoped<aws_sdk_iam::Client>;

impl Scoped<aws_sdk_iam::Client> {
    /// `arn:aws:iam::ACCOUNT:SUFFIX`.
    fn arn(&self, suffix: &str) -> String {
        self.account_arn("iam", suffix)
    }
}

/// The account's IAM units. The four kinds from `GetAccountAuthorizationDetails`, the
/// AWS-managed policy documents, the credential report, the summary and the password
/// policy are fetched concurrently, each part under the overall deadline on its own so a
/// slow part fails only its kinds; users then get their credential facts.
async fn collect(scope: &IamScope) -> Vec<(ResourceKind, Collected)> {
    let (summary, password_policy, report, details, aws_policies) = tokio::join!(
        scope.within_deadline(ResourceKind::IamAccountSummary, account_summary(scope)),
        scope.within_deadline(ResourceKind::IamPasswordPolicy, password_policy(scope)),
        scope.within_deadline(ResourceKind::IamCredentialReport, credential_report(scope)),
        async {
            scope
                .within_deadline(ResourceKind::IamUser, async {
                    Ok(authorization_details(scope).await)
                })
                .await
                .unwrap_or_else(AuthorizationDetails::failed)
        },
        scope.within_deadline(ResourceKind::IamManagedPolicy, attached_aws_policies(scope)),
    );
    let mut users = details.users;
    if let Ok(users) = &mut users {
        with_credentials(users, report.as_ref().ok());
    }
    let managed_policies = details.local_policies.and_then(|mut local| {
        local.extend(aws_managed(
            scope,
            aws_policies,
            [&users, &details.groups, &details.roles],
        )?);
        Ok(local)
    });
    vec![
        (ResourceKind::IamAccountSummary, summary),
        (ResourceKind::IamPasswordPolicy, password_policy),
        (
            ResourceKind::IamCredentialReport,
            report.map(|report| {
                vec![scope.resource(
                    scope.arn("credential-report"),
                    None,
                    Default::default(),
                    ResourceConfig::IamCredentialReport(IamCredentialReport {
                        generated_at: report.generated_at,
                    }),
                )]
            }),
        ),
        (ResourceKind::IamUser, users),
        (ResourceKind::IamGroup, details.groups),
        (ResourceKind::IamRole, details.roles),
        (ResourceKind::IamManagedPolicy, managed_policies),
    ]
}

/// `GetAccountSummary`: root MFA and root access keys.
async fn account_summary(scope: &IamScope) -> Collected {
    const OP: &str = "iam:GetAccountSummary";
    let answer = scope
        .limiter
        .call(scope.client.get_account_summary().send())
        .await
        .map_err(|e| scope.fail(OP, &e))?;
    let map = required(answer.summary_map(), SCOPE, OP, "SummaryMap")?;
    let flag = |key: SummaryKeyType, name: &str| {
        required(map.get(&key), SCOPE, OP, name).map(|value| *value > 0)
    };
    let config = IamAccountSummary {
        root_mfa_enabled: flag(SummaryKeyType::AccountMfaEnabled, "AccountMFAEnabled")?,
        root_access_keys_present: flag(
            SummaryKeyType::AccountAccessKeysPresent,
            "AccountAccessKeysPresent",
        )?,
    };
    Ok(vec![scope.resource(
        scope.arn("account-summary"),
        None,
        Default::default(),
        ResourceConfig::IamAccountSummary(config),
    )])
}

/// `GetAccountPasswordPolicy`; NoSuchEntity means the account has none (a finding, not a
/// collection error).
async fn password_policy(scope: &IamScope) -> Collected {
    const OP: &str = "iam:GetAccountPasswordPolicy";
    let policy = match scope
        .limiter
        .call(scope.client.get_account_password_policy().send())
        .await
    {
        Ok(answer) => {
            let p = required(answer.password_policy(), SCOPE, OP, "PasswordPolicy")?;
            let count = |v: Option<i32>| v.and_then(|n| u32::try_from(n).ok()).filter(|n| *n > 0);
            Some(PasswordPolicy {
                minimum_password_length: p
                    .minimum_password_length()
                    .and_then(|n| u32::try_from(n).ok()),
                require_symbols: p.require_symbols(),
                require_numbers: p.require_numbers(),
                require_uppercase_characters: p.require_uppercase_characters(),
                require_lowercase_characters: p.require_lowercase_characters(),
                max_password_age: count(p.max_password_age()),
                password_reuse_prevention: count(p.password_reuse_prevention()),
                allow_users_to_change_password: p.allow_users_to_change_password(),
            })
        }
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|e| e.is_no_such_entity_exception()) =>
        {
            None
        }
        Err(error) => return Err(scope.fail(OP, &error)),
    };
    Ok(vec![scope.resource(
        scope.arn("password-policy"),
        None,
        Default::default(),
        ResourceConfig::IamPasswordPolicy(IamPasswordPolicy { policy }),
    )])
}

/// Generates (or reuses: IAM keeps a report for four hours) the credential report, waits
/// for it with backoff, and reads it with the time IAM generated it.
async fn credential_report(scope: &IamScope) -> Result<CredentialReport, CallFailure> {
    const GENERATE: &str = "iam:GenerateCredentialReport";
    const GET: &str = "iam:GetCredentialReport";
    let started = Instant::now();
    let mut pause = REPORT_POLL_FIRST;
    loop {
        let answer = scope
            .limiter
            .call(scope.client.generate_credential_report().send())
            .await
            .map_err(|e| scope.fail(GENERATE, &e))?;
        if answer.state() == Some(&ReportStateType::Complete) {
            break;
        }
        if started.elapsed() >= REPORT_WAIT {
            return Err(CallFailure::new(
                FailureKind::Timeout,
                format!(
                    "{SCOPE} {GENERATE}: the credential report was still being generated after {} s",
                    REPORT_WAIT.as_secs()
                ),
            ));
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(REPORT_POLL_MAX);
    }
    let answer = scope
        .limiter
        .call(scope.client.get_credential_report().send())
        .await
        .map_err(|e| scope.fail(GET, &e))?;
    let generated_at = answer.generated_time().and_then(time);
    let content = required(answer.content(), SCOPE, GET, "Content")?;
    let text = std::str::from_utf8(content.as_ref()).map_err(|_| {
        CallFailure::new(
            FailureKind::Error,
            format!("{SCOPE} {GET}: the credential report is not UTF-8 text"),
        )
    })?;
    let mut report = credential_report::parse(text)
        .map_err(|e| CallFailure::new(FailureKind::Error, format!("{SCOPE} {GET}: {e}")))?;
    report.generated_at = generated_at;
    Ok(report)
}

/// The principals and customer-managed policies of `GetAccountAuthorizationDetails`, one
/// result per kind (a document that cannot be read fails only its own kind).
struct AuthorizationDetails {
    /// Users, with `credentials: None` until [`with_credentials`] fills them in.
    pub users: Collected,
    pub groups: Collected,
    pub roles: Collected,
    pub local_policies: Collected,
}

impl AuthorizationDetails {
    /// The same failure for every kind.
    fn failed(failure: CallFailure) -> Self {
        AuthorizationDetails {
            users: Err(failure.clone()),
            groups: Err(failure.clone()),
            roles: Err(failure.clone()),
            local_policies: Err(failure),
        }
    }
}

/// `GetAccountAuthorizationDetails`, all pages.
async fn authorization_details(scope: &IamScope) -> AuthorizationDetails {
    const OP: &str = "iam:GetAccountAuthorizationDetails";
    let mut users = Ok(Vec::new());
    let mut groups = Ok(Vec::new());
    let mut roles = Ok(Vec::new());
    let mut local_policies = Ok(Vec::new());
    // Each page fills four kinds; a document that cannot be read fails only its own kind,
    // a failed call or a broken page chain fails them all.
    let listed: Result<Vec<()>, CallFailure> = paginate(
        scope,
        OP,
        |marker| {
            scope
                .client
                .get_account_authorization_details()
                .filter(EntityType::User)
                .filter(EntityType::Group)
                .filter(EntityType::Role)
                .filter(EntityType::LocalManagedPolicy)
                .max_items(PAGE_SIZE)
                .set_marker(marker)
                .send()
        },
        |page, _| {
            extend(
                &mut users,
                page.user_detail_list().iter().map(|u| user(scope, u)),
            );
            extend(
                &mut groups,
                page.group_detail_list().iter().map(|g| group(scope, g)),
            );
            extend(
                &mut roles,
                page.role_detail_list().iter().map(|r| role(scope, r)),
            );
            extend(
                &mut local_policies,
                page.policies()
                    .iter()
                    .filter_map(|p| narrowed(scope, p.arn(), local_policy(scope, p))),
            );
            Ok(PageEnd::truncated(page.is_truncated(), page.marker()))
        },
    )
    .await;
    if let Err(failure) = listed {
        return AuthorizationDetails::failed(failure);
    }
    AuthorizationDetails {
        users,
        groups,
        roles,
        local_policies,
    }
}

/// A managed policy, or — when its document cannot be read but its ARN is known — `None`
/// with an `iam_managed_policy` gap narrowed to it, so the failure costs only the verdicts
/// of the principals it is attached to.
fn narrowed(
    scope: &IamScope,
    arn: Option<&str>,
    policy: Result<Resource, CallFailure>,
) -> Option<Result<Resource, CallFailure>> {
    match (policy, arn) {
        (Err(failure), Some(arn)) => {
            scope.record_narrowed_gap(arn, ResourceKind::IamManagedPolicy, &failure);
            None
        }
        (policy, _) => Some(policy),
    }
}

/// Whether a policy ARN names an AWS-managed policy (`arn:PARTITION:iam::aws:policy/…`).
fn is_aws_managed(arn: &str) -> bool {
    arn.split(':').nth(4) == Some("aws") && arn.starts_with("arn:")
}

/// The AWS-managed policy documents for the kind's result. When they could not be listed
/// at all (a failed `ListPolicies`, the deadline), the principals say which AWS-managed
/// policies are attached: each gets a gap narrowed to it, and the customer-managed
/// policies still count. Without the principals the whole kind fails, as they do.
fn aws_managed(
    scope: &IamScope,
    listed: Result<Vec<Resource>, CallFailure>,
    principals: [&Collected; 3],
) -> Result<Vec<Resource>, CallFailure> {
    let failure = match listed {
        Ok(policies) => return Ok(policies),
        Err(failure) => failure,
    };
    let mut attached = std::collections::BTreeSet::new();
    for principals in principals {
        let Ok(principals) = principals else {
            return Err(failure);
        };
        for principal in principals {
            let policies = match &principal.config {
                ResourceConfig::IamUser(user) => &user.attached_managed_policies,
                ResourceConfig::IamGroup(group) => &group.attached_managed_policies,
                ResourceConfig::IamRole(role) => &role.attached_managed_policies,
                _ => continue,
            };
            attached.extend(
                policies
                    .iter()
                    .map(|p| p.policy_arn.as_str())
                    .filter(|arn| is_aws_managed(arn)),
            );
        }
    }
    for arn in attached {
        scope.record_narrowed_gap(arn, ResourceKind::IamManagedPolicy, &failure);
    }
    Ok(Vec::new())
}

/// Adds items to a kind's result; its first failure sticks.
fn extend(into: &mut Collected, items: impl Iterator<Item = Result<Resource, CallFailure>>) {
    if let Ok(list) = into {
        for item in items {
            match item {
                Ok(resource) => list.push(resource),
                Err(failure) => {
                    *into = Err(failure);
                    return;
                }
            }
        }
    }
}

/// Fills users' credential facts from the report. A user without a row (created after
/// the report was generated) keeps `credentials: None`, so its credential rules do not
/// evaluate rather than pass.
fn with_credentials(users: &mut [Resource], report: Option<&CredentialReport>) {
    for resource in users {
        if let ResourceConfig::IamUser(user) = &mut resource.config {
            user.credentials = report.and_then(|r| r.user(&user.user_name)).cloned();
        }
    }
}

fn document(text: Option<&str>, what: impl Fn() -> String) -> Result<PolicyDocument, CallFailure> {
    const OP: &str = "iam:GetAccountAuthorizationDetails";
    let text = text.ok_or_else(|| {
        CallFailure::new(
            FailureKind::Error,
            format!("{SCOPE} {OP}: {} has no document", what()),
        )
    })?;
    PolicyDocument::parse(text)
        .map_err(|e| CallFailure::new(FailureKind::Error, format!("{SCOPE} {OP}: {}: {e}", what())))
}

fn inline_policies(list: &[PolicyDetail], owner: &str) -> Result<Vec<InlinePolicy>, CallFailure> {
    list.iter()
        .map(|p| {
            let name = p.policy_name().unwrap_or_default().to_string();
            Ok(InlinePolicy {
                document: document(p.policy_document(), || {
                    format!("inline policy {name:?} of {owner}")
                })?,
                policy_name: name,
            })
        })
        .collect()
}

fn attached(list: &[SdkAttachedPolicy]) -> Vec<AttachedPolicy> {
    list.iter()
        .filter_map(|p| {
            Some(AttachedPolicy {
                policy_name: p.policy_name()?.to_string(),
                policy_arn: p.policy_arn()?.to_string(),
            })
        })
        .collect()
}

fn user(
    scope: &IamScope,
    detail: &aws_sdk_iam::types::UserDetail,
) -> Result<Resource, CallFailure> {
    const OP: &str = "iam:GetAccountAuthorizationDetails";
    let name = required(detail.user_name(), SCOPE, OP, "UserName")?;
    let (_, tags) = tags(
        detail
            .tags()
            .iter()
            .map(|t| (Some(t.key()), Some(t.value()))),
    );
    let config = IamUser {
        user_name: name.to_string(),
        user_id: detail.user_id().map(str::to_string),
        create_date: required(detail.create_date().and_then(time), SCOPE, OP, "CreateDate")?,
        credentials: None,
        attached_managed_policies: attached(detail.attached_managed_policies()),
        inline_policies: inline_policies(detail.user_policy_list(), &format!("user {name}"))?,
        groups: detail.group_list().to_vec(),
    };
    Ok(scope.resource(
        detail
            .arn()
            .map(str::to_string)
            .unwrap_or_else(|| scope.arn(&format!("user/{name}"))),
        Some(name.to_string()),
        tags,
        ResourceConfig::IamUser(config),
    ))
}

fn group(
    scope: &IamScope,
    detail: &aws_sdk_iam::types::GroupDetail,
) -> Result<Resource, CallFailure> {
    const OP: &str = "iam:GetAccountAuthorizationDetails";
    let name = required(detail.group_name(), SCOPE, OP, "GroupName")?;
    let config = IamGroup {
        group_name: name.to_string(),
        attached_managed_policies: attached(detail.attached_managed_policies()),
        inline_policies: inline_policies(detail.group_policy_list(), &format!("group {name}"))?,
    };
    Ok(scope.resource(
        detail
            .arn()
            .map(str::to_string)
            .unwrap_or_else(|| scope.arn(&format!("group/{name}"))),
        Some(name.to_string()),
        Default::default(),
        ResourceConfig::IamGroup(config),
    ))
}

fn role(
    scope: &IamScope,
    detail: &aws_sdk_iam::types::RoleDetail,
) -> Result<Resource, CallFailure> {
    const OP: &str = "iam:GetAccountAuthorizationDetails";
    let name = required(detail.role_name(), SCOPE, OP, "RoleName")?;
    let (_, tags) = tags(
        detail
            .tags()
            .iter()
            .map(|t| (Some(t.key()), Some(t.value()))),
    );
    let config = IamRole {
        role_name: name.to_string(),
        path: detail.path().map(str::to_string),
        assume_role_policy: detail
            .assume_role_policy_document()
            .map(|text| document(Some(text), || format!("the trust policy of role {name}")))
            .transpose()?,
        attached_managed_policies: attached(detail.attached_managed_policies()),
        inline_policies: inline_policies(detail.role_policy_list(), &format!("role {name}"))?,
    };
    Ok(scope.resource(
        detail
            .arn()
            .map(str::to_string)
            .unwrap_or_else(|| scope.arn(&format!("role/{name}"))),
        Some(name.to_string()),
        tags,
        ResourceConfig::IamRole(config),
    ))
}

fn local_policy(
    scope: &IamScope,
    detail: &aws_sdk_iam::types::ManagedPolicyDetail,
) -> Result<Resource, CallFailure> {
    const OP: &str = "iam:GetAccountAuthorizationDetails";
    // AWS always sends PolicyName; moto leaves it out here, and the ARN ends in it anyway.
    let name = required(
        detail
            .policy_name()
            .or_else(|| detail.arn().and_then(|arn| arn.rsplit('/').next())),
        SCOPE,
        OP,
        "PolicyName",
    )?;
    let default_version_id = detail.default_version_id();
    let version = detail
        .policy_version_list()
        .iter()
        .find(|v| v.is_default_version())
        .or_else(|| {
            detail
                .policy_version_list()
                .iter()
                .find(|v| v.version_id().is_some() && v.version_id() == default_version_id)
        });
    let document = document(version.and_then(|v| v.document()), || {
        format!("the default version of managed policy {name}")
    })?;
    let config = IamManagedPolicy {
        policy_name: name.to_string(),
        aws_managed: false,
        default_version_id: default_version_id
            .or_else(|| version.and_then(|v| v.version_id()))
            .map(str::to_string),
        attachment_count: detail
            .attachment_count()
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0),
        document,
    };
    Ok(scope.resource(
        detail
            .arn()
            .map(str::to_string)
            .unwrap_or_else(|| scope.arn(&format!("policy/{name}"))),
        Some(name.to_string()),
        Default::default(),
        ResourceConfig::IamManagedPolicy(config),
    ))
}

/// The AWS-managed policies attached to some principal, with their default documents. A
/// policy whose document cannot be read is left out with a gap narrowed to its ARN; only a
/// failed listing (or an entry without an ARN) fails the whole result.
async fn attached_aws_policies(scope: &IamScope) -> Collected {
    const LIST: &str = "iam:ListPolicies";
    let listed = paginate(
        scope,
        LIST,
        |marker| {
            scope
                .client
                .list_policies()
                .scope(PolicyScopeType::Aws)
                .only_attached(true)
                .max_items(PAGE_SIZE)
                .set_marker(marker)
                .send()
        },
        |page, out| {
            out.extend(page.policies().iter().cloned());
            Ok(PageEnd::truncated(page.is_truncated(), page.marker()))
        },
    )
    .await?;
    let fetches = listed.iter().map(|policy| async move {
        let arn = required(policy.arn(), SCOPE, LIST, "Arn")?;
        let fetched = aws_policy(scope, policy, arn).await;
        Ok(narrowed(scope, Some(arn), fetched))
    });
    let fetched: Result<Vec<_>, CallFailure> = join_all(fetches).await.into_iter().collect();
    fetched?.into_iter().flatten().collect()
}

/// One AWS-managed policy with its default document (`GetPolicyVersion`).
async fn aws_policy(
    scope: &IamScope,
    policy: &aws_sdk_iam::types::Policy,
    arn: &str,
) -> Result<Resource, CallFailure> {
    const LIST: &str = "iam:ListPolicies";
    const GET: &str = "iam:GetPolicyVersion";
    let name = required(policy.policy_name(), SCOPE, LIST, "PolicyName")?;
    let version_id = required(policy.default_version_id(), SCOPE, LIST, "DefaultVersionId")?;
    let answer = scope
        .limiter
        .call(
            scope
                .client
                .get_policy_version()
                .policy_arn(arn)
                .version_id(version_id)
                .send(),
        )
        .await
        .map_err(|e| scope.fail(GET, &e))?;
    let text = answer.policy_version().and_then(|v| v.document());
    let document = document(text, || format!("AWS-managed policy {name}")).map_err(|f| {
        CallFailure::new(
            f.kind,
            f.message.replace("iam:GetAccountAuthorizationDetails", GET),
        )
    })?;
    Ok(scope.resource(
        arn.to_string(),
        Some(name.to_string()),
        Default::default(),
        ResourceConfig::IamManagedPolicy(IamManagedPolicy {
            policy_name: name.to_string(),
            aws_managed: true,
            default_version_id: Some(version_id.to_string()),
            attachment_count: policy
                .attachment_count()
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(0),
            document,
        }),
    ))
}
