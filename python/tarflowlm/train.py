"""The trainer: the Java Trainer's run folder and schedule (AdamW, warm-up and cosine decay per stage,
global-norm clipping, progressive or joint stages, validation, patience, atomic checkpoints, resume),
alone or under torchrun with DistributedDataParallel (gloo on CPU, nccl on CUDA).

Scale-out: `batch` in the config is per rank, so N ranks step on N * batch sequences. Sample j of rank
r is global sample r * batch + j of the step, and its window and its encoder noise come from streams
keyed by (seed, purpose, step, global sample): each rank draws its own shard and its own noise, and
N ranks of batch B see exactly the samples that one rank of batch N * B sees.
"""
import faulthandler
import json
import math
import os
import shlex
import signal
import sys
import time

import torch
import torch.distributed as dist

from . import config as cfgmod
from . import corpus, folder, safetensors
from .evaluate import log_likelihoods, stream, summarize
from .model import CausalTransformer, create, named_weights

TRAIN_CONFIG, CHECKPOINT, CURVES, BEST = "train.json", "checkpoint.safetensors", "curves.csv", "best"
CURVES_HEADER = "step,stage,stage_step,lr,train_bpc,val_bpc,chars_per_s,seconds\n"
PROGRESS_EVERY = 25
MAX_BAD_STEPS = 3
BETAS, ADAM_EPS = (0.9, 0.99), 1e-8


def fresh_state():
    return {"step": 0, "stage": 0, "stageStep": 0, "bestValBpc": math.inf, "bestStep": -1,
            "evalsWithoutImprovement": 0, "stageBest": [], "lrScale": 1.0, "skippedSteps": 0, "rollbacks": 0,
            "seconds": 0.0}


