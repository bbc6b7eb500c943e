"""The PEP 517 build backend of the tarflowlm package, in the tree and dependency-free, so that
`pip install ./python` and `pip install -e ./python` work offline where setuptools cannot build a wheel
(setuptools before 70.1 needs the `wheel` package, which a machine without PyPI may lack). It builds
pure-Python wheels: the package's modules, or for an editable install a .pth file naming this folder."""
import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

NAME = "tarflowlm"
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # python/
PACKAGE = os.path.join(HERE, NAME)
SUMMARY = "TarFlowLM in PyTorch: the model folders and run folders of the TarFlowLM Explorer"


def _version():
    with open(os.path.join(PACKAGE, "__init__.py"), encoding="utf-8") as f:
        return re.search(r'^__version__ = "([^"]+)"', f.read(), re.M).group(1)


def _dist_info(version):
    """The dist-info files other than RECORD: {name: bytes}."""
    d = f"{NAME}-{version}.dist-info"
    metadata = (f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {version}\nSummary: {SUMMARY}\n"
                "Requires-Python: >=3.9\nRequires-Dist: torch>=2.0\n")
    wheel = "Wheel-Version: 1.0\nGenerator: tarflowlm _build/backend.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    entry_points = f"[console_scripts]\n{NAME} = {NAME}.__main__:main\n"
    return {f"{d}/METADATA": metadata.encode(), f"{d}/WHEEL": wheel.encode(),
            f"{d}/entry_points.txt": entry_points.encode()}


def _write_wheel(directory, files):
    """files {archive name: bytes} plus RECORD, as NAME-VERSION-py3-none-any.whl; returns its basename."""
    version = _version()
    files = {**files, **_dist_info(version)}
    record_name = f"{NAME}-{version}.dist-info/RECORD"
    lines = []
    for name, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        lines.append(f"{name},sha256={digest},{len(data)}")
    lines.append(f"{record_name},,")
    files[record_name] = ("\n".join(lines) + "\n").encode()
    basename = f"{NAME}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(directory, basename), "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    return basename


def _modules():
    out = {}
    for f in sorted(os.listdir(PACKAGE)):
        if f.endswith(".py"):
            with open(os.path.join(PACKAGE, f), "rb") as fh:
                out[f"{NAME}/{f}"] = fh.read()
    return out


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, _modules())


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    # the .pth puts python/ on sys.path: the installed package is the working tree's, edits and all
    return _write_wheel(wheel_directory, {f"__editable__.{NAME}.pth": (HERE + "\n").encode()})


def build_sdist(sdist_directory, config_settings=None):
    base = f"{NAME}-{_version()}"
    path = os.path.join(sdist_directory, base + ".tar.gz")
    with tarfile.open(path, "w:gz") as t:
        for rel in ["pyproject.toml", "README.md", "_build/backend.py"] + list(_modules()):
            t.add(os.path.join(HERE, rel), arcname=f"{base}/{rel}")
        info = f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {_version()}\n".encode()
        entry = tarfile.TarInfo(f"{base}/PKG-INFO")
        entry.size = len(info)
        t.addfile(entry, io.BytesIO(info))
    return os.path.basename(path)
