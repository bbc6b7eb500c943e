"""The hand-written safetensors reader refuses what the Java reader refuses, before allocating."""
import json
import os
import struct
import tempfile
import unittest

import torch

import common  # noqa: F401

from tarflowlm import safetensors
from tarflowlm.safetensors import ModelFormatError


def raw(path, header, data=b"", pad=True):
    js = json.dumps(header).encode() if isinstance(header, dict) else header
    if pad:
        js += b" " * ((-len(js)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(js)) + js + data)


class SafetensorsTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "m.safetensors")

    def tearDown(self):
        self.dir.cleanup()

    def refuses(self, header, data=b"", match="", expected=None, pad=True):
        raw(self.path, header, data, pad)
        with self.assertRaises(ModelFormatError) as e:
            safetensors.read(self.path, expected)
        self.assertIn(match, str(e.exception))
        self.assertIn(self.path, str(e.exception))

    def test_round_trip_with_metadata_and_sorted_names(self):
        t = {"b": torch.randn(3, 4), "a": torch.arange(5.0), "empty": torch.zeros(0, 2)}
        safetensors.write(self.path, t, {"format": "tarflowlm/1"})
        back = safetensors.read(self.path, {"a": [5], "b": [3, 4], "empty": [0, 2]})
        self.assertEqual(list(back), ["a", "b", "empty"])
        for k in t:
            self.assertTrue(torch.equal(back[k], t[k]))
        self.assertEqual(safetensors.read_metadata(self.path), {"format": "tarflowlm/1"})
        with open(self.path, "rb") as f:
            n = struct.unpack("<Q", f.read(8))[0]
        self.assertEqual(n % 8, 0)

    def test_float64_round_trips_as_f64_and_reads_a_java_f64_file(self):
        g = torch.Generator().manual_seed(7)
        t = {"w": torch.randn(3, 4, generator=g, dtype=torch.float64), "v": torch.randn(5, generator=g)}
        safetensors.write(self.path, t)
        back = safetensors.read(self.path)
        self.assertEqual((back["w"].dtype, back["v"].dtype), (torch.float64, torch.float32))
        self.assertTrue(torch.equal(back["w"], t["w"]) and torch.equal(back["v"], t["v"]))
        with open(self.path, "rb") as f:
            n = struct.unpack("<Q", f.read(8))[0]
            header = json.loads(f.read(n))
        self.assertEqual((header["w"]["dtype"], header["w"]["data_offsets"]), ("F64", [20, 116]))
        # laid out by hand as the Java writer lays out a float64 checkpoint's tensor
        raw(self.path, {"a": {"dtype": "F64", "shape": [2], "data_offsets": [0, 16]}}, struct.pack("<2d", 0.1, -1e300))
        self.assertEqual(safetensors.read(self.path)["a"].tolist(), [0.1, -1e300])
        self.refuses({"a": {"dtype": "F64", "shape": [2], "data_offsets": [0, 8]}}, b"\0" * 8, "2 F64 values")

    def test_refuses_bad_lengths(self):
        with open(self.path, "wb") as f:
            f.write(b"\x01\x02")
        with self.assertRaisesRegex(ModelFormatError, "shorter than the 8-byte"):
            safetensors.read(self.path)
        with open(self.path, "wb") as f:
            f.write(struct.pack("<Q", 10**12) + b"{}")
        with self.assertRaisesRegex(ModelFormatError, "beyond the end of the file"):
            safetensors.read(self.path)
        self.refuses(b"", match="header length is 0", pad=False)

    def test_refuses_bad_headers(self):
        self.refuses(b"[1, 2]", match="not a JSON object")
        self.refuses(b"{\"a\": ", match="not valid JSON")
        self.refuses(b"\xff\xfe{}", match="not valid UTF-8")
        self.refuses(b'{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, '
                     b'"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}', b"\0" * 4, "twice")
        self.refuses({"__metadata__": {"k": 1}}, match="is not a string")

    def test_refuses_bad_entries(self):
        self.refuses({"a": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]}}, b"\0" * 4, "only F32 and F64")
        self.refuses({"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}, b"\0" * 4, "negative")
        self.refuses({"a": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}}, b"\0" * 4, "not an integer")
        self.refuses({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}, b"\0" * 8, "span 4 bytes")
        self.refuses({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}}, b"\0" * 8, "begin after end")
        self.refuses({"a": {"dtype": "F32", "shape": [1]}}, b"\0" * 4, "missing data_offsets")
        # a forged shape claims far more than the file holds: refused from the header alone
        self.refuses({"a": {"dtype": "F32", "shape": [10**9], "data_offsets": [0, 4 * 10**9]}}, b"\0" * 4,
                     "beyond the data section")
        self.refuses({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                      "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}, b"\0" * 12, "overlap")

    def test_refuses_what_the_config_does_not_expect(self):
        t = {"a": torch.zeros(2, 3)}
        safetensors.write(self.path, t)
        with self.assertRaisesRegex(ModelFormatError, "missing tensor"):
            safetensors.read(self.path, {"a": [2, 3], "b": [1]})
        with self.assertRaisesRegex(ModelFormatError, "does not expect"):
            safetensors.read(self.path, {})
        with self.assertRaisesRegex(ModelFormatError, "config expects \\[3, 2\\]"):
            safetensors.read(self.path, {"a": [3, 2]})

    def test_a_failed_write_leaves_the_old_file(self):
        safetensors.write(self.path, {"a": torch.ones(2)})
        with self.assertRaises(ValueError):
            safetensors.write(self.path, {"__metadata__": torch.ones(2)})
        self.assertTrue(torch.equal(safetensors.read(self.path)["a"], torch.ones(2)))
        self.assertEqual([f for f in os.listdir(self.dir.name) if f.endswith(".tmp")], [])


if __name__ == "__main__":
    unittest.main()
