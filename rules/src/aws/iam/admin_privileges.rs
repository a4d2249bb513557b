use super::principal;
use crate::declare_rule;
use crate::inventory::UnitState;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{
    AttachedPolicy, CoverageEntry, CoverageStatus, InlinePolicy, PolicyDocument, Resource,
    ResourceConfig, ResourceKind,
};

/// The path of service-linked roles, which AWS creates and controls.
const SERVICE_LINKED_ROLE_PATH: &str = "/aws-service-role/";

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every IAM user, group and role that holds a policy — an attached managed
    /// policy or an inline policy — with a statement that allows every action (`*` or
    /// `*:*`) on every resource (`*`) without a condition: full administrator access. There
    /// is one finding per principal, naming each such policy and statement.
    ///
    /// - A managed policy is judged by the document of its default version. The AWS-managed
    ///   `AdministratorAccess` policy is known to be full admin even when the snapshot does
    ///   not hold its document; any other attached policy missing from the snapshot makes
    ///   the principal not evaluated (unless another policy already grants admin). A policy
    ///   whose document could not be read (a denied or throttled `GetPolicyVersion`) is a
    ///   coverage gap of that policy alone: only the principals it is attached to are not
    ///   evaluated, naming it, and those that hold admin through another policy still fail.
    /// - `NotAction`, `NotResource`, `Deny` statements and statements with a `Condition`
    ///   (for example one requiring MFA) are not counted as full admin.
    /// - A user's group policies are judged on the group, not on each member: members
    ///   inherit everything their groups allow, so a failing group means every member of it
    ///   is an administrator — review its membership.
    /// - Service-linked roles (path `/aws-service-role/`) are created and limited by AWS
    ///   and are not judged.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.3 expects access to be granted on least privilege and to be authorised, reviewed
    /// and removed as roles change. A principal with `*` on `*` can read every secret,
    /// change every control (including turning off logging) and grant itself or others
    /// anything. Auditors expect administrator access to be rare, justified, and held by
    /// roles that people assume deliberately (with MFA) rather than by everyday identities.
    ///
    /// ## How to fix
    ///
    /// Replace the policy with one that allows only the actions and resources the principal
    /// needs (IAM Access Analyzer can generate one from CloudTrail activity). Keep genuine
    /// administrator access on a few roles that people assume with MFA, or add a
    /// `Condition` to the statement, and remove it from users and broad groups.
    ///
    /// ### Console
    ///
    /// IAM → Users, User groups or Roles → the principal → Permissions → select the policy
    /// → Remove (managed) or Edit (inline); add a narrower policy in its place. For a
    /// group, also review Users in the group.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws iam detach-user-policy --user-name alice \
    ///   --policy-arn arn:aws:iam::aws:policy/AdministratorAccess
    /// aws iam detach-group-policy --group-name admins \
    ///   --policy-arn arn:aws:iam::aws:policy/AdministratorAccess
    /// aws iam delete-role-policy --role-name deploy --policy-name everything
    /// aws iam attach-role-policy --role-name deploy \
    ///   --policy-arn arn:aws:iam::111122223333:policy/deploy-least-privilege
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// data "aws_iam_policy_document" "deploy" {
    ///   statement {
    ///     actions   = ["ecs:UpdateService", "ecs:DescribeServices"]
    ///     resources = [aws_ecs_service.app.id]
    ///   }
    /// }
    ///
    /// resource "aws_iam_role_policy" "deploy" {
    ///   role   = aws_iam_role.deploy.id
    ///   policy = data.aws_iam_policy_document.deploy.json
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.3 (role-based, least-privilege access).
    pub struct AdminPrivileges {
        id: "aws-iam-admin-privileges",
        title: "IAM principal has full administrator privileges",
        severity: High,
        criteria: ["CC6.3"],
        targets: [IamUser, IamGroup, IamRole],
        also_reads: [IamManagedPolicy],
        params: [],
        // A role's path tells a service-linked role, which the rule does not judge.
        reads: ["attached_managed_policies", "inline_policies", "path"],
    }
}

impl Rule for AdminPrivileges {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    fn applies(&self, resource: &Resource) -> bool {
        !matches!(
            &resource.config,
            ResourceConfig::IamRole(role)
                if role.path.as_deref().is_some_and(|p| p.starts_with(SERVICE_LINKED_ROLE_PATH))
        )
    }

    fn check(&self, resource: &Resource, ctx: &CheckContext<'_>) -> Verdict {
        self.check_explained(resource, ctx).0
    }

