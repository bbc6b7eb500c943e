"""The corpus splits folder the Java `data` command writes (train.txt, validation.txt, test.txt and
manifest.json of format tarflowlm-corpus/1); every text is checked against its sha256 and length."""
import glob
import hashlib
import json
import os
import re

from .safetensors import atomic_write

FORMAT = "tarflowlm-corpus/1"
FILES = {"train": "train.txt", "validation": "validation.txt", "test": "test.txt"}


def load(folder):
    """{"train": text, "validation": text, "test": text}."""
    for f in list(FILES.values()) + ["manifest.json"]:
        if not os.path.isfile(os.path.join(folder, f)):
            raise FileNotFoundError(f"corpus splits not found in {folder} (no {f}); run scripts/fetch-corpus.sh and "
                                    "`bin/tarflowlm data`, or give --splits")
    with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("splits"), dict):
        raise ValueError(f"{folder}/manifest.json is not a {FORMAT} manifest")
    out = {}
    for split, name in FILES.items():
        entry = manifest["splits"].get(split) or {}
        with open(os.path.join(folder, name), "rb") as f:
            raw = f.read()
        sha = hashlib.sha256(raw).hexdigest()
        if sha != entry.get("sha256"):
            raise ValueError(f"{folder}/{name} does not match manifest.json (sha256 {sha}, manifest says "
                             f"{entry.get('sha256')})")
        text = raw.decode("utf-8")
        if len(text) != entry.get("characters"):
            raise ValueError(f"{folder}/{name} has {len(text)} characters, manifest.json says {entry.get('characters')}")
        out[split] = text
    return out


def write(folder, texts, documents=None):
    """Writes splits (normalized texts) and a manifest the Java reader accepts; for tests and small corpora."""
    splits = {}
    for split, name in FILES.items():
        data = texts[split].encode("utf-8")
        atomic_write(os.path.join(folder, name), [data])
        splits[split] = {"file": name, "documents": 1, "characters": len(texts[split]),
                         "sha256": hashlib.sha256(data).hexdigest(),
                         "documentNames": (documents or {}).get(split, [name])}
    manifest = {"format": FORMAT, "splitRule": "given", "normalization": "text8-style", "join": "given",
                "rawSha256Rule": "none", "sources": [], "splits": splits}
    atomic_write(os.path.join(folder, "manifest.json"), [(json.dumps(manifest, indent=2) + "\n").encode("utf-8")])


def from_prose(root, folder):
    """Splits (80 / 10 / 10) of the repository's own prose (docs, README, model cards), normalized: a small
    corpus for tests and benchmarks where the real one is not fetched."""
    from .config import normalize
    files = sorted(glob.glob(os.path.join(root, "docs", "*.md"))) + [os.path.join(root, "README.md")] + \
        sorted(glob.glob(os.path.join(root, "models", "*", "card.md")))
    parts = []
    for f in files:
        with open(f, encoding="utf-8") as fh:
            parts.append(normalize(re.sub(r"`[^`]*`", " ", fh.read())).strip())  # formulas out, prose in
    t = " ".join(parts)
    n = len(t)
    write(folder, {"train": t[:int(n * 0.8)], "validation": t[int(n * 0.8):int(n * 0.9)], "test": t[int(n * 0.9):]})
    return folder
