"""Training speed side by side: the Java trainer, the Python trainer (eager, and with --compile its transformer
bodies under torch.compile), and torchrun with 1 and 2 ranks, on one training config. Every trainer runs the config for `steps` steps (progress lines every 25);
the figure is the speed over steps 26..steps, read off the cumulative char/s of the progress lines at
step 25 and at the last step, so that start-up, the first steps (torch.compile's compilation among them) and
validation are left out alike."""
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile

from . import config as cfgmod
from . import corpus

MALLOC = {"MALLOC_MMAP_THRESHOLD_": "33554432", "MALLOC_TRIM_THRESHOLD_": "4294967296",
          "MALLOC_TOP_PAD_": "268435456"}
PROGRESS = re.compile(r"^\[[#.]+\] step (\d+)/\d+ .*\| ([0-9,]+) char/s \| ETA")


def window_speed(log, chars_per_step, first=25):
    """char/s over steps first+1..last from the cumulative figures of two progress lines."""
    points = {}
    for line in log.splitlines():
        m = PROGRESS.match(line.strip())
        if m and "| val" not in line:
            points[int(m.group(1))] = float(m.group(2).replace(",", ""))
    last = max(points) if points else 0
    if first not in points or last <= first:
        raise RuntimeError("no progress lines at step 25 and after:\n" + log[-2000:])
    seconds = chars_per_step * (last / points[last] - first / points[first])
    return chars_per_step * (last - first) / seconds


def bench_config(tc, steps):
    """The config, cut to `steps` steps of its first stage and one of each later one, with validation at the end."""
    d = tc.to_dict()
    d["stageSteps"] = [steps] + [1] * (tc.stages - 1)
    d["evalEvery"] = steps
    d["evalChars"] = tc.model.seqLen
    d["patience"] = 0
    d["checkpointSeconds"] = 3600
    return d


def run(cmd, env=None):
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    return r.stdout


def main(a):
    tc = cfgmod.read_train_config(a.config)
    if a.batch:
        tc.batch = a.batch
    steps = max(50, (a.steps + 24) // 25 * 25 + 25)
    ranks = [int(r) for r in a.ranks.split(",") if r]
    if tc.batch % max(ranks, default=1) != 0:
        raise ValueError(f"batch {tc.batch} does not split over {max(ranks)} ranks")
    T = tc.model.seqLen
    rows = []
    with tempfile.TemporaryDirectory(prefix="tarflowlm-bench-") as tmp:
        splits = os.path.join("data", "splits")
        if not os.path.isfile(os.path.join(splits, "manifest.json")):
            splits = os.path.join(tmp, "splits")  # the corpus is not fetched: the repository's own prose
            corpus.from_prose(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."), splits)
        cfg_file = os.path.join(tmp, "bench.train.json")
        with open(cfg_file, "w") as f:
            f.write(cfgmod.dumps(bench_config(tc, steps)))
        env = dict(os.environ, PYTHONPATH=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
        # bin/tarflowlm's allocator settings (they keep freed activations for the next step), for every trainer
        env.update({k: env.get(k, v) for k, v in MALLOC.items()})
        py = [sys.executable, "-m", "tarflowlm", "train", "--config", cfg_file, "--splits", splits, "--device", a_device(a)]
        trainers = []
        if a.java != "none":
            trainers.append(("Java trainer (one JVM)", 1, lambda: run(
                shlex.split(a.java) + ["train", "--config", cfg_file, "--run", fresh(tmp), "--splits", splits], env)))
        trainers.append(("Python trainer (one process)", 1, lambda: run(py + ["--run", fresh(tmp)], env)))
        if a.compile:
            trainers.append(("Python, torch.compile", 1, lambda: run(py + ["--run", fresh(tmp), "--compile"], env)))
        for n in ranks:
            threads = str(max(1, (os.cpu_count() or 1) // n))
            # torchrun sets OMP_NUM_THREADS=1 when it is unset, and a worker that starts so stays slow
            # (3,300 against 8,400 char/s here for one rank) even after torch.set_num_threads(2)
            trainers.append((f"torchrun, {n} rank(s)", n, lambda n=n, threads=threads: run(
                [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={n}"] + py[1:]
                + ["--run-dir", fresh(tmp), "--batch", str(tc.batch // n), "--threads", threads],
                dict(env, OMP_NUM_THREADS=threads))))
        speeds = {name: [] for name, _, _ in trainers}
        for _ in range(a.repeat):  # rounds interleave the trainers, so that a busy minute hits them alike
            for name, _, go in trainers:
                speeds[name].append(window_speed(go(), tc.batch * T))
        rows = [(name, n, tc.batch // n, speeds[name]) for name, n, _ in trainers]
    out = {"config": a.config, "batch": tc.batch, "seqLen": T, "timedSteps": f"26-{steps}", "cpus": os.cpu_count(),
           "rows": [{"trainer": r[0], "ranks": r[1], "batchPerRank": r[2], "charsPerSecond": statistics.median(r[3]),
                     "rounds": r[3]} for r in rows]}
    if a.json:
        print(json.dumps(out, indent=2))
        return
    print(f"{a.config}: batch {tc.batch} x {T} per step in total, steps 26-{steps} timed, {os.cpu_count()} CPUs")
    print(f"{'trainer':<30} {'ranks':>5} {'batch/rank':>10} {'median char/s':>14}  rounds")
    for name, n, b, cps in rows:
        print(f"{name:<30} {n:>5} {b:>10} {statistics.median(cps):>14,.0f}  {', '.join(f'{c:,.0f}' for c in cps)}")


def fresh(tmp):
    """A new run folder for every run."""
    return tempfile.mkdtemp(dir=tmp, prefix="run-")


def a_device(a):
    return getattr(a, "device", None) or "auto"
