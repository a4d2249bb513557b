//! The configuration file, `soc2scan.toml`.
//!
//! soc2scan reads `--config FILE`, or `soc2scan.toml` in the working directory when it
//! exists. Flags on the command line override the file. Unknown keys, unknown rule ids and
//! mistyped or out-of-range parameters are errors naming the file, never ignored.
//!
//! ```toml
//! [scan]
//! providers = ["aws", "gcp"] # scanned live when none are named on the command line
//! fail_on = "high"            # critical | high | medium | low | info | none
//! allow_incomplete = false
//! skip_rules = ["aws-ec2-instance-public-ip"]
//! categories = ["security", "availability"]
//! min_severity = "low"
//!
//! [rules.aws-ec2-ebs-volume-no-recent-backup]
//! max_backup_age_days = 14
//!
//! [rules.aws-ec2-sg-data-ports-public]
//! data_ports = [5432, 6379]
//!
//! [[suppressions]]
//! rule = "aws-ec2-ebs-*"
//! resource = "arn:aws:ec2:*:111122223333:volume/vol-0abc*"
//! reason = "Scratch volumes, no customer data (SEC-142)"
//! expires = "2026-12-31"
//!
//! [aws]
//! regions = ["eu-west-1", "us-east-1"]
//! services = ["ec2", "iam"]   # default: every service
//!
//! [[aws.accounts]]
//! role_arn = "arn:aws:iam::111122223333:role/soc2scan-audit"
//! external_id = "acme-soc2"
//!
//! # or, instead of [[aws.accounts]], every account of the organization:
//! # [aws.org]
//! # enabled = true
//! # role = "OrganizationAccountAccessRole"
//! # ous = ["ou-ab12-cdef3456"]
//! # exclude = ["444455556666"]
//!
//! [gcp]
//! projects = ["acme-prod", "acme-data"]
//!
//! [history]
//! url = "sqlite:evidence/history.db"   # --history / SOC2SCAN_HISTORY override it
//! ```

use crate::error::CliError;
use chrono::NaiveDate;
use serde::Deserialize;
use soc2scan_output::suppress::{is_glob, Suppression};
use soc2scan_rules::rule::ParamValue;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The default configuration file name, looked up in the working directory.
pub const DEFAULT_CONFIG_FILE: &str = "soc2scan.toml";

/// The parsed configuration file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `[scan]`: defaults for `soc2scan scan` flags.
    #[serde(default)]
    pub scan: ScanSettings,
    /// `[aws]`: where and how to collect AWS.
    #[serde(default)]
    pub aws: AwsSettings,
    /// `[gcp]`: where and how to collect Google Cloud.
    #[serde(default)]
    pub gcp: GcpSettings,
    /// `[rules.<id>]`: parameter overrides per rule.
    #[serde(default)]
    pub rules: BTreeMap<String, BTreeMap<String, toml::Value>>,
    /// `[history]`: the evidence history store.
    #[serde(default)]
    pub history: HistorySettings,
    /// `[[suppressions]]`: accepted failures, each with a reason and an expiry date.
    #[serde(default)]
    pub suppressions: Vec<SuppressionEntry>,
    /// Where the configuration came from (not a key in the file).
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

/// One `[[suppressions]]` entry, as written; every key is required.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuppressionEntry {
    /// Rule id, or a glob over rule ids (`aws-ec2-*`).
    pub rule: String,
    /// Glob over the canonical resource id.
    pub resource: String,
    /// Why the failure is accepted; must not be empty.
    pub reason: String,
    /// Last day it applies, `YYYY-MM-DD` (UTC).
    pub expires: String,
}

/// `[scan]` settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanSettings {
    /// Providers to scan live when the command line names none (`aws`, `gcp`).
    #[serde(default)]
    pub providers: Vec<String>,
    /// Lowest severity that fails the run (`none` never fails on findings).
    pub fail_on: Option<String>,
    /// Exit 0/1 even when coverage gaps make the scan incomplete.
    pub allow_incomplete: Option<bool>,
    /// Only these rules.
    #[serde(default)]
    pub rules: Vec<String>,
    /// Never these rules.
    #[serde(default)]
    pub skip_rules: Vec<String>,
    /// Only rules mapped to these criteria.
    #[serde(default)]
    pub criteria: Vec<String>,
    /// Only rules in these categories.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Only rules at or above this severity.
    pub min_severity: Option<String>,
    /// SARIF `automationDetails.id` category.
    pub sarif_category: Option<String>,
}

/// `[history]` settings (`--history` and `SOC2SCAN_HISTORY` override them).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistorySettings {
    /// The store: `sqlite:PATH`, a plain path, or `postgres://…`.
    pub url: Option<String>,
}

