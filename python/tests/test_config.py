"""Every training config the repository ships reads in Python and writes back field for field; text
normalizes as in Java."""
import glob
import json
import os
import unittest

from common import ROOT

from tarflowlm.config import read_model_config, read_train_config, ConfigError, TrainConfig, normalize


class ConfigTest(unittest.TestCase):
    def test_every_shipped_training_config_round_trips(self):
        files = sorted(glob.glob(os.path.join(ROOT, "configs", "*.train.json"))
                       + glob.glob(os.path.join(ROOT, "configs", "experiments", "*.train.json")))
        self.assertGreaterEqual(len(files), 6)
        for f in files:
            with self.subTest(config=os.path.relpath(f, ROOT)):
                with open(f) as fh:
                    raw = json.load(fh)
                got = read_train_config(f).to_dict()
                defaults = {"codebookSigma": 0.0, "inputInitStd": 0.0}
                expected = {**defaults, **raw}
                expected["model"] = {"seed": 0, **raw["model"]}
                expected["model"]["layers"] = [{"components": 0, "input": "latent", **l} for l in raw["model"]["layers"]]
                self.assertEqual(got, expected)

    def test_every_model_folder_config_reads(self):
        for f in sorted(glob.glob(os.path.join(ROOT, "models", "*", "config.json"))):
            with self.subTest(model=f):
                self.assertEqual(read_model_config(f).vocabSize, 27)

    def test_a_misspelt_enum_is_an_error_not_a_default(self):
        with open(os.path.join(ROOT, "configs", "mixd-p1.train.json")) as fh:
            raw = json.load(fh)
        raw["model"]["layers"][0]["input"] = "posterio"
        with self.assertRaisesRegex(ConfigError, "'input' must be one of"):
            TrainConfig.from_dict(raw)


# Expected strings: the Java rule (Vocabulary.normalize) run by JDK 17 on the same input.
ACCENTED = "Café Müller naïve — ÉCOLE Straße Æsop œuvre ﬁnance Ångström 42 ½ \u212a İstanbul ñandú Łódź Ørsted " \
           "e\u0301te\u0301"
ACCENTED_NORMALIZED = "cafe muller naive ecole stra e sop uvre nance angstrom k istanbul nandu odz rsted ete"


class NormalizeTest(unittest.TestCase):
    def test_accents_fold_and_what_has_no_base_letter_becomes_a_space(self):
        # accented capitals and combining accents fold; ß, æ, œ, the fi ligature, ł, ø and digits have no
        # canonical decomposition to a..z and become spaces; the Kelvin sign and İ decompose to K and I
        self.assertEqual(normalize("Café Müller naïve"), "cafe muller naive")
        self.assertEqual(normalize(ACCENTED), ACCENTED_NORMALIZED)
        self.assertEqual(normalize("  Tab\tand\nnewline  "), " tab and newline ")


if __name__ == "__main__":
    unittest.main()
