"""Issue 17's speed and memory table: every figure measured here, Recur beside PyTorch in one
sitting, with the ratio and the target. Run through scripts/bench-all.sh (which builds the
release binary and the mingru plugin and picks the Python with torch).

Rows: training throughput of the fused LSTM/GRU/RNN (SMALL 1×128 b32 s64, MEDIUM 2×512 b64 s100;
1 and 2 threads), for MEDIUM on one thread the multiply-add rate Recur reaches and the rate the
target needs, each against one core's measured FMA peak, two-thread scaling, the generic autodiff
path against the fused one, the mingru plugin cell traced (hoisted products + compiled step)
against its plain step loop, batch-1 sampling on 1 and 2 threads in fp32, fp16, bf16, int8 and int4 against PyTorch's fastest loop (oneDNN on or off,
1 or 2 threads; its quantize_dynamic loop for int8) and the bandwidth bound (beside it, with no target,
what each product's decoding instructions alone reach from L1), and peak RSS of an LSTM training step (B 32, H 512) at T = 100, 1,000,
10,000 with and without --recompute.
"""
import json
import os
import re
import subprocess
import sys

RECUR = os.environ.get("RECUR", ".build/release/recur")
PYTHON = sys.executable
SECONDS = os.environ.get("SECONDS_PER_CASE", "5")
SMALL = ["--hidden", "128", "--layers", "1", "--batch", "32", "--seq-len", "64"]
MEDIUM = ["--hidden", "512", "--layers", "2", "--batch", "64", "--seq-len", "100"]
USER = ["--hidden", "256", "--layers", "1", "--batch", "32", "--seq-len", "128"]
RECIPE = ["--hidden", "256", "--layers", "1", "--batch", "32", "--seq-len", "100", "--embedding", "64"]
# A recur binary built from the commit issue 17 was filed at (85dbdb1), in its own checkout with
# its mingru plugin built: the user-cell rows then also compare against it, as the target asks.
AS_FILED = os.environ.get("RECUR_AS_FILED")
rows = []


def run(command, cwd=None):
    result = subprocess.run(command, capture_output=True, text=True, cwd=cwd)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr.strip()}")
    return result.stdout


def recur_cell(cell, shape, threads, *extra, binary=RECUR, cwd=None):
    out = run([binary, "bench", "cell", "--cell", cell, *shape, "--threads", str(threads), "--seconds", SECONDS, "--json", *extra],
              cwd=cwd)
    return json.loads(out.strip().splitlines()[-1])


def torch_cell(cell, shape, threads):
    out = run([PYTHON, "scripts/bench_pytorch.py", "--cell", cell, *shape, "--threads", str(threads), "--seconds", SECONDS])
    return float(re.search(r"([0-9.]+) chars/s", out).group(1))


def interleaved_best(*measures, rounds=2):
    """Each measure's best over `rounds` rounds, the measures taking turns within a round, so a
    busy moment of a shared host hits every side alike."""
    best = [0] * len(measures)
    for _ in range(rounds):
        for i, measure in enumerate(measures):
            best[i] = max(best[i], measure())
    return best


def row(what, recur, reference, unit, target=None, higher_is_better=True):
    ratio = recur / reference if reference else float("nan")
    met = "" if target is None else ("met" if (ratio >= target if higher_is_better else ratio <= target) else "NOT met")
    goal = "" if target is None else (f"≥ {target}×" if higher_is_better else f"≤ {target}×")
    rows.append((what, recur, reference, unit, ratio, goal, met))
    print(f"  {what}: {recur:,.1f} vs {reference:,.1f} {unit} ({ratio:.2f}×) {goal} {met}", file=sys.stderr, flush=True)


def fma_peak():
    """One core's FMA peak, GFLOP/s (`recur bench gemm`'s register-only loop)."""
    out = run([RECUR, "bench", "gemm", "--shape", "8x8x8", "--json"])
    return json.loads(out.strip().splitlines()[-1]).get("fma_peak_gflops")


def training_flops(cell, shape, vocab=65):
    """Floating-point operations of one character of a training step, counting the products
    both sides must do: per layer the recurrent product (and from layer 2 on the input one),
    and the output layer, each forward and twice that backward (∂x and ∂W). The one-hot first
    layer's input product is a row lookup on Recur's side, so it is not counted."""
    gates = {"lstm": 4, "gru": 3, "rnn": 1}[cell]
    hidden, layers = int(shape[shape.index("--hidden") + 1]), int(shape[shape.index("--layers") + 1])
    macs = sum(gates * hidden * (hidden if layer == 0 else 2 * hidden) for layer in range(layers)) + hidden * vocab
    return 6 * macs


