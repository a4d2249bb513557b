//! Throttling and completeness: scans through the chaos proxy (tests/support/fault_proxy.rs),
//! which answers a share of requests with throttling errors in each protocol, 503s, 500s,
//! dropped connections and slow or stalled answers, and records what each account saw.

use super::fault_proxy::{start_chaos_proxy, ChaosOptions, ChaosProxy, Fault};
use super::*;
use soc2scan_providers::aws::{
    DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CALL_TIMEOUT, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MAX_CONCURRENCY_PER_REGION,
};
use std::time::Instant;

/// The regional services without account-wide kinds: a scan of them in one region makes
/// every call of an account (after its identity) in that one scope.
const ONE_SCOPE_SERVICES: &[&str] = &[
    "ec2", "rds", "kms", "dynamodb", "efs", "backup", "logs", "elbv2", "lambda", "acm",
];

fn through(proxy: &ChaosProxy, options: AwsScanOptions) -> AwsScanOptions {
    AwsScanOptions {
        endpoint_url: Some(format!("http://127.0.0.1:{}", proxy.port)),
        ..options
    }
}

fn failed_units(collection: &AwsCollection) -> Vec<String> {
    collection
        .coverage
        .iter()
        .filter(|entry| !matches!(entry.status, CoverageStatus::Ok))
        .map(|entry| format!("{} {:?}", entry.unit, entry.status))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_percent_faults_at_default_settings_lose_nothing() {
    let Some(moto) = shared_moto() else { return };
    const A: &str = "810000000001";
    const B: &str = "810000000002";
    tokio::join!(seed_account_a(moto, A), seed_account_b(moto, B));
    // Every service, two accounts, two regions, at the default limits (the helper's shorter
    // per-call timeout put back).
    let options = AwsScanOptions {
        call_timeout: DEFAULT_CALL_TIMEOUT,
        ..scan_options(moto, &[A, B], &[R2, R1])
    };
    assert_eq!(options.max_attempts, DEFAULT_MAX_ATTEMPTS);
    assert_eq!(options.max_concurrency, DEFAULT_MAX_CONCURRENCY);
    assert_eq!(
        options.max_concurrency_per_region,
        DEFAULT_MAX_CONCURRENCY_PER_REGION
    );
    assert_eq!(options.attempt_timeout, DEFAULT_ATTEMPT_TIMEOUT);
    assert_eq!(options.max_rate, None);

    let clean = collect(&options, Arc::new(NoProgress)).await.expect("scan");
    assert!(
        failed_units(&clean).is_empty(),
        "{:#?}",
        failed_units(&clean)
    );
    assert_coverage(&clean.coverage, &all_ok_coverage(&[A, B], &[R1, R2]));

    // Slow answers are shorter than the attempt timeout here; stalls longer than it are the
    // next test's.
    let proxy = start_chaos_proxy(
        moto.port,
        ChaosOptions {
            fault_rate: 0.3,
            seed: 13,
            slow: Duration::from_millis(700),
            ..ChaosOptions::default()
        },
    );
    let started = Instant::now();
    let faulty = collect(&through(&proxy, options.clone()), Arc::new(NoProgress))
        .await
        .expect("scan through the chaos proxy");
    let elapsed = started.elapsed();

    assert!(
        failed_units(&faulty).is_empty(),
        "units lost at 30% faults: {:#?}",
        failed_units(&faulty)
    );
    assert_coverage(&faulty.coverage, &clean.coverage);
    assert_eq!(
        faulty.targets.len(),
        clean.targets.len(),
        "{:?}",
        faulty.targets
    );
    assert_eq!(
        verdicts(&snapshot_of_collection(&faulty)),
        verdicts(&snapshot_of_collection(&clean)),
        "every verdict equals the fault-free scan's"
    );
    let ids = |collection: &AwsCollection| -> BTreeSet<(String, String)> {
        collection
            .resources
            .iter()
            .map(|r| (r.kind().as_str().to_string(), r.id.clone()))
            .collect()
    };
    assert_eq!(ids(&faulty), ids(&clean), "the same resources");
    assert_calls_are_documented(&faulty);

    // The faults really happened, of every kind (the protocols' throttling errors are the
    // next test's).
    let faults = proxy.faults();
    for fault in Fault::ALL {
        assert!(
            faults.get(&fault).copied().unwrap_or(0) > 0,
            "no {fault:?} injected: {faults:?}"
        );
    }
    let injected: usize = faults.values().sum();
    let share = injected as f64 / proxy.requests() as f64;
    assert!(
        (0.2..0.4).contains(&share),
        "{injected} of {} requests",
        proxy.requests()
    );
    // Retries are counted: every request the proxy received from the scanned accounts was
    // counted once. AssumeRole is counted too, but it is signed with the base credentials,
    // so the proxy attributes it to no scanned account: it is left out of the comparison.
    let counted: u64 = faulty.api_calls.values().sum();
    let assume_role = faulty.api_calls.get("sts:AssumeRole").copied().unwrap_or(0);
    let clean_counted: u64 = clean.api_calls.values().sum();
    assert!(
        counted as f64 > clean_counted as f64 * 1.2,
        "{counted} requests counted through the faults, {clean_counted} without"
    );
    let arrivals = proxy.arrivals();
    let from_accounts: usize = [A, B]
        .iter()
        .map(|a| arrivals.get(*a).map_or(0, Vec::len))
        .sum();
    // The proxy learns each session's key from the AssumeRole answer before the client
    // reads it, so it attributes every request of the scanned accounts: its totals are the
    // counter's.
    assert_eq!(
        from_accounts as u64,
        counted - assume_role,
        "the counter counts every request on the wire"
    );
    eprintln!(
        "30% faults: {} requests ({injected} faults: {faults:?}), {counted} counted, \
         {clean_counted} without faults, {:.1} s",
        proxy.requests(),
        elapsed.as_secs_f64()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_protocols_throttling_error_is_recognised_and_retried() {
    let Some(moto) = shared_moto() else { return };
    const ACCOUNT: &str = "810000000005";
    seed_account_b(moto, ACCOUNT).await;
    // The first request of every operation is throttled; most answers are HTTP 400, which
    // the SDK retries only when it reads the throttling code in that protocol's error.
    let proxy = start_chaos_proxy(
        moto.port,
        ChaosOptions {
            throttle_each_operation_once: true,
            ..ChaosOptions::default()
        },
    );
    let collection = collect(
        &through(&proxy, scan_options(moto, &[ACCOUNT], &[R1])),
        Arc::new(NoProgress),
    )
    .await
    .expect("scan");
    assert!(
        failed_units(&collection).is_empty(),
        "{:#?}",
        failed_units(&collection)
    );
    let throttles = proxy.throttles();
    for protocol in ["ec2", "query", "json", "s3", "cbor"] {
        assert!(
            throttles.get(protocol).copied().unwrap_or(0) > 0,
            "no {protocol} throttling answered: {throttles:?}"
        );
    }
    // Each throttled call was retried: it is counted twice.
    let counted: u64 = collection.api_calls.values().sum();
    let throttled: usize = throttles.values().sum();
    assert!(
        counted as usize > throttled,
        "{counted} counted, {throttled} throttled"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_attempt_per_call_at_thirty_percent_faults_loses_units_as_gaps() {
    let Some(moto) = shared_moto() else { return };
    const ACCOUNT: &str = "810000000003";
    seed_account_b(moto, ACCOUNT).await;
    let options = AwsScanOptions {
        services: vec!["ec2".into(), "iam".into(), "kms".into(), "logs".into()],
        ..scan_options(moto, &[ACCOUNT], &[R1])
    };
    let clean = collect(&options, Arc::new(NoProgress)).await.expect("scan");
    assert!(
        failed_units(&clean).is_empty(),
        "{:#?}",
        failed_units(&clean)
    );

    let proxy = start_chaos_proxy(
        moto.port,
        ChaosOptions {
            fault_rate: 0.3,
            seed: 7,
            slow: Duration::from_millis(200),
            ..ChaosOptions::default()
        },
    );
    let faulty = collect(
        &through(
            &proxy,
            AwsScanOptions {
                max_attempts: 1,
                ..options.clone()
            },
        ),
        Arc::new(NoProgress),
    )
    .await;
    // The identity call itself may be the one that fails: then the scan stops with that
    // error, which is the loudest way of losing everything.
    let Ok(faulty) = faulty else {
        return;
    };
    let lost = failed_units(&faulty);
    assert!(
        !lost.is_empty(),
        "with no retries, 30% faults must cost units"
    );
    // Lost units are gaps, in the same coverage table, never missing entries or passes.
    let units = |c: &AwsCollection| -> BTreeSet<String> {
        c.coverage
            .iter()
            .filter(|e| e.unit.resource.is_none())
            .map(|e| e.unit.to_string())
            .collect()
    };
    assert_eq!(units(&faulty), units(&clean));
    let snapshot = snapshot_of_collection(&faulty);
    assert!(snapshot.gaps().count() > 0);
    let clean_verdicts = verdicts(&snapshot_of_collection(&clean));
    for ((rule, subject), verdict) in verdicts(&snapshot) {
        if verdict == "pass" {
            assert_eq!(
                clean_verdicts.get(&(rule.clone(), subject.clone())),
                Some(&"pass"),
                "{rule} {subject} passed only because data was lost"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_attempt_is_cut_off_and_retried_within_the_call_timeout() {
    let Some(moto) = shared_moto() else { return };
    const ACCOUNT: &str = "810000000004";
    // A stall outlasts the per-call timeout: only the attempt timeout can save the call.
    let proxy = start_chaos_proxy(
        moto.port,
        ChaosOptions {
            fault_rate: 0.2,
            seed: 21,
            slow: Duration::from_secs(60),
            ..ChaosOptions::default()
        },
    );
    let options = AwsScanOptions {
        services: vec!["ec2".into(), "iam".into()],
        attempt_timeout: Duration::from_secs(1),
        call_timeout: Duration::from_secs(30),
        ..scan_options(moto, &[ACCOUNT], &[R1])
    };
    let started = Instant::now();
    let collection = collect(&through(&proxy, options), Arc::new(NoProgress))
        .await
        .expect("scan");
    assert!(
        proxy.faults().get(&Fault::Slow).copied().unwrap_or(0) > 0,
        "{:?}",
        proxy.faults()
    );
    assert!(
        failed_units(&collection).is_empty(),
        "{:#?}",
        failed_units(&collection)
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "stalls were cut off after a second each, not waited out"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_account_sees_more_calls_in_flight_than_the_per_region_bound() {
    let Some(moto) = shared_moto() else { return };
    const ACCOUNTS: [&str; 4] = [
        "820000000001",
        "820000000002",
        "820000000003",
        "820000000004",
    ];
    const BOUND: usize = 3;
    let scan = |per_region: usize| {
        let proxy = start_chaos_proxy(
            moto.port,
            ChaosOptions {
                latency: Duration::from_millis(40),
                ..ChaosOptions::default()
            },
        );
        let options = through(
            &proxy,
            AwsScanOptions {
                services: ONE_SCOPE_SERVICES.iter().map(|s| s.to_string()).collect(),
                max_concurrency: 64,
                max_concurrency_per_region: per_region,
                ..scan_options(moto, &ACCOUNTS, &[R1])
            },
        );
        async move {
            let collection = collect(&options, Arc::new(NoProgress)).await.expect("scan");
            assert!(
                failed_units(&collection).is_empty(),
                "{:#?}",
                failed_units(&collection)
            );
            proxy
        }
    };

    let bounded = scan(BOUND).await;
    let seen = bounded.max_in_flight();
    for account in ACCOUNTS {
        let max = seen.get(account).copied().unwrap_or(0);
        assert!(
            max <= BOUND,
            "{account} saw {max} requests in flight at once: {seen:?}"
        );
        assert_eq!(
            max, BOUND,
            "{account} never had its bound's worth in flight: {seen:?}"
        );
    }
    assert!(
        bounded.max_total_in_flight() > BOUND,
        "the accounts were scanned at the same time, within the larger global bound"
    );

    // The same scan without the per-region bound loads one account harder: the check above
    // can fail.
    let unbounded = scan(64).await;
    let seen = unbounded.max_in_flight();
    assert!(
        ACCOUNTS
            .iter()
            .any(|a| seen.get(*a).copied().unwrap_or(0) > BOUND),
        "{seen:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_rate_bounds_each_accounts_requests_per_second() {
    let Some(moto) = shared_moto() else { return };
    const ACCOUNTS: [&str; 2] = ["830000000001", "830000000002"];
    const RATE: f64 = 5.0;
    let proxy = start_chaos_proxy(moto.port, ChaosOptions::default());
    let options = through(
        &proxy,
        AwsScanOptions {
            services: ["ec2", "rds", "kms", "dynamodb", "logs"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            max_rate: Some(RATE),
            ..scan_options(moto, &ACCOUNTS, &[R1])
        },
    );
    let collection = collect(&options, Arc::new(NoProgress)).await.expect("scan");
    assert!(
        failed_units(&collection).is_empty(),
        "{:#?}",
        failed_units(&collection)
    );
    let arrivals = proxy.arrivals();
    for account in ACCOUNTS {
        let times = arrivals.get(account).expect("requests from the account");
        let n = times.len();
        assert!(n as f64 >= 2.0 * RATE, "{account}: only {n} requests");
        // Any stretch of requests fits the rate plus its one-second burst, with slack for
        // scheduling.
        for i in 0..n {
            for j in i..n {
                let span = times[j].duration_since(times[i]).as_secs_f64();
                let allowed = 1.25 * (RATE + RATE * span) + 2.0;
                assert!(
                    ((j - i + 1) as f64) <= allowed,
                    "{account}: {} requests in {span:.2} s at --max-rate {RATE}",
                    j - i + 1
                );
            }
        }
        // And the rate really held the scan back (moto alone answers hundreds a second).
        let span = times[n - 1].duration_since(times[0]).as_secs_f64();
        assert!(
            span >= 0.7 * (n as f64 - RATE) / RATE,
            "{account}: {n} requests in {span:.2} s"
        );
    }
}

/// Accounts are scanned a window at a time, as wide as `--max-concurrency`: with a window of
/// one, no account's scan overlaps another's (past the opening `GetCallerIdentity` of each,
/// which all come first); with a window of two, some do — so the check can fail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_are_scanned_a_window_at_a_time() {
    let Some(moto) = shared_moto() else { return };
    const ACCOUNTS: [&str; 3] = ["830000000001", "830000000002", "830000000003"];
    let scan = |window: usize| {
        let proxy = start_chaos_proxy(moto.port, ChaosOptions::default());
        let options = through(
            &proxy,
            AwsScanOptions {
                services: ONE_SCOPE_SERVICES.iter().map(|s| s.to_string()).collect(),
                max_concurrency: window,
                ..scan_options(moto, &ACCOUNTS, &[R1])
            },
        );
        async move {
            let collection = collect(&options, Arc::new(NoProgress)).await.expect("scan");
            assert!(failed_units(&collection).is_empty());
            // Each account's scan: from its second request (the first is its identity) to
            // its last.
            let mut spans: Vec<(Instant, Instant)> = ACCOUNTS
                .iter()
                .map(|account| {
                    let arrivals = &proxy.arrivals()[*account];
                    assert!(arrivals.len() > 2, "{account}: {} requests", arrivals.len());
                    (arrivals[1], *arrivals.last().unwrap())
                })
                .collect();
            spans.sort();
            spans.windows(2).any(|pair| pair[1].0 < pair[0].1)
        }
    };
    assert!(
        !scan(1).await,
        "with a window of one account, two accounts' scans overlapped"
    );
    assert!(
        scan(2).await,
        "with a window of two accounts, no two accounts' scans overlapped"
    );
}
