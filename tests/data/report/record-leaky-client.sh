#!/usr/bin/env bash
# Records a real trace like real-pool-bursts-restart.csv: the established
# TCP connections of leaky_client.py (run as a copy of python3 named
# leakyapp, so that `fdcount -C leakyapp` counts it alone), sampled every
# 0.25 s by the built fdcount and stamped by tstamp --ms; the client runs
# SECS seconds, is down for 3 s, and runs SECS seconds again (a restart).
#   tests/data/report/record-leaky-client.sh OUT SEED [RATE] [SECS]
# writes OUT.csv (the trace) and OUT.log (what the client did: leaks and
# bursts with their times). Needs python3 and `cargo build --release`.
set -euo pipefail
out=$1 seed=$2 rate=${3:-0.3} secs=${4:-70}
here=$(cd "$(dirname "$0")" && pwd)
bin=$here/../../../target/release
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
cp "$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))')" "$tmp/leakyapp"
port=$((20000 + RANDOM % 20000))
python3 "$here/leaky_client.py" serve "$port" &
sleep 0.5
"$bin/fdcount" -C leakyapp -k tcp -s established -i 0.25 | "$bin/tstamp" --ms > "$out.csv" &
sleep 1
: > "$out.log"
"$tmp/leakyapp" "$here/leaky_client.py" client "$port" "$seed" "$secs" "$out.log" "$rate"
echo "restart $(date +%s.%N)" >> "$out.log"
sleep 3
"$tmp/leakyapp" "$here/leaky_client.py" client "$port" "$((seed + 1000))" "$secs" "$out.log" "$rate"
sleep 1
