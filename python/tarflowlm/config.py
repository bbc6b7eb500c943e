"""Configs of a model folder (config.json) and a training run (train.json), with the checks of the
Java records (ModelConfig, LayerConfig, TrainConfig), and the text8 vocabulary."""
import json
import os
import unicodedata
from dataclasses import dataclass, field
from typing import List, Optional

VOCAB_SIZE = 27  # id 0 is space, 1..26 are a..z
COUPLINGS = ("affine", "mix1", "mixd")
DIRECTIONS = ("ltr", "rtl")
INPUTS = ("latent", "posterior")


def normalize(text):
    """FORMAT section 1, as the Java Vocabulary.normalize: accents fold (NFD, combining marks dropped: café ->
    cafe); lowercase; every character outside a..z becomes a space; runs of spaces collapse to one."""
    folded = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.category(c).startswith("M"))
    out = []
    last_space = False
    for c in folded:
        # Java lowercases char by char; after NFD only A..Z and a..z lower into a..z there (checked against
        # JDK 17 on every code point: they differ only on the marks Unicode 14 added, which Python drops)
        if "a" <= c <= "z" or "A" <= c <= "Z":
            out.append(c.lower())
            last_space = False
        elif not last_space:
            out.append(" ")
            last_space = True
    return "".join(out)


def encode(normalized):
    ids = []
    for ch in normalized:
        if ch == " ":
            ids.append(0)
        elif "a" <= ch <= "z":
            ids.append(ord(ch) - ord("a") + 1)
        else:
            raise ValueError(f"character {ch!r} is outside the vocabulary; normalize the text first")
    return ids


def decode(ids):
    return "".join(" " if i == 0 else chr(ord("a") + i - 1) for i in ids)


class ConfigError(ValueError):
    """A config's problem; from a file, `path` names it and the message begins with it, once."""

    def __init__(self, problem, path=None):
        super().__init__(f"{path}: {problem}" if path else problem)
        self.problem, self.path = problem, path


def _int(d, key, where, default=None):
    v = d.get(key, default)
    if v is None:
        raise ConfigError(f"{where}: missing '{key}'")
    if isinstance(v, bool) or not isinstance(v, (int, float)) or int(v) != v:
        raise ConfigError(f"{where}: '{key}' must be an integer, got {v!r}")
    return int(v)


def _num(d, key, where, default=None):
    v = d.get(key, default)
    if v is None:
        raise ConfigError(f"{where}: missing '{key}'")
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ConfigError(f"{where}: '{key}' must be a number, got {v!r}")
    return float(v)


def _enum(d, key, allowed, where, default=None):
    v = d.get(key, default)
    if v not in allowed:  # a misspelt value is an error, never read as absent
        raise ConfigError(f"{where}: '{key}' must be one of {', '.join(allowed)}, got {v!r}")
    return v


@dataclass
class LayerConfig:
    coupling: str
    direction: str
    depth: int
    width: int
    heads: int
    components: int = 0
    input: str = "latent"

    def __post_init__(self):
        if self.depth < 1 or self.width < 1 or self.heads < 1 or self.width % self.heads:
            raise ConfigError(f"layer needs depth >= 1 and a width divisible by heads, got depth {self.depth}, "
                              f"width {self.width}, heads {self.heads}")
        if self.coupling == "mix1" and self.components < 1:
            raise ConfigError(f"a mix1 layer needs components >= 1, got {self.components}")

    @staticmethod
    def from_dict(d, where="layer"):
        return LayerConfig(_enum(d, "coupling", COUPLINGS, where), _enum(d, "direction", DIRECTIONS, where),
                           _int(d, "depth", where), _int(d, "width", where), _int(d, "heads", where),
                           _int(d, "components", where, 0), _enum(d, "input", INPUTS, where, "latent"))

    def to_dict(self):
        return {"coupling": self.coupling, "direction": self.direction, "depth": self.depth, "width": self.width,
                "heads": self.heads, "components": self.components, "input": self.input}

    def summary(self):
        words = "left to right" if self.direction == "ltr" else "right to left"
        return (f"{self.coupling}, {words}, {self.depth} block{'s' if self.depth != 1 else ''}, width {self.width}, "
                f"{self.heads} heads" + (f", K = {self.components}" if self.coupling == "mix1" else "")
                + (", reads p(k | z)" if self.input == "posterior" else ""))


