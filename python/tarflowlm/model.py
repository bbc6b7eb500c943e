"""TarFlowLM in PyTorch (docs/TARFLOWLM.md; the layout is docs/FORMAT.md).

A codebook VAE whose prior is a stack of autoregressive flows with alternating directions:
h0 = z, h_l = f_l(mix^l(h_{l-1})), u = h_L ~ N(0, I), log p(z) = log N(u) + sum_l log|det J_l|.
Every parameter is named as in model.safetensors (`layer0.block1.qkv.w`); matrices are [in, out].
The math follows the Java runtime line by line, so that the parity tests can hold both to 1e-4.
"""
import math
import os
import re

import torch
import torch.nn as nn
import torch.nn.functional as F

HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)
CDF_EPS = 1e-12  # the nearer tail min(F, 1 - F) is clamped into [eps, 1/2] before Phi^-1, forward and inverse alike
LOG_SCALE_BOUND = 5.0  # Mix-1 log-scales: log s = 5 tanh(raw / 5)


# ----------------------------------------------------------------------------------- small math

def std_normal_logpdf(x):
    return -0.5 * x * x - HALF_LOG_2PI  # log N(x; 0, 1)


def from_tails(lower, upper):
    """h = Phi^-1(F) from the nearer tail: lower = F and upper = 1 - F, each summed from its own side, so that
    1 - F near 1e-12 keeps its digits. The tail is clamped into [eps, 1/2]: |h| <= 7.0345."""
    q = torch.special.ndtri(torch.minimum(lower, upper).clamp(CDF_EPS, 0.5))
    return torch.where(lower <= upper, q, -q)


def mixture_tails(weights, std, dim):
    """F and 1 - F of a mixture at x, sum_k w_k Phi(+-(x - m_k) / s_k), each from its own tail."""
    return (weights * torch.special.ndtr(std)).sum(dim), (weights * torch.special.ndtr(-std)).sum(dim)


def solve_from_gaussian(tails, h, lo, hi):
    """The x with from_tails(*tails(x)) = h, elementwise: bisection on the tail that h's sign names.
    tails takes v [..., K] and returns (F, 1 - F), each [..., K]."""
    p = torch.special.ndtr(-h.abs()).clamp(CDF_EPS, 0.5)
    below = h <= 0

    def f(v):
        lower, upper = tails(v)
        return torch.where(below[..., None], lower, -upper)  # F, or -(1 - F): both increase with v

    return solve_increasing(f, torch.where(below, p, -p), lo, hi)


def gelu_tanh(x):
    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x * x * x)))


def solve_increasing(f, target, lo, hi, points=32):
    """x with f(x) = target for an increasing f, elementwise, to the resolution of float64 (as the Java
    host's bisection): the sections stop when no bracket shrinks any more, that is when every bracket's
    ends are adjacent doubles, and the end whose value is nearer the target is returned. f takes v [..., K]
    and returns [..., K]. The bracket [lo, hi] is first widened until it holds the root, then cut into
    points + 1 pieces per round (a 33-way section: 11 rounds where bisection takes 55)."""
    width = torch.clamp(hi - lo, min=1.0)
    for _ in range(60):
        low = f(lo[..., None])[..., 0] > target
        if not bool(low.any()):
            break
        lo = torch.where(low, lo - width, lo)
        width = torch.where(low, width * 2, width)
    width = torch.clamp(hi - lo, min=1.0)
    for _ in range(60):
        high = f(hi[..., None])[..., 0] < target
        if not bool(high.any()):
            break
        hi = torch.where(high, hi + width, hi)
        width = torch.where(high, width * 2, width)
    frac = torch.arange(1, points + 1, dtype=lo.dtype, device=lo.device) / (points + 1)
    for _ in range(220):  # each round cuts a bracket 33-fold: 220 rounds take any finite one to adjacent doubles
        grid = lo[..., None] + (hi - lo)[..., None] * frac  # [..., K]
        below = (f(grid) < target[..., None]).sum(-1, keepdim=True)  # how many grid points lie left of the root
        pts = torch.cat([lo[..., None], grid, hi[..., None]], -1)  # [..., K + 2]
        new_lo, new_hi = pts.gather(-1, below)[..., 0], pts.gather(-1, below + 1)[..., 0]
        if torch.equal(new_lo, lo) and torch.equal(new_hi, hi):
            break
        lo, hi = new_lo, new_hi
    nearer_lo = (target - f(lo[..., None])[..., 0]) <= (f(hi[..., None])[..., 0] - target)
    return torch.where(nearer_lo, lo, hi)


def no_autocast(t):
    """Mixture CDFs in float64, whatever autocast does to the transformer around them."""
    return torch.autocast(device_type=t.device.type, enabled=False)


# ----------------------------------------------------------------------------------- the VAE

