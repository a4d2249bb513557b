//! AWS IAM rules: root user, password policy, users' credentials, privileges.

mod access_key_not_rotated;
mod admin_privileges;
mod credentials_unused;
mod password_policy_weak;
mod root_access_key;
mod root_mfa_off;
mod user_console_no_mfa;
mod user_direct_policy;
mod user_two_active_keys;

#[cfg(test)]
mod test_support;

pub use access_key_not_rotated::AccessKeyNotRotated;
pub use admin_privileges::AdminPrivileges;
pub use credentials_unused::CredentialsUnused;
pub use password_policy_weak::PasswordPolicyWeak;
pub use root_access_key::RootAccessKey;
pub use root_mfa_off::RootMfaOff;
pub use user_console_no_mfa::UserConsoleNoMfa;
pub use user_direct_policy::UserDirectPolicy;
pub use user_two_active_keys::UserTwoActiveKeys;

use crate::rule::{CheckContext, Rule, Verdict};
use chrono::{DateTime, Utc};
use soc2scan_model::{IamUser, Resource, ResourceConfig, UserCredentials};

/// The IAM rules, in documentation order.
pub const RULES: &[&dyn Rule] = &[
    &RootMfaOff,
    &RootAccessKey,
    &PasswordPolicyWeak,
    &UserConsoleNoMfa,
    &AccessKeyNotRotated,
    &CredentialsUnused,
    &AdminPrivileges,
    &UserDirectPolicy,
    &UserTwoActiveKeys,
];

/// "IAM user alice", "IAM role deploy": how messages name a principal.
fn principal(resource: &Resource) -> String {
    format!("{} {}", resource.kind().label(), resource.display_name())
}

/// The user behind a resource, or the verdict to give when it is not one.
fn as_user(resource: &Resource) -> Result<&IamUser, Verdict> {
    match &resource.config {
        ResourceConfig::IamUser(user) => Ok(user),
        _ => Err(Verdict::NotEvaluated(format!(
            "{} is not an IAM user",
            resource.id
        ))),
    }
}

/// A user and its credential-report facts, or the verdict to return instead: `NotEvaluated`
/// when the resource is not a user or the snapshot has no credential-report row for it (the
/// report could not be read, or it has no row for this user).
fn user_credentials(resource: &Resource) -> Result<(&IamUser, &UserCredentials), Verdict> {
    let user = as_user(resource)?;
    let credentials = user.credentials.as_ref().ok_or_else(|| {
        Verdict::NotEvaluated(format!(
            "the snapshot has no credential report row for {}, so its passwords, MFA and \
             access keys are unknown",
            principal(resource)
        ))
    })?;
    Ok((user, credentials))
}

/// The instant the credential report's dates describe for a user: when IAM generated the
/// report (it reuses one for up to four hours, so that can be well before the scan), as the
/// snapshot records it — never later than the end of collection — or, for snapshots that do
/// not record it, the end of collection. A credential used after the report was generated
/// does not show as used in it, so "unused for N days" is only known up to that instant;
/// key ages are measured at the same instant, so every credential fact of one user is
/// judged as of one moment. A report lists only users that existed when it was generated,
/// so a time before the user's creation cannot be right (an emulator's fixed date) and is
/// not used.
fn report_time(user: &IamUser, resource: &Resource, ctx: &CheckContext<'_>) -> DateTime<Utc> {
    ctx.inventory
        .credential_report(&resource.account)
        .and_then(|report| report.generated_at)
        .filter(|generated| *generated >= user.create_date)
        .map_or(ctx.now, |generated| generated.min(ctx.now))
}

/// Whole days from `then` to `now` (negative if `then` is after `now`).
fn days_since(now: DateTime<Utc>, then: DateTime<Utc>) -> i64 {
    (now - then).num_days()
}