class Trainer:
    def __init__(self, tc, run, texts, device, rank=0, world=1, amp=True, resume=False, log=print, command=None,
                 compile=False):
        if len(texts["train"]) <= tc.model.seqLen:
            raise ValueError(f"the training text has {len(texts['train'])} characters, fewer than one sequence of "
                             f"{tc.model.seqLen}")
        self.tc, self.run_dir, self.device, self.rank, self.world = tc, run, device, rank, world
        self.command = command  # the command line that trains this run, kept in the checkpoint for its card
        self.log = log if rank == 0 else (lambda *a, **k: None)
        table = torch.zeros(256, dtype=torch.uint8)
        for k in range(26):
            table[ord("a") + k] = k + 1
        self.train_ids = table[torch.frombuffer(bytearray(texts["train"].encode("ascii")), dtype=torch.uint8).long()]
        self.validation = texts["validation"][:tc.evalChars]
        self.dtype = torch.float64 if tc.float64 else torch.float32
        self.amp = amp and device.type == "cuda" and self.dtype == torch.float32
        self.model = create(tc.model, self.dtype).to(device)
        if compile:
            compile_bodies(self.model)
        self.params = named_weights(self.model)
        decay = [p for p in self.params.values() if p.dim() >= 2]  # decoupled decay of matrices only
        rest = [p for p in self.params.values() if p.dim() < 2]
        self.opt = torch.optim.AdamW([{"params": decay, "weight_decay": tc.weightDecay},
                                      {"params": rest, "weight_decay": 0.0}],
                                     lr=tc.learningRate, betas=BETAS, eps=ADAM_EPS)
        self.state = fresh_state()
        self.bad_streak = 0
        self.best = None  # the stage's best weights so far
        self.ddp = None
        self.ddp_stage = None
        if rank == 0:
            os.makedirs(run, exist_ok=True)
        if resume:
            self.restore(os.path.join(run, CHECKPOINT))
            self.trim_curves()
            self.log(f"resumed at step {self.state['step']} (stage {self.state['stage'] + 1}, step "
                     f"{self.state['stageStep']} of the stage)")
        else:
            self.initialize()
            if rank == 0:
                safetensors.atomic_write(os.path.join(run, TRAIN_CONFIG), [cfgmod.dumps(tc.to_dict()).encode()])
                safetensors.atomic_write(os.path.join(run, CURVES), [CURVES_HEADER.encode()])
            self.checkpoint()  # a rollback always has somewhere to go
        self.last_checkpoint = time.monotonic()

    def initialize(self):
        """The config's initialisation choices, applied once, before the first step."""
        with torch.no_grad():
            if self.tc.codebookSigma > 0:
                self.params["codebook.log_sigma"].fill_(math.log(self.tc.codebookSigma))
            if self.tc.inputInitStd > 0:
                for name, w in self.params.items():
                    if name.endswith(".in.w"):
                        w.mul_(self.tc.inputInitStd * math.sqrt(w.shape[0]))  # N(0, 1/c) -> N(0, inputInitStd^2)

    # ------------------------------------------------------------------------------- schedule

    def progressive(self):
        return self.tc.schedule == "progressive" and not self.tc.model.is_baseline

    def active_layers(self):
        return self.state["stage"] + 1 if self.progressive() else len(self.tc.model.layers)

    def set_trainable(self, stage):
        for name, p in self.params.items():
            p.requires_grad_(not self.progressive() or name.startswith(f"layer{stage}.")
                             or (stage == 0 and name.startswith("codebook.")))
            p.grad = None

    def objective(self):
        """The module whose forward is the loss: the model itself; under DDP its wrapper, rebuilt per stage, since
        DDP fixes its parameters."""
        if self.world == 1:
            return self.model
        if self.ddp_stage != self.state["stage"]:
            from torch.nn.parallel import DistributedDataParallel as DDP
            ids = [self.device.index] if self.device.type == "cuda" else None
            self.ddp = DDP(self.model, device_ids=ids)  # the buffers (masks, channel order) agree on every rank anyway
            self.ddp_stage = self.state["stage"]
        return self.ddp

    def learning_rate(self):
        s, total = self.state["stageStep"], self.tc.stageSteps[self.state["stage"]]
        peak, floor = self.tc.learningRate * self.state["lrScale"], self.tc.minLearningRate * self.state["lrScale"]
        if s < self.tc.warmupSteps:
            return peak * (s + 1) / self.tc.warmupSteps
        progress = min(1.0, (s - self.tc.warmupSteps) / max(1, total - self.tc.warmupSteps))
        return floor + (peak - floor) * 0.5 * (1 + math.cos(math.pi * progress))

    # ------------------------------------------------------------------------------- one step

    def batch(self, step):
        """This rank's windows [B, T] and encoder noise [B, T, d], from per-sample streams."""
        B, T, d = self.tc.batch, self.tc.model.seqLen, self.tc.model.latentDim
        ids, eps = [], []
        for j in range(B):
            i = self.rank * B + j  # the global sample index
            start = int(torch.randint(0, len(self.train_ids) - T, (1,), generator=stream(self.tc.seed, "batch", step, i)))
            ids.append(self.train_ids[start:start + T].long())
            eps.append(torch.randn(T, d, generator=stream(self.tc.seed, "noise", step, i)))
        return torch.stack(ids).to(self.device), torch.stack(eps).to(self.device, self.dtype)

    def step(self, poisoned=False):
        lr = self.learning_rate()
        ids, eps = self.batch(self.state["step"])
        obj = self.objective()
        with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.amp):
            loss = obj(ids, eps, self.active_layers())  # bits per character
        if poisoned:
            loss = loss * float("nan")
        # the gradient of nats per character, as the Java trainer's: clipNorm and Adam's eps are in its units.
        # DDP averages the gradients over the ranks: the global mean
        (loss * math.log(2)).backward()
        trainable = [p for p in self.params.values() if p.requires_grad and p.grad is not None]
        norm = torch.sqrt(sum((p.grad.double().square().sum() for p in trainable), torch.zeros((), dtype=torch.float64,
                                                                                              device=self.device)))
        # [loss (bits per character), non-finite] summed over the ranks: every rank sees the same mean loss and takes the same
        # branch below (a skip, or a rollback with its collectives) even if only one rank's |g| overflowed
        value = torch.stack([loss.detach().double(), (~torch.isfinite(norm)).double()])
        if self.world > 1:
            dist.all_reduce(value)
        loss_value, bad = float(value[0]) / self.world, bool(value[1] > 0)
        norm_value = float(norm)
        self.state["step"] += 1
        self.state["stageStep"] += 1
        if bad or not math.isfinite(loss_value):
            self.opt.zero_grad(set_to_none=True)
            self.state["skippedSteps"] += 1
            self.bad_streak += 1
            self.log(f"step {self.state['step']}: non-finite loss or gradient (loss {loss_value}, |g| {norm_value}), skipped")
            if self.bad_streak >= MAX_BAD_STEPS:
                self.rollback()
            return math.nan
        self.bad_streak = 0
        clip = min(1.0, self.tc.clipNorm / (norm_value + 1e-12))
        with torch.no_grad():
            if clip < 1:
                for p in trainable:
                    p.grad.mul_(clip)
        for g in self.opt.param_groups:
            g["lr"] = lr
        self.opt.step()
        self.opt.zero_grad(set_to_none=True)
        return loss_value

    # ------------------------------------------------------------------------------- the loop

    def validate(self):
        ll = log_likelihoods(self.model, self.validation, 1, self.tc.seed + 1, self.tc.batch, self.active_layers(),
                             self.rank, self.world)
        total = torch.tensor([summarize(ll)[0]], dtype=torch.float64, device=self.device)
        if self.world > 1:
            dist.all_reduce(total)  # each rank scored its share of the windows
            # patience and the best weights branch on this value: every rank takes rank 0's bits
            dist.broadcast(total, 0)
        return -float(total) / math.log(2) / len(self.validation)

    def run(self, stop=lambda: False, max_steps=None):
        session_start = time.monotonic()
        seconds_at_start = self.state["seconds"]
        window_start, window_steps, window_loss = time.monotonic(), 0, 0.0
        tc, st = self.tc, self.state
        chars_per_step = self.world * tc.batch * tc.model.seqLen
        while st["stage"] < tc.stages:
            self.set_trainable(st["stage"])
            budget = tc.stageSteps[st["stage"]]
            stage_over = st["stageStep"] >= budget
            while not stage_over:
                # each rank's clock and signals are its own: the ranks decide together, or one would enter the
                # checkpoint's barrier while the others wait in the step's all-reduce
                halt, due = self.agreed(stop() or (max_steps is not None and st["step"] >= max_steps),
                                        time.monotonic() - self.last_checkpoint > tc.checkpointSeconds)
                if halt:
                    st["seconds"] = seconds_at_start + time.monotonic() - session_start
                    self.checkpoint()
                    self.log(f"stopped; checkpoint written at step {st['step']}")
                    return
                if due:
                    self.checkpoint()
                loss = self.step()
                if math.isfinite(loss):
                    window_loss += loss
                    window_steps += 1
                st["seconds"] = seconds_at_start + time.monotonic() - session_start
                if st["stageStep"] % PROGRESS_EVERY == 0 and window_steps:
                    self.log(self.progress_line(window_loss / window_steps,
                                                window_steps * chars_per_step / (time.monotonic() - window_start)))
                if st["stageStep"] % tc.evalEvery == 0 or st["stageStep"] >= budget:
                    cps = window_steps * chars_per_step / (time.monotonic() - window_start)
                    train_bpc = window_loss / max(1, window_steps)
                    stage_over = self.record(self.validate(), train_bpc, cps, budget)
                    window_start, window_steps, window_loss = time.monotonic(), 0, 0.0
                stage_over = stage_over or st["stageStep"] >= budget
            self.finish_stage()
        self.checkpoint()
        self.log(f"done: best validation bpc at the end of each stage {st['stageBest']}, {st['step']} steps, "
                 f"{st['seconds']:.0f} s")

    def agreed(self, *flags):
        """The flags or-ed over the ranks, so that every rank acts on them at the same step."""
        if self.world == 1:
            return flags
        t = torch.tensor([1.0 if f else 0.0 for f in flags], device=self.device)
        dist.all_reduce(t, op=dist.ReduceOp.MAX)
        return tuple(bool(v > 0) for v in t.tolist())

    def measure(self, steps):
        """Training characters per second over `steps` steps after two warm-up steps (all ranks together)."""
        self.set_trainable(self.state["stage"])
        self.step()
        self.step()
        if self.world > 1:
            dist.barrier()
        t0 = time.perf_counter()
        for _ in range(steps):
            self.step()
        if self.device.type == "cuda":
            torch.cuda.synchronize()
        return steps * self.world * self.tc.batch * self.tc.model.seqLen / (time.perf_counter() - t0)

    def record(self, val, train_bpc, cps, budget):
        st = self.state
        if val < st["bestValBpc"]:
            st["bestValBpc"], st["bestStep"], st["evalsWithoutImprovement"] = val, st["step"], 0
            # every rank holds the same weights, so each keeps its own copy: no shared file system needed
            self.best = {n: p.detach().clone() for n, p in self.params.items()}
            if self.rank == 0:
                folder.save(self.model, os.path.join(self.run_dir, BEST))
        else:
            st["evalsWithoutImprovement"] += 1
        if self.rank == 0:
            with open(os.path.join(self.run_dir, CURVES), "a", encoding="utf-8") as f:
                f.write(f"{st['step']},{st['stage'] + 1},{st['stageStep']},{self.learning_rate():.3g},{train_bpc:.4f},"
                        f"{val:.4f},{cps:.0f},{st['seconds']:.0f}\n")
        self.log(f"{self.progress_line(train_bpc, cps)} | val {val:.4f} bpc (best {st['bestValBpc']:.4f})")
        out = self.tc.patience > 0 and st["evalsWithoutImprovement"] >= self.tc.patience
        if out and st["stageStep"] < budget:
            self.log(f"stage {st['stage'] + 1}: no improvement in {self.tc.patience} evaluations, ending it at step "
                     f"{st['stageStep']} of {budget}")
        return out

    def finish_stage(self):
        """The best weights so far carry into the next stage (or are the result)."""
        st = self.state
        best = self.best
        if best is None:  # resumed after the stage's last improvement: the best weights are in the run folder
            path = os.path.join(self.run_dir, BEST, folder.WEIGHTS)
            shapes = {n: list(p.shape) for n, p in self.params.items()}
            best = self.read_on_rank0(lambda: (None, safetensors.read(path, shapes) if os.path.exists(path) else {}))[1]
        with torch.no_grad():
            for n, t in best.items():
                self.params[n].copy_(t)
        self.best = None
        st["stageBest"].append(st["bestValBpc"])
        self.log(f"stage {st['stage'] + 1} done: best validation {st['bestValBpc']:.4f} bpc")
        st["bestValBpc"], st["stage"], st["stageStep"], st["evalsWithoutImprovement"] = math.inf, st["stage"] + 1, 0, 0
        self.checkpoint()

    # ------------------------------------------------------------------------------- checkpoints

    def checkpoint(self):
        """Weights, AdamW state (adam.m.NAME, adam.v.NAME) and the run state in one file, atomically (rank 0)."""
        if self.rank == 0:
            tensors = {n: p.detach() for n, p in self.params.items()}
            steps = {}
            for n, p in self.params.items():
                s = self.opt.state.get(p)
                if s and "exp_avg" in s:
                    tensors["adam.m." + n] = s["exp_avg"]
                    tensors["adam.v." + n] = s["exp_avg_sq"]
                    steps[n] = int(s["step"])
            meta = {"state": json.dumps(self.state), "adam_steps": json.dumps(steps)}
            if self.command:
                meta["command"] = self.command
            safetensors.write(os.path.join(self.run_dir, CHECKPOINT), tensors, meta)
        self.last_checkpoint = time.monotonic()
        if self.world > 1:
            dist.barrier()

    def read_on_rank0(self, read):
        """read() -> (info, {name: tensor}) run on rank 0 and sent to every rank: rank 0 alone reads the run
        folder, so that the other ranks need no copy of it and cannot load a different one. An error on rank 0
        is raised on every rank rather than leaving the others waiting for tensors that never come."""
        if self.world == 1:
            return read()
        box, error = [None], None
        if self.rank == 0:
            try:
                info, tensors = read()
                box[0] = (info, {n: (t.shape, t.dtype) for n, t in tensors.items()}, None)
            except (OSError, ValueError) as e:
                error = e
                box[0] = (None, None, str(e))
        dist.broadcast_object_list(box, 0)
        info, specs, message = box[0]
        if error is not None:
            raise error
        if message is not None:
            raise RuntimeError(f"rank 0 could not read the run folder: {message}")
        out = {}
        for n, (shape, dtype) in specs.items():
            t = tensors[n].to(self.device) if self.rank == 0 else torch.empty(shape, dtype=dtype, device=self.device)
            dist.broadcast(t, 0)
            out[n] = t
        return info, out

    def restore(self, path):
        meta, tensors = self.read_on_rank0(lambda: (safetensors.read_metadata(path), safetensors.read(path)))
        for n in self.params:
            if n not in tensors:
                raise safetensors.ModelFormatError(path, f"checkpoint lacks parameter '{n}'")
        steps = json.loads(meta.get("adam_steps", "{}"))
        with torch.no_grad():
            for n, p in self.params.items():
                p.copy_(tensors[n])
                if "adam.m." + n in tensors:
                    self.opt.state[p] = {"step": torch.tensor(float(steps.get(n, 0))),
                                         "exp_avg": tensors["adam.m." + n].to(p.device, p.dtype),
                                         "exp_avg_sq": tensors["adam.v." + n].to(p.device, p.dtype)}
        # in place: run() holds this dict, and after a rollback it must see the checkpoint's step and stage
        state = {**fresh_state(), **json.loads(meta["state"])}
        self.state.clear()
        self.state.update(state)

    def trim_curves(self):
        """Drops the curves.csv rows of steps after the restored checkpoint's: a run killed between a checkpoint and
        the next (or rolled back) evaluates those steps again, and would write their rows twice."""
        path = os.path.join(self.run_dir, CURVES)
        if self.rank != 0 or not os.path.exists(path):
            return
        with open(path, encoding="utf-8") as f:
            rows = f.read().splitlines(keepends=True)
        kept = rows[:1] + [r for r in rows[1:] if int(r.split(",", 1)[0]) <= self.state["step"]]
        if len(kept) < len(rows):
            safetensors.atomic_write(path, ["".join(kept).encode("utf-8")])

    def rollback(self):
        """Back to the last checkpoint with half the learning rate, after repeated non-finite steps."""
        keep = (self.state["skippedSteps"], self.state["rollbacks"], self.state["lrScale"])
        self.restore(os.path.join(self.run_dir, CHECKPOINT))
        self.trim_curves()
        self.state["skippedSteps"], self.state["rollbacks"], self.state["lrScale"] = keep[0], keep[1] + 1, keep[2] * 0.5
        self.bad_streak = 0
        self.log(f"rolled back to the checkpoint at step {self.state['step']} with learning rate scale "
                 f"{self.state['lrScale']:.3g}")

    def progress_line(self, train_bpc, cps):
        total, st = self.tc.total_steps, self.state
        bar = min(30, int(30 * st["step"] / total))
        eta = round((total - st["step"]) * self.world * self.tc.batch * self.tc.model.seqLen / max(1.0, cps))
        eta_s = f"{eta // 3600}h{eta % 3600 // 60:02d}m" if eta >= 3600 else f"{eta // 60}m{eta % 60:02d}s"
        return (f"[{'#' * bar}{'.' * (30 - bar)}] step {st['step']}/{total} | stage {st['stage'] + 1}/{self.tc.stages} "
                f"| train {train_bpc:.3f} bpc | {cps:,.0f} char/s | ETA {eta_s}")


