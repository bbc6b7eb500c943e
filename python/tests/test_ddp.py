"""DistributedDataParallel: 2 gloo ranks of batch B step exactly as 1 rank of batch 2B on the same samples.

The fixture trains in float64, so that what is compared is the data and gradient split, not the order in
which float32 sums round (in float32 the two runs drifted apart by 1.8e-5 in 5 steps)."""
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

from common import FIXTURES, ROOT, python_cli, write_splits

import torch

from tarflowlm import safetensors
from tarflowlm.config import read_train_config
from tarflowlm.model import create, named_weights

CONFIG = os.path.join(FIXTURES, "ddp.train.json")
WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ddp_worker.py")


def start_ranks(command, world=2):
    """`world` processes of command with torchrun's environment; returns the Popen objects."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    procs = []
    for rank in range(world):
        env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"), OMP_NUM_THREADS="1", MASTER_ADDR="127.0.0.1",
                   MASTER_PORT=str(port), RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE=str(world))
        procs.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True))
    return procs


def finish(procs, timeout):
    """Waits for every process; kills them all when one outlives the timeout (a hang fails, it does not hang CI)."""
    deadline = time.monotonic() + timeout
    try:
        return [p.communicate(timeout=max(0.1, deadline - time.monotonic())) for p in procs]
    except subprocess.TimeoutExpired:
        for p in procs:
            p.kill()
        for p in procs:
            p.communicate()
        raise AssertionError(f"the ranks did not finish in {timeout} s (a deadlock?)") from None


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

    def test_ranks_checkpoint_and_roll_back_together(self):
        """Rank 1's clock crosses checkpointSeconds at other steps than rank 0's, and a rollback is forced while
        rank 1 has no run folder (ddp_worker.py): both ranks finish, on the same weights."""
        with tempfile.TemporaryDirectory(prefix="tarflowlm-ddp-") as d:
            splits = write_splits(os.path.join(d, "splits"))
            procs = start_ranks([sys.executable, WORKER, CONFIG, splits, os.path.join(d, "run"), d])
            outputs = finish(procs, 120)
            for p, (out, err) in zip(procs, outputs):
                self.assertEqual(p.returncode, 0, out[-2000:] + err[-3000:])
            self.assertIn("rolled back to the checkpoint at step", outputs[0][0])
            a = safetensors.read(os.path.join(d, "rank0.safetensors"))
            b = safetensors.read(os.path.join(d, "rank1.safetensors"))
            self.assertTrue(all(torch.equal(a[n], b[n]) for n in a), "the ranks ended on different weights")
            for r in (0, 1):
                state = json.loads(safetensors.read_metadata(os.path.join(d, f"rank{r}.safetensors"))["state"])
                self.assertEqual((state["step"], state["rollbacks"], state["skippedSteps"]), (60, 1, 3))

    def test_sigterm_ends_a_rank_blocked_in_a_collective(self):
        """Rank 1 stopped (SIGSTOP) leaves rank 0 waiting in a collective, where no Python signal handler runs."""
        with tempfile.TemporaryDirectory(prefix="tarflowlm-ddp-") as d:
            splits = write_splits(os.path.join(d, "splits"))
            with open(CONFIG) as f:
                cfg = json.load(f)
            cfg["stageSteps"] = [1000000]  # still training when signalled
            long_config = os.path.join(d, "long.train.json")
            with open(long_config, "w") as f:
                json.dump(cfg, f)
            procs = start_ranks([sys.executable, "-m", "tarflowlm", "train", "--config", long_config, "--run-dir",
                                 os.path.join(d, "run"), "--splits", splits, "--device", "cpu", "--threads", "1"])
            try:
                ready, _, _ = select.select([procs[0].stdout], [], [], 120)
                self.assertTrue(ready, "rank 0 printed nothing in 120 s")
                self.assertIn("x 2 rank(s)", procs[0].stdout.readline())  # the ranks have met; training starts
                procs[1].send_signal(signal.SIGSTOP)
                time.sleep(1)
                procs[0].send_signal(signal.SIGTERM)
                try:
                    procs[0].wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.fail("rank 0 ignored SIGTERM while blocked in a collective")
                self.assertEqual(procs[0].returncode, -signal.SIGTERM)
            finally:
                for p in procs:
                    p.kill()
                    p.communicate()

    def test_a_killed_worker_restarts_from_the_checkpoint_to_the_uninterrupted_weights(self):
        """torchrun --max-restarts=1: rank 1 killed with SIGKILL after a timed checkpoint; torchrun ends rank 0 and
        starts both again with the same command, which continue from the checkpoint (float32) and end on the weights,
        Adam moments and validation curve of a run that was never killed, bit for bit. TORCH_DISABLE_SHARE_RDZV_TCP_STORE
        as the README says: with torchrun's shared store a restarted rank 1 read the dead rank 0's gloo address
        (connection refused, or a hang) in 2 of 3 runs here."""
        with tempfile.TemporaryDirectory(prefix="tarflowlm-ddp-") as d:
            splits = write_splits(os.path.join(d, "splits"))
            with open(CONFIG) as f:
                cfg = json.load(f)
            cfg.update(precision="float32", stageSteps=[150], evalEvery=50, checkpointSeconds=1)
            config = os.path.join(d, "f32.train.json")
            with open(config, "w") as f:
                json.dump(cfg, f)
            runs = {name: os.path.join(d, name) for name in ("whole", "killed")}
            # both at once: most of their time is starting torch, which the two cores can overlap
            launchers = {name: subprocess.Popen(
                [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", "--max-restarts=1",
                 "-m", "tarflowlm", "train", "--config", config, "--run-dir", run, "--splits", splits, "--device", "cpu",
                 "--threads", "1"],
                cwd=ROOT, env=dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"), OMP_NUM_THREADS="1",
                                   TORCH_DISABLE_SHARE_RDZV_TCP_STORE="1"),
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
                for name, run in runs.items()}
            outputs = {}
            try:
                killed_at = kill_rank_after_a_checkpoint(launchers["killed"], runs["killed"], 1)
                for name, launcher in launchers.items():
                    outputs[name] = launcher.communicate(timeout=150)[0]
            finally:
                for launcher in launchers.values():  # torchrun and its workers, should a run hang
                    if launcher.poll() is None:
                        os.killpg(launcher.pid, signal.SIGKILL)
                        launcher.communicate()
            for name, launcher in launchers.items():
                self.assertEqual(launcher.returncode, 0, outputs[name][-4000:])
            out = outputs["killed"]
            self.assertIn("exitcode: -9", out, "rank 1 was not killed")
            resumed = [int(line.split()[3]) for line in out.splitlines() if line.startswith("resumed at step ")]
            self.assertEqual(len(resumed), 1, out[-4000:])
            print(f"\nDDP fault: rank 1 killed at the checkpoint of step {killed_at} or later; the restart resumed "
                  f"at step {resumed[0]} of 150")
            self.assertTrue(0 < resumed[0] < 150)
            a, b = (safetensors.read(os.path.join(runs[n], "checkpoint.safetensors")) for n in ("whole", "killed"))
            self.assertEqual(sorted(a), sorted(b))
            self.assertEqual({t.dtype for t in a.values()}, {torch.float32})
            self.assertEqual([n for n in a if not torch.equal(a[n], b[n])], [], "the restarted run ended elsewhere")
            curves = []
            for n in ("whole", "killed"):
                with open(os.path.join(runs[n], "curves.csv")) as f:
                    # step, stage, stage step, lr and val bpc: train bpc averages the steps since the process's last
                    # evaluation, which after a restart are fewer; speed and time are the clock's
                    curves.append([r.split(",")[:4] + r.split(",")[5:6] for r in f.read().splitlines()])
            self.assertEqual(curves[1], curves[0])


def kill_rank_after_a_checkpoint(launcher, run, rank, timeout=90):
    """SIGKILL to torchrun's worker of `rank` once the run's checkpoint is past step 0; returns that step."""
    checkpoint = os.path.join(run, "checkpoint.safetensors")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and launcher.poll() is None:
        try:
            step = json.loads(safetensors.read_metadata(checkpoint)["state"])["step"]
        except (OSError, ValueError, KeyError):
            step = 0
        if step > 0:
            os.kill(worker_pid(launcher.pid, rank), signal.SIGKILL)
            return step
        time.sleep(0.02)
    raise AssertionError("no checkpoint past step 0 while the run went on")


def worker_pid(launcher_pid, rank):
    """The process that torchrun started for `rank`: its child with RANK=rank in the environment."""
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
            if parent != launcher_pid:
                continue
            with open(f"/proc/{pid}/environ", "rb") as f:
                if f"RANK={rank}".encode() in f.read().split(b"\0"):
                    return int(pid)
        except (OSError, ValueError):
            continue
    raise AssertionError(f"torchrun ({launcher_pid}) has no worker of rank {rank}")


if __name__ == "__main__":
    unittest.main()