def cells():
    targets = {("lstm", "SMALL"): 1.5, ("lstm", "MEDIUM"): 1.3}
    fused = {}
    # On a core whose multiply-adds bound the MEDIUM rows, the rate a target needs, as a share of
    # the measured FMA peak, says whether it can be met there at all (best of before and after).
    peak = fma_peak()
    bound = []
    for name, shape in [("SMALL", SMALL), ("MEDIUM", MEDIUM)]:
        for cell in ["lstm", "gru", "rnn"]:
            # Recur and PyTorch on 1 thread, then on 2, twice over: both sides, and both thread
            # counts of the scaling rows, see the same host.
            best = interleaved_best(*[measure for threads in [1, 2] for measure in
                                      (lambda t=threads: recur_cell(cell, shape, t)["chars_per_second"],
                                       lambda t=threads: torch_cell(cell, shape, t))])
            for i, threads in enumerate([1, 2]):
                recur, torch = best[2 * i], best[2 * i + 1]
                fused[(cell, name, threads)] = recur
                target = targets.get((cell, name), 1.5)
                row(f"{cell.upper()} {name}, {threads} thread{'s' if threads > 1 else ''} (chars/s)", recur, torch,
                    "PyTorch", target)
                if name == "MEDIUM" and threads == 1:
                    bound.append((cell, recur, torch, target))
    peak = max(filter(None, [peak, fma_peak()]), default=None)
    if peak:
        for cell, recur, torch, target in bound:
            flops = training_flops(cell, MEDIUM) / 1e9
            row(f"{cell.upper()} MEDIUM, 1 thread, Recur's multiply-adds (GFLOP/s)", recur * flops, peak, "FMA peak")
            row(f"{cell.upper()} MEDIUM, 1 thread, what {target}× PyTorch ({torch * flops:.1f}) needs (GFLOP/s)",
                target * torch * flops, peak, "FMA peak")
    row("LSTM MEDIUM, 2 threads against 1 (chars/s)", fused[("lstm", "MEDIUM", 2)], fused[("lstm", "MEDIUM", 1)], "1 thread", 1.7)
    row("LSTM SMALL, 2 threads against 1 (chars/s)", fused[("lstm", "SMALL", 2)], fused[("lstm", "SMALL", 1)], "1 thread", 1.0)
    # char-lm's own recipe shape: an embedding of 64 (nn.Embedding on PyTorch's side), no target.
    for threads in [1, 2]:
        recur, torch = interleaved_best(lambda: recur_cell("lstm", RECIPE, threads)["chars_per_second"],
                                        lambda: torch_cell("lstm", RECIPE, threads))
        row(f"LSTM char-lm recipe (embedding 64, 1×256, b32 s100), {threads} thread{'s' if threads > 1 else ''} (chars/s)",
            recur, torch, "PyTorch")


def generic():
    for cell in ["lstm", "gru", "rnn"]:
        # Interleaved, best of two each, as the cell rows: one busy moment moved a single pair
        # by 10% (0.88× in one run, 0.95–1.00× in four interleaved right after).
        traced, fused = interleaved_best(lambda: recur_cell(cell, USER, 1, "--no-fused")["chars_per_second"],
                                         lambda: recur_cell(cell, USER, 1)["chars_per_second"])
        row(f"{cell.upper()} generic path against fused, H 256 b32 s128, 1 thread (chars/s)", traced, fused, "fused", 0.9)


def user_cells():
    for cell in ["mingru", "minlstm"]:
        for layers in ["1", "2"]:
            shape = USER[:2] + ["--layers", layers] + USER[4:]
            measures = [lambda: recur_cell(cell, shape, 1, "--no-fused")["chars_per_second"],
                        lambda: recur_cell(cell, shape, 1, "--plain-loop")["chars_per_second"]]
            if AS_FILED:
                # Run from its own checkout, where its mingru plugin is.
                binary = os.path.abspath(AS_FILED)
                checkout = os.path.dirname(os.path.dirname(os.path.dirname(binary)))
                measures.append(lambda: recur_cell(cell, shape, 1, "--no-fused", binary=binary, cwd=checkout)["chars_per_second"])
            traced, plain, *before = interleaved_best(*measures)
            label = f"{cell} {layers} layer{'s' if layers == '2' else ''}"
            row(f"{label}, traced against the plain step loop (chars/s)", traced, plain, "plain loop", 2.0)
            if AS_FILED:
                row(f"{label}, against the tree as filed (85dbdb1) (chars/s)", traced, before[0], "as filed", 2.0)


