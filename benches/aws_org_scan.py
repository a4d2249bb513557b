"""Times `soc2scan scan aws --org` over a moto organization of many accounts, and the same
organization in shards merged with `soc2scan merge`; every API call counted by a proxy
between soc2scan and moto.

    python3 benches/aws_org_scan.py [--soc2scan PATH] [--accounts 200] [--shards 4]
        [--runs 3] [--services ec2,iam] [--json FILE]

(BENCHMARKS.md's figures: the defaults; about 10 minutes, most of it seeding.)

The organization (benches/seed_org.py): the management account (moto's default), nested OUs
(Workloads/Prod, Workloads/Dev, and the root) and --accounts members, each with a small
EC2/IAM estate in both regions. moto keeps no AWS-managed IAM policies here (it would copy
some 1,100 into each of 200 accounts); the members' own policies are all there is to read.

It runs, through the counting proxy (benches/counting_proxy.py), under /usr/bin/time -v:
1. `scan aws --org` over the whole organization, --runs times (median wall, CPU, peak RSS);
2. `snapshot aws --org` of the whole organization once, to count the resources;
3. `snapshot aws --org --shard I/N` for each shard, one after another (the total work of a
   sharded run: the sum of their wall and CPU times, and the largest peak RSS), then
   `soc2scan merge` of the parts, timed;
4. `scan --snapshot` of the merged and of the whole-organization snapshot, whose verdicts
   must be equal (the script fails otherwise).
Peak RSS against resources collected: a shard holds about 1/N of the organization, so the
shards and the whole run give N + 1 points; the bytes per resource are the least-squares
slope through them, and the intercept is the process's fixed size.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from aws_data_stores_scan import (  # noqa: E402
    BENCHES, DUMMY_CREDENTIALS, TOOLS, median, moto_and_proxy, proxy_counts, timed,
)

REGIONS = ["eu-west-1", "us-east-1"]


def run(args, proxy, command, label, log):
    """One soc2scan command under /usr/bin/time -v through the proxy: its figures and calls."""
    env = dict(os.environ, **DUMMY_CREDENTIALS)
    env.pop("AWS_ENDPOINT_URL", None)
    proxy_counts(proxy, reset=True)
    measured = timed([args.soc2scan] + command, env, log=log)
    measured["calls"] = sum(proxy_counts(proxy)["calls"].values())
    print("  %s: exit %d, wall %.2f s, cpu %.2f s, peak RSS %.0f MiB, %d calls" % (
        label, measured["code"], measured["wall"], measured["cpu"], measured["rss"] / 1024,
        measured["calls"]), flush=True)
    if measured["code"] not in (0, 1, 3):
        sys.exit("%s failed (exit %d); see %s" % (label, measured["code"], log))
    return measured


def verdicts(args, snapshot):
    out = subprocess.run(
        [args.soc2scan, "scan", "--snapshot", snapshot, "--format", "json", "--fail-on", "none",
         "--allow-incomplete", "--quiet", "--no-step-summary"],
        capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("scan --snapshot %s failed: %s" % (snapshot, out.stderr))
    report = json.loads(out.stdout)
    return sorted(json.dumps(r, sort_keys=True) for r in report["results"])


def main():
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(os.path.dirname(BENCHES), "target"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=os.environ.get(
        "SOC2SCAN_MOTO_PYTHON", os.path.join(TOOLS, "venv-moto", "bin", "python")))
    parser.add_argument("--soc2scan", default=os.path.join(target, "release", "soc2scan"))
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--services", default="ec2,iam")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="soc2scan-org-bench-")
    common = ["--org", "--regions", ",".join(REGIONS), "--services", args.services, "--verbose"]
    results = {"accounts": args.accounts, "regions": REGIONS, "services": args.services}
    with moto_and_proxy(args.python, managed_policies=False) as (moto_url, proxy):
        seed = subprocess.run([args.python, os.path.join(BENCHES, "seed_org.py"), "--endpoint", moto_url,
                               "--accounts", str(args.accounts), "--regions", ",".join(REGIONS)],
                              capture_output=True, text=True, check=True)
        seeded = json.loads(seed.stdout.strip().splitlines()[-1])
        print("seeded %d member accounts, %d resources written" % (
            len(seeded["accounts"]), seeded["resources_written"]), flush=True)
        print("load average before the runs: %.2f %.2f %.2f" % os.getloadavg(), flush=True)
        endpoint = ["--endpoint-url", proxy]
        scans = [run(args, proxy, ["scan", "aws"] + common + endpoint + [
            "--format", "json", "--fail-on", "none", "--allow-incomplete", "--no-step-summary"],
            "scan aws --org, run %d" % (n + 1), os.path.join(work, "scan-%d.log" % n))
            for n in range(args.runs)]
        whole_path = os.path.join(work, "whole.json")
        whole = run(args, proxy, ["snapshot", "aws"] + common + endpoint + ["-o", whole_path],
                    "snapshot aws --org", os.path.join(work, "snapshot.log"))
        parts = []
        for index in range(args.shards):
            path = os.path.join(work, "part-%d.json" % index)
            parts.append((path, run(args, proxy, ["snapshot", "aws"] + common + endpoint + [
                "--shard", "%d/%d" % (index, args.shards), "-o", path],
                "snapshot aws --org --shard %d/%d" % (index, args.shards),
                os.path.join(work, "part-%d.log" % index))))
        merged_path = os.path.join(work, "merged.json")
        merge = run(args, proxy, ["merge"] + [p for p, _ in parts] + ["-o", merged_path],
                    "merge", os.path.join(work, "merge.log"))
    resources = lambda path: len(json.load(open(path))["resources"])
    whole_resources = resources(whole_path)
    part_resources = [resources(p) for p, _ in parts]
    if verdicts(args, merged_path) != verdicts(args, whole_path):
        sys.exit("the merged snapshot's verdicts differ from the whole organization's")
    # Least squares over the shards and the whole organization: peak RSS against resources.
    points = [(r, m["rss"] * 1024) for (_, m), r in zip(parts, part_resources)] + [(whole_resources, whole["rss"] * 1024)]
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / max(1e-9, sum((x - mean_x) ** 2 for x, _ in points))
    intercept = mean_y - slope * mean_x
    results.update(
        scan={k: median([s[k] for s in scans]) for k in ("wall", "cpu", "rss", "calls")},
        snapshot=whole, resources=whole_resources,
        shards=[dict(m, resources=r) for (_, m), r in zip(parts, part_resources)],
        shards_total={"wall": sum(m["wall"] for _, m in parts), "cpu": sum(m["cpu"] for _, m in parts),
                      "calls": sum(m["calls"] for _, m in parts), "rss": max(m["rss"] for _, m in parts)},
        merge=merge, bytes_per_resource=slope, rss_intercept_bytes=intercept,
    )
    s, t = results["scan"], results["shards_total"]
    print()
    print("| run | wall | CPU | peak RSS | requests | resources |")
    print("|---|---|---|---|---|---|")
    print("| `scan aws --org`, %d accounts × %d regions (median of %d) | **%.2f s** | %.2f s | %.0f MiB | %d | %d |" % (
        args.accounts, len(REGIONS), args.runs, s["wall"], s["cpu"], s["rss"] / 1024, s["calls"], whole_resources))
    for index, (m, r) in enumerate(zip([m for _, m in parts], part_resources)):
        print("| `snapshot aws --org --shard %d/%d` | %.2f s | %.2f s | %.0f MiB | %d | %d |" % (
            index, args.shards, m["wall"], m["cpu"], m["rss"] / 1024, m["calls"], r))
    print("| the %d shards together | %.2f s | %.2f s | %.0f MiB (largest) | %d | %d |" % (
        args.shards, t["wall"], t["cpu"], t["rss"] / 1024, t["calls"], sum(part_resources)))
    print("| `merge` of the %d parts | %.2f s | %.2f s | %.0f MiB | 0 | %d |" % (
        args.shards, merge["wall"], merge["cpu"], merge["rss"] / 1024, resources(merged_path)))
    print()
    print("peak RSS ≈ %.0f MiB + %.0f bytes per resource collected (least squares over the %d shards and the whole organization)" % (
        intercept / 2**20, slope, len(parts)))
    print("merged verdicts equal the whole organization's: yes")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
