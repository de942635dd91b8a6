# Sourced by the bench/*.sh scripts: what each of them starts with.

# needs "what to install" cmd...: exits 1 naming the first missing command.
needs() {
  local install=$1 t
  shift
  for t in "$@"; do
    command -v "$t" >/dev/null || { echo "${0#"$PWD"/}: $t is missing ($install)" >&2; exit 1; }
  done
}

# release_bin TOOL: builds TOOL in release mode and sets $bin to its path.
release_bin() {
  cargo build --release --quiet --bin "$1"
  bin=$PWD/target/release/$1
}
