"""Times `soc2scan scan aws` and Prowler on one moto account seeded with issue #10's data
stores, every API call of both counted the same way by a proxy between them and moto.

    python3 benches/aws_data_stores_scan.py [--soc2scan PATH] [--runs 5] [--prowler-runs 1]
        [--services LIST] [--no-prowler] [--prowler-defaults-only] [--install-prowler]
        [--keep-prowler-output DIR] [--json FILE]

(BENCHMARKS.md's figures: --runs 5 --prowler-runs 3; about 15 minutes, most of it Prowler.)

Needs moto's virtualenv (as .ci/test makes it, or SOC2SCAN_MOTO_PYTHON), a release build of
soc2scan (default $CARGO_TARGET_DIR/release/soc2scan, else ~/.cache/soc2scan/target/release/
soc2scan) and, unless --no-prowler, Prowler 5.46.0 (PROWLER_VERSION) in its own virtualenv
(~/.cache/soc2scan/tools/venv-prowler; --install-prowler makes it with pip). Everything stays
on 127.0.0.1:

1. moto on a free loopback port, seeded (directly, not counted) with tests/support/
   seed_moto.py at aws_moto_scan.py's size (3 regions x 100 volumes, 100 security groups, 25
   instances, 34 snapshots, 1 VPC; 100 IAM users) and benches/seed_data_stores.py (3 regions
   x 70 S3 buckets, 20 KMS keys, 10 RDS instances, 2 clusters, 15 manual DB snapshots, 20
   DynamoDB tables, 8 EFS file systems, 2 backup vaults, 2 backup plans; mixed settings, see
   its docstring), both at once.
2. benches/counting_proxy.py in front of moto: both tools talk only to it, and it counts
   every request by service and operation (from the SigV4 credential scope and the
   X-Amz-Target / Action / REST route), so the two tools' calls are counted identically.
3. soc2scan: `scan aws --regions R --endpoint-url PROXY --format json --fail-on none
   --allow-incomplete --verbose`, --runs times under /usr/bin/time -v (as timed_scan.py):
   wall time, CPU (user + system) and peak RSS, medians; the calls of the last run by
   service and operation (and whether soc2scan's own --verbose count agrees with the
   proxy's); the time before its first call, between its first call and last answer, and
   after (from the proxy's clock). Once with every service (or --services); once the same
   straight to moto (what the proxy itself costs; calls from --verbose); and once with only
   the six services Prowler is run for (s3,kms,rds,dynamodb,efs,backup) when the binary
   has them — `soc2scan scan aws --help` lists the services it has; until then that row is
   printed as still to be measured.
4. Prowler: `prowler aws -f R --services s3 kms rds dynamodb efs backup` with dummy
   credentials, AWS_ENDPOINT_URL and HTTP_PROXY both the proxy (HTTP_PROXY because S3
   Control puts the account id in the host name, ACCOUNT.127.0.0.1, which cannot be resolved:
   as an HTTP proxy the counting proxy receives the request without a DNS lookup); output
   (json-ocsf) and its log in a temporary directory. No STS endpoint, update check or
   Organizations account is needed beyond what moto answers: GetCallerIdentity and
   organizations:DescribeAccount go to moto through the proxy like everything else
   (DescribeAccount fails there, as it does for an account outside an organization). Its
   exit code 3 (failed findings) is expected. Same measurements, plus its findings and the
   errors it logged (moto gaps), by service. Run twice (--prowler-runs times each): with its
   defaults, and with --aws-retries-max-attempts 0, because moto answers 500 to a few calls
   it does not implement and Prowler's retries with backoff on them are an emulator
   artefact worth tens of seconds (--prowler-defaults-only skips the second).
5. A Markdown table for BENCHMARKS.md, then the calls by operation of every tool.

moto, the proxy and the tools share the machine's cores, as in CI.
"""

