"""One rank of test_ddp's collective-decision test, started with torchrun's environment (RANK, WORLD_SIZE,
MASTER_ADDR, MASTER_PORT): argv is CONFIG SPLITS RUN OUT. Rank 1's clock runs five times fast, so that the
ranks cross checkpointSeconds at different steps (as real ranks do by chance, a step apart), and rank 1's
loss turns non-finite for three steps at step 30, forcing a rollback. Rank 1 is given a run folder that does
not exist: the rollback must come from rank 0's copy. Each rank writes its final weights and state to OUT."""
import json
import os
import sys
import time
import types

import torch

from tarflowlm import corpus, safetensors, train
from tarflowlm.config import read_train_config

POISON_AT, POISONED_STEPS, STEPS = 30, 3, 60

config, splits, run, out = sys.argv[1:5]
device, rank, world = train.setup_distributed("cpu")
torch.set_num_threads(1)
if rank == 1:
    real = time.monotonic
    train.time = types.SimpleNamespace(monotonic=lambda: 5 * real(), perf_counter=time.perf_counter)


class Poisoned(train.Trainer):
    left = POISONED_STEPS if rank == 1 else 0

    def step(self, poisoned=False):
        hit = self.state["step"] >= POISON_AT and self.left > 0
        self.left -= hit
        return super().step(hit)


tc = read_train_config(config)
tc.checkpointSeconds = 1
trainer = Poisoned(tc, run if rank == 0 else run + "-not-on-this-machine", corpus.load(splits), device, rank, world,
                   amp=False)
trainer.run(max_steps=STEPS)
safetensors.write(os.path.join(out, f"rank{rank}.safetensors"), dict(trainer.params),
                  {"state": json.dumps(trainer.state)})
torch.distributed.destroy_process_group()
