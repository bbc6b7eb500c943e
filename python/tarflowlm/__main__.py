"""python -m tarflowlm {eval, generate, train, bench, bench-sampler}, or the `tarflowlm` command once installed.

Every error reaches the user as one line on stderr and a non-zero exit (2 for bad usage, 1 otherwise), as in the
Java CLI; TARFLOWLM_DEBUG=1 adds the traceback."""
import argparse
import json
import os
import sys

PROG = "tarflowlm"


class Parser(argparse.ArgumentParser):
    """argparse with its errors on one line (no usage block): `tarflowlm generate: error: ...`, exit 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def at_least(low):
    """An argparse type: an integer >= low."""
    def parse(text):
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer, got '{text}'") from None
        if v < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, got {v}")
        return v
    return parse


def temperature(text):
    """The Java generator's range, (0, 10]: the noise scale (flow) or the logits' divisor (baseline)."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got '{text}'") from None
    if not 0 < v <= 10:
        raise argparse.ArgumentTypeError(f"must be in (0, 10], got {text}")
    return v


def positive_seconds(text):
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got '{text}'") from None
    if not v > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return v


def pick_device(choice):
    import torch  # here, not at the top: a bad argument or --help answers without importing torch
    if choice == "gpu":
        if not torch.cuda.is_available():
            raise RuntimeError("--device gpu: torch sees no CUDA device (a CPU-only torch build?); use --device cpu")
        return torch.device("cuda")
    if choice == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device("cpu")


def cmd_eval(a):
    from . import config, folder
    from .evaluate import evaluate
    if a.text:
        with open(a.text, encoding="utf-8") as f:
            body = f.read()
    else:
        from . import corpus
        body = corpus.load(a.splits)["test"]
    text = config.normalize(body).strip()
    if a.chars > 0:
        text = text[:a.chars]
    dev = pick_device(a.device)
    rows = []
    for m in (a.compare or [a.model]):
        model = folder.load(m, dev)
        r = evaluate(model, text, a.samples, a.seed, a.batch)
        row = {"model": os.path.basename(os.path.normpath(m)), "patch": 1 if model.config.is_baseline else
               model.config.patchSize, "bpc": r["bpc"]}
        if a.samples > 1:
            row["iwBpc"] = r["iwBpc"]
        row.update({"chars": r["chars"], "evalCharsPerSecond": r["charsPerSecond"]})
        if a.per_window:
            row["perWindow"] = [r["perWindow"][i] for i in sorted(r["perWindow"])]
        rows.append(row)
    out = {"chars": len(text), "models": rows}
    if a.json:
        print(json.dumps(out, indent=2))
        return
    # the Java eval's table, column for column
    print(f"{len(text):,} characters" + (f" of {a.text}" if a.text else " of the test split"))
    print(f"{'model':<14} {'P':>5} {'bpc':>8} {'iw bpc':>8} {'eval char/s':>12} {'gen char/s':>12} {'steps/char':>10}")
    for r in rows:
        iw = f"{r['iwBpc']:.4f}" if "iwBpc" in r else "-"
        print(f"{r['model']:<14} {r['patch']!s:>5} {r['bpc']:8.4f} {iw:>8} {r['evalCharsPerSecond']:12.0f} "
              f"{'-':>12} {'-':>10}")


def cmd_generate(a):
    import time
    from . import folder
    from .evaluate import stream
    from .model import TarFlowLM
    dev = pick_device(a.device)
    model = folder.load(a.model, dev)
    passes = []
    options = {}
    if isinstance(model, TarFlowLM):
        options["max_iterations"] = a.iterations
        if a.passes:
            options["on_pass"] = lambda l, x: passes.append((l + 1, model.decode(x, l)))
    t0 = time.perf_counter()
    text, iters = model.generate_text(a.prompt, a.length, a.temperature, stream(a.seed, "generate"), **options)
    secs = time.perf_counter() - t0
    prompt = text[:len(text) - a.length]
    if a.json:
        print(json.dumps({"model": os.path.basename(os.path.normpath(a.model)), "prompt": prompt, "text": text,
                          "continuation": text[len(prompt):], "iterations": iters, "charsPerSecond": a.length / secs,
                          "passes": [{"layer": l, "text": t} for l, t in passes]}, indent=2))
        return
    for l, t in passes:
        print(f"after layer {l}: {t}")
    print(text)
    print(f"\n{a.length} characters in {secs:.2f} s ({a.length / secs:.0f} char/s), {iters} iteration(s)")


def cmd_train(a):
    from . import train
    train.main(a)


def cmd_bench(a):
    from . import bench
    bench.main(a)


def cmd_bench_sampler(a):
    from . import sampler_bench
    sampler_bench.main(a)


