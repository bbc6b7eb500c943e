"""The cached sampler side by side: Java's discrete baseline (`bench --models baseline --cached-only`) against
PyTorch eager, the twin's DiscreteLM.generate under no_grad, on the same shape: width 128, 4 blocks, 4 heads,
context 256, float32, random weights, 256 characters. Both sample on one thread (the Java runtime samples so,
runtime/OneThread) and give the fastest of three runs, Java after its JIT warm-up and one more run, PyTorch after
two warm-up runs. Rounds alternate the two, so that a busy minute on a noisy machine hits both alike; the medians
over the rounds are compared."""
import json
import shlex
import statistics
import time

import torch

from . import bench
from . import config as cfgmod
from . import model as modelmod

# BenchCommand.baseline(): the discrete baseline of the bench's reference shape
CONFIG = {"type": "ar-baseline", "vocabSize": 27, "latentDim": 5, "patchSize": 1, "seqLen": 256, "seed": 1,
          "layers": [{"coupling": "mixd", "direction": "ltr", "depth": 4, "width": 128, "heads": 4, "components": 0,
                      "input": "latent"}]}


def pytorch_speed(model, length, generator, warmups=2, runs=3):
    """Characters per second of the fastest of `runs` cached generations, on one torch thread."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.no_grad():
            for _ in range(warmups):
                model.generate([], length, 1.0, generator)
            best = float("inf")
            for _ in range(runs):
                start = time.perf_counter()
                model.generate([], length, 1.0, generator)
                best = min(best, time.perf_counter() - start)
    finally:
        torch.set_num_threads(threads)
    return length / best


def java_speed(java, length):
    out = bench.run(shlex.split(java) + ["bench", "--models", "baseline", "--cached-only", "--length", str(length),
                                         "--json"])
    return json.loads(out)["models"][0]["cachedCharsPerSecond"]


def main(a):
    model = modelmod.create(cfgmod.ModelConfig.from_dict(CONFIG)).eval()
    generator = torch.Generator().manual_seed(1)
    java, eager = [], []
    for _ in range(a.rounds):
        java.append(java_speed(a.java, a.length))
        eager.append(pytorch_speed(model, a.length, generator))
    ratio = statistics.median(java) / statistics.median(eager)
    faster = sum(j > p for j, p in zip(java, eager))
    out = {"shape": "width 128, 4 blocks, 4 heads, context 256, float32", "length": a.length, "rounds": a.rounds,
           "javaCharsPerSecond": java, "pytorchEagerCharsPerSecond": eager,
           "javaMedian": statistics.median(java), "pytorchEagerMedian": statistics.median(eager),
           "javaOverPytorch": ratio, "roundsJavaFaster": faster, "torch": torch.__version__}
    if a.json:
        print(json.dumps(out, indent=2))
        return
    print(f"cached sampling of the discrete baseline ({out['shape']}), {a.length} characters, one thread, "
          f"best of 3 per round")
    print(f"{'round':>5} {'Java char/s':>12} {'PyTorch ' + torch.__version__.split('+')[0] + ' eager':>20}")
    for i, (j, p) in enumerate(zip(java, eager), 1):
        print(f"{i:>5} {j:>12,.0f} {p:>20,.0f}")
    print(f"median: Java {statistics.median(java):,.0f}, PyTorch eager {statistics.median(eager):,.0f} char/s; "
          f"Java {ratio:.2f}x, faster in {faster} of {a.rounds} rounds")
