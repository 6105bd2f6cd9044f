#!/usr/bin/env bash
# Every example that a command's --help shows runs as shown: the lines under "examples" of
# `cllnsim COMMAND --help` (an example's continuation lines are indented further), run in order
# from a folder that looks like the repository's root (configs/, netlists/, data/ linked), with
# build/cllnsim standing for the binary under test. Each must exit 0.
# usage: tests/help_examples_test.sh CLLNSIM_BINARY REPO_ROOT
set -euo pipefail

test_name=help_examples_test
source "$(dirname "$0")/script_test_common.sh"
binary=$(realpath "$binary")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for folder in configs netlists data; do ln -s "$(realpath "$repo/$folder")" "$tmp/$folder"; done
mkdir "$tmp/build"
ln -s "$binary" "$tmp/build/cllnsim"
cd "$tmp"

# The examples of one --help text, one per line (continuation lines joined).
examples_of() {
  awk '/^examples/ { inside = 1; next }
       inside && /^      / { sub(/^ +/, ""); line = line " " $0; next }
       inside && /^  [^ ]/ { if (line != "") print line; sub(/^ +/, ""); line = $0; next }
       inside { inside = 0 }
       END { if (line != "") print line }'
}

total=0
for command in train characterize sweep netlist; do
  help=$("$binary" "$command" --help) || fail "$command --help exited $?"
  mapfile -t examples < <(examples_of <<<"$help")
  ((${#examples[@]} > 0)) || fail "$command --help shows no example"
  for example in "${examples[@]}"; do
    [[ $example == *[\'\"\$\`\;\&\|]* ]] && fail "example needs a shell to read: $example"
    read -ra words <<<"$example"
    log=$tmp/example-$total.log
    "${words[@]}" >"$log" 2>&1 || fail "'$example' ($command --help) exited $?:
$(tail -n 20 "$log")"
    total=$((total + 1))
  done
done
echo "help_examples_test: ok ($total examples)"
