#!/usr/bin/env bash
# tsplot against gnuplot (dumb and svg terminals), plotly (offline HTML) and
# plotext, on 1k, 100k, 1M and 10M rows of the seed's `epoch,count` log, in
# one run: wall time and peak RSS (GNU time), and the size of what each
# writes. Writes bench/work/RESULTS-tsplot.md and appends `label,ratio`
# lines to bench/work/ratios.csv (bench/run collects both).
#   bench/tsplot.sh            from the project root
# Needs gnuplot, GNU time and python3; plotly and plotext are installed into
# a venv under bench/work when pip can reach PyPI (skipped otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
needs "apt-get install gnuplot-nox python3" gnuplot python3
[[ -x /usr/bin/time ]] || { echo "bench/tsplot.sh: GNU time is missing (apt-get install time)" >&2; exit 1; }
release_bin tsplot
mkdir -p bench/work/tsplot
work=$PWD/bench/work/tsplot

# The Python baselines, once, in a venv of their own.
venv=$PWD/bench/work/venv
if [[ ! -x $venv/bin/python ]]; then
  python3 -m venv "$venv" >/dev/null 2>&1 || true
fi
# plotext 6 changed its API; 5.x is the one users know.
if [[ -x $venv/bin/python ]] && ! "$venv/bin/python" -c 'import plotly, plotext; plotext.plot' 2>/dev/null; then
  timeout 300 "$venv/bin/pip" install -q plotly "plotext<6" >/dev/null 2>&1 || echo "bench/tsplot.sh: pip could not install plotly/plotext: those baselines are skipped" >&2
fi

python3 - "$work" "$PWD/target/release/tsplot" "$venv/bin/python" bench/work/RESULTS-tsplot.md bench/work/ratios.csv <<'PY'
import datetime, os, platform, shlex, subprocess, sys, time

work, tsplot, vpy, dest, ratios = sys.argv[1:6]
have_py = os.path.exists(vpy) and subprocess.run([vpy, "-c", "import plotly, plotext"],
                                                capture_output=True).returncode == 0
env = dict(os.environ, TZ="UTC", LC_ALL="C")
sizes = [1_000, 100_000, 1_000_000, 10_000_000]

sys.path.insert(0, os.path.join(os.getcwd(), "bench"))
import log

def data(n):
    """The seed's log (bench/log.py)."""
    return log.write(n, f"{work}/rows-{n}.csv")

# The Python baselines read the CSV the way a user's script would, then
# draw: one reader, two drawing tails.
READ_CSV = """import csv, sys
xs, ys = [], []
with open(sys.argv[1]) as fh:
    for row in csv.reader(fh):
        xs.append(int(row[0])); ys.append(float(row[1]))
"""
def baseline(name, draw):
    path = f"{work}/{name}.py"
    with open(path, "w") as f:
        f.write(READ_CSV + draw)
    return path

plotly_py = baseline("plotly_html", """import plotly.graph_objects as go
fig = go.Figure(go.Scattergl(x=xs, y=ys, mode="lines"))
fig.write_html(sys.argv[2], include_plotlyjs=True)
""")
plotext_py = baseline("plotext_term", """import plotext as plt
plt.plot(xs, ys); plt.plotsize(100, 30); plt.show()
""")

def gp(term, out, path):
    return ["gnuplot", "-e",
            f"set terminal {term}; set output '{out}'; set datafile separator ','; "
            f"plot '{path}' using 1:2 with lines notitle"]

def commands(n, path):
    c = {
        "tsplot": (f"{tsplot} -W 100 -H 30 < {path} > {work}/out.txt", f"{work}/out.txt"),
        "tsplot --report": (f"{tsplot} --report < {path} > {work}/report.txt", f"{work}/report.txt"),
        "tsplot -o x.svg": (f"{tsplot} -o {work}/out.svg < {path}", f"{work}/out.svg"),
        "tsplot --html": (f"{tsplot} --html -o {work}/out.html < {path}", f"{work}/out.html"),
        "gnuplot dumb": (shlex.join(gp("dumb 100 30", f"{work}/gp.txt", path)), f"{work}/gp.txt"),
        "gnuplot svg": (shlex.join(gp("svg size 1000,500", f"{work}/gp.svg", path)), f"{work}/gp.svg"),
    }
    # plotly and plotext hold every row as Python objects: 10M rows take
    # minutes and gigabytes (the seed measured 124 s and 4.8 GB), so they
    # run up to 1M rows.
    if have_py and n <= 1_000_000:
        c["plotly (HTML)"] = (f"{vpy} {plotly_py} {path} {work}/plotly.html", f"{work}/plotly.html")
        c["plotext"] = (f"{vpy} {plotext_py} {path} > {work}/plotext.txt", f"{work}/plotext.txt")
    return c

