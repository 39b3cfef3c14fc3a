"""Golden forward values for the zoo cells (lnlstm, peephole, cifg, mgu, indrnn, sru, minlstm,
slstm): an independent NumPy (float64) implementation of each paper's equations, run over a
short sequence from the zero state.

Parameters and inputs are closed-form, so the Swift test (Tests/RecurKitTests/ZooGoldenTests)
sets the same values without reading them from here:

    parameter `name`, flat index k:  0.4 · sin(0.37 (k + 1) + 0.29 · s(name)),  s = Σ code points mod 97
    input x[t, b, i], flat index k:  0.8 · cos(0.23 (k + 1))

Run from the repository root (needs only numpy):  python3 scripts/golden_zoo.py
It writes Tests/Golden/zoo.json: per case, the outputs [T, B, H] and final states.
"""

import json
import os

import numpy as np

T, B, X, H = 4, 2, 3, 5
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Golden", "zoo.json")


def param(name, shape):
    seed = sum(ord(c) for c in name) % 97
    k = np.arange(int(np.prod(shape)), dtype=np.float64)
    return (0.4 * np.sin(0.37 * (k + 1) + 0.29 * seed)).reshape(shape)


def inputs(x_size):
    k = np.arange(T * B * x_size, dtype=np.float64)
    return (0.8 * np.cos(0.23 * (k + 1))).reshape(T, B, x_size)


def sig(a):
    return 1 / (1 + np.exp(-a))


def ln(a, eps=1e-5):
    mu = a.mean(axis=-1, keepdims=True)
    var = a.var(axis=-1, keepdims=True)
    return (a - mu) / np.sqrt(var + eps)


def lnlstm(x, p, st):
    h, c = st
    z = ln(x @ p["weight_ih"].T) * p["ln_ih.weight"] + p["ln_ih.bias"] \
        + ln(h @ p["weight_hh"].T) * p["ln_hh.weight"] + p["ln_hh.bias"] + p["bias"]
    i, f, g, o = np.split(z, 4, axis=-1)
    c = sig(f) * c + sig(i) * np.tanh(g)
    h = sig(o) * np.tanh(ln(c) * p["ln_c.weight"] + p["ln_c.bias"])
    return h, [h, c]


def peephole(x, p, st):
    h, c = st
    z = x @ p["weight_ih"].T + p["bias_ih"] + h @ p["weight_hh"].T + p["bias_hh"]
    zi, zf, zg, zo = np.split(z, 4, axis=-1)
    i = sig(zi + p["weight_ci"] * c)
    f = sig(zf + p["weight_cf"] * c)
    c = f * c + i * np.tanh(zg)
    h = sig(zo + p["weight_co"] * c) * np.tanh(c)
    return h, [h, c]


def cifg(x, p, st):
    h, c = st
    z = x @ p["weight_ih"].T + p["bias_ih"] + h @ p["weight_hh"].T + p["bias_hh"]
    zf, zg, zo = np.split(z, 3, axis=-1)
    f = sig(zf)
    c = f * c + (1 - f) * np.tanh(zg)
    h = sig(zo) * np.tanh(c)
    return h, [h, c]


def mgu(x, p, st):
    (h,) = st
    wf, wh = np.split(p["weight_ih"], 2, axis=0)
    uf, uh = np.split(p["weight_hh"], 2, axis=0)
    bif, bih = np.split(p["bias_ih"], 2)
    bhf, bhh = np.split(p["bias_hh"], 2)
    f = sig(x @ wf.T + bif + h @ uf.T + bhf)
    cand = np.tanh(x @ wh.T + bih + (f * h) @ uh.T + bhh)
    h = (1 - f) * h + f * cand
    return h, [h]


def indrnn(x, p, st):
    (h,) = st
    h = np.maximum(x @ p["weight_ih"].T + p["bias_ih"] + p["weight_hh"] * h, 0)
    return h, [h]


def sru(x, p, st):
    _, c = st
    xt, zf, zr = np.split(x @ p["weight_ih"].T, 3, axis=-1)
    bf, br = np.split(p["bias_ih"], 2)
    f = sig(zf + p["weight_cf"] * c + bf)
    r = sig(zr + p["weight_cr"] * c + br)
    c = f * c + (1 - f) * xt
    skip = x @ p["weight_skip"].T if "weight_skip" in p else x
    h = r * c + (1 - r) * skip
    return h, [h, c]


