//! Command-line parsing (clap) and the single point where errors are reported.

use crate::commands;
use crate::error::CliError;
use crate::exit;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

const ABOUT: &str =
    "SOC 2 evidence from cloud configuration: scan AWS, Google Cloud and Terraform \
plans with one rule set, report SARIF for GitHub code scanning, JSON, tables or Markdown.";

const AFTER_HELP: &str = "\
Exit codes:
  0  clean
  1  failing findings at or above --fail-on (default: high)
  2  usage or input error (nothing is written)
  3  scan incomplete: coverage gaps kept rules from being evaluated (unless --allow-incomplete)

Examples:
  soc2scan scan --snapshot examples/acme-snapshot.json
  soc2scan scan aws --regions eu-west-1,us-east-1 -o sarif=results.sarif -o table
  soc2scan scan aws --role-arn arn:aws:iam::111122223333:role/soc2scan --all-regions
  soc2scan scan aws --org --org-exclude 444455556666 --regions eu-west-1 -o sarif=org.sarif
  soc2scan scan aws --services iam -o sarif=iam.sarif
  soc2scan scan gcp --project acme-prod --project acme-data -o sarif=gcs.sarif
  soc2scan scan aws gcp --regions eu-west-1 --project acme-prod
  soc2scan snapshot aws --all-regions -o evidence/2026-11-26.json
  soc2scan snapshot aws --role-arn ARN1 --role-arn ARN2 --shard 0/2 -o part-0.json
  soc2scan merge part-*.json -o merged.json
  soc2scan scan --snapshot merged.json -o 'sarif=out/{account}.sarif'
  soc2scan scan --snapshot snap.json --output sarif=results.sarif --output table
  soc2scan scan --snapshot snap.json --criteria CC6.1,A1.2 --fail-on critical
  soc2scan scan --snapshot snap.json --baseline main.sarif -o sarif=results.sarif
  soc2scan scan --terraform-plan plan.json --tf-root . -o sarif=plan.sarif
  soc2scan diff old.sarif new.sarif --format markdown
  soc2scan explain aws-ec2-sg-admin-ports-public
  soc2scan criteria
  soc2scan scan aws --all-regions --record --history sqlite:evidence/history.db
  soc2scan history import evidence/*.json
  soc2scan history
  soc2scan verify --from 2026-01-01 --to 2026-06-30
  soc2scan report --from 2026-01-01 --to 2026-06-30 --tz Europe/Berlin --format markdown -o soc2.md";

/// soc2scan command line.
#[derive(Debug, Parser)]
#[command(name = "soc2scan", version, about = ABOUT, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan live accounts (or a snapshot file) and report the results.
    Scan(Box<ScanArgs>),
    /// Collect live accounts into a snapshot file (evidence to keep, or to scan offline).
    Snapshot(Box<SnapshotArgs>),
    /// List the rules (or print docs/rules.md with --format markdown).
    Rules(ListArgs),
    /// Show a rule's documentation: what it checks, why it matters for SOC 2, how to fix it.
    Explain {
        /// Rule id, e.g. aws-ec2-ebs-volume-unencrypted.
        rule_id: String,
    },
    /// List the SOC 2 criteria with the number of rules mapped to each.
    Criteria(ListArgs),
    /// Compare two reports (SARIF or JSON): new, fixed and unchanged failing findings.
    /// Always exits 0 unless a report cannot be read (2).
    Diff(DiffArgs),
    /// List the runs recorded in the evidence history, or import kept snapshots into it.
    History(HistoryArgs),
    /// Check the evidence history: recompute the chain of run hashes and re-hash every
    /// stored snapshot. Exits 0 when intact, 1 listing what is broken.
    Verify(VerifyArgs),
    /// Merge the snapshots of several shards (`--shard I/N`) into one snapshot: targets,
    /// coverage and resources side by side, call counts summed. Refuses (exit 2, writing
    /// nothing) an account in two parts, parts collected by another soc2scan version or
    /// with other --services, shards of different counts, and missing or repeated shards.
    Merge(MergeArgs),
    /// Write the period report of the evidence history: per SOC 2 criterion, the days
    /// tested, pass rates, exceptions and how they were remediated, coverage, suppressions
    /// and the evidence manifest (docs/history.md).
    Report(ReportArgs),
}

/// Arguments of `merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Snapshot files written by `soc2scan snapshot` (typically one per shard).
    #[arg(value_name = "PART", required = true)]
    pub parts: Vec<PathBuf>,

    /// The merged snapshot file to write (atomically).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,

    /// Merge a set of shards with some indices missing (a failed job) instead of refusing
    /// it; the missing shards are named on standard error.
    #[arg(long)]
    pub allow_missing_shards: bool,

    /// Print nothing on standard error but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Format of the period report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// The canonical JSON model every other format renders from.
    Json,
    /// Markdown.
    Markdown,
    /// One self-contained HTML file (inline CSS and SVG, no scripts, fonts or requests;
    /// prints to PDF).
    Html,
    /// A CSV bundle: -o names a directory that receives summary.csv, daily.csv,
    /// exceptions.csv, gaps.csv and manifest.csv.
    Csv,
}

/// Arguments of `report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// First day of the period (YYYY-MM-DD, in --tz).
    #[arg(long, value_name = "DATE")]
    pub from: String,

    /// Last day of the period (YYYY-MM-DD, in --tz), inclusive.
    #[arg(long, value_name = "DATE")]
    pub to: String,

    /// Time zone the days are cut in (IANA name, e.g. Europe/Berlin).
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    pub tz: String,

    /// Only these SOC 2 criteria, e.g. CC6.1,A1.2 [default: every criterion with rules].
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub criteria: Vec<String>,

    /// Output format.
    #[arg(long, value_enum)]
    pub format: ReportFormat,

    /// Where to write the report (atomically; a directory for csv).
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output: PathBuf,

    /// Configuration file [default: ./soc2scan.toml when it exists].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Print nothing on standard error but errors.
    #[arg(long, short)]
    pub quiet: bool,

    /// The store.
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Which evidence history store to use.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Evidence history")]
pub struct StoreArgs {
    /// The history store: an SQLite file (`sqlite:evidence/history.db` or a plain path) or
    /// PostgreSQL (`postgres://user:password@host/db`; the password is never shown)
    /// [default: `url` under [history] in soc2scan.toml, else ./soc2scan-history.db].
    #[arg(long = "history", env = "SOC2SCAN_HISTORY", value_name = "URL")]
    pub url: Option<String>,
}

/// Arguments of `history`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct HistoryArgs {
    /// What to do (default: list the runs).
    #[command(subcommand)]
    pub action: Option<HistoryAction>,

    /// Output format of the listing.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,

    /// Configuration file [default: ./soc2scan.toml when it exists].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The store.
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Subcommands of `history`.
#[derive(Debug, Subcommand)]
pub enum HistoryAction {
    /// Backfill the history from kept snapshot files (a scheduled workflow's artifacts):
    /// each is evaluated with this version's rules (and soc2scan.toml's rule settings and
    /// suppressions, judged on its collection day) and recorded in collection-time order.
    /// Snapshots already recorded are skipped. Nothing is recorded if any file is bad.
    Import(ImportArgs),
    /// Migrate an older store's schema forward to this version's (never backward).
    Migrate(MigrateArgs),
}

/// Arguments of `history import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Snapshot files written by `soc2scan snapshot`.
    #[arg(value_name = "SNAPSHOT", required = true)]
    pub snapshots: Vec<PathBuf>,

    /// Configuration file [default: ./soc2scan.toml when it exists].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Print nothing on standard error but errors.
    #[arg(long, short)]
    pub quiet: bool,

    /// The store.
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Arguments of `history migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Configuration file [default: ./soc2scan.toml when it exists].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The store.
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Arguments of `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Check only runs collected on or after this day (YYYY-MM-DD, UTC); the sequence and
    /// the link to the run before are checked all the same.
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,

    /// Check only runs collected on or before this day (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,

    /// Configuration file [default: ./soc2scan.toml when it exists].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The store.
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Arguments of `diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier report (SARIF or JSON written by soc2scan).
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The later report.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// Output format of the listing commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// A table.
    Table,
    /// JSON.
    Json,
    /// Markdown.
    Markdown,
}

/// Arguments of `rules` and `criteria`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// A provider that can be collected live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProviderName {
    /// Amazon Web Services: EC2, RDS, KMS, DynamoDB, EFS, AWS Backup, CloudTrail, CloudWatch
    /// Logs, CloudWatch, Config, GuardDuty, Security Hub, ACM, Secrets Manager, ELBv2 and
    /// Lambda (per region), IAM and S3 (per account).
    Aws,
    /// Google Cloud: Cloud Storage buckets and their IAM policies.
    Gcp,
}

impl ProviderName {
    /// The name as written on the command line and in soc2scan.toml.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderName::Aws => "aws",
            ProviderName::Gcp => "gcp",
        }
    }
}

/// Where and how to collect AWS (flags override `[aws]` in soc2scan.toml).
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "AWS collection")]
pub struct AwsArgs {
    /// Named profile from the shared AWS config/credentials files (default: the
    /// standard credential chain: environment, AWS_PROFILE, SSO, web identity, container
    /// and instance credentials).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Assume this role to scan its account; repeat for several accounts, scanned
    /// concurrently into one report.
    #[arg(long = "role-arn", value_name = "ARN")]
    pub role_arns: Vec<String>,

    /// External id required by the roles' trust policies.
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,

    /// Regions to scan, comma-separated [default: the profile's region].
    #[arg(long, value_delimiter = ',', value_name = "REGIONS")]
    pub regions: Vec<String>,

    /// Scan every region enabled for the account (found with DescribeRegions).
    #[arg(long, conflicts_with = "regions")]
    pub all_regions: bool,

    /// Collect only these AWS services, comma-separated (ec2, iam, s3, rds, kms, dynamodb,
    /// efs, backup, cloudtrail, logs, cloudwatch, config, guardduty, securityhub, acm,
    /// secretsmanager, elbv2, lambda); the other services' rules are reported as not
    /// collected [default: every service].
    #[arg(long, value_delimiter = ',', value_name = "SERVICES")]
    pub services: Vec<String>,

    /// Send every AWS API call to this endpoint (emulators, private endpoints);
    /// AWS_ENDPOINT_URL works too.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Scan every ACTIVE account of the AWS Organization, run from its management account
    /// or a delegated administrator: the caller's own account with the base credentials,
    /// the others by assuming --org-role (with --external-id) in each, concurrently into
    /// one report. Suspended and closing accounts are listed as skipped.
    #[arg(long, conflicts_with = "role_arns")]
    pub org: bool,

    /// With --org: the role to assume in each member account [default:
    /// OrganizationAccountAccessRole].
    #[arg(long, value_name = "NAME")]
    pub org_role: Option<String>,

    /// With --org: only the accounts under these organizational units, at any depth
    /// (ou-…; comma-separated or repeated) [default: the whole organization].
    #[arg(long = "org-ou", value_delimiter = ',', value_name = "OU")]
    pub org_ous: Vec<String>,

    /// With --org: do not scan these accounts (comma-separated ids); they are not gaps,
    /// and the reports say how many were excluded.
    #[arg(long = "org-exclude", value_delimiter = ',', value_name = "ACCOUNTS")]
    pub org_exclude: Vec<String>,

    /// Most AWS API calls in flight at once in one account and region (IAM, S3's
    /// account-wide calls and STS count as the account's region `global`), within
    /// --max-concurrency: scanning many accounts never loads one account more than scanning
    /// it alone [default: 32].
    #[arg(long, value_name = "N", value_parser = at_least_one_usize)]
    pub max_concurrency_per_region: Option<usize>,

    /// Attempts per AWS API call, the first included: throttling, 5xx answers, dropped
    /// connections and stalled attempts (cut off after 20 s) are retried with exponential
    /// backoff until the budget or the 60 s per-call timeout runs out; 1 turns retries off
    /// [default: 12].
    #[arg(long, value_name = "N", value_parser = at_least_one_u32)]
    pub max_attempts: Option<u32>,

    /// Send at most this many requests per second to each account, retries included (a
    /// token bucket shared by all of the account's regions; fractions allowed)
    /// [default: no limit but the concurrency bounds].
    #[arg(long, value_name = "PER_SECOND", value_parser = positive_rate)]
    pub max_rate: Option<f64>,
}

/// A count of at least 1 (`--max-concurrency-per-region`).
fn at_least_one_usize(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("must be at least 1".to_string()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{text:?} is not a whole number")),
    }
}

/// A count of at least 1 (`--max-attempts`).
fn at_least_one_u32(text: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(0) => Err("must be at least 1 (1 means no retries)".to_string()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{text:?} is not a whole number")),
    }
}

/// Requests per second above zero (`--max-rate`).
fn positive_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(rate) if rate.is_finite() && rate > 0.0 => Ok(rate),
        Ok(_) => Err("must be a number of requests per second above zero".to_string()),
        Err(_) => Err(format!(
            "{text:?} is not a number of requests per second (e.g. 20 or 2.5)"
        )),
    }
}

/// Where and how to collect Google Cloud (flags override `[gcp]` in soc2scan.toml).
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Google Cloud collection")]
pub struct GcpArgs {
    /// Project to scan (id or number); repeat or comma-separate for several, scanned
    /// concurrently into one report [default: `projects` under [gcp] in soc2scan.toml,
    /// else the ADC/gcloud default project].
    #[arg(long = "project", value_delimiter = ',', value_name = "PROJECT")]
    pub projects: Vec<String>,

    /// Send every Cloud Storage call to this endpoint (emulators, stand-ins, private
    /// endpoints), e.g. http://127.0.0.1:9000.
    #[arg(long, value_name = "URL")]
    pub gcp_endpoint: Option<String>,

    /// Send no credentials (only for emulators and stand-ins; real projects refuse it).
    #[arg(long)]
    pub gcp_anonymous: bool,
}

/// Limits of a live collection, over every provider.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Live collection")]
pub struct CollectionArgs {
    /// Most API calls in flight at once, per provider, over all its accounts, projects and
    /// regions [default: 32].
    #[arg(long, value_name = "N")]
    pub max_concurrency: Option<usize>,

    /// Give up on units still running after this many seconds (they become coverage gaps).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,

    /// Scan only share I of N (0-based) of the accounts (--role-arn, or an organization's)
    /// and projects, chosen by a hash of each id, so N jobs with 0/N … N-1/N cover every one exactly
    /// once; merge their snapshots with `soc2scan merge`. A share with no account in it
    /// writes an empty snapshot and exits 0 (docs/scale.md).
    #[arg(long, env = "SOC2SCAN_SHARD", value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<soc2scan_providers::model::shard::Shard>,
}

fn parse_shard(text: &str) -> Result<soc2scan_providers::model::shard::Shard, String> {
    text.parse()
}

/// Everything a live collection needs from the command line.
#[derive(Debug, Clone, Default, Args)]
pub struct LiveArgs {
    /// Limits.
    #[command(flatten)]
    pub limits: CollectionArgs,

    /// AWS collection.
    #[command(flatten)]
    pub aws: AwsArgs,

    /// Google Cloud collection.
    #[command(flatten)]
    pub gcp: GcpArgs,
}

/// Arguments of `snapshot`.
#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// Providers to collect: aws, gcp [default: `providers` under [scan] in soc2scan.toml].
    #[arg(value_enum, value_name = "PROVIDER")]
    pub providers: Vec<ProviderName>,

    /// The snapshot file to write (atomically).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,

    /// Exit 0 even when some units could not be collected (otherwise 3).
    #[arg(long)]
    pub allow_incomplete: bool,

    /// Configuration file [default: ./soc2scan.toml when it exists].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Print nothing on standard error but errors.
    #[arg(long, short)]
    pub quiet: bool,

    /// Also print the API calls made, by operation.
    #[arg(long, short)]
    pub verbose: bool,

    /// Also evaluate the snapshot with the configured rules and append the run to the
    /// evidence history (--history).
    #[arg(long)]
    pub record: bool,

    /// The store.
    #[command(flatten)]
    pub store: StoreArgs,

    /// Live collection.
    #[command(flatten)]
    pub live: LiveArgs,
}

/// Arguments of `scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Providers to scan live: aws, gcp (several are collected concurrently into one
    /// report). Omit when scanning a snapshot file.
    #[arg(value_enum, value_name = "PROVIDER")]
    pub providers: Vec<ProviderName>,

    /// Snapshot file to evaluate instead of scanning live (written by `soc2scan snapshot`;
    /// see docs/snapshot-format.md).
    #[arg(long, value_name = "FILE", conflicts_with = "providers")]
    pub snapshot: Option<PathBuf>,

    /// Terraform plan to evaluate: the JSON of `terraform show -json PLANFILE` (or of a
    /// state). The planned end state is checked with the same rules; see docs/terraform.md.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["providers", "snapshot"]
    )]
    pub terraform_plan: Option<PathBuf>,

    /// The directory the plan was made in (its root module's .tf files): results point at
    /// the file and line of each resource block. Give it relative to the repository root
    /// so SARIF paths are repository-relative. Without it, results point at the plan file.
    #[arg(long, value_name = "DIR")]
    pub tf_root: Option<PathBuf>,

    /// Report format written to standard output: table, json, sarif or markdown. Shorthand
    /// for --output FORMAT. Repeatable only together with --output FORMAT=PATH.
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,

    /// Write a report: FORMAT=PATH to a file (atomically), or FORMAT alone for standard
    /// output. Repeatable, e.g. --output sarif=results.sarif --output table. A PATH with
    /// {account} (and optionally {provider}) writes one report per scanned account with
    /// only its results, e.g. --output 'sarif=out/{account}.sarif' (SARIF category
    /// soc2scan/<provider>/<account>/).
    #[arg(long = "output", short = 'o', value_name = "FORMAT[=PATH]")]
    pub outputs: Vec<String>,

    /// Lowest severity that makes the run exit 1: critical, high, medium, low, info, or
    /// none. [default: high]
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,

    /// Exit 0 or 1 even when coverage gaps kept rules from being evaluated (otherwise 3).
    #[arg(long)]
    pub allow_incomplete: bool,

    /// Exit 3 on coverage gaps even when soc2scan.toml sets `allow_incomplete = true`.
    #[arg(long, conflicts_with = "allow_incomplete")]
    pub no_allow_incomplete: bool,

    /// A previous report (SARIF or JSON) to compare with: failures are marked new or
    /// existing, fixed ones are listed, and --fail-on counts new failures only.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Only these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub rules: Vec<String>,

    /// Skip these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub skip_rules: Vec<String>,

    /// Only rules mapped to these SOC 2 criteria, e.g. CC6.1,A1.2.
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub criteria: Vec<String>,

    /// Only rules in these categories: security, availability, confidentiality.
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub categories: Vec<String>,

    /// Only rules at or above this severity.
    #[arg(long, value_name = "SEVERITY")]
    pub min_severity: Option<String>,

    /// SARIF category (automationDetails.id); default soc2scan/<provider>/<account>/. In a
    /// per-account report, {account} and {provider} are replaced by its account.
    #[arg(long, value_name = "CATEGORY")]
    pub sarif_category: Option<String>,

    /// Also emit passing checks as SARIF results of kind "pass" (evidence for auditors).
    #[arg(long)]
    pub sarif_include_pass: bool,

    /// Do not append the Markdown summary to $GITHUB_STEP_SUMMARY (by default it is
    /// appended whenever that variable names a file, as in GitHub Actions).
    #[arg(long)]
    pub no_step_summary: bool,

    /// Configuration file [default: ./soc2scan.toml when it exists].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Print nothing on standard error but errors.
    #[arg(long, short)]
    pub quiet: bool,

    /// Also print the API calls made, by operation.
    #[arg(long, short)]
    pub verbose: bool,

    /// Append this run (its snapshot, rules, coverage, verdicts and suppressions) to the
    /// evidence history (--history) after the scan.
    #[arg(long)]
    pub record: bool,

    /// The store.
    #[command(flatten)]
    pub store: StoreArgs,

    /// Live collection.
    #[command(flatten)]
    pub live: LiveArgs,
}

/// Parses the command line, runs the command, reports errors once, returns the exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() {
                exit::USAGE
            } else {
                exit::CLEAN
            };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    match dispatch(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("soc2scan: error: {error}");
            ExitCode::from(exit::USAGE)
        }
    }
}

fn dispatch(cli: Cli) -> Result<u8, CliError> {
    match cli.command {
        Command::Scan(args) => commands::scan::run(&args),
        Command::Snapshot(args) => commands::snapshot::run(&args),
        Command::Rules(args) => commands::listing::rules(args.format),
        Command::Explain { rule_id } => commands::listing::explain(&rule_id),
        Command::Criteria(args) => commands::listing::criteria(args.format),
        Command::Diff(args) => commands::diff::run(&args),
        Command::History(args) => commands::history::run(&args),
        Command::Verify(args) => commands::verify::run(&args),
        Command::Report(args) => commands::report::run(&args),
        Command::Merge(args) => commands::merge::run(&args),
    }
}
