"""Times a full `soc2scan scan aws` against moto seeded at the size issue #3 names.

    python benches/aws_moto_scan.py [--soc2scan target/release/soc2scan] [--runs 5]

Needs the moto virtualenv from .ci/test (or SOC2SCAN_MOTO_PYTHON) and a release build
(`cargo build --release`). Starts moto on a free loopback port, seeds 3 regions x (100
volumes, 100 security groups, 25 instances, 34 snapshots, 1 VPC) and 100 IAM users (keys,
console passwords, AdministratorAccess on every tenth, an inline admin policy on others),
then runs the scan --runs times and prints the median wall time, CPU time and peak RSS
(from /usr/bin/time) and the API calls by operation (from --verbose). moto runs on the
same two cores, as in CI. Everything stays on 127.0.0.1.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

from timed_scan import timed_scan

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# seed_moto.py seeds the data stores of issue #10 too; the benchmark seeds those at its own
# size (seed_data_stores.py) or not at all, so seed_moto.py gives EC2 and IAM only.
EC2_IAM_ONLY = [
    "--buckets", "0", "--db-instances", "0", "--db-clusters", "0", "--db-snapshots", "0",
    "--keys", "0", "--tables", "0", "--file-systems", "0", "--vaults", "0",
    "--backup-plans", "0",
]
REGIONS = "eu-west-1,us-east-1,ap-southeast-2"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_python = os.environ.get(
        "SOC2SCAN_MOTO_PYTHON",
        os.path.expanduser("~/.cache/soc2scan/tools/venv-moto/bin/python"),
    )
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    parser.add_argument("--python", default=default_python)
    parser.add_argument("--soc2scan", default=os.path.join(target, "release", "soc2scan"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    port = free_port()
    endpoint = "http://127.0.0.1:%d" % port
    env = dict(os.environ, MOTO_EC2_LOAD_DEFAULT_AMIS="false", MOTO_IAM_LOAD_MANAGED_POLICIES="true")
    moto = subprocess.Popen(
        [args.python, os.path.join(ROOT, "tests", "support", "moto_server.py"), "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(endpoint + "/moto-api/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        started = time.time()
        subprocess.run(
            [
                args.python,
                os.path.join(ROOT, "tests", "support", "seed_moto.py"),
                "--endpoint", endpoint, "--regions", REGIONS,
                "--volumes", "100", "--security-groups", "100", "--instances", "25",
                "--snapshots", "34", "--users", "100",
                *EC2_IAM_ONLY,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print("seeded in %.1f s" % (time.time() - started))
        scan_env = dict(
            os.environ,
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_REGION="eu-west-1",
            AWS_EC2_METADATA_DISABLED="true",
        )
        walls, cpus, rss = [], [], []
        calls = {}
        for run in range(args.runs):
            measured = timed_scan(
                [
                    args.soc2scan, "scan", "aws",
                    "--endpoint-url", endpoint, "--regions", REGIONS,
                    "--format", "json", "--fail-on", "none", "--verbose",
                ],
                scan_env,
            )
            walls.append(measured["wall"])
            cpus.append(measured["cpu"])
            rss.append(measured["rss"])
            calls, collected = measured["calls"], measured["collected"]
            print("run %d: wall %.2f s, cpu %.2f s, peak RSS %.0f MiB | %s" % (run + 1, walls[-1], cpus[-1], rss[-1] / 1024, collected))
        total = sum(calls.values())
        confirmations = calls.get("ec2:DescribeSnapshotAttribute", 0)
        by_service = {}
        for operation, count in calls.items():
            service = operation.split(":")[0]
            by_service[service] = by_service.get(service, 0) + count
        print()
        print("median of %d runs: wall %.2f s, CPU %.2f s, peak RSS %.0f MiB" % (
            args.runs, statistics.median(walls), statistics.median(cpus), statistics.median(rss) / 1024))
        print("API calls: %d in total, %d without the %d DescribeSnapshotAttribute confirmations" % (
            total, total - confirmations, confirmations))
        print("by service: " + ", ".join("%s %d" % kv for kv in sorted(by_service.items())))
        for operation, count in sorted(calls.items()):
            print("  %5d  %s" % (count, operation))
    finally:
        moto.terminate()
        moto.wait()


if __name__ == "__main__":
    main()
