#!/usr/bin/env python3
# leak-range: scores one or more tsplot builds with ../shared/leak-bench's
# leak-eval over a range of seeds, on the same generated series (generated
# once per seed, scored by each build in turn), in parallel processes; the
# way issue 11's step rules are checked beyond one seed (a rule read from
# some seeds is then measured on seeds never run).
#
#   python3 bench/leak-range.py FROM TO BUILD [BUILD...] [-j N] [-o FILE]
#
# Prints, per build, the seeds that pass leak-eval's whole bar, the steps
# found of those that can be timed, the false steps and the failing seeds;
# then every seed whose score differs between the first build and the last,
# with what changed. -o keeps one JSON line per seed (resumable: seeds
# already in FILE for the same builds are not run again). Needs python3 and ../shared beside the
# project.
import argparse, contextlib, io, json, os, sys
from concurrent.futures import ProcessPoolExecutor
import importlib.machinery, importlib.util

BENCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "leak-bench")


def load_eval():
    """leak-eval as a module (it is a script without a .py suffix)."""
    sys.path.insert(0, BENCH)
    loader = importlib.machinery.SourceFileLoader("leak_eval", os.path.join(BENCH, "leak-eval"))
    spec = importlib.util.spec_from_loader("leak_eval", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def score(args):
    """One seed's result for every build: pass, hits, detectable, false,
    the bar's failures and the cases that missed or cried wolf."""
    seed, builds = args
    le = load_eval()
    cases = le.leakgen.cases(seed, None)
    fams = [f for f, _ in le.leakgen.FAMILIES if any(c.family == f for c in cases)]
    row = {"seed": seed, "builds": builds}
    for k, path in enumerate(builds):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            res = le.evaluate(le.Tsplot(path, []), cases, True)
            rows, tot = le.table("tsplot", res, fams)
            fails = le.verdict(rows, tot)
        bad = [l.strip() for l in out.getvalue().splitlines()
               if "[tsplot]" in l and not ("missed 0/" in l and "false 0 []" in l)]
        row[str(k)] = {"pass": not fails, "hit": tot["hit_det"], "det": tot["n_det"],
                       "false": tot["false"], "fails": fails, "bad": bad}
    return row


def main():
    ap = argparse.ArgumentParser(description="leak-eval over a range of seeds, for one or more builds")
    ap.add_argument("first", type=int)
    ap.add_argument("last", type=int)
    ap.add_argument("builds", nargs="+", help="tsplot binaries")
    ap.add_argument("-j", type=int, default=os.cpu_count() or 1, help="processes (default: CPUs)")
    ap.add_argument("-o", help="JSON lines file to keep (and resume) the results in")
    a = ap.parse_args()
    if not os.path.exists(os.path.join(BENCH, "leak-eval")):
        sys.exit(f"leak-range: {BENCH}/leak-eval is missing (../shared beside the project)")
    builds = [os.path.abspath(b) for b in a.builds]
    for b in builds:
        if not os.access(b, os.X_OK):
            sys.exit(f"leak-range: {b}: not an executable")
    rows = {}
    if a.o and os.path.exists(a.o):
        for line in open(a.o):
            r = json.loads(line)
            if r.get("builds") == builds:
                rows[r["seed"]] = r
    todo = [(s, builds) for s in range(a.first, a.last + 1) if s not in rows]
    out = open(a.o, "a") if a.o else None
    with ProcessPoolExecutor(a.j) as ex:
        for r in ex.map(score, todo):
            rows[r["seed"]] = r
            if out:
                out.write(json.dumps(r) + "\n")
                out.flush()
    seeds = sorted(s for s in rows if a.first <= s <= a.last)
    for k, b in enumerate(builds):
        col = [rows[s][str(k)] for s in seeds]
        hit, det = sum(c["hit"] for c in col), sum(c["det"] for c in col)
        print(f"{b}: {sum(c['pass'] for c in col)} of {len(seeds)} seeds pass; "
              f"{hit} of {det} timeable steps found ({hit / max(det, 1):.2%}); "
              f"{sum(c['false'] for c in col)} false steps; failing: "
              f"{[s for s, c in zip(seeds, col) if not c['pass']]}")
    if len(builds) > 1:
        first, last = "0", str(len(builds) - 1)
        for s in seeds:
            x, y = rows[s][first], rows[s][last]
            if (x["pass"], x["hit"], x["false"]) != (y["pass"], y["hit"], y["false"]):
                print(f"seed {s}: pass {x['pass']} -> {y['pass']}, hits {x['hit']} -> {y['hit']}, "
                      f"false {x['false']} -> {y['false']}")
                for line in y["bad"]:
                    if line not in x["bad"]:
                        print(f"  now:  {line}")
                for line in x["bad"]:
                    if line not in y["bad"]:
                        print(f"  gone: {line}")


if __name__ == "__main__":
    main()
