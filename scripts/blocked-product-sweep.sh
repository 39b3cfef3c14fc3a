#!/usr/bin/env bash
# BlockedProduct's cache blocking on this CPU: builds a stand-alone harness from the kernel's own
# sources (Sources/RecurKernels/Shared: PanelProduct, BlockedProduct with depthBlock and rowBlock
# made variables, FMAPeak) and times each depth/row block pair on each shape, with the FMA peak.
# For checking the blocks on a new CPU: 512 deep (128 rows) for an op(A) of 256 rows or
# more, 1024 deep (64 rows) for such a row-major A deeper than 512, 128 deep (256 rows) for
# fewer rows, set on Zen 4 (docs/engine-notes.md, "The FMA peak, measured", and the twentieth
# session's section); each pair in BLOCKS is tried for all three.
# Nothing here changes Recur; release timings only.
#   ISA=avx512|avx2 (default: avx512 when the CPU has it), BLOCKS="128/256 512/128" (depth/rows),
#   arguments: shapes MxKxN, a trailing t for a transposed A (default: the training products).
set -euo pipefail
cd "$(dirname "$0")/.."
isa="${ISA:-$(grep -q avx512f /proc/cpuinfo && echo avx512 || echo avx2)}"
case "$isa" in
  avx512) lane="SIMD16<Float>"; cpu=skylake-avx512 ;;
  avx2) lane="SIMD8<Float>"; cpu=haswell ;;
  *) echo "ISA must be avx512 or avx2 (got $isa)" >&2; exit 64 ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shared=Sources/RecurKernels/Shared
cp "$shared/PanelProduct.swift" "$shared/FMAPeak.swift" "$work/"
sed -E 's/public static let (depthBlock|rowBlock|shallowDepthBlock|shallowRowBlock|longDepthBlock|longRowBlock) = /nonisolated(unsafe) public static var \1 = /' \
  "$shared/BlockedProduct.swift" > "$work/BlockedProduct.swift"
[ "$(grep -c 'nonisolated(unsafe) public static var' "$work/BlockedProduct.swift")" = 6 ] ||
  { echo "BlockedProduct.swift no longer declares its six block sizes as expected" >&2; exit 1; }
echo "typealias Lane = $lane" > "$work/Lane.swift"
cp scripts/blocked_product_sweep.swift "$work/main.swift"   # top-level code must be main.swift
swiftc -O -target-cpu "$cpu" -enforce-exclusivity=unchecked "$work"/*.swift -o "$work/sweep" 2>&1 | grep -v "warning:" | grep . >&2 || true
[ -x "$work/sweep" ] || { echo "the harness did not build" >&2; exit 1; }
echo "$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $isa; load: $(uptime | sed 's/.*load average: //')"
if [ $# -eq 0 ]; then set -- 1024x1024x1024 2048x512x512 4096x256x512 512x2048x128t 2048x6400x512t 512x4096x256t; fi
"$work/sweep" "$@"
