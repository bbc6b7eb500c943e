"""`pip install ./python` offline (the in-tree build backend, no network, no build dependencies) gives an
importable package with its public API and version, and the `tarflowlm` command."""
import os
import subprocess
import sys
import tempfile
import unittest

from common import ROOT


class PackageTest(unittest.TestCase):
    def test_installed_package_imports_and_its_command_runs(self):
        with tempfile.TemporaryDirectory(prefix="tarflowlm-pip-") as d:
            target = os.path.join(d, "site")
            subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                            "--no-build-isolation", "--target", target, os.path.join(ROOT, "python")],
                           check=True, timeout=120, capture_output=True)
            env = dict(os.environ, PYTHONPATH=target)  # the installed copy, not the working tree
            probe = ("import tarflowlm; print(tarflowlm.__file__); print(tarflowlm.__version__); "
                     "print(all(getattr(tarflowlm, n) is not None for n in tarflowlm.__all__)); "
                     f"print(type(tarflowlm.load({os.path.join(ROOT, 'models', 'ar-baseline')!r})).__name__)")
            r = subprocess.run([sys.executable, "-c", probe], cwd=d, env=env, capture_output=True, text=True,
                               timeout=120)
            self.assertEqual(r.returncode, 0, r.stderr)
            where, version, exports, model = r.stdout.split()
            self.assertTrue(where.startswith(target), where)
            self.assertRegex(version, r"^\d+\.\d+\.\d+$")
            self.assertEqual((exports, model), ("True", "DiscreteLM"))
            command = os.path.join(target, "bin", "tarflowlm")
            r = subprocess.run([command, "generate", "--model", "m", "--length", "0"], cwd=d, env=env,
                               capture_output=True, text=True, timeout=60)
            self.assertEqual((r.returncode, r.stderr),
                             (2, "tarflowlm generate: error: argument --length: must be at least 1, got 0\n"))


if __name__ == "__main__":
    unittest.main()