def minlstm(x, p, st):
    (h,) = st
    zf, zi, zh = np.split(x @ p["weight_ih"].T + p["bias_ih"], 3, axis=-1)
    f, i = sig(zf), sig(zi)
    h = f / (f + i) * h + i / (f + i) * zh
    return h, [h]


def slstm(x, p, st):
    h, c, n, m = st
    z = x @ p["weight_ih"].T + p["bias_ih"] + h @ p["weight_hh"].T + p["bias_hh"]
    zz, zi, zf, zo = np.split(z, 4, axis=-1)
    m_new = np.maximum(zf + m, zi)
    i = np.exp(zi - m_new)
    f = np.exp(zf + m - m_new)
    c = f * c + i * np.tanh(zz)
    n = f * n + i
    h = sig(zo) * c / n
    return h, [h, c, n, m_new]


CELLS = {
    "lnlstm": (lnlstm, 2, {"weight_ih": (4 * H, X), "weight_hh": (4 * H, H), "bias": (4 * H,), "ln_ih.weight": (4 * H,),
                           "ln_ih.bias": (4 * H,), "ln_hh.weight": (4 * H,), "ln_hh.bias": (4 * H,), "ln_c.weight": (H,), "ln_c.bias": (H,)}),
    "peephole": (peephole, 2, {"weight_ih": (4 * H, X), "weight_hh": (4 * H, H), "bias_ih": (4 * H,), "bias_hh": (4 * H,),
                               "weight_ci": (H,), "weight_cf": (H,), "weight_co": (H,)}),
    "cifg": (cifg, 2, {"weight_ih": (3 * H, X), "weight_hh": (3 * H, H), "bias_ih": (3 * H,), "bias_hh": (3 * H,)}),
    "mgu": (mgu, 1, {"weight_ih": (2 * H, X), "weight_hh": (2 * H, H), "bias_ih": (2 * H,), "bias_hh": (2 * H,)}),
    "indrnn": (indrnn, 1, {"weight_ih": (H, X), "bias_ih": (H,), "weight_hh": (H,)}),
    "sru": (sru, 2, {"weight_ih": (3 * H, X), "weight_cf": (H,), "weight_cr": (H,), "bias_ih": (2 * H,), "weight_skip": (H, X)}),
    "minlstm": (minlstm, 1, {"weight_ih": (3 * H, X), "bias_ih": (3 * H,)}),
    "slstm": (slstm, 4, {"weight_ih": (4 * H, X), "weight_hh": (4 * H, H), "bias_ih": (4 * H,), "bias_hh": (4 * H,)}),
}


def tensor(a):
    return {"shape": list(a.shape), "data": [float(f"{v:.9g}") for v in a.reshape(-1)]}


def main():
    cases = {}
    for name, (step, states, shapes) in CELLS.items():
        p = {k: param(k, s) for k, s in shapes.items()}
        st = [np.zeros((B, H)) for _ in range(states)]
        outs = []
        for x in inputs(X):
            out, st = step(x, p, st)
            outs.append(out)
        cases[name] = {"input_size": X, "hidden_size": H, "outputs": tensor(np.stack(outs)), "states": [tensor(s) for s in st]}
    # SRU with X = H: the highway carries x itself (no weight_skip).
    p = {k: param(k, s) for k, s in {"weight_ih": (3 * H, H), "weight_cf": (H,), "weight_cr": (H,), "bias_ih": (2 * H,)}.items()}
    st, outs = [np.zeros((B, H)), np.zeros((B, H))], []
    for x in inputs(H):
        out, st = sru(x, p, st)
        outs.append(out)
    cases["sru-square"] = {"input_size": H, "hidden_size": H, "outputs": tensor(np.stack(outs)), "states": [tensor(s) for s in st]}
    with open(OUT, "w") as f:
        json.dump(cases, f, indent=1)
    print(f"wrote {OUT}: {', '.join(cases)}")


if __name__ == "__main__":
    main()
