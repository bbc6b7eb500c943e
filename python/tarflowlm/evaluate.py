"""Bits per character of a long text, scored in windows of the context as the Java Evaluator does:
windows of seqLen characters, each scored on its own; the last one padded with spaces to a multiple
of P (the padding's bits are counted, so the figure stays an upper bound); bpc = -sum / (ln 2 * chars)."""
import math
import time

import torch

from .config import encode
from .model import TarFlowLM

MASK64 = (1 << 64) - 1


def mix64(x):
    """splitmix64's finalizer: nearby inputs give unrelated seeds."""
    x = (x + 0x9E3779B97F4A7C15) & MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK64
    return x ^ (x >> 31)


PURPOSES = {"init": 1, "batch": 2, "noise": 3, "eval": 4, "generate": 5}


def stream(seed, purpose, *keys):
    """Its own generator for every random draw: seed, what it is for, and where (step, sample, ...)."""
    h = mix64(seed & MASK64)
    for k in (PURPOSES[purpose],) + keys:
        h = mix64(h ^ (k & MASK64))
    g = torch.Generator()
    g.manual_seed(h & ((1 << 63) - 1))
    return g


def windows(text, mc):
    ids = encode(text)
    p = 1 if mc.is_baseline else mc.patchSize
    out = []
    for start in range(0, len(ids), mc.seqLen):
        w = ids[start:start + mc.seqLen]
        out.append(w + [0] * ((-len(w)) % p))  # id 0 is space: the padding
    return out


@torch.no_grad()
def log_likelihoods(model, text, samples=1, seed=1, batch=16, active=None, rank=0, world=1):
    """ELBO (flow) or exact log-likelihood (baseline) in nats, per window and sample, for the windows
    i % world == rank: {i: [samples values]}. The noise of window i, sample s comes from its own stream,
    so the figures do not depend on the batch or on how the windows are shared out."""
    mc = model.config
    dev = next(model.parameters()).device
    dtype = next(model.parameters()).dtype
    ws = windows(text, mc)
    mine = [i for i in range(len(ws)) if i % world == rank]
    out = {}
    k = 0
    while k < len(mine):
        group = [mine[k]]
        k += 1
        while k < len(mine) and len(group) < batch and len(ws[mine[k]]) == len(ws[group[0]]):
            group.append(mine[k])
            k += 1
        ids = torch.tensor([ws[i] for i in group], device=dev)  # [B, T]
        per = []
        for s in range(samples if isinstance(model, TarFlowLM) else 1):
            if isinstance(model, TarFlowLM):
                eps = torch.stack([torch.randn(ids.shape[1], mc.latentDim, generator=stream(seed, "eval", i, s))
                                   for i in group]).to(dev, dtype)  # [B, T, d]
                per.append(model.elbo(ids, eps, active).double().cpu())
            else:
                per.append(model.log_prob(ids).double().cpu())
        per = torch.stack(per, 1)  # [B, S]
        for j, i in enumerate(group):
            out[i] = per[j].tolist()
    return out


def evaluate(model, text, samples=1, seed=1, batch=16, active=None):
    """{"bpc", "iwBpc" (NaN for one sample), "chars", "seconds", "charsPerSecond"} of a normalized text."""
    if not text:
        raise ValueError("cannot score an empty text")
    t0 = time.perf_counter()
    ll = log_likelihoods(model, text, samples, seed, batch, active)
    elbo, iw = summarize(ll)
    secs = time.perf_counter() - t0
    n = len(text)
    return {"bpc": -elbo / math.log(2) / n, "iwBpc": -iw / math.log(2) / n if samples > 1 else float("nan"),
            "chars": n, "seconds": secs, "charsPerSecond": n / secs, "perWindow": ll}


def summarize(ll):
    """Sum over windows of the mean ELBO and of log mean_k exp(ELBO_k)."""
    elbo = iw = 0.0
    for vals in ll.values():
        m = max(vals)
        elbo += sum(vals) / len(vals)
        iw += m + math.log(sum(math.exp(v - m) for v in vals) / len(vals))
    return elbo, iw