# ----------------------------------------------------------------------------------- entry point

def compile_bodies(model):
    """torch.compile of every transformer body, in place (Module.compile: the parameters keep their names); the
    couplings' float64 mixture CDFs and the cached inverse stay eager."""
    import importlib.util
    if importlib.util.find_spec("filelock") is None:
        raise ValueError("--compile: torch.compile needs the filelock package, which this Python lacks (Debian's "
                         "python3-filelock, or pip install filelock)")
    for m in model.modules():
        if isinstance(m, CausalTransformer):
            m.compile()


def default_threads():
    """Torch threads per rank: the cores this process may use, shared by the ranks on this machine. torchrun sets
    OMP_NUM_THREADS=1 for several ranks and nothing for one; either way this is what a rank gets unless --threads."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, cores // int(os.environ.get("LOCAL_WORLD_SIZE", "1")))


def setup_distributed(device_choice):
    """(device, rank, world) from torchrun's environment; gloo on CPU, nccl on CUDA."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    cuda = device_choice == "gpu" or (device_choice == "auto" and torch.cuda.is_available())
    if device_choice == "gpu" and not torch.cuda.is_available():
        raise RuntimeError("--device gpu: torch sees no CUDA device (a CPU-only torch build?); use --device cpu")
    device = torch.device("cuda", local) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    if world > 1:
        dist.init_process_group("nccl" if cuda else "gloo")
    return device, rank, world


