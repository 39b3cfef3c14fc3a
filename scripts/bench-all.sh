#!/usr/bin/env bash
# Issue 17's table in one run: `recur bench cell|sample` (release) beside PyTorch 2.x on the same
# machine, in one sitting, each row with the ratio and its target (scripts/bench_all.py).
# Parts: cells generic user sampling memory (default: all; 20–40 minutes on 2 cores, 27–40 on a
# Zen 1 with the as-filed rows, most of it the cell rows, whose runs interleave and keep the best
# of two; more when the mingru plugin must be rebuilt first). Needs torch: PYTHON, else
# scripts/.venv/bin/python (scripts/install-python.sh makes it). Run it on a quiet machine; the
# load is printed.
# RECUR_AS_FILED=/path/to/checkout-at-85dbdb1/.build/release/recur (built, with its mingru plugin
# built) adds the user-cell rows against the tree as issue 17 was filed.
# Recur's large products run on the OpenBLAS kernel set of OPENBLAS_CORETYPE when it is set (some
# environments pin Haswell, i.e. AVX2, on AVX-512 CPUs), else on the one recur picks from the CPU
# flags, or on Recur's own kernel where that is wider or the CPU is a Zen 4, Zen or Zen+
# (RECUR_GEMM forces one); the table's first line says which. `env -u OPENBLAS_CORETYPE scripts/bench-all.sh`
# measures recur's own choice.
# --isa avx2 (first) narrows both sides to AVX2 + FMA on an AVX-512 CPU, for the figures an AVX2
# machine would give: Recur's own kernels (RECUR_MICROKERNEL, RECUR_RESIDENT_KERNEL), OpenBLAS's
# set (OPENBLAS_CORETYPE=Haswell), and PyTorch's ATen, oneDNN and MKL kernels (ATEN_CPU_CAPABILITY,
# ONEDNN_MAX_CPU_ISA, MKL_ENABLE_INSTRUCTIONS). Caches, clock and FMA units stay this CPU's.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--isa" ]; then
    case "${2:-}" in
        avx2) export RECUR_MICROKERNEL=avx2 RECUR_RESIDENT_KERNEL=avx2 OPENBLAS_CORETYPE=Haswell \
                     ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 MKL_ENABLE_INSTRUCTIONS=AVX2 BENCH_ISA=avx2 ;;
        *) echo "bench-all: --isa takes avx2 (got '${2:-}')" >&2; exit 64 ;;
    esac
    shift 2
fi
python="${PYTHON:-}"
[ -n "$python" ] || { [ -x scripts/.venv/bin/python ] && python=scripts/.venv/bin/python || python=python3; }
"$python" -c "import torch" 2>/dev/null || { echo "bench-all: $python has no torch (scripts/install-python.sh installs it)" >&2; exit 1; }
swift build -c release >/dev/null
.build/release/recur plugin build mingru -c release >/dev/null
echo "$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) cores; load before: $(uptime | sed 's/.*load average: //')"
"$python" scripts/bench_all.py "$@"
echo "load after: $(uptime | sed 's/.*load average: //')"