@dataclass
class ModelConfig:
    type: str
    vocabSize: int
    latentDim: int
    patchSize: int
    seqLen: int
    layers: List[LayerConfig]
    seed: int = 0

    def __post_init__(self):
        if self.type not in ("tarflowlm", "ar-baseline"):
            raise ConfigError(f"model type must be 'tarflowlm' or 'ar-baseline', got '{self.type}'")
        if self.vocabSize != VOCAB_SIZE:
            raise ConfigError(f"vocabSize must be {VOCAB_SIZE} (the text8 alphabet), got {self.vocabSize}")
        if self.latentDim < 1 or self.patchSize < 1 or self.seqLen < self.patchSize or self.seqLen % self.patchSize:
            raise ConfigError("need latentDim >= 1 and seqLen a positive multiple of patchSize, got latentDim "
                              f"{self.latentDim}, patchSize {self.patchSize}, seqLen {self.seqLen}")
        if not self.layers:
            raise ConfigError("a model needs at least one layer")
        for l, layer in enumerate(self.layers[1:], start=1):
            if self.type == "tarflowlm" and layer.coupling == "mixd":
                raise ConfigError(f"layer {l}: a mixd layer is tied to the codebook, so it can only be the first layer")
            if self.type == "tarflowlm" and layer.input == "posterior":
                raise ConfigError(f"layer {l}: only the first layer reads codebook latents, so only it can take "
                                  "the posterior input")
        if self.type == "ar-baseline" and self.layers[0].input == "posterior":
            raise ConfigError("the ar-baseline reads tokens, it has no posterior input")

    @property
    def is_baseline(self):
        return self.type == "ar-baseline"

    @property
    def positions(self):
        return self.seqLen // self.patchSize

    @property
    def channels(self):
        return self.patchSize * self.latentDim

    @property
    def total_depth(self):
        return sum(l.depth for l in self.layers)

    @staticmethod
    def from_dict(d, where="model"):
        if not isinstance(d, dict):
            raise ConfigError(f"{where}: not a JSON object")
        layers = d.get("layers")
        if not isinstance(layers, list):
            raise ConfigError(f"{where}: 'layers' must be a list")
        return ModelConfig(d.get("type"), _int(d, "vocabSize", where), _int(d, "latentDim", where),
                           _int(d, "patchSize", where), _int(d, "seqLen", where),
                           [LayerConfig.from_dict(x, f"{where} layer {i}") for i, x in enumerate(layers)],
                           _int(d, "seed", where, 0))

    def to_dict(self):
        # the field order of the Java record, so that both writers give the same file
        return {"type": self.type, "vocabSize": self.vocabSize, "latentDim": self.latentDim,
                "patchSize": self.patchSize, "seqLen": self.seqLen, "layers": [l.to_dict() for l in self.layers],
                "seed": self.seed}


