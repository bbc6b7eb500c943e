"""The PyTorch model on its own: round trips, cached steps, causality and log-dets (design page, section 7)."""
import unittest

import torch

import common  # noqa: F401  (puts python/ on the path, one thread)

from tarflowlm.config import LayerConfig, ModelConfig
from tarflowlm.model import create


def config(coupling, P, direction, inp="latent", T=8):
    first = LayerConfig(coupling, direction, 1, 16, 2, 2 if coupling == "mix1" else 0, inp)
    second = LayerConfig("mix1", "rtl" if direction == "ltr" else "ltr", 1, 16, 2, 2)
    return ModelConfig("tarflowlm", 27, 3, P, T, [first, second], 1)


def perturbed(mc, dtype=torch.float64):
    """A model whose zero-initialised heads are not zero, so that every coupling does something."""
    torch.manual_seed(0)
    m = create(mc, dtype)
    with torch.no_grad():
        for n, p in m.named_parameters():
            if "head" in n or "made.wo" in n:
                p.add_(0.1 * torch.randn_like(p))  # log-scales of about 0.4: no mixture tail is clamped
    return m


def sample(m, T=8, B=2):
    g = torch.Generator().manual_seed(1)
    ids = torch.randint(0, 27, (B, T), generator=g)
    return m.codebook.encode(ids, torch.randn(B, T, m.config.latentDim, generator=g, dtype=m.codebook.mu.dtype)).detach()


CASES = [(c, P, d, i) for c in ("affine", "mix1", "mixd") for P in (1, 2) for d in ("ltr", "rtl")
         for i in ("latent", "posterior")]


class ModelTest(unittest.TestCase):
    def test_inverse_of_forward_is_the_identity(self):
        for c, P, d, i in CASES:
            with self.subTest(coupling=c, P=P, direction=d, input=i):
                m = perturbed(config(c, P, d, i))
                z = sample(m)
                with torch.no_grad():
                    tr = m.forward_trace(z)
                back = m.to_tokens(m.invert(tr["outputs"][-1]), 0)
                self.assertLessEqual((back - z).abs().max().item(), 1e-6)

    def test_log_det_equals_the_jacobian(self):
        for c, P, d, i in CASES:
            with self.subTest(coupling=c, P=P, direction=d, input=i):
                m = perturbed(config(c, P, d, i, T=4))
                layer = m.layers[0]
                x = m.to_positions(sample(m, T=4, B=1))
                jac = torch.autograd.functional.jacobian(lambda v: layer(v)[0], x).reshape(x.numel(), x.numel())
                with torch.no_grad():
                    log_det = layer(x)[1].sum().item()
                self.assertAlmostEqual(torch.linalg.slogdet(jac)[1].item(), log_det, delta=1e-5)

    def test_no_output_depends_on_a_later_input(self):
        for c, P, d, i in CASES:
            with self.subTest(coupling=c, P=P, direction=d, input=i):
                m = perturbed(config(c, P, d, i))
                layer = m.layers[0]
                x = m.to_positions(sample(m, B=1))
                j = 2
                y = x.clone()
                y[0, j] += 0.5
                with torch.no_grad():
                    a, b = layer(x)[0], layer(y)[0]
                earlier = slice(0, j) if d == "ltr" else slice(j + 1, None)
                self.assertLessEqual((a[:, earlier] - b[:, earlier]).abs().max().item(), 1e-12)
                self.assertGreater((a[:, j] - b[:, j]).abs().max().item(), 1e-3)

    def test_cached_step_equals_the_whole_sequence(self):
        m = perturbed(config("mixd", 2, "ltr", "posterior"))
        body = m.layers[0].body
        x = m.layers[0].features(m.to_positions(sample(m, B=1)))
        with torch.no_grad():
            whole = body(x)
            cache = body.new_cache()
            steps = [body.step(None if t == 0 else x[:, t - 1:t], 1, cache) for t in range(x.shape[1])]
        self.assertLessEqual((torch.cat(steps, 1) - whole).abs().max().item(), 1e-10)

    def test_posterior_sums_to_one_and_untrained_mixd_costs_log2_27(self):
        mc = ModelConfig("tarflowlm", 27, 5, 1, 64, [LayerConfig("mixd", "ltr", 1, 16, 2, 0)], 1)
        m = create(mc, torch.float64)
        with torch.no_grad():
            m.codebook.log_sigma.fill_(-4.0)  # well-separated means
            z = sample(m, T=64)
            self.assertLessEqual((m.codebook.decoder_log_probs(z).exp().sum(-1) - 1).abs().max().item(), 1e-12)
            ids = torch.randint(0, 27, (2, 64), generator=torch.Generator().manual_seed(2))
            bits = -m.elbo(ids, torch.randn(2, 64, 5, dtype=torch.float64)).mean().item() / 64 / 0.6931471805599453
        self.assertAlmostEqual(bits, 4.7549, delta=0.01)

    def test_generation_writes_the_asked_length_after_the_prompt(self):
        m = perturbed(config("mixd", 2, "ltr", T=16), torch.float32)
        from tarflowlm.config import encode
        ids, iters = m.generate(encode(" the"), 6, 1.0, torch.Generator().manual_seed(3))
        self.assertEqual(len(ids), 10)
        self.assertEqual(ids[:4], encode(" the"))
        self.assertGreaterEqual(iters, 1)

    def test_generate_text_lays_out_the_prompt_and_checks_its_input(self):
        from tarflowlm.config import decode, encode
        flow = perturbed(config("mixd", 2, "ltr", T=16), torch.float32)
        baseline = create(ModelConfig("ar-baseline", 27, 3, 1, 16, [LayerConfig("affine", "ltr", 1, 16, 2)], 1))
        with torch.no_grad():
            text, iters = flow.generate_text("Thé", 6, 1.0, torch.Generator().manual_seed(3))
            # normalized and, P = 2, padded in front to whole patches: the id-level call with the same stream
            self.assertEqual(text, decode(flow.generate(encode(" the"), 6, 1.0, torch.Generator().manual_seed(3))[0]))
            self.assertEqual((len(text), text[:4]), (10, " the"))
            text, _ = baseline.generate_text("Thé", 5, 0.5)
            self.assertEqual((len(text), text[:3]), (8, "the"))  # P = 1: no padding
            for args, error in ((("x", 0), ValueError), (("x", 2.0), ValueError), (("x", 3, -1.0), ValueError),
                                (([1, 2], 3), TypeError)):
                with self.subTest(args=args), self.assertRaises(error):
                    flow.generate_text(*args)


if __name__ == "__main__":
    unittest.main()