def checkpoint_on_rank0(run, device, world):
    """Whether rank 0's run folder holds a checkpoint, on every rank: a restarted job continues from it (rank 0
    alone reads the run folder), or starts afresh where the failed attempt died before writing its first one."""
    found = torch.tensor([float(os.path.exists(os.path.join(run, CHECKPOINT)))], device=device)
    if world > 1:
        dist.broadcast(found, 0)
    return bool(found > 0)


def command_line(run, world):
    """The command that trains this run (with --resume, continues it), naming the run folder as it was given."""
    local = int(os.environ.get("LOCAL_WORLD_SIZE", world))
    launch = ""
    if world > 1:
        nodes = f"--nnodes={world // local}" if world > local else "--standalone"
        launch = f"-m torch.distributed.run {nodes} --nproc_per_node={local} "
    option = "--run-dir" if world > 1 else "--run"  # torchrun reads --run as its own --run-path
    return (f"python {launch}-m tarflowlm train --config {shlex.quote(os.path.join(run, TRAIN_CONFIG))} "
            f"{option} {shlex.quote(run)}")


def main(args):
    run = args.run
    config_file = os.path.join(run, TRAIN_CONFIG) if args.resume else args.config
    if config_file is None:
        raise ValueError("give --config FILE, or --resume with an existing --run folder")
    # torchrun --max-restarts starts every worker again with the same command after one of them failed
    restarted = int(os.environ.get("TORCHELASTIC_RESTART_COUNT", "0")) > 0
    if not args.resume and not restarted and os.path.exists(os.path.join(run, CHECKPOINT)):
        raise ValueError(f"{run} already holds a run; use --resume or another --run folder")
    tc = cfgmod.read_train_config(config_file)
    if args.batch:
        tc.batch = args.batch
    texts = corpus.load(args.splits)
    if not args.threads:
        torch.set_num_threads(default_threads())
    device, rank, world = setup_distributed(args.device)
    resume = args.resume or (restarted and checkpoint_on_rank0(run, device, world))
    if (rank == 0 and world > 1 and os.environ.get("TORCHELASTIC_MAX_RESTARTS", "0") != "0"
            and os.environ.get("TORCHELASTIC_USE_AGENT_STORE") == "True"):
        # pytorch issue 135712, still so in torch 2.13: the store outlives an attempt, and a restarted rank can read
        # a dead rank's address from it and fail to connect, or hang
        print("tarflowlm train: warning: torchrun --max-restarts with its shared store can fail to restart; run torchrun "
              "with TORCH_DISABLE_SHARE_RDZV_TCP_STORE=1", file=sys.stderr)
    stop = {"flag": False}

    def on_signal(*_):
        stop["flag"] = True
    signal.signal(signal.SIGINT, on_signal)  # Ctrl-C reaches every rank: they stop together, with a checkpoint
    if world > 1:
        # A rank blocked in a collective (a peer hung or died) never returns to Python to read a flag, so SIGTERM,
        # torchrun's teardown signal, ends a rank at once, after printing where each thread was; a run resumes from
        # its last checkpoint, which the atomic writes keep whole.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        faulthandler.register(signal.SIGTERM, all_threads=True, chain=True)
    else:
        signal.signal(signal.SIGTERM, on_signal)
    try:
        trainer = Trainer(tc, run, texts, device, rank, world, amp=args.amp == "bf16", resume=resume,
                          command=command_line(run, world), compile=args.compile)
        n = sum(p.numel() for p in trainer.params.values())
        trainer.log(f"training {tc.model.type} ({n:,} parameters, {str(trainer.dtype).replace('torch.', '')}"
                    f"{', bf16 autocast' if trainer.amp else ''}{', compiled' if args.compile else ''}) on {device} x {world} rank(s), {tc.stages} stage(s), "
                    f"{tc.total_steps:,} steps, {world * tc.batch} sequences per step, {torch.get_num_threads()} thread(s) per rank")
        sys.stdout.flush()
        if args.measure:
            cps = trainer.measure(args.measure)
            trainer.log(f"measured {cps:.0f} char/s over {args.measure} steps")
            if rank == 0 and args.measure_out:
                with open(args.measure_out, "w") as f:
                    json.dump({"charsPerSecond": cps, "ranks": world, "threads": torch.get_num_threads()}, f)
        else:
            t0 = time.monotonic()
            limit = args.max_seconds
            trainer.run(lambda: stop["flag"] or (limit is not None and time.monotonic() - t0 > limit), args.max_steps)
    finally:
        if world > 1 and dist.is_initialized():
            dist.destroy_process_group()
