//! What a rule is: metadata, parameters, verdicts, and the [`Rule`] trait.

use crate::inventory::Inventory;
use chrono::{DateTime, Utc};
use serde::Serialize;
use soc2scan_model::{Resource, ResourceKind};
use std::fmt;

/// How bad a failing result is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Informational.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// Every severity, most severe first.
    pub const ALL_DESCENDING: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Parses a lower-case name.
    pub fn parse(name: &str) -> Option<Severity> {
        Severity::ALL_DESCENDING
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(name.trim()))
    }

    /// GitHub code scanning's `security-severity` score for this severity.
    pub fn security_severity(self) -> &'static str {
        match self {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            Severity::Low => "3.0",
            Severity::Info => "0.0",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The default value of a rule parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamDefault {
    /// A whole number.
    Integer(i64),
    /// A list of whole numbers (e.g. ports).
    IntegerList(&'static [i64]),
}

/// A tunable parameter of a rule, overridable in `soc2scan.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamSpec {
    /// Name (`max_key_age_days`).
    pub name: &'static str,
    /// What it means.
    pub description: &'static str,
    /// Default value.
    pub default: ParamDefault,
    /// Smallest allowed value (for lists: of each element).
    pub min: i64,
    /// Largest allowed value (for lists: of each element).
    pub max: i64,
}

/// A resolved parameter value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ParamValue {
    /// A whole number.
    Integer(i64),
    /// A list of whole numbers.
    IntegerList(Vec<i64>),
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Integer(value) => write!(f, "{value}"),
            ParamValue::IntegerList(values) => {
                let parts: Vec<String> = values.iter().map(i64::to_string).collect();
                write!(f, "[{}]", parts.join(", "))
            }
        }
    }
}

impl From<ParamDefault> for ParamValue {
    fn from(default: ParamDefault) -> Self {
        match default {
            ParamDefault::Integer(value) => ParamValue::Integer(value),
            ParamDefault::IntegerList(values) => ParamValue::IntegerList(values.to_vec()),
        }
    }
}

/// Why a parameter override was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    /// No such parameter.
    #[error("rule {rule} has no parameter {name:?}{hint}")]
    Unknown {
        /// Rule id.
        rule: &'static str,
        /// The name given.
        name: String,
        /// ": it takes a, b" or ": it takes no parameters".
        hint: String,
    },
    /// Wrong type or out of range.
    #[error("rule {rule} parameter {name}: {message}")]
    Invalid {
        /// Rule id.
        rule: &'static str,
        /// Parameter name.
        name: &'static str,
        /// What was expected.
        message: String,
    },
}

/// The resolved parameters of one rule: defaults plus overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    rule: &'static str,
    specs: &'static [ParamSpec],
    values: Vec<ParamValue>,
}

impl Params {
    /// The defaults of a rule.
    pub fn defaults(meta: &'static RuleMeta) -> Params {
        Params {
            rule: meta.id,
            specs: meta.params,
            values: meta.params.iter().map(|spec| spec.default.into()).collect(),
        }
    }

    /// Overrides one parameter, checking its name, type and range.
    pub fn set(&mut self, name: &str, value: ParamValue) -> Result<(), ParamError> {
        let Some(index) = self.specs.iter().position(|spec| spec.name == name) else {
            let hint = if self.specs.is_empty() {
                ": it takes no parameters".to_string()
            } else {
                let names: Vec<&str> = self.specs.iter().map(|s| s.name).collect();
                format!(": it takes {}", names.join(", "))
            };
            return Err(ParamError::Unknown {
                rule: self.rule,
                name: name.to_string(),
                hint,
            });
        };
        let spec = &self.specs[index];
        let invalid = |message: String| ParamError::Invalid {
            rule: self.rule,
            name: spec.name,
            message,
        };
        let in_range = |v: i64| (spec.min..=spec.max).contains(&v);
        match (&spec.default, &value) {
            (ParamDefault::Integer(_), ParamValue::Integer(v)) if !in_range(*v) => {
                return Err(invalid(format!(
                    "{v} is out of range; expected {} to {}",
                    spec.min, spec.max
                )))
            }
            (ParamDefault::IntegerList(_), ParamValue::IntegerList(values)) => {
                if let Some(v) = values.iter().find(|v| !in_range(**v)) {
                    return Err(invalid(format!(
                        "{v} is out of range; expected values from {} to {}",
                        spec.min, spec.max
                    )));
                }
            }
            (ParamDefault::Integer(_), ParamValue::Integer(_)) => {}
            (ParamDefault::Integer(_), _) => {
                return Err(invalid("expected a whole number".to_string()))
            }
            (ParamDefault::IntegerList(_), _) => {
                return Err(invalid("expected a list of whole numbers".to_string()))
            }
        }
        self.values[index] = value;
        Ok(())
    }