/// `[aws]` settings (flags override them).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsSettings {
    /// Named profile.
    pub profile: Option<String>,
    /// Regions to scan.
    #[serde(default)]
    pub regions: Vec<String>,
    /// Scan every enabled region.
    pub all_regions: Option<bool>,
    /// Services to collect (`["ec2", "iam"]`); empty: every service.
    #[serde(default)]
    pub services: Vec<String>,
    /// Endpoint override.
    pub endpoint_url: Option<String>,
    /// Most API calls in flight.
    pub max_concurrency: Option<usize>,
    /// Overall collection timeout in seconds.
    pub timeout_seconds: Option<u64>,
    /// `[[aws.accounts]]`: roles to assume, one per account.
    #[serde(default)]
    pub accounts: Vec<AwsAccount>,
    /// Most API calls in flight in one account and region (`--max-concurrency-per-region`).
    pub max_concurrency_per_region: Option<usize>,
    /// Attempts per API call (`--max-attempts`).
    pub max_attempts: Option<u32>,
    /// Requests per second per account (`--max-rate`).
    pub max_rate: Option<f64>,
    /// `[aws.org]`: scan an AWS Organization's accounts.
    #[serde(default)]
    pub org: AwsOrgSettings,
}

/// `[aws.org]` settings (`--org`, `--org-role`, `--org-ou`, `--org-exclude` override them).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsOrgSettings {
    /// Scan the organization without `--org` on the command line.
    pub enabled: Option<bool>,
    /// The role assumed in each member account.
    pub role: Option<String>,
    /// The external id the member role's trust policy requires.
    pub external_id: Option<String>,
    /// Only the accounts under these organizational units.
    #[serde(default)]
    pub ous: Vec<String>,
    /// Accounts not to scan.
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// `[gcp]` settings (flags override them).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GcpSettings {
    /// Projects to scan.
    #[serde(default)]
    pub projects: Vec<String>,
    /// Endpoint override.
    pub endpoint: Option<String>,
    /// Send no credentials (emulators only).
    pub anonymous: Option<bool>,
    /// Most API calls in flight.
    pub max_concurrency: Option<usize>,
    /// Overall collection timeout in seconds.
    pub timeout_seconds: Option<u64>,
}

/// One `[[aws.accounts]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsAccount {
    /// Role to assume.
    pub role_arn: String,
    /// External id its trust policy requires.
    pub external_id: Option<String>,
}

impl Config {
    /// Loads `explicit` if given (it must exist), else `soc2scan.toml` in the working
    /// directory if present, else the defaults.
    pub fn discover(explicit: Option<&Path>) -> Result<Config, CliError> {
        match explicit {
            Some(path) => Config::load(path),
            None => {
                let default = Path::new(DEFAULT_CONFIG_FILE);
                if default.is_file() {
                    Config::load(default)
                } else {
                    Ok(Config::default())
                }
            }
        }
    }

    /// Loads and parses one file.
    pub fn load(path: &Path) -> Result<Config, CliError> {
        let text = std::fs::read_to_string(path).map_err(|error| CliError::Config {
            path: path.to_path_buf(),
            message: format!("cannot read configuration file: {error}"),
        })?;
        Config::parse(&text, path)
    }

    /// Parses configuration text; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Config, CliError> {
        let mut config: Config = toml::from_str(text).map_err(|error| CliError::Config {
            path: path.to_path_buf(),
            message: toml_message(text, &error),
        })?;
        config.path = Some(path.to_path_buf());
        // Validate rule ids, parameters and suppressions now, so a typo fails before any
        // scan starts.
        config.rule_params()?;
        config.suppressions()?;
        config.providers()?;
        if config.aws.org.enabled == Some(true) && !config.aws.accounts.is_empty() {
            return Err(config.error(
                "[aws.org] enabled = true and [[aws.accounts]] both name the AWS accounts to \
                 scan; keep one of them"
                    .to_string(),
            ));
        }
        Ok(config)
    }

    /// `providers` under `[scan]`, checked.
    pub fn providers(&self) -> Result<Vec<crate::cli::ProviderName>, CliError> {
        use clap::ValueEnum;
        self.scan
            .providers
            .iter()
            .map(|name| {
                crate::cli::ProviderName::from_str(name, false).map_err(|_| {
                    self.error(format!(
                        "[scan] providers: unknown provider {name:?}; expected \"aws\" or \"gcp\""
                    ))
                })
            })
            .collect()
    }

    fn error(&self, message: String) -> CliError {
        CliError::Config {
            path: self
                .path
                .clone()
                .unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG_FILE)),
            message,
        }
    }

    /// The parameter overrides, checked against each rule's declared parameters.
    pub fn rule_params(&self) -> Result<Vec<(&'static str, String, ParamValue)>, CliError> {
        let mut overrides = Vec::new();
        for (rule_id, params) in &self.rules {
            let rule = soc2scan_rules::select::require_rule(rule_id)
                .map_err(|error| self.error(format!("[rules.{rule_id}]: {error}")))?;
            let mut resolved = soc2scan_rules::Params::defaults(rule.meta());
            for (name, value) in params {
                let value = param_value(value).ok_or_else(|| {
                    self.error(format!(
                        "[rules.{rule_id}] {name}: expected a whole number or a list of whole numbers, found {}",
                        value.type_str()
                    ))
                })?;
                resolved
                    .set(name, value.clone())
                    .map_err(|error| self.error(format!("[rules.{rule_id}]: {error}")))?;
                overrides.push((rule.meta().id, name.clone(), value));
            }
        }
        Ok(overrides)
    }
}