@dataclass
class TrainConfig:
    model: ModelConfig
    schedule: str
    stageSteps: List[int]
    batch: int
    learningRate: float
    minLearningRate: float
    warmupSteps: int
    weightDecay: float
    clipNorm: float
    evalEvery: int
    evalChars: int
    patience: int
    checkpointSeconds: int
    seed: int
    codebookSigma: float = 0.0
    inputInitStd: float = 0.0
    precision: Optional[str] = None

    def __post_init__(self):
        if self.schedule not in ("progressive", "joint"):
            raise ConfigError(f"schedule must be 'progressive' or 'joint', got '{self.schedule}'")
        n = self.stages
        if len(self.stageSteps) != n or any(s < 1 for s in self.stageSteps):
            raise ConfigError(f"stageSteps needs {n} positive entries, got {self.stageSteps}")
        if (self.batch < 1 or self.learningRate <= 0 or self.warmupSteps < 0 or self.clipNorm <= 0
                or self.evalEvery < 1 or self.evalChars < self.model.seqLen):
            raise ConfigError("need batch >= 1, learningRate > 0, clipNorm > 0, evalEvery >= 1 and evalChars >= seqLen")
        if self.codebookSigma < 0:
            raise ConfigError(f"codebookSigma must be positive, or 0 for the default; got {self.codebookSigma}")
        if self.codebookSigma > 0 and self.model.is_baseline:
            raise ConfigError("codebookSigma is for a flow model: the baseline has no codebook")
        if self.inputInitStd < 0:
            raise ConfigError(f"inputInitStd must be positive, or 0 for the default; got {self.inputInitStd}")
        if self.precision not in (None, "float32", "float64"):
            raise ConfigError(f"precision must be 'float32' or 'float64', got '{self.precision}'")

    @property
    def stages(self):
        return 1 if self.model.is_baseline or self.schedule == "joint" else len(self.model.layers)

    @property
    def total_steps(self):
        return sum(self.stageSteps)

    @property
    def float64(self):
        """The precision given, or the Java default for a config without one."""
        if self.precision is not None:
            return self.precision == "float64"
        return not self.model.is_baseline and self.schedule == "joint" and len(self.model.layers) > 1

    @staticmethod
    def from_dict(d, where="training config"):
        steps = d.get("stageSteps")
        if not isinstance(steps, list):
            raise ConfigError(f"{where}: 'stageSteps' must be a list")
        return TrainConfig(
            ModelConfig.from_dict(d.get("model"), f"{where}: model"), d.get("schedule"),
            [int(s) for s in steps], _int(d, "batch", where), _num(d, "learningRate", where),
            _num(d, "minLearningRate", where, 0.0), _int(d, "warmupSteps", where, 0), _num(d, "weightDecay", where, 0.0),
            _num(d, "clipNorm", where), _int(d, "evalEvery", where), _int(d, "evalChars", where),
            _int(d, "patience", where, 0), _int(d, "checkpointSeconds", where, 0), _int(d, "seed", where, 0),
            _num(d, "codebookSigma", where, 0.0), _num(d, "inputInitStd", where, 0.0), d.get("precision"))

    def to_dict(self):
        d = {"model": self.model.to_dict(), "schedule": self.schedule, "stageSteps": list(self.stageSteps),
             "batch": self.batch, "learningRate": self.learningRate, "minLearningRate": self.minLearningRate,
             "warmupSteps": self.warmupSteps, "weightDecay": self.weightDecay, "clipNorm": self.clipNorm,
             "evalEvery": self.evalEvery, "evalChars": self.evalChars, "patience": self.patience,
             "checkpointSeconds": self.checkpointSeconds, "seed": self.seed, "codebookSigma": self.codebookSigma,
             "inputInitStd": self.inputInitStd}
        if self.precision is not None:  # Gson leaves a null field out
            d["precision"] = self.precision
        return d


def read_json(path, parse):
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        raise ConfigError("file not found", path) from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise ConfigError(f"not valid JSON ({e.msg})", path) from None
    try:
        return parse(value)
    except (ConfigError, TypeError, ValueError) as e:
        raise ConfigError(str(e), path) from None


def read_model_config(path):
    return read_json(path, ModelConfig.from_dict)


def read_train_config(path):
    return read_json(path, TrainConfig.from_dict)


def dumps(d):
    """Pretty JSON in Gson's layout (two-space indent), with a final newline."""
    return json.dumps(d, indent=2, ensure_ascii=False) + "\n"
