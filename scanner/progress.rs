//! Progress of a live collection on standard error: an indicatif bar when standard error
//! is a terminal; otherwise a plain line every ten seconds (CI logs, cron mail); nothing
//! with `--quiet`.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use soc2scan_providers::CollectionProgress;
use soc2scan_providers::CollectionUnit;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const PLAIN_INTERVAL: Duration = Duration::from_secs(10);

/// Counts units and calls and shows them.
pub struct Progress {
    provider: String,
    quiet: bool,
    bar: Option<ProgressBar>,
    units: AtomicU64,
    done: AtomicU64,
    failed: AtomicU64,
    calls: AtomicU64,
    /// Organization accounts to open (`--org`), opened, and not opened.
    accounts: AtomicU64,
    accounts_opened: AtomicU64,
    accounts_failed: AtomicU64,
    last_line: Mutex<Instant>,
}

impl Progress {
    /// Progress for one provider's collection.
    pub fn new(provider: String, quiet: bool) -> Progress {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{spinner} {prefix} {elapsed:>4} [{bar:30}] {pos}/{len} units  {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
            bar.set_style(style);
            bar.set_prefix(provider.clone());
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Progress {
            provider,
            quiet,
            bar,
            units: AtomicU64::new(0),
            done: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            calls: AtomicU64::new(0),
            accounts: AtomicU64::new(0),
            accounts_opened: AtomicU64::new(0),
            accounts_failed: AtomicU64::new(0),
            last_line: Mutex::new(Instant::now()),
        }
    }

    fn counts(&self) -> String {
        let calls = format!(
            "{} API calls, {} units failed",
            self.calls.load(Ordering::Relaxed),
            self.failed.load(Ordering::Relaxed)
        );
        match self.accounts.load(Ordering::Relaxed) {
            0 => calls,
            total => {
                let failed = self.accounts_failed.load(Ordering::Relaxed);
                format!(
                    "accounts {}/{total} opened{}, {calls}",
                    self.accounts_opened.load(Ordering::Relaxed) + failed,
                    if failed > 0 {
                        format!(" ({failed} could not be)")
                    } else {
                        String::new()
                    }
                )
            }
        }
    }

    fn refresh(&self) {
        if let Some(bar) = &self.bar {
            bar.set_length(self.units.load(Ordering::Relaxed));
            bar.set_position(self.done.load(Ordering::Relaxed));
            bar.set_message(self.counts());
            return;
        }
        if self.quiet {
            return;
        }
        let Ok(mut last) = self.last_line.lock() else {
            return;
        };
        if last.elapsed() >= PLAIN_INTERVAL {
            *last = Instant::now();
            eprintln!(
                "soc2scan: collecting {}: {}/{} units done, {}",
                self.provider,
                self.done.load(Ordering::Relaxed),
                self.units.load(Ordering::Relaxed),
                self.counts()
            );
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl CollectionProgress for Progress {
    fn unit_started(&self, _unit: &CollectionUnit) {
        self.units.fetch_add(1, Ordering::Relaxed);
        self.refresh();
    }

    fn unit_finished(&self, _unit: &CollectionUnit, failed: bool) {
        self.done.fetch_add(1, Ordering::Relaxed);
        if failed {
            self.failed.fetch_add(1, Ordering::Relaxed);
        }
        self.refresh();
    }

    fn api_call(&self, _operation: &str) {
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.refresh();
    }

    fn accounts_listed(&self, count: usize) {
        self.accounts.fetch_add(count as u64, Ordering::Relaxed);
        self.refresh();
    }

    fn account_opened(&self, _account: &str, opened: bool) {
        if opened {
            self.accounts_opened.fetch_add(1, Ordering::Relaxed);
        } else {
            self.accounts_failed.fetch_add(1, Ordering::Relaxed);
        }
        self.refresh();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_organization_scan_counts_accounts_opened_beside_units_and_calls() {
        let progress = Progress::new("aws".to_string(), true);
        assert_eq!(progress.counts(), "0 API calls, 0 units failed");
        progress.accounts_listed(300);
        progress.account_opened("111122223333", true);
        progress.account_opened("444455556666", false);
        progress.api_call("sts:AssumeRole");
        assert_eq!(
            progress.counts(),
            "accounts 2/300 opened (1 could not be), 1 API calls, 0 units failed"
        );
    }
}
