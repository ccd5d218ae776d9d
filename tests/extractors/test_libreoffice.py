"""Orders saved as .doc, .rtf or .odt, read through LibreOffice (extractors/libreoffice.py)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from extractors.docx_reader import read_docx
from extractors.libreoffice import read_converted, soffice
from models.layout import Paragraph, Table
from models.errors import CorruptFileError, UnsupportedFormatError

ROOT = Path(__file__).resolve().parents[2]
ORDER = ROOT / "data" / "raw" / "docx" / "002_7c4a6195f44ee496.docx"
needs_libreoffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed "
                                       "(scripts/setup.sh installs libreoffice-writer-nogui)")


def texts(layout) -> tuple[list[str], list[list[str]]]:
    blocks = list(layout.blocks())
    return ([b.text for b in blocks if isinstance(b, Paragraph)],
            [[c.text for c in b.cells] for b in blocks if isinstance(b, Table)])


@pytest.fixture(scope="module")
def saved_as(tmp_path_factory):
    """ORDER saved by LibreOffice in each legacy format, once for the module."""
    folder = tmp_path_factory.mktemp("legacy")
    for fmt in ("doc", "rtf", "odt"):
        subprocess.run([soffice(), f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                        "--convert-to", fmt, "--outdir", str(folder), str(ORDER)], check=True, capture_output=True,
                       timeout=180)
    return folder


@needs_libreoffice
@pytest.mark.parametrize("suffix", [".doc", ".rtf", ".odt"])
def test_a_legacy_word_file_reads_as_its_docx(saved_as, suffix):
    legacy = saved_as / f"{ORDER.stem}{suffix}"

    layout = read_converted(legacy)

    paragraphs, tables = texts(layout)
    original_paragraphs, original_tables = texts(read_docx(ORDER))
    assert layout.source_file == legacy.name
    assert paragraphs[:5] == original_paragraphs[:5]
    assert [cells[:6] for cells in tables] == [cells[:6] for cells in original_tables]


@needs_libreoffice
def test_a_file_libreoffice_cannot_convert_says_so(tmp_path):
    broken = tmp_path / "broken.odt"
    broken.write_bytes(b"PK\x03\x04 a truncated package")

    with pytest.raises(CorruptFileError, match=r"LibreOffice could not convert the file \(Error: source file could "
                                               r"not be loaded\)"):
        read_converted(broken)


def test_without_libreoffice_the_error_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH where no soffice is
    legacy = tmp_path / "order.rtf"
    legacy.write_text("{\\rtf1 Распоряжение}")

    with pytest.raises(UnsupportedFormatError, match=r"LibreOffice is not installed: install it \(apt-get install"):
        read_converted(legacy)