def measure(cmd, runs):
    best = []
    for _ in range(runs):
        t = time.perf_counter()
        r = subprocess.run(["/usr/bin/time", "-f", "@@ %M", "sh", "-c", cmd],
                           capture_output=True, text=True, env=env)
        wall = time.perf_counter() - t
        line = [l for l in r.stderr.splitlines() if l.startswith("@@ ")][-1]
        rss = line.split()[1]
        if r.returncode != 0:
            raise SystemExit(f"bench/tsplot.sh: failed ({r.returncode}): {cmd}\n{r.stderr[-500:]}")
        best.append((float(wall), int(rss) / 1024))
    best.sort()
    return best[len(best) // 2]

res = {}
for n in sizes:
    path = data(n)
    for name, (cmd, out) in commands(n, path).items():
        runs = 3 if n <= 1_000_000 or name.startswith("tsplot") else 1
        wall, rss = measure(cmd, runs)
        res[(n, name)] = (wall, rss, os.path.getsize(out))
        print(f"{n:>10} {name:<16} {wall:8.3f} s {rss:8.1f} MiB {os.path.getsize(out):>10} B", flush=True)

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
names = ["tsplot", "tsplot --report", "tsplot -o x.svg", "tsplot --html", "gnuplot dumb", "gnuplot svg", "plotly (HTML)", "plotext"]
lines = ["## tsplot: drawing", "",
         f"Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC on {cpu}, {os.cpu_count()} CPUs, "
         f"Linux {platform.release()}; `bench/tsplot.sh`, GNU time, median of 3 runs "
         "(1 run for the baselines at 10M rows).", "",
         "Input: the seed's `epoch,count` log, a sample every 5 s, a leak every 500 samples, noise and spikes.",
         "plotly and plotext run up to 1M rows only (they hold every row as Python objects).", "",
         "| rows | command | wall s | peak RSS MiB | output bytes |", "|---:|---|---:|---:|---:|"]
for n in sizes:
    for name in names:
        if (n, name) in res:
            w, r, b = res[(n, name)]
            lines.append(f"| {n:,} | `{name}` | {w:.3f} | {r:.1f} | {b:,} |")
big = 10_000_000
t_svg, r_svg, b_svg = res[(big, "tsplot -o x.svg")]
t_txt, r_txt, _ = res[(big, "tsplot")]
g_svg = res[(big, "gnuplot svg")][0]
g_dumb = res[(big, "gnuplot dumb")][0]
checks = [
    ("10M rows: `tsplot -o x.svg` at least 4x faster than gnuplot svg", g_svg / t_svg, g_svg / t_svg >= 4, "x"),
    ("10M rows: tsplot peak RSS at most 64 MiB", max(r_svg, r_txt), max(r_svg, r_txt) <= 64, " MiB"),
    ("10M rows: SVG under 500 kB", b_svg / 1000, b_svg < 500_000, " kB"),
    ("10M rows: `tsplot --report` within 1.3x of `tsplot` (issue 11)",
     res[(big, "tsplot --report")][0] / t_txt, res[(big, "tsplot --report")][0] / t_txt <= 1.3, "x"),
]
lines += ["", "Targets:", ""]
ok = True
for label, v, good, unit in checks:
    ok &= good
    lines.append(f"- {'met' if good else 'MISSED'}: {label}: {v:.1f}{unit}")
lines.append(f"- (info) 10M rows: `tsplot` (terminal) is {g_dumb / t_txt:.1f}x faster than gnuplot dumb; "
             f"`tsplot --html` writes {res[(big, 'tsplot --html')][2] / 1000:.0f} kB")
open(dest, "w").write("\n".join(lines) + "\n")
with open(ratios, "a") as f:
    f.write(f"tsplot -o svg vs gnuplot svg (10M rows),{g_svg / t_svg:.2f}\n")
    f.write(f"tsplot vs gnuplot dumb (10M rows),{g_dumb / t_txt:.2f}\n")
    for other, ours in (("plotly (HTML)", "tsplot --html"), ("plotext", "tsplot")):
        if (1_000_000, other) in res:
            f.write(f"{ours} vs {other} (1M rows),{res[(1_000_000, other)][0] / res[(1_000_000, ours)][0]:.2f}\n")
print("\n".join(lines))
sys.exit(0 if ok else 1)
PY
