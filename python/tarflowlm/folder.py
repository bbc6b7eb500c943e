"""A model folder: config.json (ModelConfig), model.safetensors (float32 weights under the names of
docs/FORMAT.md) and card.md. Loading checks the weights against the shapes the config implies."""
import os

import torch

from . import config as cfgmod
from . import safetensors
from .model import create
from .safetensors import ModelFormatError

CONFIG, WEIGHTS, CARD = "config.json", "model.safetensors", "card.md"
FORMAT = "tarflowlm/1"  # the weight file's `format`: its major version changes with a name, a shape or a formula


def read_config(folder):
    if not os.path.isdir(folder):
        raise ModelFormatError(folder, f"not a model folder (it should hold {CONFIG} and {WEIGHTS})")
    try:
        return cfgmod.read_model_config(os.path.join(folder, CONFIG))
    except cfgmod.ConfigError as e:
        raise ModelFormatError(e.path, f"not a valid ModelConfig: {e.problem}") from None


def load_weights(model, path):
    """The file's tensors into the model by load_state_dict: state_dict() names are the file's (model.py)."""
    if not os.path.isfile(path):
        raise ModelFormatError(path, "file not found (a model folder needs its weights)")
    check_format(path)
    model.load_state_dict(safetensors.read(path, {n: list(t.shape) for n, t in model.state_dict().items()}))


def check_format(path):
    """Refuses a weight file whose `format` names another major version (FORMAT.md): read as this one, its names,
    shapes or formulas could give wrong numbers without an error. tarflowlm/1.x is read; a file without the key
    (another tool's) is checked by its names and shapes alone, as the Java reader does."""
    found = safetensors.read_metadata(path).get("format")
    if found is not None and found != FORMAT and not found.startswith(FORMAT + "."):
        raise ModelFormatError(path, f"is in format {found}, and this version of the PyTorch twin reads {FORMAT} only "
                                     "(docs/FORMAT.md)")


def load(folder, device="cpu", dtype=torch.float32, expect=None):
    """The model a folder describes, with its weights, on a device, in eval mode; expect: the class the caller
    asked for (TarFlowLM.from_pretrained of a baseline's folder is refused, not answered with a DiscreteLM)."""
    mc = read_config(folder)
    model = create(mc, dtype)
    if expect is not None and not isinstance(model, expect):
        raise ModelFormatError(folder, f"holds a {mc.type} model, not a {expect.__name__} (tarflowlm.load reads either)")
    load_weights(model, os.path.join(folder, WEIGHTS))
    return model.to(device).eval()


def save(model, folder):
    """Writes config.json and model.safetensors (float32) atomically; not the card."""
    os.makedirs(folder, exist_ok=True)
    safetensors.atomic_write(os.path.join(folder, CONFIG), [cfgmod.dumps(model.config.to_dict()).encode("utf-8")])
    # a model folder holds float32 weights whatever the training precision (FORMAT section 2), as Java writes them
    safetensors.write(os.path.join(folder, WEIGHTS), {n: t.detach().float() for n, t in model.state_dict().items()},
                      {"format": FORMAT, "type": model.config.type})
