"""Reader and writer of the safetensors format, restricted to float32 and float64 tensors (F32, F64;
docs/FORMAT.md, section 2).

Layout: an 8-byte little-endian unsigned header length N, N bytes of UTF-8 JSON
({"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}),
then the raw little-endian data; offsets count from the first byte after the header.

Written by hand (no safetensors package) with the checks of the Java reader
(src/main/java/org/tarflowlm/io/Safetensors.java): a model file may come from anywhere, so the
whole header is validated (length, dtypes, shapes, offsets, overlaps, the config's expected
shapes) before any tensor is allocated, and a forged header cannot make us allocate more than the
file holds. The writer writes a temporary file beside the target, fsyncs it and renames it.
"""
import json
import os
import struct
import sys
import uuid

import torch

MAX_HEADER_BYTES = 100 * 1024 * 1024
METADATA_KEY = "__metadata__"
_MAX_ARRAY_LENGTH = 2**31 - 1 - 8  # what the Java reader can hold in one array
DTYPES = {"F32": torch.float32, "F64": torch.float64}

if sys.byteorder != "little":  # tensors are viewed on the file's bytes as they are
    raise ImportError("tarflowlm.safetensors reads little-endian data in place and needs a little-endian host")


class ModelFormatError(ValueError):
    """A malformed model file or folder; the message names the file and the problem."""

    def __init__(self, path, problem):
        super().__init__(f"{path}: {problem}")


def _non_negative_int(path, value, what):
    # bool is an int in Python; JSON true is not a number
    if isinstance(value, bool) or not isinstance(value, int):
        raise ModelFormatError(path, f"{what} is not an integer: {json.dumps(value)}")
    if value < 0:
        raise ModelFormatError(path, f"{what} is negative: {value}")
    if value > 2**63 - 1:
        raise ModelFormatError(path, f"{what} is too large: {value}")
    return value


def _reject_duplicates(path):
    def hook(pairs):
        out = {}
        for k, v in pairs:
            if k in out:
                raise ModelFormatError(path, f"header names '{k}' twice")
            out[k] = v
        return out
    return hook


def _reject_constant(path):
    def hook(name):  # NaN / Infinity are not JSON
        raise ModelFormatError(path, f"header is not valid JSON (bare {name})")
    return hook


def read_header(path, f):
    """Validates the header of an open file; returns (entries {name: (shape, begin, end, dtype)}, metadata,
    data_start)."""
    f.seek(0, os.SEEK_END)
    size = f.tell()
    if size < 8:
        raise ModelFormatError(path, f"file is {size} bytes long, shorter than the 8-byte header length")
    f.seek(0)
    (n,) = struct.unpack("<Q", f.read(8))
    if n == 0:
        raise ModelFormatError(path, "header length is 0")
    if n > size - 8:
        raise ModelFormatError(path, f"header length {n} reaches beyond the end of the file ({size} bytes)")
    if n > MAX_HEADER_BYTES:
        raise ModelFormatError(path, f"header length {n} is above the limit of {MAX_HEADER_BYTES} bytes")
    raw = f.read(n)
    try:
        text = raw.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        raise ModelFormatError(path, "header is not valid UTF-8") from None
    try:
        # Java pads the header with spaces; JSON allows trailing whitespace, nothing else
        header = json.loads(text, object_pairs_hook=_reject_duplicates(path), parse_constant=_reject_constant(path))
    except json.JSONDecodeError as e:
        raise ModelFormatError(path, f"header is not valid JSON ({e.msg})") from None
    if not isinstance(header, dict):
        raise ModelFormatError(path, "header is not a JSON object")
    data_size = size - 8 - n
    entries = {}
    metadata = {}
    for name, value in header.items():
        if name == METADATA_KEY:
            if not isinstance(value, dict):
                raise ModelFormatError(path, f"{METADATA_KEY} is not a JSON object")
            for k, v in value.items():
                if not isinstance(v, str):
                    raise ModelFormatError(path, f"{METADATA_KEY} value for key '{k}' is not a string")
                metadata[k] = v
            continue
        entries[name] = _parse_entry(path, name, value, data_size)
    _check_no_overlap(path, entries)
    return dict(sorted(entries.items())), metadata, 8 + n


def _parse_entry(path, name, value, data_size):
    what = f"tensor '{name}'"
    if not isinstance(value, dict):
        raise ModelFormatError(path, f"{what} is not described by a JSON object")
    for key in ("dtype", "shape", "data_offsets"):
        if key not in value:
            raise ModelFormatError(path, f"{what} is missing {key}")
    dtype = value["dtype"]
    if not isinstance(dtype, str):
        raise ModelFormatError(path, f"{what} has a dtype that is not a string: {json.dumps(dtype)}")
    if dtype not in DTYPES:
        raise ModelFormatError(path, f"{what} has dtype {dtype} but only F32 and F64 are supported")
    size = DTYPES[dtype].itemsize
    if not isinstance(value["shape"], list):
        raise ModelFormatError(path, f"{what} has a shape that is not an array: {json.dumps(value['shape'])}")
    shape = [_non_negative_int(path, d, f"{what} shape dimension {i}") for i, d in enumerate(value["shape"])]
    count = 1
    for d in shape:
        count *= d
    if count > 2**63 - 1:
        raise ModelFormatError(path, f"{what} has shape {shape} whose element count overflows")
    offsets = value["data_offsets"]
    if not isinstance(offsets, list) or len(offsets) != 2:
        raise ModelFormatError(path, f"{what} has data_offsets that are not [begin, end]: {json.dumps(offsets)}")
    begin = _non_negative_int(path, offsets[0], f"{what} data_offsets begin")
    end = _non_negative_int(path, offsets[1], f"{what} data_offsets end")
    if begin > end:
        raise ModelFormatError(path, f"{what} has data_offsets [{begin}, {end}] with begin after end")
    if count * size != end - begin:
        raise ModelFormatError(path, f"{what} has shape {shape} = {count} {dtype} values, but its data_offsets "
                               f"[{begin}, {end}] span {end - begin} bytes")
    if end > data_size:
        raise ModelFormatError(path, f"{what} has data_offsets [{begin}, {end}] reaching beyond the data "
                               f"section ({data_size} bytes)")
    if count > _MAX_ARRAY_LENGTH:
        raise ModelFormatError(path, f"{what} has {count} elements, too many for one array")
    return shape, begin, end, DTYPES[dtype]


