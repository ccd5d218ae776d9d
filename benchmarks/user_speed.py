"""What a user waits for, as ratios measured in one run.

    .venv/bin/python benchmarks/user_speed.py [--pdfs ../shared/corpus/rendered] [--repeat 3]

1. A one-file `orders ingest` (a one-page order as text) against `orders export` of the
   same database: both commands pay start-up and imports. The local Prefect server and
   the warm ingest process beside it are started before the clock, as the first run
   after a boot starts them once; the commands find them as a user's would (no
   PREFECT_API_URL).
2. `orders ingest` of the digital PDFs against pdfplumber's own `extract_tables` and
   `extract_words` of the same pages in a process of its own (start-up and import
   included there too).

Each is the median of `--repeat` runs; the targets are ≤ 2× and ≤ 1.5×.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.server import ensure_server, stop_server  # noqa: E402
from flows.service import ensure_service, stop_service  # noqa: E402

ONE_PAGE_ORDER = ROOT / "data" / "raw" / "text" / "002_7c4a6195f44ee496.txt"
PDFPLUMBER = """
import sys, pdfplumber
for name in sys.argv[1:]:
    with pdfplumber.open(name) as pdf:
        for page in pdf.pages:
            page.extract_tables(); page.extract_words(); page.close()
"""


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds


def median(command: list[str], env: dict[str, str], repeat: int) -> float:
    return statistics.median(timed(command, env) for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pdfs", type=Path, default=ROOT.parent / "shared" / "corpus" / "rendered")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="orders-speed-"))
    home = work / "prefect"
    server, _ = ensure_server(home)
    ensure_service(home, server.api_url)
    env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
    env.update(PREFECT_HOME=str(home), ORDERS_PROCESSED_DIR=str(work / "processed"),
               ORDERS_DATABASE_URL=f"sqlite:///{work / 'orders.db'}")
    orders = [sys.executable, "-m", "pipeline"]
    try:
        one = work / ONE_PAGE_ORDER.name
        shutil.copy(ONE_PAGE_ORDER, one)
        ingest = median([*orders, "ingest", "--force", str(one)], env, args.repeat)
        export = median([*orders, "export", "--out", str(work / "export")], env, args.repeat)
        print(f"one-page order: ingest {ingest:.2f} s, export {export:.2f} s: {ingest / export:.2f}× (target ≤ 2×)")

        pdfs = sorted(p for p in args.pdfs.glob("*.pdf") if not p.name.endswith(".scan.pdf"))
        folder = work / "pdfs"
        folder.mkdir()
        for pdf in pdfs:
            shutil.copy(pdf, folder / pdf.name)
        env["ORDERS_DATABASE_URL"] = f"sqlite:///{work / 'pdfs.db'}"
        whole = median([*orders, "ingest", "--force", str(folder)], env, args.repeat)
        plumber = median([sys.executable, "-c", PDFPLUMBER, *map(str, pdfs)], env, args.repeat)
        print(f"{len(pdfs)} digital PDFs: ingest {whole:.2f} s, pdfplumber {plumber:.2f} s: "
              f"{whole / plumber:.2f}× (target ≤ 1.5×)")
    finally:
        stop_service(home)
        stop_server(home)


if __name__ == "__main__":
    main()
