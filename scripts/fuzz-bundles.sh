#!/usr/bin/env bash
# Runs the bundle fuzz test (Tests/RecurBundleTests/BundleFuzzTests.swift) for longer: the
# systematic mutations once per round plus CASES seeded random mutants, for SEEDS rounds with
# consecutive seeds. Each case must succeed or fail with one Recur error line; a trap ends the
# test process, and this script then prints the mutation that caused it.
# Usage: scripts/fuzz-bundles.sh [CASES [SEEDS [FIRST_SEED]]]   (default 20000 cases, 5 seeds, seed 100)
set -uo pipefail
cd "$(dirname "$0")/.."
cases="${1:-20000}" seeds="${2:-5}" first="${3:-100}"
swift build --build-tests >/dev/null || exit 1
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-$(scripts/blas-coretype.sh 2>/dev/null || true)}"
current="${TMPDIR:-/tmp}/recur-fuzz-current.txt"
status=0
for ((seed = first; seed < first + seeds; seed++)); do
  rm -f "$current"
  log=$(RECUR_FUZZ_CASES="$cases" RECUR_FUZZ_SEED="$seed" swift test --skip-build --disable-swift-testing \
        --filter BundleFuzzTests.testEveryMutationOfEveryFieldFailsCleanlyOrWorks 2>&1)
  code=$?
  echo "$log" | grep -E "^bundle fuzz:|error:" | cut -c1-2000
  if [ $code -ne 0 ]; then
    status=1
    [ -f "$current" ] && echo "seed $seed: the process died during: $(cat "$current")"
  fi
done
exit $status
