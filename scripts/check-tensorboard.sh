#!/usr/bin/env bash
# The real check of `--tensorboard DIR`: trains a tiny run and resumes it, both writing events,
# then (1) reads the event files back with TensorBoard's own loader and compares every tag, step
# and value with log.jsonl, and (2) starts `tensorboard --logdir` on 127.0.0.1 and asks its HTTP
# API for the same scalars, as the browser page would. Needs a Python with the tensorboard
# package: $RECUR_PYTHON, else scripts/.venv/bin/python, else python3 (the order the tests use).
# Usage: scripts/check-tensorboard.sh [path/to/recur]   (default .build/debug/recur, else release)
set -euo pipefail
cd "$(dirname "$0")/.."
python=${RECUR_PYTHON:-}
[ -n "$python" ] || { [ -x scripts/.venv/bin/python ] && python=scripts/.venv/bin/python; } || true
[ -n "$python" ] || python=$(command -v python3 || true)
if [ -z "$python" ] || ! "$python" -c "import tensorboard" 2>/dev/null; then
  echo "check-tensorboard: FAIL — no Python with the tensorboard package (${python:-none found})."
  echo "  python3 -m venv scripts/.venv && scripts/.venv/bin/pip install tensorboard   (or set RECUR_PYTHON)"
  exit 1
fi
recur=${1:-.build/debug/recur}
[ -x "$recur" ] || recur=.build/release/recur
[ -x "$recur" ] || { echo "check-tensorboard: build recur first (swift build)"; exit 1; }
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
for i in $(seq 60); do echo "the quick brown fox jumps over the lazy dog $i"; done > "$work/text.txt"
"$recur" run char-lm --cell lstm --hidden 16 --embedding 8 --batch 4 --seq-len 16 --steps 20 --eval-every 5 --log-every 2 \
  --data "$work/text.txt" --run-dir "$work/lm" --tensorboard "$work/tb" > /dev/null
"$recur" resume "$work/lm" --steps 30 --tensorboard "$work/tb" > /dev/null

# (1) TensorBoard's event loader against log.jsonl.
"$python" scripts/read_tensorboard.py "$work/tb" > "$work/scalars.json"
"$python" - "$work/lm/log.jsonl" "$work/scalars.json" <<'PY'
import json, struct, sys
log = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
scalars = json.load(open(sys.argv[2]))
f32 = lambda v: struct.unpack("f", struct.pack("f", v))[0]
keys = sorted({k for line in log for k, v in line.items() if k != "step" and isinstance(v, (int, float))})
assert sorted(scalars) == keys, f"tags {sorted(scalars)} != log fields {keys}"
for key in keys:
    want = [[line["step"], f32(line[key])] for line in log if key in line]
    assert scalars[key] == want, f"{key}: {scalars[key]} != {want}"
points = sum(len(v) for v in scalars.values())
print(f"ok   event loader: {len(keys)} tags ({', '.join(keys)}), {points} points, equal to log.jsonl (as float32)")
PY

# (2) The TensorBoard server itself, on a free loopback port, for at most a minute.
port=$("$python" -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
"$python" -m tensorboard.main --logdir "$work/tb" --host 127.0.0.1 --port "$port" > "$work/server.log" 2>&1 &
server=$!
"$python" - "$port" "$work/scalars.json" <<'PY'
import json, sys, time, urllib.request
port, expected = sys.argv[1], json.load(open(sys.argv[2]))
base = f"http://127.0.0.1:{port}/data/plugin/scalars"
deadline = time.time() + 60
while True:
    try:
        tags = json.load(urllib.request.urlopen(f"{base}/tags", timeout=5))
        if tags.get(".") and sorted(tags["."]) == sorted(expected):
            break
    except OSError:
        pass
    if time.time() > deadline:
        sys.exit(f"check-tensorboard: FAIL — the server did not show the tags within 60 s (last answer: {locals().get('tags')})")
    time.sleep(1)
loss = json.load(urllib.request.urlopen(f"{base}/scalars?run=.&tag=loss", timeout=5))
assert [[step, value] for _, step, value in loss] == expected["loss"], loss
print(f"ok   tensorboard --logdir: serves run '.' with tags {', '.join(sorted(tags['.']))}; loss has {len(loss)} points, as logged")
PY