impl Config {
    /// The suppressions, checked: a rule that is neither a known id nor a glob, an empty
    /// reason or resource, or an expiry that is not `YYYY-MM-DD` is an error naming the file.
    pub fn suppressions(&self) -> Result<Vec<Suppression>, CliError> {
        self.suppressions
            .iter()
            .enumerate()
            .map(|(index, entry)| {
                let at = |message: String| {
                    self.error(format!("[[suppressions]] #{}: {message}", index + 1))
                };
                if !is_glob(&entry.rule) {
                    soc2scan_rules::select::require_rule(&entry.rule)
                        .map_err(|error| at(format!("rule: {error}")))?;
                }
                if entry.resource.trim().is_empty() {
                    return Err(at(
                        "resource must not be empty (use \"*\" for every resource)".to_string(),
                    ));
                }
                if entry.reason.trim().is_empty() {
                    return Err(at(
                        "reason must not be empty: say why the failure is accepted".to_string(),
                    ));
                }
                let expires =
                    NaiveDate::parse_from_str(entry.expires.trim(), "%Y-%m-%d").map_err(|_| {
                        at(format!(
                            "expires {:?}: expected a date YYYY-MM-DD",
                            entry.expires
                        ))
                    })?;
                Ok(Suppression {
                    rule: entry.rule.clone(),
                    resource: entry.resource.clone(),
                    reason: entry.reason.trim().to_string(),
                    expires,
                })
            })
            .collect()
    }
}

fn param_value(value: &toml::Value) -> Option<ParamValue> {
    match value {
        toml::Value::Integer(number) => Some(ParamValue::Integer(*number)),
        toml::Value::Array(items) => items
            .iter()
            .map(toml::Value::as_integer)
            .collect::<Option<Vec<i64>>>()
            .map(ParamValue::IntegerList),
        _ => None,
    }
}

/// toml's message with the line and column of its span.
fn toml_message(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim().to_string();
    match error.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            format!("line {line}, column {column}: {message}")
        }
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(text, Path::new("soc2scan.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn accepts_scan_settings_and_params() {
        let config =
            parse("[scan]\nfail_on = \"medium\"\n\n[rules.aws-ec2-ebs-volume-unencrypted]\n")
                .expect("valid");
        assert_eq!(config.scan.fail_on.as_deref(), Some("medium"));
    }

    #[test]
    fn history_url_is_read_and_unknown_history_keys_are_errors() {
        let config = parse("[history]\nurl = \"sqlite:evidence/h.db\"\n").expect("valid");
        assert_eq!(config.history.url.as_deref(), Some("sqlite:evidence/h.db"));
        let error = parse("[history]\npath = \"h.db\"\n").unwrap_err();
        assert!(error.contains("path"), "{error}");
    }

    #[test]
    fn aws_org_settings_are_read_and_cannot_go_with_aws_accounts() {
        let config = parse(
            "[aws.org]\nenabled = true\nrole = \"soc2scan-audit\"\nexternal_id = \"x\"\n\
             ous = [\"ou-ab12-cdef3456\"]\nexclude = [\"444455556666\"]\n",
        )
        .expect("valid");
        assert_eq!(config.aws.org.enabled, Some(true));
        assert_eq!(config.aws.org.role.as_deref(), Some("soc2scan-audit"));
        assert_eq!(config.aws.org.ous, vec!["ou-ab12-cdef3456"]);
        assert_eq!(config.aws.org.exclude, vec!["444455556666"]);
        let error = parse(
            "[aws.org]\nenabled = true\n\n[[aws.accounts]]\n\
             role_arn = \"arn:aws:iam::111122223333:role/a\"\n",
        )
        .unwrap_err();
        assert!(
            error.starts_with("soc2scan.toml: ") && error.contains("[aws.org] enabled = true"),
            "{error}"
        );
        let error = parse("[aws.org]\nrole_name = \"x\"\n").unwrap_err();
        assert!(error.contains("role_name"), "{error}");
    }

    #[test]
    fn unknown_key_names_file_and_position() {
        let error = parse("[scan]\nfail_onn = \"high\"\n").unwrap_err();
        assert!(
            error.starts_with("soc2scan.toml: line 2, column 1"),
            "{error}"
        );
        assert!(error.contains("fail_onn"), "{error}");
    }

    #[test]
    fn unknown_rule_and_unknown_param_are_errors() {
        let error = parse("[rules.aws-nope]\nx = 1\n").unwrap_err();
        assert!(error.contains("unknown rule id \"aws-nope\""), "{error}");
        let error = parse("[rules.aws-ec2-ebs-volume-unencrypted]\nx = 1\n").unwrap_err();
        assert!(error.contains("no parameter \"x\""), "{error}");
        let error = parse("[rules.aws-ec2-ebs-volume-unencrypted]\nx = \"a\"\n").unwrap_err();
        assert!(error.contains("expected a whole number"), "{error}");
    }
}
