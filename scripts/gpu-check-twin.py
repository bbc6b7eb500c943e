"""The PyTorch twin on a lent GPU machine: `scripts/gpu-check.sh --twin` runs this with the machine's own python3
(a CUDA torch; no JVM, no Maven, no network, no venv). `--cpu` runs the same checks on the CPU (gloo for torchrun,
shorter training) to check the script itself. One summary at the end; exit 1 when a check fails.

  1. eval of models/mixd-p1 on the device against the CPU, within 1e-4 bits per character
  2. a generation on the device (and whether it writes the CPU's text)
  3. one training step of mixd-p1 under bf16 autocast against float32 on the same batch: loss and gradients
  4. torchrun training on every GPU (nccl where there are 2 or more; --cpu: 2 gloo ranks), for TRAIN_SECONDS (120;
     --cpu: 20)
  5. training throughput of one process on the device, against this repository's CPU figure below
"""
import json
import math
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))

import torch  # noqa: E402  (after the path: the checkout's package, not an installed one)

from tarflowlm import corpus, folder  # noqa: E402
from tarflowlm.config import normalize, read_train_config  # noqa: E402
from tarflowlm.evaluate import evaluate, stream  # noqa: E402
from tarflowlm.train import Trainer  # noqa: E402

# The CPU figure the GPU's is put beside: the Python trainer's median on the 2-core development machine in
# `python -m tarflowlm bench --config configs/mixd-p1.train.json --java none --ranks "" --compile --repeat 2` on
# 2026-12-05 (docs/RESULTS.md, "Training the PyTorch twin"): eager, one process, batch 32 x 256, float32.
CPU_CHARS_PER_SECOND = 9_803
EVAL_CHARS, EVAL_SAMPLES = 1500, 4
MEASURE_STEPS = 20

results = []


def check(name, ok, detail):
    results.append(("PASS" if ok else "FAIL", f"{name}: {detail}"))
    print(f"== {'PASS' if ok else 'FAIL'}: {name}: {detail}", flush=True)


def run_check(name, body):
    """body() -> (ok, detail); an exception is that check's failure, and the others still run."""
    print(f"\n== {name}", flush=True)
    t0 = time.monotonic()
    try:
        ok, detail = body()
    except Exception as e:  # noqa: BLE001 - the summary names every failure; the traceback is printed above it
        import traceback
        traceback.print_exc()
        ok, detail = False, f"{type(e).__name__}: {' '.join(str(e).split())[:300]}"
    check(name, ok, f"{detail} ({time.monotonic() - t0:.0f} s)")


def eval_on(device, text):
    model = folder.load(os.path.join(ROOT, "models", "mixd-p1"), device)
    r = evaluate(model, text, samples=EVAL_SAMPLES)
    return r["bpc"], r["iwBpc"], r["charsPerSecond"]


def check_eval(device, text):
    cpu, dev = eval_on("cpu", text), eval_on(device, text)
    diff = max(abs(cpu[0] - dev[0]), abs(cpu[1] - dev[1]))
    return diff <= 1e-4, (f"bpc / iw bpc cpu {cpu[0]:.6f} / {cpu[1]:.6f}, {device} {dev[0]:.6f} / {dev[1]:.6f}, "
                          f"|difference| {diff:.1e} (at most 1e-4); {dev[2]:,.0f} char/s on {device}")


def check_generate(device):
    texts = {}
    for d in ("cpu", device):
        model = folder.load(os.path.join(ROOT, "models", "mixd-p1"), d)
        t0 = time.perf_counter()
        texts[d] = model.generate_text("the president said", 64)[0]
        secs = time.perf_counter() - t0
    print(texts[device])
    same = "the CPU's text" if texts[device] == texts["cpu"] else "not the CPU's text (rounding differs)"
    return len(texts[device]) == len("the president said") + 64, f"64 characters in {secs:.2f} s, {same}"


def check_bf16_step(device, text):
    """The same batch (4 windows of the fixture text, eval's noise) through mixd-p1 in float32 and under bf16 autocast:
    the loss, and the gradient's norm and direction."""
    model = folder.load(os.path.join(ROOT, "models", "mixd-p1"), device).train()
    T = model.config.seqLen
    from tarflowlm.config import encode
    ids = torch.tensor([encode(text[i * T:(i + 1) * T]) for i in range(4)], device=device)
    eps = torch.stack([torch.randn(T, model.config.latentDim, generator=stream(1, "eval", i, 0)) for i in range(4)])
    grads, losses = [], []
    for amp in (False, True):
        model.zero_grad(set_to_none=True)
        with torch.autocast(torch.device(device).type, dtype=torch.bfloat16, enabled=amp):
            loss = model(ids, eps.to(device))
        (loss * math.log(2)).backward()
        losses.append(float(loss.detach()))
        grads.append(torch.cat([p.grad.double().flatten() for p in model.parameters() if p.grad is not None]))
    g32, g16 = grads
    cos = float(g32 @ g16 / (g32.norm() * g16.norm()))
    rel = float((g16 - g32).norm() / g32.norm())
    ok = abs(losses[1] - losses[0]) <= 0.05 and cos >= 0.99
    return ok, (f"loss float32 {losses[0]:.5f}, bf16 {losses[1]:.5f} bits per character (|difference| "
                f"{abs(losses[1] - losses[0]):.1e}, at most 0.05); gradient: relative difference {rel:.1e}, cosine "
                f"{cos:.5f} (at least 0.99)")


