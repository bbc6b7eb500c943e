"""The models as ordinary nn.Modules: from_pretrained / save_pretrained, state_dict() under the weight file's names,
forward returning the loss in bits per character, and torch.compile of it."""
import importlib.util
import os
import shutil
import tempfile
import unittest

import torch

from common import FIXTURES, ROOT, fixture, write_splits

from tarflowlm import corpus, folder, safetensors
from tarflowlm.config import encode, normalize, read_model_config, read_train_config
from tarflowlm.evaluate import evaluate, stream
from tarflowlm.model import DiscreteLM, TarFlowLM, create
from tarflowlm.train import Trainer

MODELS = os.path.join(ROOT, "models")


def window(model):
    """The first context's worth of the eval fixture: one whole window, so eval's bpc is that window's loss."""
    text = normalize(fixture("eval.txt")).strip()[:model.config.seqLen]
    return text, torch.tensor([encode(text)])


class ModuleTest(unittest.TestCase):
    def test_save_pretrained_then_from_pretrained_is_the_same_model_bit_for_bit(self):
        with tempfile.TemporaryDirectory(prefix="tarflowlm-module-") as d:
            for name, cls in (("mixd-p1", TarFlowLM), ("ar-baseline", DiscreteLM)):
                with self.subTest(model=name):
                    a = cls.from_pretrained(os.path.join(MODELS, name))
                    out = os.path.join(d, name)
                    a.save_pretrained(out)
                    b = cls.from_pretrained(out)
                    self.assertEqual(list(a.state_dict()), list(b.state_dict()))
                    self.assertTrue(all(torch.equal(a.state_dict()[n], t) for n, t in b.state_dict().items()))
                    self.assertEqual(read_model_config(os.path.join(out, "config.json")), a.config)
                    with open(os.path.join(MODELS, name, "model.safetensors"), "rb") as f, \
                            open(os.path.join(out, "model.safetensors"), "rb") as g:
                        self.assertEqual(f.read(), g.read(), "the weight file is not the Java writer's, byte for byte")
                    with open(os.path.join(out, "card.md")) as f:
                        self.assertIn(f"{sum(p.numel() for p in a.parameters()):,} parameters", f.read())

    def test_save_pretrained_keeps_a_folders_card(self):
        with tempfile.TemporaryDirectory(prefix="tarflowlm-module-") as d:
            out = os.path.join(d, "mixd-p1")
            shutil.copytree(os.path.join(MODELS, "mixd-p1"), out)
            TarFlowLM.from_pretrained(out).save_pretrained(out)
            with open(os.path.join(MODELS, "mixd-p1", "card.md")) as f, open(os.path.join(out, "card.md")) as g:
                self.assertEqual(f.read(), g.read())

    def test_from_pretrained_takes_device_and_dtype_and_refuses_the_other_kind(self):
        m = TarFlowLM.from_pretrained(os.path.join(MODELS, "mixd-p1"), device="cpu", dtype=torch.float64)
        self.assertEqual({p.dtype for p in m.parameters()}, {torch.float64})
        self.assertFalse(m.training)
        with self.assertRaisesRegex(safetensors.ModelFormatError, "holds a ar-baseline model, not a TarFlowLM"):
            TarFlowLM.from_pretrained(os.path.join(MODELS, "ar-baseline"))

    def test_a_weight_file_of_another_major_format_version_is_refused(self):
        with tempfile.TemporaryDirectory(prefix="tarflowlm-module-") as d:
            tensors = safetensors.read(os.path.join(MODELS, "mixd-p1", "model.safetensors"))
            for fmt, refused in (("tarflowlm/2", True), ("tarflowlm/10", True), ("tarflowlm/1.1", False), (None, False)):
                with self.subTest(format=fmt):
                    out = os.path.join(d, str(fmt).replace("/", "-"))
                    shutil.copytree(os.path.join(MODELS, "mixd-p1"), out)
                    meta = {"type": "tarflowlm"} if fmt is None else {"format": fmt, "type": "tarflowlm"}
                    safetensors.write(os.path.join(out, "model.safetensors"), tensors, meta)
                    if refused:
                        with self.assertRaisesRegex(safetensors.ModelFormatError,
                                                    f"is in format {fmt}, and this version of the PyTorch twin reads "
                                                    "tarflowlm/1 only"):
                            TarFlowLM.from_pretrained(out)
                    else:
                        TarFlowLM.from_pretrained(out)

    def test_load_state_dict_takes_the_weight_file(self):
        for name in ("mixd-p1", "mix1-p1", "ar-baseline"):
            with self.subTest(model=name):
                path = os.path.join(MODELS, name, "model.safetensors")
                tensors = safetensors.read(path)
                m = create(read_model_config(os.path.join(MODELS, name, "config.json")))  # fresh, random weights
                self.assertEqual(sorted(m.state_dict()), sorted(tensors))  # the file's names, no more, no fewer
                m.load_state_dict(tensors)  # strict: every name matched both ways
                shipped = folder.load(os.path.join(MODELS, name))
                self.assertTrue(all(torch.equal(t, shipped.state_dict()[n]) for n, t in m.state_dict().items()))

    def test_no_submodule_is_named_in_and_the_channel_order_is_a_buffer_outside_the_file(self):
        m = TarFlowLM.from_pretrained(os.path.join(MODELS, "mixd-p1"))
        self.assertNotIn("in", {n.rsplit(".", 1)[-1] for n, _ in m.named_modules()})
        self.assertIn("channel_mix.order", dict(m.named_buffers()))
        self.assertFalse([n for n in m.state_dict() if "order" in n or "mask" in n])

    def test_forward_is_evals_bits_per_character(self):
        for name in ("mixd-p1", "ar-baseline"):
            with self.subTest(model=name):
                m = folder.load(os.path.join(MODELS, name))
                text, ids = window(m)
                eps = torch.randn(1, len(text), m.config.latentDim, generator=stream(1, "eval", 0, 0))
                with torch.no_grad():
                    loss = m(ids, eps).item()
                self.assertAlmostEqual(loss, evaluate(m, text)["bpc"], delta=1e-6)

    def test_forward_draws_its_noise_from_the_generator(self):
        m = folder.load(os.path.join(MODELS, "mixd-p1"))
        _, ids = window(m)
        with torch.no_grad():
            a, b = (m(ids, generator=torch.Generator().manual_seed(7)) for _ in range(2))
            c = m(ids, generator=torch.Generator().manual_seed(8))
        self.assertEqual(a.item(), b.item())
        self.assertNotEqual(a.item(), c.item())

    @unittest.skipUnless(importlib.util.find_spec("filelock"), "torch.compile needs the filelock package, which this "
                         "environment lacks (python/README.md, Install)")
    def test_compiled_forward_equals_eager(self):
        """On the small DDP fixture's layout (Mix-d with posterior input and Mix-1): compiling mixd-p1 took 67 s here."""
        torch._dynamo.reset()
        m = create(read_train_config(os.path.join(FIXTURES, "ddp.train.json")).model).eval()
        g = torch.Generator().manual_seed(3)
        ids = torch.randint(0, 27, (2, m.config.seqLen), generator=g)
        eps = torch.randn(2, m.config.seqLen, m.config.latentDim, generator=g)
        with torch.no_grad():
            eager = m(ids, eps).item()
            compiled = torch.compile(m)(ids, eps).item()
        print(f"\ntorch.compile: {compiled:.9f} against eager {eager:.9f} bits per character")
        self.assertAlmostEqual(compiled, eager, delta=1e-5)

    @unittest.skipUnless(importlib.util.find_spec("filelock"), "torch.compile needs the filelock package, which this "
                         "environment lacks (python/README.md, Install)")
    def test_compiled_training_follows_eager(self):
        """train --compile: 3 float64 steps of the DDP fixture with compiled bodies end where eager ones do."""
        with tempfile.TemporaryDirectory(prefix="tarflowlm-module-") as d:
            splits = corpus.load(write_splits(os.path.join(d, "splits")))
            tc = read_train_config(os.path.join(FIXTURES, "ddp.train.json"))
            weights = []
            for compiled in (False, True):
                torch._dynamo.reset()
                t = Trainer(tc, os.path.join(d, f"run-{compiled}"), splits, torch.device("cpu"), log=lambda *_: None,
                            compile=compiled)
                t.run(max_steps=3)
                weights.append({n: p.detach().clone() for n, p in t.params.items()})
        worst = max((weights[0][n] - weights[1][n]).abs().max().item() for n in weights[0])
        print(f"\ntrain --compile: 3 float64 steps, largest parameter difference from eager {worst:.1e}")
        self.assertLessEqual(worst, 1e-9)


if __name__ == "__main__":
    unittest.main()
