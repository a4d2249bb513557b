//! Lambda's managed runtimes and the dates AWS deprecates them, from AWS's "Lambda
//! runtimes" page (the supported-runtimes table with its projected deprecation dates, and
//! the deprecated-runtimes table) **as of 2026-12-01** — read through copies of that page
//! (tflint-ruleset-aws's deprecated-runtime rule, endoflife.date), since no machine here
//! reaches AWS; recheck the page itself when editing, AWS moves projected dates. On its deprecation date a
//! runtime stops receiving security patches; AWS later blocks creating and then updating
//! functions on it. A runtime not in this table is not guessed at: the rule says it is not
//! evaluated, naming the runtime.

use chrono::NaiveDate;

/// The date this table was last checked against AWS's page.
pub const CHECKED: &str = "2026-12-01";

/// (runtime identifier, deprecation date as `YYYY-MM-DD`).
pub const RUNTIMES: &[(&str, &str)] = &[
    // Supported, with their projected deprecation dates.
    ("nodejs24.x", "2028-04-30"),
    ("nodejs22.x", "2027-04-30"),
    ("nodejs20.x", "2026-04-30"),
    ("python3.14", "2029-06-30"),
    ("python3.13", "2029-06-30"),
    ("python3.12", "2028-10-31"),
    ("python3.11", "2026-06-30"),
    ("python3.10", "2026-06-30"),
    ("java25", "2029-06-30"),
    ("java21", "2029-06-30"),
    ("java17", "2026-06-30"),
    ("java11", "2026-06-30"),
    ("java8.al2", "2026-06-30"),
    ("dotnet10", "2028-11-14"),
    ("dotnet8", "2026-11-10"),
    ("ruby3.4", "2028-03-31"),
    ("ruby3.3", "2027-03-31"),
    ("ruby3.2", "2026-03-31"),
    ("provided.al2023", "2029-06-30"),
    ("provided.al2", "2026-06-30"),
    // Deprecated.
    ("python3.9", "2025-12-15"),
    ("nodejs18.x", "2025-09-01"),
    ("dotnet6", "2024-11-12"),
    ("python3.8", "2024-10-14"),
    ("nodejs16.x", "2024-06-12"),
    ("dotnet7", "2024-05-14"),
    ("java8", "2024-01-08"),
    ("go1.x", "2024-01-08"),
    ("provided", "2024-01-08"),
    ("nodejs14.x", "2023-12-04"),
    ("python3.7", "2023-12-04"),
    ("ruby2.7", "2023-11-27"),
    ("dotnetcore3.1", "2023-04-03"),
    ("nodejs12.x", "2023-03-31"),
    ("python3.6", "2022-07-18"),
    ("dotnet5.0", "2022-05-10"),
    ("dotnetcore2.1", "2022-01-05"),
    ("nodejs10.x", "2021-07-30"),
    ("ruby2.5", "2021-07-30"),
    ("python2.7", "2021-07-15"),
    ("nodejs8.10", "2020-03-06"),
    ("nodejs4.3", "2020-03-05"),
    ("nodejs4.3-edge", "2020-03-05"),
    ("nodejs6.10", "2019-08-12"),
    ("dotnetcore1.0", "2019-07-27"),
    ("dotnetcore2.0", "2019-05-30"),
    ("nodejs", "2016-10-31"),
];

/// The deprecation date of a runtime, if it is in the table.
pub fn deprecation_date(runtime: &str) -> Option<NaiveDate> {
    RUNTIMES
        .iter()
        .find(|(name, _)| *name == runtime)
        .and_then(|(_, date)| NaiveDate::parse_from_str(date, "%Y-%m-%d").ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_date_parses_and_every_runtime_is_listed_once() {
        let mut names: Vec<&str> = RUNTIMES.iter().map(|(name, _)| *name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), RUNTIMES.len());
        for (name, _) in RUNTIMES {
            assert!(deprecation_date(name).is_some(), "{name}");
        }
        assert_eq!(
            deprecation_date("python3.9"),
            NaiveDate::from_ymd_opt(2025, 12, 15)
        );
        assert_eq!(deprecation_date("python3.99"), None);
    }
}
