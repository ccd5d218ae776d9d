"""Write the generated corpus: for each invented order `gen_NNN` its `.txt`, `.docx`, a digital
`.pdf` converted from the `.docx` by LibreOffice (when it is installed), and the expected
export `.json` (with its `kinds`).

    python -m tests.generated.build OUT_DIR [--n 40] [--seed 12]
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.generated.orders import make_orders
from tests.generated.writers import write_docx, write_truth, write_txt

SOFFICE_TIMEOUT_S = 900


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def build_corpus(out_dir: Path, n: int = 40, seed: int = 12) -> list[Path]:
    """Write `n` orders drawn with `seed` into `out_dir`; return the expected `.json` files, one per
    order (its inputs lie beside it under the same stem). PDFs are made in one LibreOffice call."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    truths = []
    for order in make_orders(n, seed):
        write_txt(order, out_dir / f"{order.name}.txt")
        write_docx(order, out_dir / f"{order.name}.docx")
        truths.append(write_truth(order, out_dir / f"{order.name}.json"))
    convert_to_pdf(sorted(out_dir.glob("gen_*.docx")), out_dir)
    return truths


def convert_to_pdf(docx_files: list[Path], out_dir: Path) -> list[Path]:
    """The `.docx` files as PDFs beside them (one batch call); nothing when LibreOffice is absent."""
    command = soffice()
    if command is None or not docx_files:
        return []
    with tempfile.TemporaryDirectory(prefix="generated-orders-lo-") as profile:
        subprocess.run([command, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, docx_files)],
                       check=True, capture_output=True, timeout=SOFFICE_TIMEOUT_S)
    pdfs = [out_dir / f"{f.stem}.pdf" for f in docx_files]
    missing = [p.name for p in pdfs if not p.is_file()]
    if missing:
        raise RuntimeError(f"LibreOffice made no PDF for {', '.join(missing)}")
    return pdfs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)
    truths = build_corpus(args.out_dir, args.n, args.seed)
    pdf = "with PDFs" if soffice() else "without PDFs (LibreOffice is not installed)"
    print(f"{len(truths)} orders written to {args.out_dir} {pdf}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