def main(argv=None):
    p = Parser(prog=PROG, description="TarFlowLM in PyTorch: the same model "
                                "folders as the Java explorer.")
    sub = p.add_subparsers(dest="command", required=True)
    e = sub.add_parser("eval", help="bits per character of a text file (windows of the context, as the Java eval)")
    e.add_argument("--model")
    e.add_argument("--compare", nargs="+", help="model folders to compare in one table")
    e.add_argument("--text", help="text file to score (default: the test split)")
    e.add_argument("--splits", default=os.path.join("data", "splits"))
    e.add_argument("--chars", type=at_least(0), default=0, help="score only the first N characters (0: all)")
    e.add_argument("--samples", type=at_least(1), default=1, help="encoder samples; above 1 adds the IW bound")
    e.add_argument("--seed", type=int, default=1)
    e.add_argument("--batch", type=at_least(1), default=16)
    e.add_argument("--device", default="cpu", choices=["auto", "cpu", "gpu"])
    e.add_argument("--threads", type=at_least(0), default=0, help="torch threads (0: torch's default)")
    e.add_argument("--json", action="store_true")
    e.add_argument("--per-window", action="store_true", help="with --json: every window's per-sample figures")
    e.set_defaults(func=cmd_eval)
    g = sub.add_parser("generate", help="generate text by inverting the flow (or sampling the baseline)")
    g.add_argument("--model", required=True)
    g.add_argument("--prompt", default="")
    g.add_argument("--length", type=at_least(1), default=128)
    g.add_argument("--temperature", type=temperature, default=1.0, help="in (0, 10] (default: 1)")
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("--iterations", type=at_least(1), default=8, help="most prompt-conditioning iterations")
    g.add_argument("--passes", action="store_true", help="print the text after every pass")
    g.add_argument("--device", default="cpu", choices=["auto", "cpu", "gpu"])
    g.add_argument("--threads", type=at_least(0), default=0, help="torch threads (0: torch's default)")
    g.add_argument("--json", action="store_true")
    g.set_defaults(func=cmd_generate)
    t = sub.add_parser("train", help="train from a JSON training config into a run folder (alone or under torchrun)")
    t.add_argument("--config")
    # under torchrun write --run-dir: torchrun's own parser reads --run as an abbreviation of its --run-path
    t.add_argument("--run", "--run-dir", dest="run", required=True, help="the run folder")
    t.add_argument("--resume", action="store_true")
    t.add_argument("--splits", default=os.path.join("data", "splits"))
    t.add_argument("--device", default="auto", choices=["auto", "cpu", "gpu"])
    t.add_argument("--amp", default="bf16", choices=["bf16", "none"],
                   help="bf16 autocast of the transformers on CUDA for float32 configs (default: bf16)")
    t.add_argument("--threads", type=at_least(0), default=0,
                   help="torch threads per rank (0: the cores shared by this machine's ranks)")
    t.add_argument("--compile", action="store_true", help="torch.compile the transformer bodies (needs filelock)")
    t.add_argument("--batch", type=at_least(0), default=0, help="override the config's per-rank batch")
    t.add_argument("--max-steps", type=at_least(0), default=None, help="stop (with a checkpoint) after this many steps")
    t.add_argument("--max-seconds", type=positive_seconds, default=None,
                   help="stop (with a checkpoint) after this many seconds")
    t.add_argument("--measure", type=at_least(0), default=0, help="only time this many steps after 2 warm-up steps")
    t.add_argument("--measure-out", help="with --measure: write the figure as JSON here")
    t.set_defaults(func=cmd_train)
    b = sub.add_parser("bench", help="training characters per second: Python vs Java, torchrun 1 vs 2 ranks")
    b.add_argument("--config", default=os.path.join("configs", "mixd-p1.train.json"))
    b.add_argument("--steps", type=at_least(1), default=10, help="timed steps after warm-up")
    b.add_argument("--batch", type=at_least(0), default=0, help="override the config's batch (the global batch of a rank pair)")
    b.add_argument("--java", default=os.environ.get("TARFLOWLM_JAVA", "bin/tarflowlm"),
                   help="the Java command line (default: $TARFLOWLM_JAVA or bin/tarflowlm); 'none' skips it")
    b.add_argument("--ranks", default="1,2", help="torchrun rank counts to time ('' for none)")
    b.add_argument("--compile", action="store_true",
                   help="also the Python trainer with torch.compile, beside the eager one (needs filelock)")
    b.add_argument("--repeat", type=at_least(1), default=1, help="rounds over all trainers; the median is reported")
    b.add_argument("--device", default="auto", choices=["auto", "cpu", "gpu"], help="the Python trainers' device")
    b.add_argument("--json", action="store_true")
    b.set_defaults(func=cmd_bench)
    s = sub.add_parser("bench-sampler", help="cached sampling characters per second: Java against PyTorch eager")
    s.add_argument("--java", default=os.environ.get("TARFLOWLM_JAVA", "bin/tarflowlm"),
                   help="the Java command line (default: $TARFLOWLM_JAVA or bin/tarflowlm)")
    s.add_argument("--length", type=at_least(1), default=256, help="characters per generation")
    s.add_argument("--rounds", type=at_least(1), default=10, help="alternated rounds; the medians are compared")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_bench_sampler)
    a = p.parse_args(argv)
    if a.command == "eval" and not (a.model or a.compare):
        p.error("eval needs --model or --compare")
    try:
        # bench and bench-sampler have none: they set the threads of what they time themselves
        if getattr(a, "threads", 0):
            import torch
            torch.set_num_threads(a.threads)
        a.func(a)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as e:  # noqa: BLE001 - one line for every failure, the traceback on request
        if os.environ.get("TARFLOWLM_DEBUG") == "1":
            raise
        sys.exit(f"{PROG} {a.command}: error: {describe(e)}")


def describe(e):
    """One line: an OSError as 'file: reason' (not '[Errno 2] ...'), anything else its message."""
    if isinstance(e, OSError) and e.filename is not None and e.strerror:
        return f"{e.filename}: {e.strerror}"
    text = str(e).strip() or type(e).__name__
    return " ".join(text.split())  # a multi-line message (torch's) on one line


if __name__ == "__main__":
    main()
