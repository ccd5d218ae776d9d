"""The only place that runs LibreOffice: orders saved as .doc, .rtf or .odt are
converted to .docx (headless, in a folder of their own) and read as Word files.

Each conversion runs with a profile of its own, so that conversions at once (OCR
workers, Dask workers) never share LibreOffice's lock, and with a time limit.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from models.layout import Layout
from models.errors import CorruptFileError, UnsupportedFormatError

CONVERTED = (".doc", ".rtf", ".odt")  # what LibreOffice turns into .docx here
TIMEOUT_S = 120
INSTALL = "apt-get install libreoffice-writer-nogui"


def soffice() -> str | None:
    """The LibreOffice command, if it is installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_converted(path: Path) -> Layout:
    """Convert `path` to .docx with LibreOffice and read that; the layout keeps the
    original file's name. Raises UnsupportedFormatError, naming the remedy, when
    LibreOffice is not installed, and CorruptFileError when it cannot convert the file."""
    command = soffice()
    if command is None:
        raise UnsupportedFormatError(
            f"a {path.suffix.lower()} file is read once converted to .docx, and LibreOffice is not installed: "
            f"install it ({INSTALL}) or convert the file (soffice --headless --convert-to docx FILE)", path=path)
    with tempfile.TemporaryDirectory(prefix="orders-convert-") as work:
        converted = _convert(command, path, Path(work))
        from extractors.docx_reader import read_docx  # python-docx: only where a file is converted

        layout = read_docx(converted)
    layout.source_file = path.name
    return layout


def _convert(command: str, path: Path, work: Path) -> Path:
    profile = (work / "profile").as_uri()
    try:
        done = subprocess.run([command, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "docx",
                               "--outdir", str(work), str(path.resolve())],
                              capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise CorruptFileError(f"LibreOffice did not convert the file within {TIMEOUT_S} s", path=path) from None
    converted = work / f"{path.stem}.docx"
    if done.returncode != 0 or not converted.is_file():
        said = [line.strip() for line in (done.stdout + "\n" + done.stderr).splitlines() if line.strip()]
        reason = next((line for line in said if line.startswith("Error")), said[-1] if said else "no .docx came out")
        raise CorruptFileError(f"LibreOffice could not convert the file ({reason})", path=path)
    return converted
