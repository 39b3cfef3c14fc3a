"""Golden reference values for Recur's RNN, loss and optimizer tests.

An independent NumPy (float64) re-implementation of PyTorch semantics for
torch.nn.RNN / LSTM / GRU (time-major, multi-layer, bidirectional),
softmax cross-entropy with ignore_index, SGD (with and without momentum),
Adam, Adagrad and clip_grad_norm_. Gradients come from a hand-written
backward pass (BPTT) and are checked against central finite differences;
the script raises if the two disagree, so it never writes bad goldens.

Run from the repository root (needs only numpy):

    python3 scripts/golden.py

It writes Tests/Golden/ops.json, Tests/Golden/cells.json and
Tests/Golden/optim.json. Tensors are stored as
{"shape": [...], "data": [flat row-major list]}.

Inputs (params, x, h0, c0, R*) are exact 2-decimal values. Computed values
carry 9 significant digits, except the outputs/h_n/c_n/grads in cells.json,
which are rounded to within 5e-7 * max(1, |v|) to keep that file < 60 KB.
"""

import json
import os

import numpy as np

GATES = {"rnn": 1, "lstm": 4, "gru": 3}

# Central differences with eps=1e-5 balance truncation (~eps^2) against
# cancellation (~1e-16/eps) in float64, leaving ~1e-10 of noise.
FD_EPS = 1e-5
FD_TOL = 1e-6

# Inputs are rounded to 2 decimals *before* any computation, so the JSON holds
# exactly the values the outputs were computed from (and stays small).
INPUT_PLACES = 2

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Golden")


# ----------------------------------------------------------------------------
# helpers


def quantize(a, places=INPUT_PLACES):
    # Going through the decimal string guarantees the stored double is the one
    # any JSON parser will read back, unlike np.round's multiply/divide.
    a = np.asarray(a, dtype=np.float64)
    out = np.array([float(f"{v:.{places}f}") for v in a.ravel()], dtype=np.float64)
    return out.reshape(a.shape)


def uniform(rng, shape, lo=-0.5, hi=0.5):
    return quantize(rng.uniform(lo, hi, size=shape))


def normal(rng, shape):
    return quantize(rng.standard_normal(size=shape))


# Outputs are rounded only when written.
def precise(v):
    # 9 significant digits: far below any float32/float64 test tolerance.
    return float(f"{v:.9g}")


def compact(v):
    # cells.json holds ~7000 numbers and must stay under 60 KB, which 9 (or 7)
    # significant digits cannot do. Error here is <= 5e-7 * max(1, |v|).
    return float(f"{v:.6f}") if abs(v) < 1 else float(f"{v:.7g}")


def num(v, rnd=precise):
    r = rnd(float(v))
    return 0.0 if r == 0 else r  # avoid "-0.0" noise in the files


def tensor(a, rnd=precise):
    a = np.asarray(a, dtype=np.float64)
    return {"shape": list(a.shape), "data": [num(v, rnd) for v in a.ravel()]}