import argparse
import collections
import contextlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from timed_scan import timed_scan

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCHES = os.path.join(ROOT, "benches")
# seed_moto.py seeds the data stores of issue #10 too; the benchmark seeds those at its own
# size (seed_data_stores.py) or not at all, so seed_moto.py gives EC2 and IAM only.
EC2_IAM_ONLY = [
    "--buckets", "0", "--db-instances", "0", "--db-clusters", "0", "--db-snapshots", "0",
    "--keys", "0", "--tables", "0", "--file-systems", "0", "--vaults", "0",
    "--backup-plans", "0",
]
REGIONS = ["eu-west-1", "us-east-1", "ap-southeast-2"]
DATA_SERVICES = ["s3", "kms", "rds", "dynamodb", "efs", "backup"]
PROWLER_VERSION = "5.46.0"
TOOLS = os.path.expanduser("~/.cache/soc2scan/tools")
DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_REGION": REGIONS[0],
    "AWS_DEFAULT_REGION": REGIONS[0],
    "AWS_EC2_METADATA_DISABLED": "true",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, what):
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    sys.exit("%s did not start (%s)" % (what, url))


def proxy_counts(proxy, reset=False):
    request = urllib.request.Request(
        proxy + ("/_proxy/reset" if reset else "/_proxy/counts"), method="POST" if reset else "GET"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def by_service(calls):
    out = collections.Counter()
    for operation, count in calls.items():
        out[operation.split(":")[0]] += count
    return out


def soc2scan_services(binary):
    """The AWS services this soc2scan binary collects, from `scan aws --help`."""
    help_text = subprocess.run([binary, "scan", "aws", "--help"], capture_output=True, text=True).stdout
    match = re.search(r"--services <SERVICES>[^(]*\(([^)]*)\)", help_text)
    return [s.strip() for s in match.group(1).split(",")] if match else []


def median(values):
    return statistics.median(values) if values else float("nan")


def timed(command, env, cwd=None, log=None):
    """Runs a command that is not soc2scan under /usr/bin/time -v: wall, cpu, rss, exit code."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as times:
        with open(log or os.devnull, "w") as out:
            code = subprocess.run(
                ["/usr/bin/time", "-v", "-o", times.name] + command,
                env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
            ).returncode
        text = times.read()
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", text)
    return {
        "code": code,
        "wall": int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3)),
        "cpu": float(re.search(r"User time \(seconds\): ([\d.]+)", text).group(1))
        + float(re.search(r"System time \(seconds\): ([\d.]+)", text).group(1)),
        "rss": int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)),
    }


def run_soc2scan(args, proxy, services, label, endpoint=None):
    """soc2scan --runs times through the proxy (or, with endpoint, straight to moto: the
    proxy's own cost, then without call counts)."""
    command = [
        args.soc2scan, "scan", "aws",
        "--endpoint-url", endpoint or proxy, "--regions", ",".join(REGIONS),
        "--format", "json", "--fail-on", "none", "--allow-incomplete", "--verbose",
    ]
    if services:
        command += ["--services", ",".join(services)]
    env = dict(os.environ, **DUMMY_CREDENTIALS)
    env.pop("AWS_ENDPOINT_URL", None)
    runs = []
    for run in range(args.runs):
        proxy_counts(proxy, reset=True)
        started = time.time()
        measured = timed_scan(command, env)
        measured["proxy"] = proxy_counts(proxy)
        measured["phases"] = phases(started, time.time(), measured["proxy"])
        runs.append(measured)
        print("  soc2scan %s, run %d: wall %.2f s, cpu %.2f s, peak RSS %.0f MiB, %d calls | %s" % (
            label, run + 1, measured["wall"], measured["cpu"], measured["rss"] / 1024,
            sum((measured["calls"] if endpoint else measured["proxy"]["calls"]).values()),
            measured["collected"]), flush=True)
    last = runs[-1]
    own = sum(last["calls"].values())
    counted = sum(last["proxy"]["calls"].values())
    result = summary(runs, "soc2scan", label, services or soc2scan_services(args.soc2scan))
    result["note"] = last["collected"].replace("soc2scan: ", "")
    if endpoint:
        # The proxy saw nothing: its own --verbose count, and no answers to tell apart.
        result.update(calls=last["calls"], errors=None, seconds={}, phases=None)
    elif own != counted:
        result["note"] += "; soc2scan's --verbose counted %d calls, the proxy %d" % (own, counted)
    return result


def phases(started, ended, counts):
    """Seconds before the first API call, from the first call to the last answer, and after."""
    if counts.get("first") is None:
        return None
    return (counts["first"] - started, counts["last"] - counts["first"], ended - counts["last"])


def summary(runs, tool, label, services):
    """The medians of a tool's runs, and the calls of its last run."""
    last = runs[-1]
    timed_phases = [r["phases"] for r in runs if r.get("phases")]
    return {
        "tool": tool,
        "label": label,
        "services": services,
        "runs": len(runs),
        "wall": median([r["wall"] for r in runs]),
        "wall_range": (min(r["wall"] for r in runs), max(r["wall"] for r in runs)),
        "cpu": median([r["cpu"] for r in runs]),
        "rss": median([r["rss"] for r in runs]),
        "phases": [median([p[i] for p in timed_phases]) for i in range(3)] if timed_phases else None,
        "calls": last["proxy"]["calls"],
        "errors": last["proxy"]["errors"],
        "seconds": last["proxy"]["seconds"],
        "calls_range": (min(sum(r["proxy"]["calls"].values()) for r in runs),
                        max(sum(r["proxy"]["calls"].values()) for r in runs)),
    }


def prowler_paths(args):
    venv = args.prowler_venv
    return os.path.join(venv, "bin", "prowler"), os.path.join(venv, "bin", "python")


def install_prowler(args):
    prowler, python = prowler_paths(args)
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", args.prowler_venv], check=True)
    subprocess.run([python, "-m", "pip", "install", "-q", "prowler==" + PROWLER_VERSION], check=True)


def prowler_version(args):
    _, python = prowler_paths(args)
    return subprocess.run(
        [python, "-c", "import importlib.metadata as m; print(m.version('prowler'))"],
        capture_output=True, text=True,
    ).stdout.strip()


def run_prowler(args, proxy, label, extra, services=DATA_SERVICES):
    """Prowler --prowler-runs times through the proxy, for its `services` (Prowler's names)."""
    prowler, _ = prowler_paths(args)
    env = dict(os.environ, **DUMMY_CREDENTIALS)
    env.update(AWS_ENDPOINT_URL=proxy, HTTP_PROXY=proxy, http_proxy=proxy)
    for name in ("NO_PROXY", "no_proxy", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        env.pop(name, None)
    runs = []
    for run in range(args.prowler_runs):
        out = tempfile.mkdtemp(prefix="prowler-bench-")
        try:
            command = [
                prowler, "aws", "-f", *REGIONS, "--services", *services,
                "--no-banner", "--no-color", "--output-directory", out, "-F", "bench",
                "--output-formats", "json-ocsf",
                "--log-level", "ERROR", "--log-file", os.path.join(out, "prowler.log"),
            ] + extra + args.prowler_arg
            proxy_counts(proxy, reset=True)
            started = time.time()
            measured = timed(command, env, cwd=out, log=os.path.join(out, "stdout.txt"))
            measured["proxy"] = proxy_counts(proxy)
            measured["phases"] = phases(started, time.time(), measured["proxy"])
            if measured["code"] not in (0, 3):
                with open(os.path.join(out, "stdout.txt")) as f:
                    sys.exit("prowler failed (%d):\n%s" % (measured["code"], f.read()[-4000:]))
            measured["findings"] = prowler_findings(os.path.join(out, "bench.ocsf.json"))
            measured["logged_errors"] = prowler_errors(os.path.join(out, "prowler.log"))
            if args.keep_prowler_output:
                kept = os.path.join(args.keep_prowler_output, "%s-%d" % (label.replace(" ", "-"), run + 1))
                shutil.rmtree(kept, ignore_errors=True)
                shutil.copytree(out, kept)
        finally:
            shutil.rmtree(out, ignore_errors=True)
        runs.append(measured)
        print("  prowler %s, run %d: wall %.2f s, cpu %.2f s, peak RSS %.0f MiB, %d calls, exit %d" % (
            label, run + 1, measured["wall"], measured["cpu"], measured["rss"] / 1024,
            sum(measured["proxy"]["calls"].values()), measured["code"]), flush=True)
    last = runs[-1]
    findings = last["findings"]
    result = summary(runs, "Prowler " + prowler_version(args), label, services)
    result.update(findings=findings, logged_errors=last["logged_errors"])
    failing = sorted({key.rsplit(" ", 1)[0] for key in last["proxy"]["errors"] if key.rsplit(" ", 1)[1].startswith("5")})
    result["moto_5xx"] = failing
    result["note"] = "%d checks, %d findings (%s); %d errors logged (%s)" % (
            findings["checks"], findings["total"],
            ", ".join("%s %d" % kv for kv in sorted(findings["by_status"].items())),
            sum(last["logged_errors"].values()),
            ", ".join("%s %d" % kv for kv in sorted(last["logged_errors"].items())) or "none",
        ) + ("; moto answered 5xx to %s" % ", ".join(failing) if failing else "")
    return result


def prowler_findings(path):
    by_status, by_service, checks = collections.Counter(), collections.Counter(), set()
    if os.path.exists(path):
        with open(path) as f:
            findings = json.load(f)
        for finding in findings:
            by_status[finding.get("status_code", "?")] += 1
            check = finding.get("metadata", {}).get("event_code", "?")
            checks.add(check)
            by_service[check.split("_")[0]] += 1
    return {"total": sum(by_status.values()), "by_status": dict(by_status), "by_service": dict(by_service), "checks": len(checks)}


def prowler_errors(path):
    """ERROR lines of Prowler's log by the module that logged them."""
    errors = collections.Counter()
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                match = re.search(r'"level": "ERROR".*?"module": "([^"]+)"', line) or re.search(
                    r"\[Module: ([^\]]+)\]\s+ERROR", line)
                if match:
                    errors[match.group(1)] += 1
    return dict(errors)


def mib(kib):
    return "%.0f MiB" % (kib / 1024)


def server_errors(result):
    if result["errors"] is None:
        return "—"
    return str(sum(n for key, n in result["errors"].items() if key.rsplit(" ", 1)[1].startswith("5")))


def markdown(results, pending, pending_label="data stores"):
    lines = [
        "| tool | configuration | services | wall time | CPU (user + system) | peak RSS "
        "| before the first call / calls / after the last | API calls | answered 5xx by moto | calls by service |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        services = ", ".join("%s %d" % kv for kv in sorted(by_service(r["calls"]).items()))
        if r["runs"] > 1:
            wall = "**%.2f s** (median of %d, %.2f–%.2f s)" % (r["wall"], r["runs"], *r["wall_range"])
        else:
            wall = "**%.1f s** (1 run)" % r["wall"]
        phase = "%.1f s / %.1f s / %.1f s" % tuple(r["phases"]) if r["phases"] else ""
        lines.append("| %s | %s | %s | %s | %.2f s | %s | %s | %d%s | %s | %s |" % (
            r["tool"], r["label"], ", ".join(r["services"]), wall, r["cpu"], mib(r["rss"]), phase,
            sum(r["calls"].values()),
            "" if r["calls_range"][0] == r["calls_range"][1] else " (%d–%d in the runs)" % r["calls_range"],
            server_errors(r), services))
    for tool, services in pending:
        lines.append("| %s | %s | %s | to be measured when the services land | | | | | | |" % (
            tool, pending_label, ", ".join(services)))
    return "\n".join(lines)


def operations_table(results):
    operations = sorted({op for r in results for op in r["calls"]})
    head = "| operation | " + " | ".join("%s (%s)" % (r["tool"], r["label"]) for r in results) + " |"
    lines = [head, "|---|" + "---|" * len(results)]
    for op in operations:
        cells = []
        for r in results:
            count = r["calls"].get(op, 0)
            errors = r["errors"] or {}
            failed = sum(n for key, n in errors.items() if key.rsplit(" ", 1)[0] == op)
            statuses = sorted({key.rsplit(" ", 1)[1] for key in errors if key.rsplit(" ", 1)[0] == op})
            cells.append("" if not count else "%d%s" % (count, " (%d answered %s)" % (failed, "/".join(statuses)) if failed else ""))
        lines.append("| %s | %s |" % (op, " | ".join(cells)))
    return "\n".join(lines)


def common_arguments(description):
    """The arguments every seeded-account benchmark takes."""
    parser = argparse.ArgumentParser(description=description)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/soc2scan/target"))
    parser.add_argument("--python", default=os.environ.get("SOC2SCAN_MOTO_PYTHON", os.path.join(TOOLS, "venv-moto", "bin", "python")),
                        help="moto's virtualenv Python (it also runs the seeds and the proxy)")
    parser.add_argument("--soc2scan", default=os.path.join(target, "release", "soc2scan"))
    parser.add_argument("--runs", type=int, default=5, help="soc2scan runs per configuration (median)")
    parser.add_argument("--services", help="soc2scan --services for the full scan (default: every service)")
    parser.add_argument("--prowler-venv", default=os.path.join(TOOLS, "venv-prowler"))
    parser.add_argument("--prowler-runs", type=int, default=1, help="Prowler runs (median); one takes minutes")
    parser.add_argument("--prowler-arg", action="append", default=[], help="extra Prowler argument (repeatable)")
    parser.add_argument("--no-prowler", action="store_true")
    parser.add_argument("--prowler-defaults-only", action="store_true",
                        help="skip the second Prowler run with --aws-retries-max-attempts 0")
    parser.add_argument("--install-prowler", action="store_true", help="pip install prowler==%s into --prowler-venv first" % PROWLER_VERSION)
    parser.add_argument("--keep-prowler-output", metavar="DIR", help="copy Prowler's findings and log here")
    parser.add_argument("--scale", type=float, default=1.0, help="scale the data-store seed (development)")
    parser.add_argument("--json", metavar="FILE", help="also write every figure as JSON")
    return parser


def check_tools(args):
    """Stops with a clear message when the soc2scan binary or Prowler is missing."""
    if not os.path.exists(args.soc2scan):
        sys.exit("no soc2scan binary at %s (cargo build --release, or --soc2scan)" % args.soc2scan)
    if args.install_prowler:
        install_prowler(args)
    if not args.no_prowler:
        have = prowler_version(args)
        if not have:
            sys.exit("no Prowler in %s: run with --install-prowler (pip install prowler==%s)" % (args.prowler_venv, PROWLER_VERSION))
        if have != PROWLER_VERSION:
            print("note: Prowler %s installed, the figures in BENCHMARKS.md are of %s" % (have, PROWLER_VERSION))


def main():
    args = common_arguments(__doc__.splitlines()[0]).parse_args()
    check_tools(args)
    seeds = [
        seed_moto_command(args.python),
        [args.python, os.path.join(BENCHES, "seed_data_stores.py"), "--regions", ",".join(REGIONS),
         "--scale", str(args.scale)],
    ]
    with moto_and_proxy(args.python) as (moto_url, proxy):
        seed_all(moto_url, seeds)
        results, pending = [], []
        have = soc2scan_services(args.soc2scan)
        full = args.services.split(",") if args.services else None
        results.append(run_soc2scan(args, proxy, full, "all services" if not full else "selected"))
        results.append(run_soc2scan(args, proxy, full, "straight to moto, no proxy", endpoint=moto_url))
        if all(s in have for s in DATA_SERVICES):
            results.append(run_soc2scan(args, proxy, DATA_SERVICES, "data stores"))
        else:
            missing = [s for s in DATA_SERVICES if s not in have]
            print("  this soc2scan has no %s service yet: the data-store run is left for later" % ",".join(missing))
            pending.append(("soc2scan", DATA_SERVICES))
        if not args.no_prowler:
            results.append(run_prowler(args, proxy, "defaults", []))
            if not args.prowler_defaults_only:
                results.append(run_prowler(args, proxy, "no retries", ["--aws-retries-max-attempts", "0"]))
    report(results, pending, args.json)


def seed_moto_command(python):
    """tests/support/seed_moto.py at aws_moto_scan.py's size, EC2 and IAM only (the
    endpoint is added by seed_all)."""
    return [python, os.path.join(ROOT, "tests", "support", "seed_moto.py"), "--regions", ",".join(REGIONS),
            "--volumes", "100", "--security-groups", "100", "--instances", "25",
            "--snapshots", "34", "--users", "100", *EC2_IAM_ONLY]


@contextlib.contextmanager
def moto_and_proxy(python, managed_policies=True):
    """A moto server (tests/support/moto_server.py) on a free loopback port and
    benches/counting_proxy.py in front of it:
    yields (moto's URL, the proxy's URL); both are stopped afterwards. Without
    managed_policies moto's accounts hold no AWS-managed IAM policies (some 1,100 each, which
    moto copies into every account it serves)."""
    moto_port = free_port()
    moto_url = "http://127.0.0.1:%d" % moto_port
    env = dict(os.environ, MOTO_EC2_LOAD_DEFAULT_AMIS="false",
               MOTO_IAM_LOAD_MANAGED_POLICIES="true" if managed_policies else "false")
    moto = subprocess.Popen(
        # moto's server with the CBOR bridge the Rust SDK's CloudWatch client needs (the tests
        # run the same script).
        [python, os.path.join(ROOT, "tests", "support", "moto_server.py"), "-H", "127.0.0.1", "-p", str(moto_port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    proxy_process = None
    try:
        wait_for(moto_url + "/moto-api/", "moto")
        proxy_process = subprocess.Popen(
            [python, os.path.join(BENCHES, "counting_proxy.py"), "--upstream", moto_url],
            stdout=subprocess.PIPE, text=True,
        )
        proxy = "http://127.0.0.1:%s" % proxy_process.stdout.readline().split()[1]
        wait_for(proxy + "/_proxy/counts", "counting proxy")
        yield moto_url, proxy
    finally:
        if proxy_process:
            proxy_process.terminate()
            proxy_process.wait()
        moto.terminate()
        moto.wait()


def seed_all(moto_url, commands):
    """Runs the seed commands at once, straight to moto (not counted); prints what each
    seed printed (its JSON summary) and the load average before the runs."""
    started = time.time()
    seeds = [subprocess.Popen(command + ["--endpoint", moto_url], stdout=subprocess.PIPE, text=True)
             for command in commands]
    outputs = [seed.communicate()[0] for seed in seeds]
    if any(seed.returncode != 0 for seed in seeds):
        sys.exit("seeding failed")
    summaries = [out.strip().splitlines()[-1] for out in outputs if out.strip()]
    print("seeded in %.1f s: %s" % (time.time() - started, "; ".join(summaries)), flush=True)
    print("load average before the runs: %.2f %.2f %.2f" % os.getloadavg(), flush=True)


def report(results, pending, json_path, pending_label="data stores"):
    """The Markdown table, each tool's notes, the calls by operation and (--json) every figure."""
    print("load average after the runs: %.2f %.2f %.2f" % os.getloadavg())
    print()
    print(markdown(results, pending, pending_label))
    print()
    for r in results:
        print("- %s (%s): %s" % (r["tool"], r["label"], r["note"]))
        slow = sorted(r["seconds"].items(), key=lambda kv: -kv[1])[:5]
        if not slow:
            continue
        print("  time inside moto (summed over calls, in flight together): %.1f s; most: %s" % (
            sum(r["seconds"].values()), ", ".join("%s %.1f s" % kv for kv in slow)))
    print()
    print(operations_table(results))
    if json_path:
        with open(json_path, "w") as f:
            json.dump({"regions": REGIONS, "results": results, "pending": pending}, f, indent=2)

if __name__ == "__main__":
    main()
