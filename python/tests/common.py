"""What the Python tests share: the repository root, the Java command line, a fixture reader and a
small corpus built from the repository's own prose (CI has no data/splits)."""
import glob
import os
import shlex
import subprocess
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "python"))
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
torch.set_num_threads(1)  # CI has 2 cores; the Java side and the second DDP rank use the other


def java_command():
    """$TARFLOWLM_JAVA (e.g. "java -cp ... org.tarflowlm.cli.Main"), else bin/tarflowlm of this checkout."""
    return shlex.split(os.environ.get("TARFLOWLM_JAVA", os.path.join(ROOT, "bin", "tarflowlm")))


def java(*args, timeout=600):
    """Runs the Java command line from the repository root; returns stdout, fails with its stderr."""
    r = subprocess.run(java_command() + [str(a) for a in args], cwd=ROOT, capture_output=True, text=True,
                       timeout=timeout)
    if r.returncode != 0:
        raise AssertionError(f"java {' '.join(map(str, args))} failed ({r.returncode}):\n{r.stderr[-3000:]}")
    return r.stdout


def python_cli(*args, env=None, timeout=600):
    """Runs python3 -m tarflowlm with this interpreter; returns stdout."""
    e = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
    e.update(env or {})
    r = subprocess.run([sys.executable, "-m", "tarflowlm"] + [str(a) for a in args], cwd=ROOT, capture_output=True,
                       text=True, timeout=timeout, env=e)
    if r.returncode != 0:
        raise AssertionError(f"python -m tarflowlm {' '.join(map(str, args))} failed ({r.returncode}):\n"
                             f"{r.stdout[-2000:]}\n{r.stderr[-3000:]}")
    return r.stdout


def fixture(name):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as f:
        return f.read()


def shipped_models():
    return sorted(os.path.basename(os.path.dirname(p)) for p in glob.glob(os.path.join(ROOT, "models", "*", "config.json")))


def write_splits(folder):
    """Train / validation / test splits from the repository's prose (CI has no data/splits)."""
    from tarflowlm import corpus
    return corpus.from_prose(ROOT, folder)