    /// An integer parameter. Panics only on a programming error (a rule reading a
    /// parameter it did not declare), which the rule's unit tests catch.
    pub fn integer(&self, name: &str) -> i64 {
        match self.get(name) {
            ParamValue::Integer(value) => *value,
            ParamValue::IntegerList(_) => panic!("{}: parameter {name} is a list", self.rule),
        }
    }

    /// A list parameter (see [`Params::integer`] on panics).
    pub fn integer_list(&self, name: &str) -> &[i64] {
        match self.get(name) {
            ParamValue::IntegerList(values) => values,
            ParamValue::Integer(_) => panic!("{}: parameter {name} is not a list", self.rule),
        }
    }

    fn get(&self, name: &str) -> &ParamValue {
        let index = self
            .specs
            .iter()
            .position(|spec| spec.name == name)
            .unwrap_or_else(|| panic!("{} reads undeclared parameter {name}", self.rule));
        &self.values[index]
    }

    /// Name/value pairs, in declaration order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &ParamValue)> {
        self.specs.iter().map(|s| s.name).zip(self.values.iter())
    }
}

/// The outcome of one rule on one resource (or one collection scope).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The control is in place.
    Pass,
    /// The control is not in place; the message names the resource, what is wrong and
    /// what is expected.
    Fail(String),
    /// The rule could not decide (data missing or unknown); the message says why.
    NotEvaluated(String),
    /// The rule does not apply to this resource (a stopped instance for a rule about
    /// running ones, a non-default group for a rule about default groups). The engine
    /// drops these: they count neither as pass nor as fail.
    NotApplicable,
}

impl Verdict {
    /// `pass`, `fail` or `not_evaluated`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail(_) => "fail",
            Verdict::NotEvaluated(_) => "not_evaluated",
            Verdict::NotApplicable => "not_applicable",
        }
    }

    /// The message of a failure or the reason a check was not evaluated.
    pub fn message(&self) -> Option<&str> {
        match self {
            Verdict::Pass | Verdict::NotApplicable => None,
            Verdict::Fail(message) | Verdict::NotEvaluated(message) => Some(message),
        }
    }

    /// Whether this is a failure.
    pub fn is_fail(&self) -> bool {
        matches!(self, Verdict::Fail(_))
    }
}

/// Static description of a rule.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable public id (`aws-ec2-ebs-volume-unencrypted`). Never changes once released.
    pub id: &'static str,
    /// One-line title, phrased as the problem.
    pub title: &'static str,
    /// Severity of a failure.
    pub severity: Severity,
    /// SOC 2 criteria the rule produces evidence for (ids from [`crate::catalog`]).
    pub criteria: &'static [&'static str],
    /// Kinds of resource the rule is evaluated on.
    pub targets: &'static [ResourceKind],
    /// Other kinds (or coverage-only units) whose complete collection the verdict depends on.
    pub also_reads: &'static [ResourceKind],
    /// Tunable parameters.
    pub params: &'static [ParamSpec],
    /// The fields of the target resource's configuration the check reads (`encrypted`,
    /// `metadata_options.http_tokens`), or `["*"]` for all of them. When a Terraform plan
    /// knows one of them only after apply, the engine answers `NotEvaluated` for that
    /// resource instead of running the check; other rules on the resource still run.
    /// Every name must be a field of a target kind ([`soc2scan_model::is_field`]), and the
    /// verdicts must not depend on any other field; tests check both.
    pub reads: &'static [&'static str],
    /// `Some(reason)` when the rule needs facts that exist only in a running account (key
    /// age, last use, snapshots taken): it is not run on Terraform plans, and reports say
    /// which rules were skipped and why.
    pub runtime_only: Option<&'static str>,
    /// The rule's documentation (Markdown): the doc comment of its type.
    pub doc: &'static str,
}

impl RuleMeta {
    /// The provider the rule reads.
    pub fn provider(&self) -> soc2scan_model::Provider {
        self.targets[0].provider()
    }

    /// The service the rule reads (`ec2`, `iam`, `gcs`).
    pub fn service(&self) -> &'static str {
        self.targets[0].service()
    }

    /// The categories of the rule's criteria.
    pub fn categories(&self) -> Vec<crate::catalog::Category> {
        let mut categories: Vec<_> = self
            .criteria
            .iter()
            .filter_map(|id| crate::catalog::criterion(id))
            .map(|c| c.category)
            .collect();
        categories.sort();
        categories.dedup();
        categories
    }

    /// Every kind whose coverage the rule needs: its targets and what it also reads.
    pub fn needed_kinds(&self) -> impl Iterator<Item = ResourceKind> + '_ {
        self.targets.iter().chain(self.also_reads).copied()
    }

    /// [`RuleMeta::needed_kinds`] sorted, each once.
    pub fn distinct_needed_kinds(&self) -> Vec<ResourceKind> {
        let mut kinds: Vec<ResourceKind> = self.needed_kinds().collect();
        kinds.sort();
        kinds.dedup();
        kinds
    }
}

