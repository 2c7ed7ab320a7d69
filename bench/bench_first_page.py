"""First page (Data) render time in AppTest, cold, with and without `import pymc` beforehand; one process each."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNIPPET = """
import sys, time
t0 = time.perf_counter()
{pre}
t1 = time.perf_counter()
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({app!r}, default_timeout=120); at.run()
t2 = time.perf_counter()
assert not at.exception
print(f"{{t1 - t0:.2f}} {{t2 - t1:.2f}} {{'pymc' in sys.modules}}")
"""


def run(pre: str) -> tuple[float, float, bool]:
    code = SNIPPET.format(pre=pre, app=str(ROOT / "streamlit_app.py"))
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1]), out[2] == "True"


def main():
    pre_none = run("")
    pre_pymc = run("import pymc")
    print(f"first page without pymc: render {pre_none[1]:.2f} s (pymc imported by the page: {pre_none[2]})")
    print(f"import pymc alone: {pre_pymc[0]:.2f} s; first page after it: {pre_pymc[1]:.2f} s; "
          f"total with pymc {pre_pymc[0] + pre_pymc[1]:.2f} s vs {pre_none[1]:.2f} s without "
          f"(ratio {(pre_pymc[0] + pre_pymc[1]) / pre_none[1]:.1f}x)")


if __name__ == "__main__":
    main()
