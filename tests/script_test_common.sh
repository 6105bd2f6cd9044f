# Sourced by the script tests (tests/*_test.sh) after they set `test_name`: checks their two
# arguments, sets `binary` and `repo`, and defines `fail`.
if [[ $# -ne 2 ]]; then
  echo "usage: $0 CLLNSIM_BINARY REPO_ROOT" >&2
  exit 1
fi
binary=$1
repo=$2

fail() {
  echo "$test_name: FAIL: $*" >&2
  exit 1
}
