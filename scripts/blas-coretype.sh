#!/usr/bin/env bash
# Prints the OpenBLAS kernel set for this CPU (same rule as RecurCore's CPUKernelChoice), for
# processes that cannot re-execute themselves the way `recur` does (the XCTest runner).
# A user's own OPENBLAS_CORETYPE always wins.
if [ -n "${OPENBLAS_CORETYPE:-}" ]; then echo "$OPENBLAS_CORETYPE"; exit 0; fi
flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "
has() { for f in "$@"; do [[ "$flags" == *" $f "* ]] || return 1; done; }
if has avx512f avx512bw avx512vl avx512dq avx512cd; then echo SkylakeX
elif has avx2 fma; then echo Haswell
fi
