"""What some of docs/FORMAT.md's choices change, measured (FORMAT quotes the figures): torch's ndtr against Hart's
tail Phi(-a), and the shipped models' bits per character and latents on python/tests/fixtures/text256.txt (float64)
with one choice made differently at a time.

    .venv/bin/python scripts/format-choices.py      (from the repository root)
"""
import math
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python"))
import tarflowlm.model as M  # noqa: E402  (after the path: this checkout's package)
from tarflowlm import folder
from tarflowlm.config import normalize, encode
from tarflowlm.evaluate import stream

# Hart's tail as FORMAT section 4.5 gives it (the Java runtime's model/Normal)
NUM = [3.52624965998911e-02, 0.700383064443688, 6.37396220353165, 33.912866078383, 112.079291497871, 221.213596169931, 220.206867912376]
DEN = [8.83883476483184e-02, 1.75566716318264, 16.064177579207, 86.7807322029461, 296.564248779674, 637.333633378831, 793.826512519948, 440.413735824752]
SPLIT = 7.07106781186547


def horner(c, a):
    v = torch.full_like(a, c[0])
    for x in c[1:]:
        v = v * a + x
    return v


def hart_tail(a):
    e = torch.exp(-a * a / 2)
    f = a + 0.65
    for k in (4, 3, 2, 1):
        f = a + k / f
    return torch.where(a < SPLIT, e * horner(NUM, a) / horner(DEN, a), e / f / math.sqrt(2 * math.pi))


def hart_cdf(x):
    t = hart_tail(x.abs())
    return torch.where(x > 0, 1 - t, t)


print("torch", torch.__version__)
for a in [0.5, 1, 2, 3, 4, 5, 6, 7, 7.0345, 7.5, 8, 9, 10]:
    x = torch.tensor([-a], dtype=torch.float64)
    h, t = hart_cdf(x).item(), torch.special.ndtr(x).item()
    print(f"Phi(-{a}): hart {h:.17g} torch {t:.17g} rel {abs(h - t) / h:.2e}")
grid = -torch.linspace(0, 7.0345, 200001, dtype=torch.float64)
rel = ((hart_cdf(grid) - torch.special.ndtr(grid)).abs() / hart_cdf(grid))
print(f"max relative |Hart - ndtr| on [-7.0345, 0]: {rel.max().item():.2e} at {grid[rel.argmax()].item():.4f}; max absolute {(hart_cdf(grid) - torch.special.ndtr(grid)).abs().max().item():.2e}")


text = normalize(open("python/tests/fixtures/text256.txt").read())[:256]
ids = torch.tensor([encode(text)])


def run(name, dtype=torch.float64):
    m = folder.load(f"models/{name}", dtype=dtype)
    eps = torch.randn(1, len(text), m.config.latentDim, generator=stream(1, "eval", 0, 0), dtype=dtype)
    with torch.no_grad():
        z = m.codebook.encode(ids, eps)
        tr = m.forward_trace(z)
        bpc = -(m.codebook.decoder_term(z).sum() + tr["log_prob"].sum()).item() / math.log(2) / len(text)
    return bpc, [m.to_tokens(o, l) for l, o in enumerate(tr["outputs"])]


def compare(label, patch, undo, models=("mixd-p1", "mix1-p1", "affine-p1")):
    for name in models:
        b0, o0 = run(name)
        patch()
        try:
            b1, o1 = run(name)
        finally:
            undo()
        lat = max((a - b).abs().max().item() for a, b in zip(o0, o1))
        print(f"{label:<40} {name:<10} bpc {b0:.6f} -> {b1:.6f} (|d| {abs(b1 - b0):.1e}); latents max |d| {lat:.1e}")


orig_ndtr = torch.special.ndtr


def use_hart(): torch.special.ndtr = hart_cdf


def use_torch(): torch.special.ndtr = orig_ndtr
compare("Phi: Hart instead of torch ndtr", use_hart, use_torch)


def eps5(): M.CDF_EPS = 1e-5


def eps12(): M.CDF_EPS = 1e-12
compare("clamp eps 1e-5 instead of 1e-12", eps5, eps12)
orig_ln = M.F.layer_norm


def ln6(): M.F.layer_norm = lambda x, s, g, b, e: orig_ln(x, s, g, b, 1e-6)


def ln5(): M.F.layer_norm = orig_ln
compare("LayerNorm eps 1e-6 instead of 1e-5", ln6, ln5)
orig_gelu = M.F.gelu


def tanh_gelu(): M.F.gelu = lambda x: orig_gelu(x, approximate="tanh")


def erf_gelu(): M.F.gelu = orig_gelu
compare("body GELU tanh form instead of erf", tanh_gelu, erf_gelu)
orig_gt = M.gelu_tanh


def erf_made(): M.gelu_tanh = lambda x: orig_gelu(x)


def tanh_made(): M.gelu_tanh = orig_gt
compare("MADE GELU erf form instead of tanh", erf_made, tanh_made, ("mix1-p1", "mixd-p1"))