def _check_no_overlap(path, entries):
    spans = sorted(((b, e, n) for n, (_, b, e, _) in entries.items() if e > b))  # empty tensors take no bytes
    furthest = None
    for b, e, n in spans:
        if furthest is not None and b < furthest[1]:
            raise ModelFormatError(path, f"tensors '{furthest[2]}' [{furthest[0]}, {furthest[1]}] and '{n}' "
                                   f"[{b}, {e}] overlap")
        if furthest is None or e > furthest[1]:
            furthest = (b, e, n)


def _check_expected(path, entries, expected):
    missing = sorted(set(expected) - set(entries))
    if missing:
        raise ModelFormatError(path, "missing tensor(s) that the config expects: " + ", ".join(f"'{m}'" for m in missing))
    extra = sorted(set(entries) - set(expected))
    if extra:
        raise ModelFormatError(path, "tensor(s) that the config does not expect: " + ", ".join(f"'{m}'" for m in extra))
    for name, (shape, _, _, _) in entries.items():
        if list(expected[name]) != shape:
            raise ModelFormatError(path, f"tensor '{name}' has shape {shape} but the config expects {list(expected[name])}")


def read(path, expected_shapes=None):
    """All tensors, sorted by name, as float32 (F32) or float64 (F64) torch tensors; with expected_shapes
    ({name: shape}) the file must hold exactly those names with exactly those shapes."""
    with open(path, "rb") as f:
        entries, _, data_start = read_header(path, f)
        if expected_shapes is not None:
            _check_expected(path, entries, expected_shapes)
        out = {}
        for name, (shape, begin, end, dtype) in entries.items():
            f.seek(data_start + begin)
            buf = bytearray(end - begin)
            got = f.readinto(buf)
            if got != len(buf):
                raise ModelFormatError(path, f"file ends at byte {data_start + begin + got}, earlier than its header says")
            t = torch.frombuffer(buf, dtype=dtype) if buf else torch.empty(0, dtype=dtype)
            out[name] = t.reshape(shape).clone()
        return out


def read_metadata(path):
    """Only the __metadata__ map (empty if absent), after validating the whole header."""
    with open(path, "rb") as f:
        return read_header(path, f)[1]


def write(path, tensors, metadata=None):
    """Writes {name: tensor} (sorted by name, data contiguous, header padded with spaces to a multiple of 8
    bytes), atomically: on any failure the old file stays as it was. float64 tensors are written as F64, so that
    a float64 run's checkpoint resumes exactly; every other tensor as F32."""
    for name in tensors:
        if not name or name == METADATA_KEY:
            raise ValueError(f"invalid tensor name '{name}'")
    names = sorted(tensors)
    header = {}
    if metadata:
        header[METADATA_KEY] = {k: str(metadata[k]) for k in sorted(metadata)}
    offset = 0
    blobs = []
    for name in names:
        dtype = torch.float64 if tensors[name].dtype == torch.float64 else torch.float32
        t = tensors[name].detach().to("cpu", dtype).contiguous()
        blob = bytearray(dtype.itemsize * t.numel())
        if t.numel():
            # torch.frombuffer views the bytearray, so copy_ fills it in place (no numpy needed)
            view = torch.frombuffer(blob, dtype=dtype)
            view.copy_(t.reshape(-1))
        blobs.append(bytes(blob))
        header[name] = {"dtype": "F64" if dtype == torch.float64 else "F32", "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
    js = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    padded = (len(js) + 7) // 8 * 8
    if padded > MAX_HEADER_BYTES:
        raise ValueError(f"safetensors header would be {padded} bytes, above the {MAX_HEADER_BYTES}-byte limit")
    js += b" " * (padded - len(js))
    atomic_write(path, [struct.pack("<Q", padded), js] + blobs)


def atomic_write(path, chunks):
    """Writes the byte chunks to a temporary file beside path, fsyncs it and renames it over path."""
    path = os.path.abspath(path)
    d = os.path.dirname(path)
    os.makedirs(d, exist_ok=True)
    tmp = os.path.join(d, f".{os.path.basename(path)}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "xb") as f:
            for c in chunks:
                f.write(c)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    try:  # make the rename itself durable where the platform allows it
        fd = os.open(d, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass
