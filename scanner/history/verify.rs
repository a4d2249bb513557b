//! `soc2scan verify`: recompute the chain and re-hash every stored snapshot.
//!
//! What is checked (docs/history.md, "How an auditor verifies"):
//!
//! 1. Sequence numbers run 1, 2, 3, … without a gap, and the chain head kept in
//!    `soc2scan_meta` names the newest run and its hash (so deleting the newest runs shows).
//! 2. Every span is well formed: it starts and ends at runs that exist, spans of one
//!    (rule, subject) do not overlap, only the newest may be open, its outcome and
//!    suppression are readable.
//! 3. For every run: its rule set and suppressions are stored under the hash of their
//!    content; its coverage table, its verdict changes (spans opened and closed at it) and
//!    its fields hash to its content hash; its run hash is the hash of the previous run's
//!    hash and its content hash; its counters agree with the verdicts its spans hold.
//! 4. Every snapshot a run refers to is stored, decompresses, and hashes to its name.

use super::run::{
    changes_digest, coverage_digest, run_hash, Counter, Opened, Outcome, RunContent,
    SuppressionRecord, GENESIS,
};
use super::sha256_hex;
use super::store::{History, RunRow};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One thing found broken.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// The run it concerns, if one.
    pub seq: Option<i64>,
    /// What is wrong.
    pub message: String,
}

/// The result of a verification.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verification {
    /// Runs whose content was checked.
    pub runs_checked: usize,
    /// Snapshots re-hashed.
    pub snapshots_checked: usize,
    /// Problems, by run.
    pub problems: Vec<Problem>,
    /// The newest run and its hash.
    pub head: Option<(i64, String)>,
}

