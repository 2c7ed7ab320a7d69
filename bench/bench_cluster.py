"""The multiverse on a Dask cluster started as separate processes on loopback: 1 worker against 2, same specifications.

    .venv/bin/python bench/bench_cluster.py [--max-specs 24]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.cluster import loopback_cluster  # noqa: E402


def run(address: str, max_specs: int) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "model", "multiverse", "--benchmark", "intelligence_index,coding_index",
                    "--no-pooled", "--max-specs", str(max_specs), "--draws", "500", "--scheduler", address], cwd=ROOT,
                   check=True, capture_output=True)
    return time.perf_counter() - t0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-specs", type=int, default=24)
    args = parser.parse_args()
    times = {}
    for n in (1, 2):
        with tempfile.TemporaryDirectory() as tmp, loopback_cluster(Path(tmp), n_workers=n) as address:
            times[n] = run(address, args.max_specs)
        print(f"{n} worker(s): {times[n]:.1f} s for {args.max_specs} specifications "
              f"(load average {' '.join(f'{v:.2f}' for v in os.getloadavg())})", flush=True)
    print(f"speed-up with 2 workers: {times[1] / times[2]:.2f}x (includes shipping the project and restarting the workers)")


if __name__ == "__main__":
    main()
