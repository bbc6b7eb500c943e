"""`eval` of the same text by both implementations: the baseline's exact bpc to 1e-5, the flow's
ELBO (16 encoder samples each, independent noise) within two standard errors of their difference."""
import json
import math
import os
import statistics
import tempfile
import unittest

from common import FIXTURES, ROOT, java, python_cli
from test_config import ACCENTED

from tarflowlm import folder
from tarflowlm.config import normalize
from tarflowlm.evaluate import evaluate

TEXT = os.path.join(FIXTURES, "eval.txt")
CHARS = 1500  # the Java side's 16 samples take about 15 s here


def java_eval(model, samples):
    out = json.loads(java("eval", "--model", f"models/{model}", "--text", TEXT, "--chars", CHARS, "--samples", samples,
                          "--json"))
    return out["models"][0]


def text():
    with open(TEXT, encoding="utf-8") as f:
        return normalize(f.read()).strip()[:CHARS]


class EvalParityTest(unittest.TestCase):
    def test_baseline_exact_bits_per_character_equal(self):
        j = java_eval("ar-baseline", 1)
        p = evaluate(folder.load(os.path.join(ROOT, "models", "ar-baseline")), text())
        print(f"\nar-baseline, {CHARS} characters: Java {j['bpc']:.6f}, Python {p['bpc']:.6f} bpc")
        self.assertEqual(j["chars"], p["chars"])
        self.assertAlmostEqual(p["bpc"], j["bpc"], delta=1e-5)

    def test_accented_text_scores_alike(self):
        """Both implementations read the same characters from non-ASCII text (accents fold, FORMAT section 1)."""
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "accented.txt")
            with open(path, "w", encoding="utf-8") as f:
                f.write(ACCENTED)
            j = json.loads(java("eval", "--model", "models/ar-baseline", "--text", path, "--json"))
            p = json.loads(python_cli("eval", "--model", "models/ar-baseline", "--text", path, "--json"))
        self.assertEqual(j["chars"], p["chars"])
        self.assertAlmostEqual(p["models"][0]["bpc"], j["models"][0]["bpc"], delta=1e-5)

    def test_flow_elbo_within_two_standard_errors(self):
        samples = 16
        j = java_eval("mixd-p1", samples)
        p = evaluate(folder.load(os.path.join(ROOT, "models", "mixd-p1")), text(), samples=samples)
        # bpc of each encoder sample over the whole text: their spread is the Monte Carlo error of one estimate
        per_sample = [-sum(v[s] for v in p["perWindow"].values()) / math.log(2) / p["chars"] for s in range(samples)]
        se = statistics.stdev(per_sample) / math.sqrt(samples)
        se_diff = math.sqrt(2) * se  # two independent estimates of the same mean
        print(f"\nmixd-p1, {CHARS} characters, {samples} samples: Java {j['bpc']:.4f} (IW {j['iwBpc']:.4f}), "
              f"Python {p['bpc']:.4f} (IW {p['iwBpc']:.4f}) bpc; standard error of the difference {se_diff:.4f}")
        self.assertGreater(se, 0)
        self.assertLessEqual(abs(p["bpc"] - j["bpc"]), 2 * se_diff)
        self.assertLessEqual(p["iwBpc"], p["bpc"])  # the importance-weighted bound is the tighter one

    def test_python_eval_prints_the_java_table(self):
        out = python_cli("eval", "--model", "models/ar-baseline", "--text", TEXT, "--chars", CHARS)
        jout = java("eval", "--model", "models/ar-baseline", "--text", TEXT, "--chars", CHARS)
        py_lines, j_lines = out.strip().splitlines(), jout.strip().splitlines()
        self.assertEqual(py_lines[:2], j_lines[:2])  # the characters line and the header
        # the row agrees up to the speed column
        self.assertEqual(py_lines[2].split()[:4], j_lines[2].split()[:4])


if __name__ == "__main__":
    unittest.main()
