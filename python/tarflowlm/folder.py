"""A model folder: config.json (ModelConfig), model.safetensors (float32 weights under the names of
docs/FORMAT.md) and card.md. Loading checks the weights against the shapes the config implies."""
import os

import torch

from . import config as cfgmod
from . import safetensors
from .model import create, named_weights
from .safetensors import ModelFormatError

CONFIG, WEIGHTS, CARD = "config.json", "model.safetensors", "card.md"


def read_config(folder):
    if not os.path.isdir(folder):
        raise ModelFormatError(folder, f"not a model folder (it should hold {CONFIG} and {WEIGHTS})")
    try:
        return cfgmod.read_model_config(os.path.join(folder, CONFIG))
    except cfgmod.ConfigError as e:
        raise ModelFormatError(e.path, f"not a valid ModelConfig: {e.problem}") from None


def load_weights(model, path):
    if not os.path.isfile(path):
        raise ModelFormatError(path, "file not found (a model folder needs its weights)")
    params = named_weights(model)
    tensors = safetensors.read(path, {n: list(p.shape) for n, p in params.items()})
    with torch.no_grad():
        for n, t in tensors.items():
            params[n].copy_(t)


def load(folder, device="cpu", dtype=torch.float32):
    """The model a folder describes, with its weights, on a device."""
    mc = read_config(folder)
    model = create(mc, dtype)
    load_weights(model, os.path.join(folder, WEIGHTS))
    return model.to(device).eval()


def save(model, folder):
    """Writes config.json and model.safetensors (float32) atomically; not the card."""
    os.makedirs(folder, exist_ok=True)
    safetensors.atomic_write(os.path.join(folder, CONFIG), [cfgmod.dumps(model.config.to_dict()).encode("utf-8")])
    # a model folder holds float32 weights whatever the training precision (FORMAT section 2), as Java writes them
    safetensors.write(os.path.join(folder, WEIGHTS), {n: p.detach().float() for n, p in named_weights(model).items()},
                      {"format": "tarflowlm/1", "type": model.config.type})