impl Verification {
    /// Whether nothing is broken.
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }

    /// Problems of one run (and global ones are reported by [`Verification::global`]).
    pub fn of_run(&self, seq: i64) -> Vec<&Problem> {
        self.problems
            .iter()
            .filter(|p| p.seq == Some(seq))
            .collect()
    }

    /// Problems that concern no single run.
    pub fn global(&self) -> Vec<&Problem> {
        self.problems.iter().filter(|p| p.seq.is_none()).collect()
    }
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// Checks the chain of the runs `selected` accepts (all structural checks always run).
pub fn verify_chain(history: &History, selected: impl Fn(&RunRow) -> bool) -> Verification {
    let mut problems = Vec::new();
    let mut problem = |seq: Option<i64>, message: String| problems.push(Problem { seq, message });
    let runs = &history.runs;
    let seqs: BTreeSet<i64> = runs.iter().map(|r| r.seq).collect();

    // 1. Sequence and head.
    let mut expected = 1;
    for run in runs {
        if run.seq > expected {
            let missing = if run.seq - 1 == expected {
                format!("run #{expected} is missing")
            } else {
                format!("runs #{expected} to #{} are missing", run.seq - 1)
            };
            problem(
                Some(run.seq),
                format!(
                    "{missing}: the sequence jumps to #{} (runs were deleted)",
                    run.seq
                ),
            );
        }
        expected = run.seq + 1;
    }
    let newest = runs.last().map(|r| (r.seq, r.run_hash.clone()));
    match (&history.meta_head, &newest) {
        (None, None) => {}
        (Some((seq, hash)), Some((newest_seq, newest_hash))) => {
            if seq != newest_seq {
                problem(
                    None,
                    format!(
                        "the chain head recorded in the store is run #{seq}, but the newest run \
                         is #{newest_seq}: runs after #{newest_seq} were deleted, or the head \
                         was edited"
                    ),
                );
            } else if hash != newest_hash {
                problem(
                    Some(*seq),
                    format!(
                        "the chain head recorded in the store has hash {}, but run #{seq} has \
                         {}: the run was replaced",
                        short(hash),
                        short(newest_hash)
                    ),
                );
            }
        }
        (Some((seq, _)), None) => problem(
            None,
            format!(
                "the chain head names run #{seq}, but the store has no runs: they were deleted"
            ),
        ),
        (None, Some((seq, _))) => problem(
            None,
            format!("the store has runs up to #{seq} but no chain head: it was deleted"),
        ),
    }

    // 2. Spans.
    let mut opened_at: HashMap<i64, Vec<usize>> = HashMap::new();
    let mut closed_after: HashMap<i64, Vec<usize>> = HashMap::new();
    let mut previous: Option<&super::store::SpanRow> = None;
    for (index, span) in history.spans.iter().enumerate() {
        let about = match history.subjects.get(&span.subject) {
            Some(subject) => format!("{} on {}", subject.rule, subject.subject),
            None => {
                problem(
                    Some(span.first_seq),
                    format!(
                        "a verdict span refers to subject {} that does not exist",
                        span.subject
                    ),
                );
                previous = Some(span);
                continue;
            }
        };
        if !seqs.contains(&span.first_seq) {
            problem(
                None,
                format!(
                    "the verdict span of {about} starts at run #{} that does not exist",
                    span.first_seq
                ),
            );
        }
        if let Some(last) = span.last_seq {
            if last < span.first_seq || !seqs.contains(&last) {
                problem(
                    None,
                    format!(
                        "the verdict span of {about} runs from #{} to #{last}, which is not a \
                         stretch of recorded runs",
                        span.first_seq
                    ),
                );
            }
        }
        if Outcome::parse(&span.outcome).is_none() {
            problem(
                Some(span.first_seq),
                format!(
                    "the verdict of {about} is {:?}, not an outcome",
                    span.outcome
                ),
            );
        }
        if let Some(id) = span.suppression {
            if !history.suppressions.contains_key(&id) {
                problem(
                    Some(span.first_seq),
                    format!("the verdict of {about} names suppression {id} that does not exist"),
                );
            }
        }
        if let Some(before) = previous.filter(|p| p.subject == span.subject) {
            match before.last_seq {
                None => problem(
                    Some(span.first_seq),
                    format!("{about} has two open verdict spans"),
                ),
                Some(last) if last >= span.first_seq => problem(
                    Some(span.first_seq),
                    format!(
                        "{about} has overlapping verdict spans at run #{}",
                        span.first_seq
                    ),
                ),
                Some(_) => {}
            }
        }
        opened_at.entry(span.first_seq).or_default().push(index);
        if let Some(last) = span.last_seq {
            closed_after.entry(last + 1).or_default().push(index);
        }
        previous = Some(span);
    }

    // 3. Runs.
    let no_suppression: Option<&SuppressionRecord> = None;
    let mut state: HashMap<i64, (Outcome, bool)> = HashMap::new();
    let mut counts: BTreeMap<String, Counter> = BTreeMap::new();
    let rule_of = |subject: i64| history.subjects.get(&subject).map(|s| s.rule.as_str());
    let mut runs_checked = 0;
    let mut previous_hash: Option<&str> = None;
    for run in runs {
        let seq = run.seq;
        // Sweep the spans: what the run held.
        for &index in closed_after.get(&seq).into_iter().flatten() {
            let span = &history.spans[index];
            if let (Some((outcome, suppressed)), Some(rule)) =
                (state.remove(&span.subject), rule_of(span.subject))
            {
                let counter = counts.entry(rule.to_string()).or_default();
                subtract(counter, outcome, suppressed);
            }
        }
        for &index in opened_at.get(&seq).into_iter().flatten() {
            let span = &history.spans[index];
            if let (Some(outcome), Some(rule)) =
                (Outcome::parse(&span.outcome), rule_of(span.subject))
            {
                let suppressed = span.suppression.is_some();
                state.insert(span.subject, (outcome, suppressed));
                counts
                    .entry(rule.to_string())
                    .or_default()
                    .add(outcome, suppressed);
            }
        }
        let expected_prev = match previous_hash {
            Some(hash) => hash,
            None if seq == 1 => GENESIS,
            None => &run.prev_hash,
        };
        previous_hash = Some(&run.run_hash);
        if !selected(run) {
            continue;
        }
        runs_checked += 1;
        let mut run_problem = |message: String| problem(Some(seq), message);
        if run.prev_hash != expected_prev {
            run_problem(format!(
                "its previous hash {} is not the hash {} of the run before it: runs were \
                 removed, inserted or reordered",
                short(&run.prev_hash),
                short(expected_prev)
            ));
        }
        match history.rulesets.get(&run.ruleset) {
            Some(body) if sha256_hex(body.as_bytes()) == run.ruleset => {}
            Some(_) => run_problem(format!(
                "its rule set {} was edited (its content no longer hashes to its name)",
                short(&run.ruleset)
            )),
            None => run_problem(format!("its rule set {} is missing", short(&run.ruleset))),
        }
        match history.suppression_sets.get(&run.suppression_set) {
            Some(body) if sha256_hex(body.as_bytes()) == run.suppression_set => {}
            Some(_) => run_problem(format!(
                "its suppressions {} were edited",
                short(&run.suppression_set)
            )),
            None => run_problem(format!(
                "its suppressions {} are missing",
                short(&run.suppression_set)
            )),
        }
        let snapshot_size = match history.snapshots.get(&run.snapshot) {
            Some(size) => *size as u64,
            None => {
                run_problem(format!("its snapshot {} is missing", short(&run.snapshot)));
                0
            }
        };
        let coverage_sha = coverage_digest(history.coverage.get(&seq).into_iter().flatten());
        let opened = opened_at
            .get(&seq)
            .into_iter()
            .flatten()
            .filter_map(|&index| {
                let span = &history.spans[index];
                let subject = history.subjects.get(&span.subject)?;
                Some(Opened {
                    rule: &subject.rule,
                    subject: &subject.subject,
                    outcome: Outcome::parse(&span.outcome)?,
                    suppression: match span.suppression {
                        Some(id) => history.suppressions.get(&id),
                        None => no_suppression,
                    },
                    message: &span.message,
                })
            });
        let closed = closed_after
            .get(&seq)
            .into_iter()
            .flatten()
            .filter_map(|&index| {
                let subject = history.subjects.get(&history.spans[index].subject)?;
                Some((subject.rule.as_str(), subject.subject.as_str()))
            });
        let changes_sha = changes_digest(opened, closed);
        let counters: BTreeMap<String, Counter> = match serde_json::from_str(&run.counters) {
            Ok(counters) => counters,
            Err(_) => {
                run_problem("its counters are not readable".to_string());
                BTreeMap::new()
            }
        };
        let kinds: BTreeMap<String, u64> = serde_json::from_str(&run.kinds).unwrap_or_else(|_| {
            run_problem("its resource counts are not readable".to_string());
            BTreeMap::new()
        });
        let rules: BTreeSet<&String> = counts.keys().chain(counters.keys()).collect();
        for rule in rules {
            let held = counts.get(rule).copied().unwrap_or_default();
            let stored = counters.get(rule).copied().unwrap_or_default();
            if stored != held {
                run_problem(format!(
                    "its counters for {rule} ({} passed, {} failed, {} suppressed, {} not \
                     evaluated) disagree with the verdicts stored for it ({}, {}, {}, {})",
                    stored.passed,
                    stored.failed,
                    stored.suppressed,
                    stored.not_evaluated,
                    held.passed,
                    held.failed,
                    held.suppressed,
                    held.not_evaluated
                ));
            }
        }
        let content = RunContent {
            format: "soc2scan-run",
            format_version: 1,
            seq,
            recorded_at: &run.recorded_at,
            source: &run.source,
            tool_version: &run.tool_version,
            started_at: &run.started_at,
            collected_at: &run.collected_at,
            snapshot_tool_version: &run.snapshot_tool_version,
            targets: &run.targets,
            complete: run.complete,
            ruleset_sha256: &run.ruleset,
            suppressions_sha256: &run.suppression_set,
            snapshot_sha256: &run.snapshot,
            snapshot_size,
            counters: &counters,
            kinds: &kinds,
            coverage_sha256: &coverage_sha,
            changes_sha256: &changes_sha,
        };
        let content_hash = content.hash();
        if content_hash != run.content_hash {
            run_problem(format!(
                "its content no longer matches its content hash (stored {}, recomputed {}): \
                 the run, its coverage or its verdicts were edited",
                short(&run.content_hash),
                short(&content_hash)
            ));
        }
        let recomputed = run_hash(&run.prev_hash, &run.content_hash);
        if recomputed != run.run_hash {
            run_problem(format!(
                "its run hash {} is not the hash of its previous hash and content hash ({})",
                short(&run.run_hash),
                short(&recomputed)
            ));
        }
    }
    problems.sort();
    problems.dedup();
    Verification {
        runs_checked,
        snapshots_checked: 0,
        problems,
        head: newest,
    }
}

