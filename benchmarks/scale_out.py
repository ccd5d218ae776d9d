"""Serial vs local Dask ingestion of a corpus, and the cost of a second run.

    .venv/bin/python benchmarks/scale_out.py [CORPUS_DIR ...]   (default: ../shared/corpus/seeds and rendered)

Runs `orders ingest` as a user would, in fresh SQLite databases: serially, then on a
local Dask cluster of 2 workers, then serially again over the unchanged inputs.
Prints the wall time of each, whether the Dask database holds exactly the serial
one's rows (`comparable_rows`), and the second run's time as a share of the first.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.research import comparable_rows  # noqa: E402
from store.database import open_database  # noqa: E402

DEFAULT = [ROOT.parent / "shared" / "corpus" / "seeds", ROOT.parent / "shared" / "corpus" / "rendered"]


def ingest(inputs: list[Path], url: str, env: dict, *extra: str) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pipeline", "ingest", *map(str, inputs), "--db", url, *extra],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"orders ingest failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    print(f"  {' '.join(extra) or 'serial':12} {seconds:7.1f} s   {done.stdout.splitlines()[0]}")
    return seconds


def main() -> None:
    inputs = [Path(p) for p in sys.argv[1:]] or DEFAULT
    work = Path(tempfile.mkdtemp(prefix="orders-scale-"))
    env = {**os.environ, "PREFECT_HOME": str(work / "prefect"), "ORDERS_PROCESSED_DIR": str(work / "processed"),
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    serial_url, dask_url = f"sqlite:///{work / 'serial.db'}", f"sqlite:///{work / 'dask.db'}"
    print("inputs:", ", ".join(map(str, inputs)))
    first = ingest(inputs, serial_url, env)
    dask = ingest(inputs, dask_url, env, "--workers", "2")
    second = ingest(inputs, serial_url, env)
    same = comparable_rows(open_database(serial_url)) == comparable_rows(open_database(dask_url))
    print(f"Dask (2 workers) database identical to the serial one: {same}")
    print(f"Dask speed-up over serial: {first / dask:.2f}x")
    print(f"second run over unchanged inputs: {second:.1f} s = {100 * second / first:.1f}% of the first")


if __name__ == "__main__":
    main()