def train_config(tmp):
    """The shipped mixd-p1 layout, validated every 100 steps on a short prefix, so that a short run shows curves."""
    with open(os.path.join(ROOT, "configs", "mixd-p1.train.json")) as f:
        c = json.load(f)
    c.update(evalEvery=100, evalChars=8192, checkpointSeconds=60)
    path = os.path.join(tmp, "train.json")
    with open(path, "w") as f:
        json.dump(c, f)
    return path


def check_torchrun(device, config, splits, seconds, tmp):
    ranks = torch.cuda.device_count() if device == "cuda" else 2
    run = os.path.join(tmp, "run")
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"), TORCH_DISABLE_SHARE_RDZV_TCP_STORE="1")
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={ranks}", "-m",
           "tarflowlm", "train", "--config", config, "--run-dir", run, "--splits", splits,
           "--device", "gpu" if device == "cuda" else "cpu", "--max-seconds", str(seconds)]
    r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=seconds + 240)
    log = os.path.join(tmp, "train.log")
    with open(log, "w") as f:
        f.write(r.stdout + r.stderr)
    if r.returncode != 0:
        print((r.stdout + r.stderr)[-3000:])
        return False, f"torchrun x {ranks} exited {r.returncode} (log: {log})"
    from tarflowlm import safetensors
    state = json.loads(safetensors.read_metadata(os.path.join(run, "checkpoint.safetensors"))["state"])
    tc = read_train_config(config)
    speed = state["step"] * tc.batch * tc.model.seqLen * ranks / max(state["seconds"], 1e-9)
    with open(os.path.join(run, "curves.csv")) as f:
        rows = f.read().splitlines()[1:]
    # one rank needs no process group: on a 1-GPU machine this trains under torchrun but reaches no nccl collective
    backend = ("nccl" if device == "cuda" else "gloo") if ranks > 1 else "1 rank, no process group (nccl unused)"
    print("\n".join(r.stdout.splitlines()[-3:]))
    # two minutes on a GPU reach the first validations (every 100 steps); the CPU dry run's seconds may not
    ok = state["step"] > 0 and (device == "cpu" or rows)
    return ok, (f"{ranks} rank(s), {backend}, {seconds} s: {state['step']} steps, {speed:,.0f} char/s, "
                f"{len(rows)} validation(s){', last ' + rows[-1] if rows else ''}")


def check_throughput(device, config, texts, tmp):
    tc = read_train_config(config)
    t = Trainer(tc, os.path.join(tmp, "measure"), texts, torch.device(device), log=lambda *_: None)
    cps = t.measure(MEASURE_STEPS)
    mode = ", bf16 autocast" if t.amp else ""
    return cps > 0, (f"one process on {device}{mode}: {cps:,.0f} char/s over {MEASURE_STEPS} steps of batch {tc.batch} x "
                     f"{tc.model.seqLen}, {cps / CPU_CHARS_PER_SECOND:.1f}x the 2-core CPU's {CPU_CHARS_PER_SECOND:,}")


def main(argv):
    cpu = "--cpu" in argv
    device = "cpu" if cpu else "cuda"
    seconds = int(os.environ.get("TRAIN_SECONDS", "20" if cpu else "120"))
    print(f"gpu-check --twin{' --cpu' if cpu else ''}: python {sys.version.split()[0]} ({sys.executable}), torch "
          f"{torch.__version__}, CUDA {torch.version.cuda}, "
          f"{torch.cuda.device_count()} GPU(s){': ' + torch.cuda.get_device_name(0) if torch.cuda.is_available() else ''}")
    if not cpu and not torch.cuda.is_available():
        check("CUDA", False, f"torch {torch.__version__} sees no CUDA device (a CPU-only build?)")
    else:
        with tempfile.TemporaryDirectory(prefix="tarflowlm-gpu-check-") as tmp:
            with open(os.path.join(ROOT, "python", "tests", "fixtures", "eval.txt"), encoding="utf-8") as f:
                text = normalize(f.read()).strip()[:EVAL_CHARS]
            splits = corpus.from_prose(ROOT, os.path.join(tmp, "splits"))
            config = train_config(tmp)
            run_check(f"1. eval of mixd-p1 on {device} against the CPU", lambda: check_eval(device, text))
            run_check(f"2. generation on {device}", lambda: check_generate(device))
            run_check(f"3. a bf16-autocast training step against float32 on {device}",
                      lambda: check_bf16_step(device, text))
            run_check(f"4. torchrun training on {device}", lambda: check_torchrun(device, config, splits, seconds, tmp))
            run_check(f"5. training throughput on {device}",
                      lambda: check_throughput(device, config, corpus.load(splits), tmp))
    print(f"\n================ gpu-check --twin summary ({device}, {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())})")
    for status, line in results:
        print(f"{status}  {line}")
    failed = any(status == "FAIL" for status, _ in results)
    print("gpu-check --twin: FAILED" if failed else "gpu-check --twin: all passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
