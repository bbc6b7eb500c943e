"""`python -m tarflowlm`: every bad argument, missing or malformed file and bad config ends in one line on
stderr and a non-zero exit, never a traceback."""
import os
import subprocess
import sys
import tempfile
import unittest

from common import ROOT

MODEL = os.path.join("models", "ar-baseline")


class CliErrorTest(unittest.TestCase):
    def test_each_error_is_one_line_and_a_non_zero_exit(self):
        with tempfile.TemporaryDirectory(prefix="tarflowlm-cli-") as d:
            bad_model = os.path.join(d, "bad-model")
            os.makedirs(bad_model)
            with open(os.path.join(bad_model, "config.json"), "w") as f:
                f.write('{"type": "tarflowlm"')
            bad_config = os.path.join(d, "bad.train.json")
            with open(bad_config, "w") as f:
                f.write('{"model": {}, "stageSteps": [1]}')
            bad_model_config = os.path.join(bad_model, "config.json")
            cases = [  # arguments, exit code, what the line says
                (["generate", "--model", MODEL, "--length", "0"], 2, "--length: must be at least 1, got 0"),
                (["generate", "--model", MODEL, "--length", "-5"], 2, "--length: must be at least 1, got -5"),
                (["generate", "--model", MODEL, "--temperature", "-1"], 2, "--temperature: must be in (0, 10], got -1"),
                (["eval", "--model", MODEL, "--samples", "0"], 2, "--samples: must be at least 1, got 0"),
                (["eval", "--model", MODEL, "--threads", "-1"], 2, "--threads: must be at least 0, got -1"),
                (["generate", "--model", MODEL, "--threads", "x"], 2, "--threads: must be an integer, got 'x'"),
                (["eval", "--model", MODEL, "--text", os.path.join(d, "absent.txt")], 1, "absent.txt: No such file"),
                (["generate", "--model", bad_model], 1, f"{bad_model_config}: not a valid ModelConfig: not valid JSON"),
                (["train", "--config", bad_config, "--run", os.path.join(d, "run")], 1, f"{bad_config}: "),
            ]
            env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
            env.pop("TARFLOWLM_DEBUG", None)
            procs = [subprocess.Popen([sys.executable, "-m", "tarflowlm"] + args, cwd=ROOT, env=env, text=True,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE) for args, _, _ in cases]
            for (args, code, says), p in zip(cases, procs):
                out, err = p.communicate(timeout=120)
                with self.subTest(args=" ".join(args)):
                    self.assertEqual(p.returncode, code, err)
                    self.assertEqual(len(err.splitlines()), 1, err)
                    self.assertTrue(err.startswith(f"tarflowlm {args[0]}: error: "), err)
                    self.assertIn(says, err)
                    self.assertLessEqual(err.count(bad_config) + err.count(bad_model_config), 1, "a path named twice")
                    self.assertEqual(out, "")


if __name__ == "__main__":
    unittest.main()
