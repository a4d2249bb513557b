"""Runs one soc2scan command under /usr/bin/time -v and reads back what the benchmark
scripts report: wall time, CPU time, peak RSS, the API calls by operation (from --verbose)
and the "collected …" summary line. Shared by aws_moto_scan.py and gcs_scan.py."""

import re
import subprocess
import sys


def timed_scan(command, env):
    """Runs `command` (soc2scan and its arguments, with --verbose) and returns a dict with
    wall (s), cpu (s), rss (KiB), calls ({operation: count}) and collected (the line)."""
    result = subprocess.run(
        ["/usr/bin/time", "-v"] + command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if result.returncode != 0:
        sys.exit("scan failed (%d):\n%s" % (result.returncode, result.stderr))
    err = result.stderr
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", err)
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", err).group(1))
    system = float(re.search(r"System time \(seconds\): ([\d.]+)", err).group(1))
    return {
        "wall": int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3)),
        "cpu": user + system,
        "rss": int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)),
        "calls": {m.group(2): int(m.group(1)) for m in re.finditer(r"soc2scan:\s+(\d+)\s+(\S+:\S+)", err)},
        "collected": re.search(r"soc2scan: collected .*", err).group(0),
    }