fn subtract(counter: &mut Counter, outcome: Outcome, suppressed: bool) {
    let field = match (outcome, suppressed) {
        (Outcome::Pass, _) => &mut counter.passed,
        (Outcome::Fail, false) => &mut counter.failed,
        (Outcome::Fail, true) => &mut counter.suppressed,
        (Outcome::NotEvaluated, _) => &mut counter.not_evaluated,
    };
    *field = field.saturating_sub(1);
}

/// Re-hashes the stored snapshots the selected runs refer to, adding problems to
/// `verification`.
pub fn verify_snapshots(
    store: &mut super::Store,
    history: &History,
    selected: impl Fn(&RunRow) -> bool,
    verification: &mut Verification,
) -> Result<(), super::HistoryError> {
    let mut wanted: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for run in history.runs.iter().filter(|r| selected(r)) {
        wanted
            .entry(run.snapshot.as_str())
            .or_default()
            .push(run.seq);
    }
    let mut checked = 0;
    store.for_each_snapshot(|sha, size, encoding, body| {
        let Some(seqs) = wanted.get(sha) else {
            return;
        };
        checked += 1;
        let runs = seqs
            .iter()
            .map(|s| format!("#{s}"))
            .collect::<Vec<_>>()
            .join(", ");
        let message = if encoding != "gzip" {
            Some(format!("is stored with an unknown encoding {encoding:?}"))
        } else {
            match super::run::gunzip(body) {
                Err(error) => Some(format!("does not decompress ({error})")),
                Ok(bytes) if sha256_hex(&bytes) != sha => Some(format!(
                    "was altered: its bytes hash to {}, not to its name",
                    short(&sha256_hex(&bytes))
                )),
                Ok(bytes) if bytes.len() as i64 != size => Some(format!(
                    "was altered: it has {} bytes, {size} were recorded",
                    bytes.len()
                )),
                Ok(_) => None,
            }
        };
        if let Some(message) = message {
            verification.problems.push(Problem {
                seq: seqs.first().copied(),
                message: format!("snapshot {} of run {runs} {message}", short(sha)),
            });
        }
    })?;
    verification.snapshots_checked = checked;
    verification.problems.sort();
    Ok(())
}
