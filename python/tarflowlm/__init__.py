"""TarFlowLM in PyTorch: the model folders and run folders of the TarFlowLM Explorer (docs/FORMAT.md).

    import tarflowlm
    model = tarflowlm.load("models/mixd-p1")
    bpc = tarflowlm.evaluate(model, tarflowlm.normalize(text).strip())["bpc"]
    text, iterations = model.generate_text("The President", 80)

The names below load on first use, so that `import tarflowlm` and the command line's --help do not wait
for torch."""
import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "TarFlowLM": "model", "DiscreteLM": "model", "create": "model", "named_weights": "model",
    "load": "folder", "save": "folder", "read_config": "folder",
    "evaluate": "evaluate",
    "normalize": "config", "encode": "config", "decode": "config", "ModelConfig": "config", "LayerConfig": "config",
    "TrainConfig": "config", "read_model_config": "config", "read_train_config": "config", "ConfigError": "config",
    "ModelFormatError": "safetensors",
    "Trainer": "train",
}
__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return __all__
