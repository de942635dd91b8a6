# Sourced first by each bench script: strict mode, the project root as the
# working directory, and `need` for the tools it compares against.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bench_name=bench/$(basename "$0")

# need HINT TOOL...: exits 1 at the first TOOL not on PATH, saying how to
# install it (HINT).
need() {
  local hint=$1 t
  shift
  for t in "$@"; do
    command -v "$t" >/dev/null || { echo "$bench_name: $t is missing ($hint)" >&2; exit 1; }
  done
}