    fn check_explained(
        &self,
        resource: &Resource,
        ctx: &CheckContext<'_>,
    ) -> (Verdict, Option<u32>) {
        let (attached, inline): (&[AttachedPolicy], &[InlinePolicy]) = match &resource.config {
            ResourceConfig::IamUser(user) => {
                (&user.attached_managed_policies, &user.inline_policies)
            }
            ResourceConfig::IamGroup(group) => {
                (&group.attached_managed_policies, &group.inline_policies)
            }
            ResourceConfig::IamRole(role) => {
                (&role.attached_managed_policies, &role.inline_policies)
            }
            _ => {
                return (
                    Verdict::NotEvaluated(format!(
                        "{} is not an IAM user, group or role",
                        resource.id
                    )),
                    None,
                )
            }
        };
        let mut grants = Vec::new();
        let mut missing = Vec::new();
        // Attached policies whose document could not be read: a gap narrowed to the policy.
        let mut unreadable: Vec<(u32, &CoverageEntry)> = Vec::new();
        for policy in attached {
            match ctx
                .inventory
                .managed_policy(&resource.account, &policy.policy_arn)
            {
                Some(managed) => {
                    if let Some(how) = admin_statements(&managed.document) {
                        grants.push(format!(
                            "managed policy {} ({}) {how}",
                            policy.policy_name, policy.policy_arn
                        ));
                    }
                }
                None if is_administrator_access(&policy.policy_arn) => grants.push(format!(
                    "AWS-managed policy AdministratorAccess ({}), which allows \"*\" on \"*\"",
                    policy.policy_arn
                )),
                None => match ctx.inventory.narrowed_unit(
                    &resource.account,
                    &policy.policy_arn,
                    ResourceKind::IamManagedPolicy,
                ) {
                    UnitState::Failed(index, entry) => unreadable.push((index, entry)),
                    UnitState::Collected | UnitState::Absent => {
                        missing.push(policy.policy_arn.as_str())
                    }
                },
            }
        }
        for policy in inline {
            if let Some(how) = admin_statements(&policy.document) {
                grants.push(format!("inline policy {} {how}", policy.policy_name));
            }
        }
        if !grants.is_empty() {
            // A policy that could not be read cannot take administrator access away.
            return (
                Verdict::Fail(format!(
                    "{} has full administrator access through {}; expected no policy that \
                     allows every action on every resource without a condition (grant only \
                     the actions and resources needed)",
                    principal(resource),
                    grants.join("; ")
                )),
                None,
            );
        }
        let mut reasons = Vec::new();
        if !unreadable.is_empty() {
            let described: Vec<String> = unreadable
                .iter()
                .map(|(_, entry)| match &entry.status {
                    CoverageStatus::Failed { kind, message } => format!(
                        "{} ({}: {message})",
                        entry.unit.resource.as_deref().unwrap_or_default(),
                        kind.as_str()
                    ),
                    CoverageStatus::Ok => String::new(),
                })
                .collect();
            reasons.push(format!(
                "the document of managed {} attached to {} could not be read: {}",
                plural(unreadable.len(), "policy", "policies"),
                principal(resource),
                described.join("; ")
            ));
        }
        if !missing.is_empty() {
            reasons.push(format!(
                "managed {} {} attached to {} {} not in the snapshot",
                plural(missing.len(), "policy", "policies"),
                missing.join(", "),
                principal(resource),
                plural(missing.len(), "is", "are"),
            ));
        }
        if reasons.is_empty() {
            return (Verdict::Pass, None);
        }
        let count = unreadable.len() + missing.len();
        (
            Verdict::NotEvaluated(format!(
                "{}, so whether {} administrator access is unknown",
                reasons.join("; and "),
                plural(count, "it grants", "they grant"),
            )),
            unreadable.first().map(|(index, _)| *index),
        )
    }
}

fn plural(count: usize, one: &'static str, many: &'static str) -> &'static str {
    if count == 1 {
        one
    } else {
        many
    }
}

/// The AWS-managed `AdministratorAccess` policy, in any partition.
fn is_administrator_access(arn: &str) -> bool {
    arn.starts_with("arn:") && arn.ends_with(":iam::aws:policy/AdministratorAccess")
}