class Codebook(nn.Module):
    """Token k is N_k = N(mu_k, sigma_k^2 I); encoder z = mu_x + sigma_x eps; decoder p(k|z) = softmax_k log N_k(z)."""

    def __init__(self, vocab, dim):
        super().__init__()
        self.dim = dim
        self.mu = nn.Parameter(torch.randn(vocab, dim))  # [V, d]
        self.log_sigma = nn.Parameter(torch.full((vocab,), math.log(0.3)))  # [V]

    def encode(self, ids, eps):
        return self.mu[ids] + self.log_sigma[ids].exp()[..., None] * eps  # [B, T, d]

    def log_densities(self, z):
        # log N_k(z) = -|z - mu_k|^2 / (2 sigma_k^2) - d log sigma_k - d/2 log 2 pi:  [..., d] -> [..., V]
        sq = (z[..., None, :] - self.mu).square().sum(-1)  # [..., V]
        return -0.5 * sq * torch.exp(-2 * self.log_sigma) - (self.dim * self.log_sigma + self.dim * HALF_LOG_2PI)

    def decoder_log_probs(self, z):
        return self.log_densities(z).log_softmax(-1)  # log p(x = k | z), [..., V]

    def decoder_term(self, z):
        return -torch.logsumexp(self.log_densities(z), -1)  # the ELBO's decoder term, [...]


def channel_order(c):
    """out[j] = in[order[j]]: the even-indexed channels of a position first, then the odd ones."""
    return list(range(0, c, 2)) + list(range(1, c, 2))


class ChannelMix(nn.Module):
    """The permutation as buffers, so that they move with the model; not persistent: the file has no such tensor."""

    def __init__(self, c):
        super().__init__()
        order = torch.tensor(channel_order(c))
        self.register_buffer("order", order, persistent=False)  # [c]
        self.register_buffer("inverse_order", torch.argsort(order), persistent=False)  # [c]

    def mix(self, x):
        return x[..., self.order]

    def unmix(self, x):
        return x[..., self.inverse_order]


# ----------------------------------------------------------------------------------- the transformer body

class Linear(nn.Module):
    """x W + b with W stored [in, out], as in the weight file."""

    def __init__(self, n_in, n_out, std, bias=True):
        super().__init__()
        self.w = nn.Parameter(torch.randn(n_in, n_out) * std if std > 0 else torch.zeros(n_in, n_out))
        self.b = nn.Parameter(torch.zeros(n_out)) if bias else None

    def forward(self, x):
        y = x @ self.w
        return y if self.b is None else y + self.b