def vec(a):
    return [num(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def check_grads(label, loss_fn, inputs, grads):
    """Compare analytic grads with central differences of loss_fn().

    loss_fn must read the arrays in `inputs`; they are perturbed in place and
    restored. The error is taken relative to the largest entry of each
    gradient tensor, so tiny entries don't turn round-off into false alarms.
    """
    worst = 0.0
    for name, arr in inputs.items():
        g = grads[name]
        assert g.shape == arr.shape, (label, name, g.shape, arr.shape)
        numeric = np.zeros_like(arr)
        for k in range(arr.size):
            old = arr.flat[k]
            arr.flat[k] = old + FD_EPS
            lp = loss_fn()
            arr.flat[k] = old - FD_EPS
            lm = loss_fn()
            arr.flat[k] = old
            numeric.flat[k] = (lp - lm) / (2 * FD_EPS)
        scale = max(np.abs(g).max(), np.abs(numeric).max(), 1e-12)
        err = np.abs(g - numeric).max() / scale
        if not err < FD_TOL:  # explicit raise: survives python -O
            raise AssertionError(
                f"{label}: gradient of {name} disagrees with finite differences "
                f"(max rel err {err:.3e} >= {FD_TOL:g})")
        worst = max(worst, err)
    print(f"  finite-difference check {label}: ok (max rel err {worst:.2e})")
    return worst


# ----------------------------------------------------------------------------
# recurrent cells: one time step forward and backward


def step_forward(cell, x, h, c, w_ih, w_hh, b_ih, b_hh):
    """Returns (h', c' or None, cache for step_backward)."""
    H = h.shape[1]
    if cell == "rnn":
        hn = np.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)
        return hn, None, (x, h, hn)
    if cell == "lstm":
        a = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh
        i = sigmoid(a[:, 0:H])
        f = sigmoid(a[:, H:2 * H])
        g = np.tanh(a[:, 2 * H:3 * H])
        o = sigmoid(a[:, 3 * H:4 * H])
        cn = f * c + i * g
        tc = np.tanh(cn)
        return o * tc, cn, (x, h, c, i, f, g, o, tc)
    if cell == "gru":
        gi = x @ w_ih.T + b_ih
        gh = h @ w_hh.T + b_hh
        r = sigmoid(gi[:, 0:H] + gh[:, 0:H])
        z = sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
        hn_lin = gh[:, 2 * H:3 * H]  # r gates only the hidden half of n
        n = np.tanh(gi[:, 2 * H:3 * H] + r * hn_lin)
        return (1 - z) * n + z * h, None, (x, h, r, z, n, hn_lin)
    raise ValueError(cell)


def step_backward(cell, cache, dh, dc, w_ih, w_hh, gw):
    """Backprop one step. dh/dc are dL/dh', dL/dc' (all paths summed).

    Accumulates weight grads into gw and returns (dx, dh_prev, dc_prev).
    """
    dc_prev = None
    dh_direct = 0.0
    if cell == "rnn":
        x, h, hn = cache
        da = dh * (1 - hn ** 2)
        dgi = dgh = da
    elif cell == "lstm":
        x, h, c, i, f, g, o, tc = cache
        dct = dc + dh * o * (1 - tc ** 2)
        da = np.concatenate([
            dct * g * i * (1 - i),
            dct * c * f * (1 - f),
            dct * i * (1 - g ** 2),
            dh * tc * o * (1 - o),
        ], axis=1)
        dgi = dgh = da
        dc_prev = dct * f
    elif cell == "gru":
        x, h, r, z, n, hn_lin = cache
        dn_pre = dh * (1 - z) * (1 - n ** 2)
        dz_pre = dh * (h - n) * z * (1 - z)
        dr_pre = dn_pre * hn_lin * r * (1 - r)
        dgi = np.concatenate([dr_pre, dz_pre, dn_pre], axis=1)
        dgh = np.concatenate([dr_pre, dz_pre, dn_pre * r], axis=1)
        dh_direct = dh * z
    else:
        raise ValueError(cell)
    gw["weight_ih"] += dgi.T @ x
    gw["weight_hh"] += dgh.T @ h
    gw["bias_ih"] += dgi.sum(axis=0)
    gw["bias_hh"] += dgh.sum(axis=0)
    return dgi @ w_ih, dgh @ w_hh + dh_direct, dc_prev


# ----------------------------------------------------------------------------
# full (multi-layer, optionally bidirectional) network


def suffix(layer, direction):
    return f"_l{layer}" + ("_reverse" if direction == 1 else "")


PARAM_KINDS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def make_params(rng, cell, input_size, hidden_size, layers, dirs):
    G = GATES[cell]
    params = {}
    for l in range(layers):
        in_size = input_size if l == 0 else hidden_size * dirs
        for d in range(dirs):
            s = suffix(l, d)
            params["weight_ih" + s] = uniform(rng, (G * hidden_size, in_size))
            params["weight_hh" + s] = uniform(rng, (G * hidden_size, hidden_size))
            params["bias_ih" + s] = uniform(rng, (G * hidden_size,))
            params["bias_hh" + s] = uniform(rng, (G * hidden_size,))
    return params


def net_forward(cell, params, x, h0, c0, layers, dirs):
    """Returns output [T,B,H*dirs], h_n, c_n (or None), caches."""
    T = x.shape[0]
    B, H = h0.shape[1], h0.shape[2]
    lstm = cell == "lstm"
    inp = x
    h_n, c_n, caches = [], [], []
    for l in range(layers):
        outs = []
        for d in range(dirs):
            s = suffix(l, d)
            w = [params[k + s] for k in PARAM_KINDS]
            idx = l * dirs + d
            h = h0[idx]
            c = c0[idx] if lstm else None
            out = np.zeros((T, B, H))
            cache = [None] * T
            for t in (range(T) if d == 0 else reversed(range(T))):
                h, c, cache[t] = step_forward(cell, inp[t], h, c, *w)
                out[t] = h  # reverse direction's output stays at its own t
            outs.append(out)
            h_n.append(h)
            c_n.append(c)
            caches.append(cache)
        inp = np.concatenate(outs, axis=2)
    return inp, np.stack(h_n), (np.stack(c_n) if lstm else None), caches


def net_backward(cell, params, caches, x_shape, d_out, d_hn, d_cn, layers, dirs):
    """BPTT. Returns (param grads dict, dx, dh0, dc0 or None)."""
    T = x_shape[0]
    H = d_hn.shape[2]
    lstm = cell == "lstm"
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dh0 = np.zeros_like(d_hn)
    dc0 = np.zeros_like(d_cn) if lstm else None
    for l in reversed(range(layers)):
        d_inp = None
        for d in range(dirs):
            s = suffix(l, d)
            idx = l * dirs + d
            gw = {k: grads[k + s] for k in PARAM_KINDS}
            w_ih, w_hh = params["weight_ih" + s], params["weight_hh" + s]
            dh = d_hn[idx].copy()
            dc = d_cn[idx].copy() if lstm else None
            dxs = np.zeros((T, dh.shape[0], w_ih.shape[1]))
            # walk time opposite to the forward order of this direction
            for t in (reversed(range(T)) if d == 0 else range(T)):
                dh = dh + d_out[t, :, d * H:(d + 1) * H]
                dxs[t], dh, dc = step_backward(cell, caches[idx][t], dh, dc, w_ih, w_hh, gw)
            dh0[idx] = dh
            if lstm:
                dc0[idx] = dc
            d_inp = dxs if d_inp is None else d_inp + dxs
        d_out = d_inp  # both directions of the layer below fed this layer
    return grads, d_out, dh0, dc0


# ----------------------------------------------------------------------------
# ops.json


def softmax_cross_entropy_case(rng):
    ignore_index = -1
    logits = quantize(2.0 * rng.standard_normal((4, 5)))
    targets = rng.integers(0, 5, size=4)
    targets[2] = ignore_index

    def log_softmax(a):
        m = a.max(axis=1, keepdims=True)
        return a - m - np.log(np.exp(a - m).sum(axis=1, keepdims=True))

    valid = targets != ignore_index
    n_valid = int(valid.sum())

    def loss_fn():
        ls = log_softmax(logits)
        return -sum(ls[r, targets[r]] for r in range(4) if valid[r]) / n_valid

    ls = log_softmax(logits)
    sm = np.exp(ls)
    onehot = np.zeros_like(logits)
    for r in range(4):
        if valid[r]:
            onehot[r, targets[r]] = 1.0
    # mean reduction divides by the count of non-ignored rows, not the batch
    grad = (sm - onehot) * valid[:, None] / n_valid
    check_grads("softmax_cross_entropy", loss_fn, {"logits": logits}, {"logits": grad})
    return {
        "logits": tensor(logits),
        "targets": [int(t) for t in targets],
        "ignore_index": ignore_index,
        "loss": num(loss_fn()),
        "grad_logits": tensor(grad),
        "softmax": tensor(sm),
        "log_softmax": tensor(ls),
    }


def single_layer_case(rng, cell, T, B, X, H):
    """Shared setup for the ops.json single-layer cases (unsuffixed names)."""
    G = GATES[cell]
    p = {
        "weight_ih": uniform(rng, (G * H, X)),
        "weight_hh": uniform(rng, (G * H, H)),
        "bias_ih": uniform(rng, (G * H,)),
        "bias_hh": uniform(rng, (G * H,)),
    }
    x = normal(rng, (T, B, X))
    h0 = uniform(rng, (B, H))
    c0 = uniform(rng, (B, H)) if cell == "lstm" else None
    return p, x, h0, c0


def as_net(p):
    return {k + "_l0": v for k, v in p.items()}


def rnn3_case(rng):
    T, B, X, H = 3, 2, 3, 4
    p, x, h0, _ = single_layer_case(rng, "rnn", T, B, X, H)
    R = uniform(rng, (T, B, H), -1.0, 1.0)

    def forward():
        # Hand unroll of h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh).
        hs, h = [], h0
        for t in range(T):
            h = np.tanh(x[t] @ p["weight_ih"].T + p["bias_ih"] + h @ p["weight_hh"].T + p["bias_hh"])
            hs.append(h)
        return np.stack(hs)

    def loss_fn():
        return float((forward() * R).sum())

    out = forward()
    net_out, _, _, caches = net_forward("rnn", as_net(p), x, h0[None], None, 1, 1)
    assert np.allclose(out, net_out, rtol=0, atol=1e-14)
    g, dx, dh0, _ = net_backward("rnn", as_net(p), caches, x.shape, R, np.zeros((1, B, H)), None, 1, 1)
    grads = {k: g[k + "_l0"] for k in p}
    grads.update(x=dx, h0=dh0[0])
    check_grads("rnn3", loss_fn, dict(p, x=x, h0=h0), grads)
    case = {"seq_len": T, "batch_size": B, "input_size": X, "hidden_size": H}
    case.update({k: tensor(v) for k, v in p.items()})
    case.update(x=tensor(x), h0=tensor(h0), R=tensor(R), output=tensor(out), loss=num(loss_fn()))
    case.update({"grad_" + k: tensor(v) for k, v in grads.items()})
    return case


def lstm_step_case(rng):
    B, X, H = 2, 3, 4
    p, x3, h0, c0 = single_layer_case(rng, "lstm", 1, B, X, H)
    x = x3[0]
    Rh = uniform(rng, (B, H), -1.0, 1.0)
    Rc = uniform(rng, (B, H), -1.0, 1.0)

    def forward():
        h1, c1, cache = step_forward("lstm", x, h0, c0, *[p[k] for k in PARAM_KINDS])
        return h1, c1, cache

    def loss_fn():
        h1, c1, _ = forward()
        return float((h1 * Rh).sum() + (c1 * Rc).sum())

    h1, c1, cache = forward()
    grads = {k: np.zeros_like(v) for k, v in p.items()}
    dx, dh0, dc0 = step_backward("lstm", cache, Rh, Rc, p["weight_ih"], p["weight_hh"], grads)
    grads.update(x=dx, h0=dh0, c0=dc0)
    check_grads("lstm_step", loss_fn, dict(p, x=x, h0=h0, c0=c0), grads)
    case = {"batch_size": B, "input_size": X, "hidden_size": H}
    case.update({k: tensor(v) for k, v in p.items()})
    case.update(x=tensor(x), h0=tensor(h0), c0=tensor(c0), Rh=tensor(Rh), Rc=tensor(Rc),
                h1=tensor(h1), c1=tensor(c1), loss=num(loss_fn()))
    case.update({"grad_" + k: tensor(v) for k, v in grads.items()})
    return case


# ----------------------------------------------------------------------------
# cells.json


def cell_case(rng, cell, layers, bidirectional, T=4, B=2, X=3, H=5):
    dirs = 2 if bidirectional else 1
    lstm = cell == "lstm"
    params = make_params(rng, cell, X, H, layers, dirs)
    x = normal(rng, (T, B, X))
    h0 = uniform(rng, (layers * dirs, B, H))
    c0 = uniform(rng, (layers * dirs, B, H)) if lstm else None
    R_out = uniform(rng, (T, B, H * dirs), -1.0, 1.0)
    R_h = uniform(rng, (layers * dirs, B, H), -1.0, 1.0)
    R_c = uniform(rng, (layers * dirs, B, H), -1.0, 1.0) if lstm else None

    def loss_of(out, h_n, c_n):
        L = (out * R_out).sum() + (h_n * R_h).sum()
        if lstm:
            L += (c_n * R_c).sum()
        return float(L)

    def loss_fn():
        out, h_n, c_n, _ = net_forward(cell, params, x, h0, c0, layers, dirs)
        return loss_of(out, h_n, c_n)

    out, h_n, c_n, caches = net_forward(cell, params, x, h0, c0, layers, dirs)
    # torch's h_n convention: the forward direction ends at t=T-1, the reverse
    # one at t=0, and the last layer's output is built from exactly those.
    top = (layers - 1) * dirs
    assert np.array_equal(h_n[top], out[-1, :, :H])
    if bidirectional:
        assert np.array_equal(h_n[top + 1], out[0, :, H:])
    grads, dx, dh0, dc0 = net_backward(cell, params, caches, x.shape, R_out, R_h, R_c, layers, dirs)
    all_grads = dict(grads, x=dx, h0=dh0)
    inputs = dict(params, x=x, h0=h0)
    if lstm:
        all_grads["c0"] = dc0
        inputs["c0"] = c0
    label = f"cells/{cell} layers={layers} bidirectional={bidirectional}"
    check_grads(label, loss_fn, inputs, all_grads)

    case = {
        "cell": cell,
        "layers": layers,
        "bidirectional": bidirectional,
        "input_size": X,
        "hidden_size": H,
        "seq_len": T,
        "batch_size": B,
        "x": tensor(x),
        "h0": tensor(h0),
    }
    if lstm:
        case["c0"] = tensor(c0)
    case["params"] = {k: tensor(v) for k, v in params.items()}
    case["output"] = tensor(out, compact)
    case["h_n"] = tensor(h_n, compact)
    if lstm:
        case["c_n"] = tensor(c_n, compact)
    case["R_out"] = tensor(R_out)
    case["R_h"] = tensor(R_h)
    if lstm:
        case["R_c"] = tensor(R_c)
    case["loss"] = num(loss_of(out, h_n, c_n))
    case["grads"] = {k: tensor(v, compact) for k, v in all_grads.items()}
    return case


# ----------------------------------------------------------------------------
# optim.json


def optim_cases(rng):
    p0 = normal(rng, (5,))
    gs = [normal(rng, (5,)) for _ in range(3)]

    def run(step):
        p, state, after = p0.copy(), {}, []
        for t, g in enumerate(gs, start=1):
            p = step(p, g, t, state)
            after.append(vec(p))
        return after

    def sgd(p, g, t, s):
        return p - 0.1 * g

    def sgd_momentum(p, g, t, s):
        # PyTorch seeds the buffer with the raw first gradient (no 1-dampening).
        s["buf"] = g.copy() if t == 1 else 0.9 * s["buf"] + g
        return p - 0.1 * s["buf"]

    def adam(p, g, t, s, lr=0.01, b1=0.9, b2=0.999, eps=1e-8):
        s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g * g
        m_hat = s["m"] / (1 - b1 ** t)
        v_hat = s["v"] / (1 - b2 ** t)
        return p - lr * m_hat / (np.sqrt(v_hat) + eps)

    def adagrad(p, g, t, s, lr=0.1, eps=1e-10):
        s["sum"] = s.get("sum", 0.0) + g * g
        return p - lr * g / (np.sqrt(s["sum"]) + eps)

    common = {"p0": vec(p0), "grads": [vec(g) for g in gs]}
    out = {
        "sgd": dict(lr=0.1, momentum=0.0, **common, params_after=run(sgd)),
        "sgd_momentum": dict(lr=0.1, momentum=0.9, dampening=0.0, nesterov=False,
                             **common, params_after=run(sgd_momentum)),
        "adam": dict(lr=0.01, betas=[0.9, 0.999], beta1=0.9, beta2=0.999, eps=1e-8,
                     **common, params_after=run(adam)),
        "adagrad": dict(lr=0.1, eps=1e-10, initial_accumulator_value=0.0, lr_decay=0.0,
                        **common, params_after=run(adagrad)),
    }

    # Scaled up so the global norm exceeds max_norm and clipping actually applies.
    a = quantize(2.0 * rng.standard_normal((3,)))
    b = quantize(2.0 * rng.standard_normal((2, 2)))
    max_norm = 1.0
    total = float(np.sqrt((a ** 2).sum() + (b ** 2).sum()))
    scale = max_norm / (total + 1e-6)
    assert scale < 1.0
    out["clip"] = {
        "max_norm": max_norm,
        "norm_type": 2.0,
        "a": tensor(a),
        "b": tensor(b),
        "total_norm": num(total),
        "clipped_a": tensor(a * scale if scale < 1 else a),
        "clipped_b": tensor(b * scale if scale < 1 else b),
    }
    return out


# ----------------------------------------------------------------------------


def write(name, obj):
    os.makedirs(OUT_DIR, exist_ok=True)
    path = os.path.normpath(os.path.join(OUT_DIR, name))
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    return path


def main():
    # Separate seeds per file so editing one section leaves the others stable.
    print("ops.json")
    rng = np.random.default_rng(1001)
    ops = {
        "softmax_cross_entropy": softmax_cross_entropy_case(rng),
        "rnn3": rnn3_case(rng),
        "lstm_step": lstm_step_case(rng),
    }

    print("cells.json")
    rng = np.random.default_rng(2002)
    cases = []
    for cell in ("rnn", "lstm", "gru"):
        cases.append(cell_case(rng, cell, layers=1, bidirectional=False))
        cases.append(cell_case(rng, cell, layers=2, bidirectional=True))

    print("optim.json")
    rng = np.random.default_rng(3003)
    optim = optim_cases(rng)

    paths = [
        write("ops.json", ops),
        write("cells.json", {"cases": cases}),
        write("optim.json", optim),
    ]
    for p in paths:
        print(f"{p}: {os.path.getsize(p)} bytes")


if __name__ == "__main__":
    main()
