"""DistributedDataParallel: 2 gloo ranks of batch B step exactly as 1 rank of batch 2B on the same samples.

The fixture trains in float64, so that what is compared is the data and gradient split, not the order in
which float32 sums round (in float32 the two runs drifted apart by 1.8e-5 in 5 steps)."""
import os
import subprocess
import sys
import tempfile
import unittest

from common import FIXTURES, ROOT, python_cli, write_splits

from tarflowlm import folder, safetensors
from tarflowlm.config import read_train_config
from tarflowlm.model import create, named_weights

CONFIG = os.path.join(FIXTURES, "ddp.train.json")


class DdpTest(unittest.TestCase):
    def test_two_ranks_of_batch_b_equal_one_rank_of_batch_2b(self):
        with tempfile.TemporaryDirectory(prefix="tarflowlm-ddp-") as d:
            splits = write_splits(os.path.join(d, "splits"))
            two, one = os.path.join(d, "two"), os.path.join(d, "one")
            env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"), OMP_NUM_THREADS="1")
            r = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
                                "-m", "tarflowlm", "train", "--config", CONFIG, "--run-dir", two, "--splits", splits,
                                "--device", "cpu", "--batch", "4", "--max-steps", "5", "--threads", "1"],
                               cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
            self.assertEqual(r.returncode, 0, r.stdout[-2000:] + r.stderr[-3000:])
            self.assertIn("x 2 rank(s)", r.stdout)
            python_cli("train", "--config", CONFIG, "--run", one, "--splits", splits, "--device", "cpu", "--batch", 8,
                       "--max-steps", 5, "--threads", 1)
            a = safetensors.read(os.path.join(two, "checkpoint.safetensors"))
            b = safetensors.read(os.path.join(one, "checkpoint.safetensors"))
            names = [n for n in a if not n.startswith("adam.")]
            self.assertEqual(sorted(a), sorted(b))
            worst = max((a[n] - b[n]).abs().max().item() for n in names)
            start = named_weights(create(read_train_config(CONFIG).model))
            moved = max((a[n] - start[n].detach()).abs().max().item() for n in names)
            print(f"\nDDP: 2 ranks x 4 against 1 rank x 8 after 5 steps: max |difference| {worst:.1e} "
                  f"(the weights moved {moved:.1e} from their start)")
            self.assertGreater(moved, 1e-3, "the 5 steps changed nothing")
            self.assertLessEqual(worst, 1e-5)


if __name__ == "__main__":
    unittest.main()