class LayerNorm(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.g = nn.Parameter(torch.ones(width))
        self.b = nn.Parameter(torch.zeros(width))

    def forward(self, x):
        return F.layer_norm(x, (x.shape[-1],), self.g, self.b, 1e-5)


class Block(nn.Module):
    """Pre-LayerNorm attention + MLP with the exact (erf) GELU."""

    def __init__(self, width, heads, depth):
        super().__init__()
        std, residual_std = 0.02, 0.02 / math.sqrt(2 * depth)  # GPT-2: the residual stream's variance flat in depth
        self.heads = heads
        self.ln1 = LayerNorm(width)
        self.qkv = Linear(width, 3 * width, std)
        self.proj = Linear(width, width, residual_std)
        self.ln2 = LayerNorm(width)
        self.fc = Linear(width, 4 * width, std)
        self.out = Linear(4 * width, width, residual_std)

    def attention(self, x, cache=None):
        B, N, D = x.shape
        H, hd = self.heads, D // self.heads
        qkv = self.qkv(x).reshape(B, N, 3, H, hd).permute(2, 0, 3, 1, 4)  # columns [q | k | v], heads contiguous
        q, k, v = qkv[0], qkv[1], qkv[2]  # [B, H, N, hd]
        if cache is None:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # softmax(q k^T / sqrt(hd) + mask) v
        else:
            k = cache[0] = k if cache[0] is None else torch.cat([cache[0], k], 2)  # [B, H, t+1, hd]
            v = cache[1] = v if cache[1] is None else torch.cat([cache[1], v], 2)
            y = F.scaled_dot_product_attention(q, k, v)  # one new position sees every cached one
        return self.proj(y.transpose(1, 2).reshape(B, N, D))

    def forward(self, h, cache=None):
        h = h + self.attention(self.ln1(h), cache)
        return h + self.out(F.gelu(self.fc(self.ln2(h))))


class CausalTransformer(nn.Module):
    """Slot t holds the start vector (t = 0) or in(x_{t-1}), plus pos[t]: output t sees x[:, < t] only.
    The file's `in` is `input` here (`in` is a Python keyword, which torch.export's generated code cannot name)."""

    def __init__(self, features, positions, depth, width, heads):
        super().__init__()
        self.width, self.positions, self.depth = width, positions, depth
        self.input = Linear(features, width, 1 / math.sqrt(features))
        self.sos = nn.Parameter(torch.randn(width) * 0.02)  # [D]
        self.pos = nn.Parameter(torch.randn(positions, width) * 0.02)  # [N, D]
        self.blocks = nn.ModuleList(Block(width, heads, depth) for _ in range(depth))
        self.lnf = LayerNorm(width)

    def _check(self, n):
        if n > self.positions:
            raise ValueError(f"cannot run {n} positions, the model's context is only {self.positions} positions")

    def forward(self, x):  # x [B, N, F] in flow order -> [B, N, D]
        B, N, _ = x.shape
        self._check(N)
        start = self.sos.expand(B, 1, self.width).to(x.dtype)  # [B, 1, D]
        h = torch.cat([start, self.input(x[:, :-1])], 1) if N > 1 else start  # [B, N, D]
        h = h + self.pos[:N]
        for blk in self.blocks:
            h = blk(h)
        return self.lnf(h)

    def new_cache(self):
        return {"length": 0, "kv": [[None, None] for _ in range(self.depth)]}

    def step(self, prev, batch, cache):
        """Context of slot t = cache length from the input of position t - 1, prev [B, 1, F] -> [B, 1, D]."""
        t = cache["length"]
        self._check(t + 1)
        h = self.sos.expand(batch, 1, self.width) if t == 0 else self.input(prev)
        h = h + self.pos[t:t + 1]
        for blk, kv in zip(self.blocks, cache["kv"]):
            h = blk(h, kv)
        cache["length"] = t + 1
        return self.lnf(h)


# ----------------------------------------------------------------------------------- couplings

class AffineCoupling(nn.Module):
    """h = (x - b) exp(-a), log|det| = -a; head columns [shift | log-scale]."""

    def __init__(self, width, c):
        super().__init__()
        self.c = c
        self.head = Linear(width, 2 * c, 0)  # zero: an untrained layer is the identity

    def forward(self, x, ctx):
        p = self.head(ctx)  # [B, N, 2c]
        shift, log_scale = p[..., :self.c], p[..., self.c:]
        h = (x - shift) * torch.exp(-log_scale)
        log_det = -log_scale
        return h, log_det, (std_normal_logpdf(h) + log_det).sum(-1), {"shift": shift, "logScale": log_scale}

    def log_density(self, x, ctx):
        return self.forward(x, ctx)[2]

    def step_params(self, ctx):
        return self.head(ctx)

    def inverse(self, p, h):  # p [B, 2c], h [B, c] float64
        p = p.double()
        return h * torch.exp(p[:, self.c:]) + p[:, :self.c]  # x = h exp(a) + b


class Mix1Coupling(nn.Module):
    """Per channel a K-component 1-D Gaussian mixture from the context and the channels before it (MADE head):
    h = Phi^-1(F(x)), F(x) = sum_k pi_k Phi((x - m_k) / s_k), log|dh/dx| = log p_mix(x) - log N(h)."""

    def __init__(self, width, c, k):
        super().__init__()
        self.c, self.k, self.hidden = c, k, width
        H = width
        self.made = nn.Module()  # the weight file names these layerN.made.*
        self.made.wc = nn.Parameter(torch.randn(width, H) / math.sqrt(width))  # [D, H]
        self.made.wx = nn.Parameter(torch.randn(3 * c, H) / math.sqrt(3 * c))  # [3c, H]
        self.made.b1 = nn.Parameter(torch.zeros(H))
        self.made.wo = nn.Parameter(torch.zeros(H, c * 3 * k))  # [H, c*3K], zero at the start
        bias = torch.zeros(c, 3, k)
        if k > 1:
            bias[:, 1, :] = torch.linspace(-0.5, 0.5, k)  # component means spread over [-0.5, 0.5]
        self.made.bo = nn.Parameter(bias.reshape(-1))
        degree = torch.arange(H) % c  # hidden unit j has degree m_j = j mod c
        ch = torch.arange(c)
        mask_x = (ch[:, None] < degree[None, :]).float().repeat_interleave(3, 0)  # hidden j sees channels < m_j
        mask_o = (degree[:, None] <= ch[None, :]).float().repeat_interleave(3 * k, 1)  # output i sees m_j <= i
        self.made.register_buffer("mask_x", mask_x, persistent=False)  # [3c, H]
        self.made.register_buffer("mask_o", mask_o, persistent=False)  # [H, c*3K]

    @staticmethod
    def features(x):  # [B, N, c] -> [B, N, 3c], per channel [x, elu(x), elu(-x)]
        return torch.stack([x, F.elu(x), F.elu(-x)], -1).flatten(-2)

    def mixture(self, x, ctx):
        B, N, _ = x.shape
        pre = ctx @ self.made.wc + self.made.b1 + self.features(x) @ (self.made.wx * self.made.mask_x)  # [B, N, H]
        out = gelu_tanh(pre) @ (self.made.wo * self.made.mask_o) + self.made.bo  # [B, N, c*3K]
        out = out.double().reshape(B, N, self.c, 3, self.k)  # [K logits | K means | K log-scales] per channel
        log_pi = out[..., 0, :].log_softmax(-1)
        means = out[..., 1, :]
        log_scales = LOG_SCALE_BOUND * torch.tanh(out[..., 2, :] / LOG_SCALE_BOUND)
        std = (x.double()[..., None] - means) * torch.exp(-log_scales)  # (x - m_k) / s_k, [B, N, c, K]
        log_pdf = torch.logsumexp(log_pi + std_normal_logpdf(std) - log_scales, -1)  # log p_mix(x_i), [B, N, c]
        return log_pi, means, log_scales, std, log_pdf

    def forward(self, x, ctx):
        log_pi, means, log_scales, std, log_pdf = self.mixture(x, ctx)
        h = from_tails(*mixture_tails(log_pi.exp(), std, -1))  # h = Phi^-1(F(x)), from the nearer tail
        log_det = log_pdf - std_normal_logpdf(h)
        return (h.to(x.dtype), log_det.to(x.dtype), log_pdf.sum(-1),
                {"logits": log_pi, "means": means, "scales": log_scales.exp()})

    def log_density(self, x, ctx):
        return self.mixture(x, ctx)[4].sum(-1)

    def step_params(self, ctx):
        return ctx @ self.made.wc + self.made.b1  # the context's share of the hidden pre-activation

    def inverse(self, pre, h):  # pre [B, H], h [B, c] float64
        c, k = self.c, self.k
        pre = pre.double().clone()
        wx = (self.made.wx * self.made.mask_x).double()
        wo = (self.made.wo * self.made.mask_o).double()
        bo = self.made.bo.double()
        x = torch.zeros_like(h)
        for i in range(c):
            raw = gelu_tanh(pre) @ wo[:, i * 3 * k:(i + 1) * 3 * k] + bo[i * 3 * k:(i + 1) * 3 * k]  # [B, 3K]
            pi = raw[:, :k].softmax(-1)
            m = raw[:, k:2 * k]
            s = torch.exp(LOG_SCALE_BOUND * torch.tanh(raw[:, 2 * k:] / LOG_SCALE_BOUND))
            tails = lambda v: mixture_tails(pi[:, None, :], (v[..., None] - m[:, None, :]) / s[:, None, :], -1)
            xi = solve_from_gaussian(tails, h[:, i], (m - 20 * s).min(-1).values, (m + 20 * s).max(-1).values)
            x[:, i] = xi
            feat = torch.stack([xi, F.elu(xi), F.elu(-xi)], -1)  # [B, 3]
            pre = pre + feat @ wx[3 * i:3 * i + 3]
        return x


class MixdCoupling(nn.Module):
    """The context predicts V logits per token of the patch; each token's d channels go through the mixture of
    the codebook's own Gaussians by the Rosenblatt transform: alpha^(1) = pi, F_i(x_i) = sum_k alpha_k^(i)
    Phi((x_i - mu_ki) / sigma_k), h_i = Phi^-1(F_i(x_i)), alpha^(i+1) ~ alpha^(i) N(x_i; mu_ki, sigma_k^2)."""

    def __init__(self, width, codebook, patch, vocab, dim):
        super().__init__()
        self.codebook = [codebook]  # a list: the codebook's parameters belong to the model, not to this layer
        self.P, self.V, self.d = patch, vocab, dim
        self.head = Linear(width, patch * vocab, 0)  # [D, P*V], zero: uniform weights at the start

    def logits(self, ctx):
        B, N, _ = ctx.shape
        return self.head(ctx).reshape(B, N, self.P, self.V).log_softmax(-1)  # [B, N, P, V], token-major

    def log_density(self, x, ctx):
        B, N, _ = x.shape
        cb = self.codebook[0]
        log_pi = self.logits(ctx)
        xt = x.reshape(B, N, self.P, self.d)
        # log p_mix(x) = logsumexp_k (log pi_k + log N_k(x)) per token, summed over the patch
        return torch.logsumexp(log_pi + cb.log_densities(xt), -1).sum(-1)

    def forward(self, x, ctx):
        B, N, _ = x.shape
        cb = self.codebook[0]
        log_pi = self.logits(ctx)
        x64 = x.double().reshape(B, N, self.P, 1, self.d)  # [B, N, P, 1, d]
        mu, log_sigma = cb.mu.double(), cb.log_sigma.double()[:, None]  # [V, d], [V, 1]
        std = (x64 - mu) * torch.exp(-log_sigma)  # (x_i - mu_ki) / sigma_k, [B, N, P, V, d]
        log_n1 = std_normal_logpdf(std) - log_sigma  # log N(x_i; mu_ki, sigma_k^2)
        before = log_n1.cumsum(-1) - log_n1  # sum_{j<i}, exclusive
        log_alpha = (log_pi.double()[..., None] + before).log_softmax(-2)  # log alpha^(i), [B, N, P, V, d]
        log_cond = torch.logsumexp(log_alpha + log_n1, -2)  # log p(x_i | x_<i), [B, N, P, d]
        h = from_tails(*mixture_tails(log_alpha.exp(), std, -2))  # h_i = Phi^-1(F_i(x_i)), from the nearer tail
        log_det = log_cond - std_normal_logpdf(h)  # log dh_i/dx_i = log p(x_i | x_<i) - log N(h_i)
        c = self.P * self.d
        return (h.reshape(B, N, c).to(x.dtype), log_det.reshape(B, N, c).to(x.dtype),
                log_cond.sum((-1, -2)).to(x.dtype), {"logits": log_pi})

    def step_params(self, ctx):
        return self.head(ctx)

    def inverse(self, logits, h):  # logits [B, P*V], h [B, P*d] float64
        B = h.shape[0]
        cb = self.codebook[0]
        mu, sigma = cb.mu.double(), cb.log_sigma.double().exp()  # [V, d], [V]
        log_alpha = logits.double().reshape(B, self.P, self.V).log_softmax(-1)  # alpha^(1) = pi
        hp = h.reshape(B, self.P, self.d)
        x = torch.zeros_like(hp)
        for i in range(self.d):  # the tokens of a patch are independent given the context: solved together
            alpha = log_alpha.exp()
            tails = lambda v: mixture_tails(alpha[..., None, :], (v[..., None] - mu[:, i]) / sigma, -1)
            lo = torch.full((B, self.P), float((mu[:, i] - 20 * sigma).min()), dtype=torch.float64, device=h.device)
            hi = torch.full((B, self.P), float((mu[:, i] + 20 * sigma).max()), dtype=torch.float64, device=h.device)
            xi = solve_from_gaussian(tails, hp[..., i], lo, hi)
            x[..., i] = xi
            log_alpha = (log_alpha + std_normal_logpdf((xi[..., None] - mu[:, i]) / sigma) - sigma.log()).log_softmax(-1)
        return x.reshape(B, self.P * self.d)


# ----------------------------------------------------------------------------------- one flow layer

class FlowLayer(nn.Module):
    """A causal transformer over the positions in the layer's direction and a coupling. Arrays in and out are in
    sequence order; a right-to-left layer flips them and adds pos[0..N) in flow order."""

    def __init__(self, lc, mc, codebook):
        super().__init__()
        self.lc, self.mc = lc, mc
        self.codebook = [codebook]
        c = mc.channels
        features = c + (mc.patchSize * mc.vocabSize if lc.input == "posterior" else 0)
        self.body = CausalTransformer(features, mc.positions, lc.depth, lc.width, lc.heads)
        if lc.coupling == "affine":
            self.coupling = AffineCoupling(lc.width, c)
        elif lc.coupling == "mix1":
            self.coupling = Mix1Coupling(lc.width, c, lc.components)
        else:
            self.coupling = MixdCoupling(lc.width, codebook, mc.patchSize, mc.vocabSize, mc.latentDim)

    @property
    def reversed(self):
        return self.lc.direction == "rtl"

    def flow_order(self, a):
        return a.flip(1) if self.reversed and a is not None else a

    def features(self, x):
        """What the transformer reads of each position: x [B, N, c], or [x | p(k | z_j) for the P tokens j]."""
        if self.lc.input == "latent":
            return x
        B, N, _ = x.shape
        z = x.reshape(B, N, self.mc.patchSize, self.mc.latentDim)
        post = self.codebook[0].decoder_log_probs(z).exp()  # probabilities, not logs, [B, N, P, V]
        return torch.cat([x, post.reshape(B, N, -1).to(x.dtype)], -1)

    def forward(self, x):
        """Full forward map, x [B, N, c] -> h, per-channel log-dets [B, N, c], log density [B, N], parameters."""
        xf = self.flow_order(x)
        ctx = self.body(self.features(xf))
        with no_autocast(ctx):  # autocast reaches the transformer only: the couplings keep their float64 CDFs
            h, log_det, log_density, params = self.coupling(xf, ctx.to(xf.dtype))
        return (self.flow_order(h), self.flow_order(log_det), self.flow_order(log_density),
                {k: self.flow_order(v) for k, v in params.items()})

    def log_density(self, x):
        """Only log p_layer(x) per position [B, N] (a last layer's share; no Phi^-1 needed)."""
        xf = self.flow_order(x)
        ctx = self.body(self.features(xf))
        with no_autocast(ctx):
            return self.flow_order(self.coupling.log_density(xf, ctx.to(xf.dtype)))

    @torch.no_grad()
    def inverse(self, h, fixed=None, is_fixed=None):
        """x from h one position at a time in the layer's direction, with the key/value cache. h [B, N, c]
        (sequence order, float64); where is_fixed[n], x[:, n] = fixed[:, n] rather than inverted."""
        B, N, c = h.shape
        dtype = next(self.parameters()).dtype
        x = torch.zeros(B, N, c, dtype=torch.float64, device=h.device)
        cache = self.body.new_cache()
        prev = None
        for t in range(N):
            idx = N - 1 - t if self.reversed else t
            ctx = self.body.step(None if prev is None else self.features(prev), B, cache)  # [B, 1, D]
            sp = self.coupling.step_params(ctx)[:, 0]  # [B, k], in the weights' type (Java copies float32 to the host)
            if fixed is not None and is_fixed[idx]:
                x[:, idx] = fixed[:, idx].double()
            else:
                x[:, idx] = self.coupling.inverse(sp, h[:, idx].double())
            prev = x[:, idx:idx + 1].to(dtype)  # the next slot reads x in the weights' type (float32, as the Java host copies it)
        return x


# ----------------------------------------------------------------------------------- the models

class Pretrained:
    """What both models share: model folders (from_pretrained, save_pretrained), state_dict() under the weight file's
    names, and generate_text, the prompt layout around their id-level generate."""

    def use_file_names(self):
        """state_dict() names tensors as the weight file does, and load_state_dict() takes those names: the file's
        tensors load with model.load_state_dict(tensors). Called at the end of a model's __init__."""
        self.register_state_dict_post_hook(to_file_names)
        self.register_load_state_dict_pre_hook(from_file_names)

    @classmethod
    def from_pretrained(cls, folder, device="cpu", dtype=torch.float32):
        """The model of a model folder (docs/FORMAT.md), its weights checked against its config, in eval mode."""
        from . import folder as folders
        return folders.load(folder, device, dtype, expect=cls)

    def save_pretrained(self, folder):
        """Writes the model folder: config.json, model.safetensors (float32, as FORMAT section 2 says) and, where the
        folder has none, a card.md naming the layout (a trained run's measured card is `bin/tarflowlm card`'s)."""
        from . import folder as folders
        folders.save(self, folder)
        card = os.path.join(folder, folders.CARD)
        if not os.path.exists(card):
            from .safetensors import atomic_write
            atomic_write(card, [layout_card(self, os.path.basename(os.path.normpath(folder))).encode("utf-8")])

    def generate_text(self, prompt, max_new_chars, temperature=1.0, generator=None, **options):
        """The prompt and max_new_chars characters after it, as one string; returns (text, iterations).

        The prompt is any text: normalized (FORMAT section 1), and a flow's padded in front with spaces to whole
        patches, as the Java generator lays it out; text begins with the prompt as the model read it. The noise
        comes from generator, by default a stream seeded 1 (the command line's --seed 1). options: a flow's
        max_iterations and on_pass."""
        from .config import decode, encode, normalize
        from .evaluate import stream
        if not isinstance(prompt, str):
            raise TypeError(f"prompt must be a str, got {type(prompt).__name__}")
        if isinstance(max_new_chars, bool) or not isinstance(max_new_chars, int) or max_new_chars < 1:
            raise ValueError(f"max_new_chars must be an integer of at least 1, got {max_new_chars!r}")
        if not 0 < temperature <= 10:
            raise ValueError(f"temperature must be in (0, 10], got {temperature}")
        norm = normalize(prompt)
        P = 1 if self.config.is_baseline else self.config.patchSize
        read = " " * ((P - len(norm) % P) % P) + norm if norm else ""
        ids, iterations = self.generate(encode(read), max_new_chars, temperature,
                                        generator if generator is not None else stream(1, "generate"), **options)
        return decode(ids), iterations


class TarFlowLM(Pretrained, nn.Module):
    def __init__(self, mc):
        super().__init__()
        if mc.is_baseline:
            raise ValueError("an ar-baseline config describes a DiscreteLM, not a TarFlowLM")
        self.config = mc
        self.codebook = Codebook(mc.vocabSize, mc.latentDim)
        self.layers = nn.ModuleList(FlowLayer(lc, mc, self.codebook) for lc in mc.layers)
        self.channel_mix = ChannelMix(mc.channels)
        self.use_file_names()

    def forward(self, ids, eps=None, active=None, generator=None):
        """The loss in bits per character, -ELBO / (B T ln 2), of ids [B, T]: what training minimizes and, with
        eval's noise, what eval reports for a window. eps [B, T, d] is the encoder noise, drawn from generator (torch's
        default generator when None) where not given; active: train only the first `active` layers' prior."""
        B, T = ids.shape
        if eps is None:
            eps = torch.randn(B, T, self.config.latentDim, generator=generator, dtype=self.codebook.mu.dtype)
        return -self.elbo(ids, eps.to(ids.device), active).sum() / (B * T * math.log(2))

    def to_positions(self, z):  # [B, T, d] -> [B, T/P, P*d], token-major
        B, T, _ = z.shape
        return z.reshape(B, T // self.config.patchSize, self.config.channels)

    def to_tokens(self, a, layer):  # layer `layer`'s channel space back to tokens: [B, N, c] -> [B, T, d]
        for _ in range(layer):
            a = self.channel_mix.unmix(a)
        B, N, _ = a.shape
        return a.reshape(B, N * self.config.patchSize, -1)

    def log_prob(self, z, active=None):
        """log p(z) per sequence under the first `active` layers (training's path): z [B, T, d] -> [B]."""
        active = active or len(self.config.layers)
        x = self.to_positions(z)
        total = 0
        for l, layer in enumerate(self.layers[:active]):
            if l > 0:
                x = self.channel_mix.mix(x)
            if l == active - 1:
                total = total + layer.log_density(x).sum(1)  # its log N(u) + log|det|: the layer's own density
            else:
                h, log_det, _, _ = layer(x)
                total = total + log_det.sum((1, 2))
                x = h
        return total

    def forward_trace(self, z):
        """Every layer's input and output: z [B, T, d] -> inputs, outputs, log-dets, params, log N(u), log p(z)."""
        x = self.to_positions(z)
        inputs, outputs, log_dets, params = [], [], [], []
        log_p = 0
        for l, layer in enumerate(self.layers):
            if l > 0:
                x = self.channel_mix.mix(x)
            inputs.append(x)
            h, log_det, _, p = layer(x)
            outputs.append(h)
            log_dets.append(log_det)
            params.append(p)
            log_p = log_p + log_det.sum((1, 2))
            x = h
        base = std_normal_logpdf(x)  # log N(u), [B, N, c]
        return {"inputs": inputs, "outputs": outputs, "log_dets": log_dets, "params": params, "base": base,
                "log_prob": log_p + base.sum((1, 2))}

    def elbo(self, ids, eps, active=None):
        """Single-sample ELBO in nats per sequence: sum_t [-logsumexp_j log N_j(z_t)] + log p(z), z = mu + sigma eps."""
        z = self.codebook.encode(ids, eps)
        dec = self.codebook.decoder_term(z).sum(1)
        return self.log_prob(z, active) + dec

    def decode(self, positions, layer):
        """Argmax text of a state in layer `layer`'s channel space: [1, N, c]."""
        from .config import decode
        z = self.to_tokens(positions.to(self.codebook.mu.dtype), layer)
        return decode(self.codebook.decoder_log_probs(z)[0].argmax(-1).tolist())

    @torch.no_grad()
    def invert(self, u, fixed=None, is_fixed=None, on_pass=None):
        """Inverts every layer from the last to the first: u [B, N, c] -> z [B, N, c] (float64);
        on_pass(l, x) hears each layer's inverse in its own channel space."""
        cur = u.double()
        for l in reversed(range(len(self.config.layers))):
            x = self.layers[l].inverse(cur, None if fixed is None else fixed[l], is_fixed)
            if on_pass:
                on_pass(l, x)
            cur = self.channel_mix.unmix(x) if l > 0 else x
        return cur

    @torch.no_grad()
    def generate(self, prompt_ids, length, temperature, generator, max_iterations=8, on_pass=None):
        """Draws u ~ N(0, tau^2 I) and inverts the flow. A prompt's latents are fixed to the codebook means; each
        pass keeps the prompt positions at what the forward flow gives for the current whole sequence and inverts
        the continuation only, until the decoded continuation stops changing. Returns (ids, iterations)."""
        cfg = self.config
        P, c = cfg.patchSize, cfg.channels
        dev = self.codebook.mu.device
        T = (len(prompt_ids) + length + P - 1) // P * P
        if T > cfg.seqLen:
            raise ValueError(f"prompt ({len(prompt_ids)} characters) plus length ({length}) is more than the "
                             f"model's context of {cfg.seqLen} characters")
        N, m = T // P, len(prompt_ids) // P
        u = temperature * torch.randn(1, N, c, generator=generator, dtype=torch.float64).to(dev)  # u ~ N(0, tau^2 I)
        is_fixed = [i < m for i in range(N)]
        z = torch.zeros(1, N, c, dtype=torch.float64, device=dev)
        if m:
            ids = torch.tensor([prompt_ids], device=dev)
            z[:, :m] = self.to_positions(self.codebook.mu[ids]).double()
        iterations, continuation = 0, None
        while iterations < (max_iterations if m else 1):
            fixed = None
            if m:
                tr = self.forward_trace(z.reshape(1, T, cfg.latentDim).to(self.codebook.mu.dtype))
                fixed = tr["inputs"]
            z = self.invert(u, fixed, is_fixed, on_pass)
            iterations += 1
            text = self.decode(z, 0)
            if text[len(prompt_ids):] == continuation:
                break
            continuation = text[len(prompt_ids):]
        zt = self.to_tokens(z.to(self.codebook.mu.dtype), 0)
        return self.codebook.decoder_log_probs(zt)[0].argmax(-1).tolist()[:len(prompt_ids) + length], iterations


class DiscreteLM(Pretrained, nn.Module):
    """The baseline: the same body with one-hot characters through `body.in.w` and V logits as its head."""

    def __init__(self, mc):
        super().__init__()
        if not mc.is_baseline:
            raise ValueError("a DiscreteLM needs an ar-baseline config")
        self.config = mc
        lc = mc.layers[0]
        self.body = CausalTransformer(mc.vocabSize, mc.seqLen, mc.total_depth, lc.width, lc.heads)
        self.head = Linear(lc.width, mc.vocabSize, 0)
        self.use_file_names()

    def forward(self, ids, eps=None, active=None, generator=None):
        """The loss in bits per character, -log p(ids) / (B T ln 2), exact; eps, active and generator are the flow's
        arguments, unused here, so that one training loop calls both models alike."""
        B, T = ids.shape
        return -self.log_prob(ids).sum() / (B * T * math.log(2))

    def log_probs(self, ids):  # log p(x_t | x_<t): [B, T] -> [B, T, V]
        x = F.one_hot(ids, self.config.vocabSize).to(self.head.w.dtype)
        return self.head(self.body(x)).to(self.head.w.dtype).log_softmax(-1)

    def log_prob(self, ids):  # log p(x) per sequence, [B]
        return self.log_probs(ids).gather(-1, ids[..., None]).sum((1, 2))

    @torch.no_grad()
    def generate(self, prompt_ids, length, temperature, generator):
        total = len(prompt_ids) + length
        if total > self.config.seqLen:
            raise ValueError(f"prompt ({len(prompt_ids)} characters) plus length ({length}) is more than the "
                             f"model's context of {self.config.seqLen} characters")
        dev = self.head.w.device
        ids = list(prompt_ids)
        cache = self.body.new_cache()
        prev = None
        for t in range(total):
            ctx = self.body.step(prev, 1, cache)
            if t < len(prompt_ids):
                nxt = ids[t]
            else:
                probs = (self.head(ctx)[0, 0].double() / temperature).softmax(-1).cpu()
                nxt = int(torch.multinomial(probs, 1, generator=generator))
                ids.append(nxt)
            prev = F.one_hot(torch.tensor([[nxt]], device=dev), self.config.vocabSize).to(self.head.w.dtype)
        return ids, 1


def weight_name(module_name):
    """The weight file's name of a parameter (FORMAT section 4): a layer's body and coupling sit under its prefix,
    layers.0.body.blocks.1.qkv.w is layer0.block1.qkv.w, layers.0.coupling.head.w is layer0.head.w, and a body's
    input is `in` (layers.0.body.input.w is layer0.in.w; the baseline's body.input.w is body.in.w)."""
    name = re.sub(r"^layers\.(\d+)\.(body|coupling)\.", r"layer\1.", module_name)
    name = re.sub(r"(^|\.)blocks\.(\d+)\.", r"\1block\2.", name)
    return re.sub(r"(^|\.)input\.", r"\1in.", name)


def named_weights(model):
    """The parameters under the weight file's names (no buffer is in the file)."""
    return {weight_name(n): p for n, p in model.named_parameters()}


def to_file_names(module, state_dict, prefix, local_metadata):
    """state_dict's post-hook: the module's entries (those under prefix, where it sits in a larger module) renamed."""
    renamed = [(prefix + weight_name(k[len(prefix):]) if k.startswith(prefix) else k, v) for k, v in state_dict.items()]
    state_dict.clear()
    state_dict.update(renamed)


def from_file_names(module, state_dict, prefix, *_):
    """load_state_dict's pre-hook: the weight file's names under prefix back to the module's."""
    names = {weight_name(n): n for n, _ in module.named_parameters()}
    for key in [k for k in state_dict if k.startswith(prefix) and k[len(prefix):] in names]:
        state_dict[prefix + names[key[len(prefix):]]] = state_dict.pop(key)


def layout_card(model, name):
    """A card.md for a folder that has none: what the model is, not what it measures."""
    mc = model.config
    n = sum(p.numel() for p in model.parameters())
    if mc.is_baseline:
        lc = mc.layers[0]
        layout = [f"- the discrete baseline: {mc.total_depth} blocks, width {lc.width}, {lc.heads} heads"]
    else:
        layout = [f"- layer {l + 1}: {lc.coupling}, {'left to right' if lc.direction == 'ltr' else 'right to left'}, "
                  f"{lc.depth} block(s), width {lc.width}, {lc.heads} heads"
                  + (f", K = {lc.components}" if lc.coupling == "mix1" else "")
                  + (", reads p(k | z)" if lc.input == "posterior" else "") for l, lc in enumerate(mc.layers)]
    head = (f"# {name}\n\n{mc.type}, {n:,} parameters, context {mc.seqLen} characters"
            + ("" if mc.is_baseline else f", d = {mc.latentDim}, P = {mc.patchSize}") + ":\n\n")
    return (head + "\n".join(layout) + "\n\nWritten by the PyTorch twin's save_pretrained, which measures nothing; "
            "`bin/tarflowlm card --run RUN --model FOLDER` writes a trained run's measured card.\n")


def create(mc, dtype=torch.float32, seed=None):
    """A freshly initialised model; the seed (default: the config's) makes it the same on every rank."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(mc.seed if seed is None else seed)
        model = DiscreteLM(mc) if mc.is_baseline else TarFlowLM(mc)
    return model.to(dtype)