/// How a document grants full admin ("(statement 2 \"Admin\": Allow \"*\" on \"*\" without a
/// condition)"), or `None` if it does not.
fn admin_statements(document: &PolicyDocument) -> Option<String> {
    let described: Vec<String> = document
        .statements
        .iter()
        .enumerate()
        .filter(|(_, statement)| statement.grants_full_admin())
        .map(|(index, statement)| {
            let action = statement
                .action
                .iter()
                .find(|a| *a == "*" || *a == "*:*")
                .map_or("*", String::as_str);
            let sid = statement
                .sid
                .as_deref()
                .map(|sid| format!(" {sid:?}"))
                .unwrap_or_default();
            format!(
                "statement {}{sid}: Allow {action:?} on \"*\" without a condition",
                index + 1
            )
        })
        .collect();
    (!described.is_empty()).then(|| format!("({})", described.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::cases::{Case, Cases};
    use crate::testing::*;
    use soc2scan_model::{IamGroup, IamManagedPolicy, IamRole};

    pub(super) fn cases() -> Cases {
        let admin_arn = policy_arn("CustomAdmin");
        let read_arn = policy_arn("ReadOnly");
        let unreadable_arn = policy_arn("Unreadable");
        Cases::new()
            .case(
                Case::new("attached managed policies are looked up in the snapshot")
                    .with(managed("CustomAdmin", ADMIN_ARRAY))
                    .with(managed("ReadOnly", READ_ONLY))
                    .fail(
                        group("admins", vec![("CustomAdmin", &admin_arn)]),
                        &[
                            "IAM group admins",
                            "managed policy CustomAdmin",
                            &admin_arn,
                            "statement 2 \"Everything\"",
                        ],
                    )
                    .pass(group("readers", vec![("ReadOnly", &read_arn)]))
                    .fail(
                        role("ops", None, vec![("CustomAdmin", &admin_arn)]),
                        &["IAM role ops", "CustomAdmin"],
                    )
                    .pass(user_with_inline("readonly", READ_ONLY)),
            )
            .case(
                Case::new(
                    "a policy whose document could not be read costs only the principals \
                     it is attached to, and cannot take away admin held otherwise",
                )
                .with(managed("CustomAdmin", ADMIN_ARRAY))
                .with(managed("ReadOnly", READ_ONLY))
                .gap(ResourceKind::IamManagedPolicy, &unreadable_arn)
                .not_evaluated(
                    role("batch", None, vec![("Unreadable", &unreadable_arn)]),
                    &[
                        "the document of managed policy attached to IAM role batch could \
                         not be read",
                        &unreadable_arn,
                        "throttled",
                        "whether it grants administrator access is unknown",
                    ],
                )
                .not_evaluated(
                    group("unreadable-group", vec![("Unreadable", &unreadable_arn)]),
                    &["IAM group unreadable-group", &unreadable_arn],
                )
                .fail(
                    user_with(
                        "inline-admin",
                        vec![("Unreadable", &unreadable_arn)],
                        Some(ADMIN_OBJECT),
                        &[],
                    ),
                    &["IAM user inline-admin", "inline policy p"],
                )
                .fail(
                    group(
                        "mixed",
                        vec![("Unreadable", &unreadable_arn), ("CustomAdmin", &admin_arn)],
                    ),
                    &["IAM group mixed", "managed policy CustomAdmin"],
                )
                .pass(role("reader", None, vec![("ReadOnly", &read_arn)]))
                // Group policies are judged on the group, so its members keep their verdict.
                .pass(user_with("member", vec![], None, &["unreadable-group"]))
                .not_applicable(role(
                    "AWSServiceRoleForBatch",
                    Some("/aws-service-role/batch.amazonaws.com/"),
                    vec![("Unreadable", &unreadable_arn)],
                )),
            )
            .case(
                Case::new("service-linked roles are not judged; other service roles are")
                    .not_applicable(role(
                        "AWSServiceRoleForSupport",
                        Some("/aws-service-role/support.amazonaws.com/"),
                        vec![("AdministratorAccess", ADMIN_ACCESS_ARN)],
                    ))
                    .fail(
                        role(
                            "ordinary",
                            Some("/service-role/"),
                            vec![("AdministratorAccess", ADMIN_ACCESS_ARN)],
                        ),
                        &["IAM role ordinary"],
                    ),
            )
    }

    const ADMIN_OBJECT: &str =
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;
    const ADMIN_ARRAY: &str = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":["s3:GetObject"],"Resource":["*"]},
        {"Sid":"Everything","Effect":"Allow","Action":["ec2:*","*"],"Resource":["*"]}]}"#;
    const ADMIN_STAR_COLON: &str =
        r#"{"Statement":[{"Effect":"Allow","Action":"*:*","Resource":"*"}]}"#;
    const NOT_ACTION: &str =
        r#"{"Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}"#;
    const CONDITIONED: &str = r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*",
        "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}}"#;
    const DENY_ALL: &str = r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}"#;
    const SCOPED: &str =
        r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::logs/*"}}"#;
    const READ_ONLY: &str =
        r#"{"Statement":{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}}"#;
    // ADMIN_OBJECT as IAM returns it from GetAccountAuthorizationDetails.
    const ADMIN_URL_ENCODED: &str = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%7D";

    const ADMIN_ACCESS_ARN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

    fn policy_arn(name: &str) -> String {
        format!("arn:aws:iam::{ACCOUNT}:policy/{name}")
    }

    fn managed(name: &str, document: &str) -> Resource {
        resource(
            &policy_arn(name),
            ResourceConfig::IamManagedPolicy(IamManagedPolicy {
                policy_name: name.to_string(),
                aws_managed: false,
                default_version_id: Some("v1".to_string()),
                attachment_count: 1,
                document: PolicyDocument::parse(document).expect("test policy parses"),
            }),
        )
    }

    fn user_with_inline(name: &str, document: &str) -> Resource {
        let mut u = user(name);
        u.inline_policies = vec![inline("p", document)];
        user_resource(u)
    }

    fn user_with(
        name: &str,
        attached_policies: Vec<(&str, &str)>,
        inline_document: Option<&str>,
        groups: &[&str],
    ) -> Resource {
        let mut u = user(name);
        u.attached_managed_policies = attached_policies
            .into_iter()
            .map(|(n, arn)| attached(n, arn))
            .collect();
        u.inline_policies = inline_document
            .map(|document| vec![inline("p", document)])
            .unwrap_or_default();
        u.groups = groups.iter().map(|g| g.to_string()).collect();
        user_resource(u)
    }

    fn group(name: &str, attached_policies: Vec<(&str, &str)>) -> Resource {
        resource(
            &format!("arn:aws:iam::{ACCOUNT}:group/{name}"),
            ResourceConfig::IamGroup(IamGroup {
                group_name: name.to_string(),
                attached_managed_policies: attached_policies
                    .into_iter()
                    .map(|(n, arn)| attached(n, arn))
                    .collect(),
                inline_policies: vec![],
            }),
        )
    }

    fn role_id(name: &str) -> String {
        format!("arn:aws:iam::{ACCOUNT}:role/{name}")
    }

    fn role(name: &str, path: Option<&str>, attached_policies: Vec<(&str, &str)>) -> Resource {
        resource(
            &role_id(name),
            ResourceConfig::IamRole(IamRole {
                role_name: name.to_string(),
                path: path.map(str::to_string),
                assume_role_policy: None,
                attached_managed_policies: attached_policies
                    .into_iter()
                    .map(|(n, arn)| attached(n, arn))
                    .collect(),
                inline_policies: vec![],
            }),
        )
    }

    #[test]
    fn inline_admin_fails_whatever_the_document_shape() {
        let results = run(
            &AdminPrivileges,
            &snapshot(vec![
                user_with_inline("object", ADMIN_OBJECT),
                user_with_inline("array", ADMIN_ARRAY),
                user_with_inline("starcolon", ADMIN_STAR_COLON),
                user_with_inline("encoded", ADMIN_URL_ENCODED),
            ]),
        );
        assert_fail(
            &verdict_of(&results, &user_arn("object")),
            &[
                "IAM user object",
                "inline policy p",
                "statement 1: Allow \"*\" on \"*\" without a condition",
                "expected",
            ],
        );
        assert_fail(
            &verdict_of(&results, &user_arn("array")),
            &["statement 2 \"Everything\": Allow \"*\""],
        );
        assert_fail(
            &verdict_of(&results, &user_arn("starcolon")),
            &["Allow \"*:*\" on \"*\""],
        );
        assert_fail(
            &verdict_of(&results, &user_arn("encoded")),
            &["IAM user encoded", "inline policy p"],
        );
    }

    #[test]
    fn near_admin_policies_pass() {
        let results = run(
            &AdminPrivileges,
            &snapshot(vec![
                user_with_inline("notaction", NOT_ACTION),
                user_with_inline("conditioned", CONDITIONED),
                user_with_inline("deny", DENY_ALL),
                user_with_inline("scoped", SCOPED),
                user_with_inline("readonly", READ_ONLY),
                user_resource(user("nothing")),
            ]),
        );
        for name in [
            "notaction",
            "conditioned",
            "deny",
            "scoped",
            "readonly",
            "nothing",
        ] {
            assert_pass(&verdict_of(&results, &user_arn(name)));
        }
    }

    #[test]
    fn one_finding_per_principal_names_every_admin_policy() {
        let admin_arn = policy_arn("CustomAdmin");
        let mut u = user("root-ish");
        u.attached_managed_policies = vec![
            attached("CustomAdmin", &admin_arn),
            attached("AdministratorAccess", ADMIN_ACCESS_ARN),
        ];
        u.inline_policies = vec![inline("everything", ADMIN_OBJECT), inline("ro", READ_ONLY)];
        let snap = snapshot(vec![managed("CustomAdmin", ADMIN_OBJECT), user_resource(u)]);
        let results = run(&AdminPrivileges, &snap);
        assert_eq!(
            results.len(),
            1,
            "one verdict for the user only: {results:?}"
        );
        let Verdict::Fail(message) = verdict_of(&results, &user_arn("root-ish")) else {
            panic!("expected a failure");
        };
        for fragment in [
            "managed policy CustomAdmin",
            "AdministratorAccess (arn:aws:iam::aws:policy/AdministratorAccess)",
            "inline policy everything",
        ] {
            assert!(message.contains(fragment), "{message} lacks {fragment}");
        }
        assert!(!message.contains("inline policy ro"), "{message}");
    }

    #[test]
    fn policy_missing_from_snapshot_is_not_evaluated_except_administrator_access() {
        let unknown_arn = policy_arn("Unlisted");
        let mut both = user("both");
        both.attached_managed_policies = vec![attached("Unlisted", &unknown_arn)];
        both.inline_policies = vec![inline("everything", ADMIN_OBJECT)];
        let snap = snapshot(vec![
            role("mystery", None, vec![("Unlisted", &unknown_arn)]),
            role(
                "admin",
                None,
                vec![("AdministratorAccess", ADMIN_ACCESS_ARN)],
            ),
            role(
                "gov-admin",
                None,
                vec![(
                    "AdministratorAccess",
                    "arn:aws-us-gov:iam::aws:policy/AdministratorAccess",
                )],
            ),
            user_resource(both),
        ]);
        let results = run(&AdminPrivileges, &snap);
        assert_not_evaluated(
            &verdict_of(&results, &role_id("mystery")),
            &[&unknown_arn, "IAM role mystery", "not in the snapshot"],
        );
        assert_fail(
            &verdict_of(&results, &role_id("admin")),
            &["AdministratorAccess", "allows \"*\" on \"*\""],
        );
        assert_fail(
            &verdict_of(&results, &role_id("gov-admin")),
            &["AdministratorAccess"],
        );
        assert_fail(
            &verdict_of(&results, &user_arn("both")),
            &["inline policy everything"],
        );
    }

    #[test]
    fn group_policies_are_judged_on_the_group_not_its_members() {
        let mut member = user("member");
        member.groups = vec!["admins".to_string()];
        let snap = snapshot(vec![
            group("admins", vec![("AdministratorAccess", ADMIN_ACCESS_ARN)]),
            user_resource(member),
        ]);
        let results = run(&AdminPrivileges, &snap);
        assert_pass(&verdict_of(&results, &user_arn("member")));
        assert_fail(
            &verdict_of(&results, &format!("arn:aws:iam::{ACCOUNT}:group/admins")),
            &["IAM group admins", "AdministratorAccess"],
        );
    }

    #[test]
    fn a_not_evaluated_verdict_names_the_narrowed_gap_that_explains_it() {
        let unreadable_arn = policy_arn("Unreadable");
        let mut snap = snapshot(vec![
            role("batch", None, vec![("Unreadable", &unreadable_arn)]),
            role("mystery", None, vec![("Unlisted", &policy_arn("Unlisted"))]),
        ]);
        crate::testing::fail_narrowed(&mut snap, ResourceKind::IamManagedPolicy, &unreadable_arn);
        let report = crate::Engine::new(vec![crate::RuleRun::with_defaults(&AdminPrivileges)])
            .evaluate(&snap);
        let gap_of = |id: &str| {
            let evaluation = report
                .evaluations
                .iter()
                .find(|e| report.resource_of(e).is_some_and(|r| r.id == id))
                .expect("a verdict");
            assert!(matches!(evaluation.verdict, Verdict::NotEvaluated(_)));
            evaluation
                .gap
                .map(|index| snap.coverage[index as usize].unit.resource.clone())
        };
        assert_eq!(
            gap_of(&role_id("batch")),
            Some(Some(unreadable_arn.clone()))
        );
        // A policy simply missing from the snapshot has no gap to point at.
        assert_eq!(gap_of(&role_id("mystery")), None);
        // The narrowed gap makes the scan incomplete and names this rule.
        let gaps = report.relevant_gaps();
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        assert_eq!(
            report.rules_affected_by(gaps[0]),
            ["aws-iam-admin-privileges"]
        );
    }
}