/// What a check may look at besides its resource.
pub struct CheckContext<'a> {
    /// Lookups across the snapshot (snapshots of a volume, flow logs of a VPC, policies…).
    pub inventory: &'a Inventory<'a>,
    /// The rule's resolved parameters.
    pub params: &'a Params,
    /// The reference time for ages: when the snapshot was collected.
    pub now: DateTime<Utc>,
}

/// A SOC 2 check. Implementations are pure: same resource and context, same verdict.
pub trait Rule: Send + Sync + 'static {
    /// The rule's metadata.
    fn meta(&self) -> &'static RuleMeta;

    /// Whether the rule applies to this resource at all (e.g. only running instances, only
    /// default security groups). Decided before coverage is consulted, so a resource the
    /// rule does not apply to is never reported as not evaluated. Defaults to `true`.
    fn applies(&self, resource: &Resource) -> bool {
        let _ = resource;
        true
    }

    /// Checks one resource of one of the rule's target kinds.
    fn check(&self, resource: &Resource, ctx: &CheckContext<'_>) -> Verdict;

    /// [`Rule::check`], with the coverage entry (its index in `snapshot.coverage`) that
    /// explains a `NotEvaluated` the check reached by looking a unit up itself — a unit
    /// narrowed to another resource it reads, such as a managed policy whose document could
    /// not be read — so the outputs tie the verdict to that gap. The engine calls this;
    /// rules that never look units up keep the default.
    fn check_explained(
        &self,
        resource: &Resource,
        ctx: &CheckContext<'_>,
    ) -> (Verdict, Option<u32>) {
        (self.check(resource, ctx), None)
    }

    /// The rule's test cases, declared in the rule's own file: resources it must pass,
    /// fail and not apply to. The tests in `cases.rs` run every rule's cases, so a rule
    /// without them fails the suite.
    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        crate::cases::Cases::new()
    }
}

/// Declares a rule type whose doc comment is its documentation.
///
/// The doc comment is the single source of `soc2scan explain`, `docs/rules.md` and the
/// SARIF help. It must have the sections `## What it checks`, `## Why it matters for SOC 2`,
/// `## How to fix` (with `### Console`, `### CLI` and `### Terraform`) and `## Criteria`
/// (a test checks them). `reads` names the configuration fields the check reads (see
/// [`RuleMeta::reads`]); `runtime_only` gives the reason a rule cannot run on a Terraform
/// plan (see [`RuleMeta::runtime_only`]).
///
/// ```ignore
/// declare_rule! {
///     /// ## What it checks
///     /// ...
///     pub struct EbsVolumeUnencrypted {
///         id: "aws-ec2-ebs-volume-unencrypted",
///         title: "EBS volume is not encrypted",
///         severity: High,
///         criteria: ["CC6.1", "C1.1"],
///         targets: [EbsVolume],
///         also_reads: [],
///         params: [],
///         reads: ["encrypted"],          // optional; default ["*"]
///         runtime_only: "why",           // optional; not run on Terraform plans
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (@reads) => { &["*"] };
    (@reads [$($read:literal),*]) => { &[$($read),*] };
    (@runtime) => { None };
    (@runtime $runtime:literal) => { Some($runtime) };
    (
        $(#[doc = $doc:literal])+
        pub struct $name:ident {
            id: $id:literal,
            title: $title:literal,
            severity: $severity:ident,
            criteria: [$($criterion:literal),+ $(,)?],
            targets: [$($target:ident),+ $(,)?],
            also_reads: [$($also:ident),* $(,)?],
            params: [$($param:expr),* $(,)?]
            $(, reads: [$($read:literal),* $(,)?])?
            $(, runtime_only: $runtime:literal)?
            $(,)?
        }
    ) => {
        $(#[doc = $doc])+
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        impl $name {
            /// This rule's metadata.
            pub const META: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
                id: $id,
                title: $title,
                severity: $crate::rule::Severity::$severity,
                criteria: &[$($criterion),+],
                targets: &[$(soc2scan_model::ResourceKind::$target),+],
                also_reads: &[$(soc2scan_model::ResourceKind::$also),*],
                params: &[$($param),*],
                reads: $crate::declare_rule!(@reads $([$($read),*])?),
                runtime_only: $crate::declare_rule!(@runtime $($runtime)?),
                doc: concat!($($doc, "\n"),+),
            };
        }
    };
}
