#!/usr/bin/env bash
# The report's cost (issue 11): `tsplot --report` against the chart alone
# on the 10M-row log of bench/log.py, in one run: CPU time (user + sys) and
# peak RSS of each command, best of 3 rounds run interleaved (each round runs
# every command once, so all see the same load); and the step finder alone
# (examples/report-bench, parsing excluded), CPU ns per point per kind, best
# of 3. Target: `--report` within 1.3x of the chart. Writes
# bench/work/RESULTS-report.md.
#   bench/report.sh                from the project root
#   BASE=DIR bench/report.sh       also DIR/tsplot and DIR/report-bench (an
#                                  earlier build's), side by side
# Needs GNU time and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
needs "apt-get install python3" python3
[[ -x /usr/bin/time ]] || { echo "bench/report.sh: GNU time is missing (apt-get install time)" >&2; exit 1; }
release_bin tsplot
cargo build --release --quiet --example report-bench
mkdir -p bench/work/tsplot
data=$(python3 -c 'import sys; sys.path.insert(0, "bench"); import log; print(log.write(10_000_000, sys.argv[1]))' "$PWD/bench/work/tsplot/rows-10000000.csv")
builds=("$PWD/target/release")
names=("this build")
if [[ -n ${BASE:-} ]]; then
  builds+=("$BASE")
  names+=("BASE")
fi

python3 - "$data" bench/work/RESULTS-report.md "${#builds[@]}" "${builds[@]}" "${names[@]}" <<'PY'
import datetime, os, subprocess, sys

data, dest, nb = sys.argv[1], sys.argv[2], int(sys.argv[3])
builds, names = sys.argv[4:4 + nb], sys.argv[4 + nb:4 + 2 * nb]
env = dict(os.environ, TZ="UTC", LC_ALL="C")
cmds = [("`tsplot -W 100 -H 30` (chart)", ["-W", "100", "-H", "30"]),
        ("`tsplot --report`", ["--report"]),
        ("`tsplot --report=json`", ["--report=json"]),
        ("`tsplot --report -o x.txt` (chart and report)", ["--report", "-o", "bench/work/tsplot/report-x.txt"])]
kinds = ["steady", "noisy", "ramp", "climb", "log"]

def run(argv, stdin=None):
    """CPU seconds (user + sys) and peak RSS in MiB of one run."""
    out = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", *argv], stdin=stdin, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
    u, s, m = out.stderr.split()[-3:]
    return float(u) + float(s), int(m) / 1024

def finder(build, kind):
    out = subprocess.run([f"{build}/examples/report-bench" if os.path.exists(f"{build}/examples/report-bench")
                          else f"{build}/report-bench", "10000000", kind],
                         capture_output=True, text=True, check=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("analyse, CPU"))
    return float(line.split("(")[1].split()[0])

load = os.getloadavg()
best = {}
for _ in range(3):
    for b in builds:
        for label, args in cmds:
            with open(data) as f:
                t, m = run([f"{b}/tsplot", *args], stdin=f)
            k = (b, label)
            best[k] = min(best.get(k, (t, m)), (t, m))
ns = {}
for _ in range(3):
    for kind in kinds:
        for b in builds:
            k = (b, kind)
            ns[k] = min(ns.get(k, float("inf")), finder(b, kind))
load = max(load[0], os.getloadavg()[0])

chart = {b: best[(b, cmds[0][0])][0] for b in builds}
ratio = best[(builds[0], cmds[1][0])][0] / chart[builds[0]]
with open(dest, "w") as out:
    w = lambda s="": print(s, file=out)
    w("## tsplot: the report's cost (issue 11)")
    w()
    w(f"Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC by `bench/report.sh`; "
      f"load average up to {load:.1f} on {os.cpu_count()} CPUs (shared: other jobs inflate every figure). "
      f"The 10M-row log of bench/log.py ({os.path.getsize(data) / 1e6:.0f} MB of `epoch,count`); "
      "CPU time (user + sys, GNU time), best of 3 rounds run interleaved.")
    w()
    head = " | ".join(f"CPU s {n} | x chart" for n in names)
    w(f"| command | {head} | peak RSS MiB |")
    w("|---|" + "---:|---:|" * len(builds) + "---:|")
    for label, _ in cmds:
        cells = " | ".join(f"{best[(b, label)][0]:.2f} | {best[(b, label)][0] / chart[b]:.2f}"
                           for b in builds)
        w(f"| {label} | {cells} | {best[(builds[0], label)][1]:.1f} |")
    w()
    w("The step finder alone (`examples/report-bench 10000000 KIND`, parsing excluded), CPU ns per point, best of 3:")
    w()
    w("| kind | " + " | ".join(names) + " |")
    w("|---|" + "---:|" * len(builds))
    for kind in kinds:
        w(f"| {kind} | " + " | ".join(f"{ns[(b, kind)]:.1f}" for b in builds) + " |")
    w()
    w(f"- {'met' if ratio <= 1.3 else 'MISSED'}: `tsplot --report` within 1.3x of the chart alone: {ratio:.2f}x")
print(open(dest).read(), end="")
sys.exit(0 if ratio <= 1.3 else 1)
PY