def sampling():
    # The references are PyTorch's fastest loops, best of two runs of 2,000 characters each at 1
    # and at 2 threads (one run of 500 measured anywhere from 865 to 2,859): for fp32, fp16 and
    # bf16 weights its fp32 loop with oneDNN on or off (the "faster variant"; PyTorch has
    # no fp16 or bf16 CPU loop to set beside Recur's), for int8 weights its quantize_dynamic loop (int8
    # weights too), so no row compares fewer bytes with more — except int4, which PyTorch has no
    # CPU loop for (quantize_dynamic stops at int8): its rows set Recur's int4 beside PyTorch's
    # int8 loop, the fewest bytes PyTorch reads, and say so.
    fastest = {"fp32": 0, "int8": 0}
    for threads in [1, 2] * 2:
        shape = ["--cell", "lstm", "--hidden", "512", "--layers", "2", "--vocab", "65", "--threads", str(threads)]
        torch = json.loads(run([PYTHON, "scripts/bench_pytorch_sample.py", *shape, "--length", "2000"]).strip().splitlines()[-1])
        fastest["fp32"] = max(fastest["fp32"], torch["onednn_off_chars_per_second"], torch["onednn_on_chars_per_second"])
        fastest["int8"] = max(fastest["int8"], torch["int8_dynamic_chars_per_second"])
    for threads in [1, 2]:
        shape = ["--cell", "lstm", "--hidden", "512", "--layers", "2", "--vocab", "65", "--threads", str(threads)]
        recur = json.loads(run([RECUR, "bench", "sample", *shape, "--json"]).strip().splitlines()[-1])
        label = f"{threads} thread{'s' if threads > 1 else ''}"
        for name, key, reference in [("fp32", "", "fp32"), ("fp16", "fp16_", "fp32"), ("bf16", "bf16_", "fp32"),
                                     ("int8", "int8_", "int8"), ("int4", "int4_", "int8")]:
            cps = recur[key + "chars_per_second"]
            against = "PyTorch's fastest loop" if reference == "fp32" else "PyTorch's int8 loop"
            row(f"sampling 2×512 LSTM, {name} weights, {label} (chars/s)", cps, fastest[reference], against, 5.0)
            row(f"sampling 2×512 LSTM, {name}, {label}, against the bandwidth bound (chars/s)", cps,
                recur[key + "cache_bound_chars_per_second"], f"bound ({label})", 0.5)
            # No target: how far the product's decoding instructions alone (from L1, no memory
            # to wait on) could go; under 0.5 the row above cannot be met on this CPU.
            if key + "decode_ceiling_chars_per_second" in recur:
                row(f"sampling 2×512 LSTM, {name}, {label}, its decoding alone from L1, against the bound (chars/s)",
                    recur[key + "decode_ceiling_chars_per_second"], recur[key + "cache_bound_chars_per_second"], f"bound ({label})")


def memory():
    for steps, k in [(100, 10), (1000, 32), (10000, 100)]:
        shape = ["--cell", "lstm", "--hidden", "512", "--layers", "1", "--batch", "32", "--seq-len", str(steps)]
        torch = json.loads(run([PYTHON, "scripts/bench_pytorch_memory.py", *shape, "--steps", "1", "--json"]).strip().splitlines()[-1])
        full = recur_cell("lstm", shape[2:], 1, "--steps", "1")["peak_rss_mib"]
        recompute = recur_cell("lstm", shape[2:], 1, "--steps", "1", "--recompute", str(k))["peak_rss_mib"]
        row(f"peak RSS, LSTM 512 b32, T = {steps:,} (MiB)", full, torch["peak_rss_mib"], "PyTorch", 1.0, higher_is_better=False)
        row(f"peak RSS, LSTM 512 b32, T = {steps:,}, --recompute {k} (MiB)", recompute, torch["peak_rss_mib"], "PyTorch", 1.0,
            higher_is_better=False)


def main():
    parts = {"cells": cells, "generic": generic, "user": user_cells, "sampling": sampling, "memory": memory}
    chosen = sys.argv[1:] or list(parts)
    for name in chosen:
        print(f"{name} …", file=sys.stderr, flush=True)
        parts[name]()
    # PyTorch's products run on its own oneDNN / MKL kernels whatever OPENBLAS_CORETYPE says;
    # Recur's large products run on the OpenBLAS kernel set named here, or on its own kernel
    # (`recur version` says which: ProductKernel's choice, or RECUR_GEMM).
    if os.environ.get("BENCH_ISA"):
        # Both sides narrowed (bench-all.sh --isa): say what each side reports it runs.
        import torch
        steps = json.loads(run([RECUR, "version", "--json"]))["step_kernels"]
        print(f"Narrowed to {os.environ['BENCH_ISA']}: Recur's per-step and element-wise kernels {steps}, "
              f"PyTorch's CPU capability {torch.backends.cpu.get_cpu_capability()}, oneDNN ≤ {os.environ.get('ONEDNN_MAX_CPU_ISA')}, "
              f"MKL ≤ {os.environ.get('MKL_ENABLE_INSTRUCTIONS')}")
    kernel = recur_cell("lstm", SMALL, 1, "--steps", "1")["kernel"]
    origin = "from the environment's OPENBLAS_CORETYPE" if os.environ.get("OPENBLAS_CORETYPE") else "chosen by recur from the CPU flags"
    products = next((line.removeprefix("matrix products by ").strip() for line in run([RECUR, "version"]).splitlines()
                     if line.startswith("matrix products by ")), "unknown")
    print(f"Recur's OpenBLAS kernels: {kernel} ({origin}); large products by {products}")
    print()
    print("| measurement | Recur | reference | against | ratio | target | |")
    print("|---|---|---|---|---|---|---|")
    for what, recur, reference, unit, ratio, goal, met in rows:
        print(f"| {what} | {recur:,.1f} | {reference:,.1f} | {unit} | {ratio:.2f}× | {goal} | {met} |")


if __name__ == "__main__":
    main()
