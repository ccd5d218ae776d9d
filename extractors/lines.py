"""Text lines → paragraphs, shared by the digital-PDF and the OCR readers.

A line is a dict with `text`, `x0`, `x1`, `top`, `bottom` (and, from pdfplumber,
`chars` with font names and sizes).
"""
from __future__ import annotations

import re

from models.layout import BBox, Paragraph
from normalizers.text import join_wrapped

_NEW_PARAGRAPH = re.compile(r"^\s*(?:[-–—•]\s|\d{1,2}[.)]\s|[IVXLC]+\.\s|Задача\s*\d)")


def join_wrapped_lines(lines: list[dict], right_edge: float) -> str:
    """A cell's lines with its own paragraphs on separate lines and wrapped lines
    joined: a line starts a paragraph when the line above ended with room for its
    first word."""
    if not lines:
        return ""
    paragraphs = [lines[0]["text"]]
    for prev, line in zip(lines, lines[1:]):
        # a number's digit groups wrap as one word where they are kept together
        number = re.match(r"\d{1,3}(?:[ \u00a0]\d{3})+(?:[,.]\d+)?", line["text"])
        first_word = number.group(0) if number else line["text"].split(" ")[0]
        word_width = (line["x1"] - line["x0"]) * len(first_word) / max(len(line["text"]), 1)
        if right_edge - prev["x1"] > word_width * 1.1 + 6:
            paragraphs.append(line["text"])
        else:
            paragraphs[-1] = join_wrapped(paragraphs[-1], line["text"])
    return "\n".join(paragraphs)


def lines_to_paragraphs(lines: list[dict], page_number: int, page_width: float) -> list[Paragraph]:
    """Text lines → paragraphs: a line joins the one above unless the gap is larger
    than the page's usual leading, the font or alignment changes, the line opens a
    list item or an indented paragraph, or the line above ended short of the margin."""
    if not lines:
        return []
    left, right = min(line["x0"] for line in lines), max(line["x1"] for line in lines)
    gaps = sorted(b["top"] - a["bottom"] for a, b in zip(lines, lines[1:]) if b["top"] > a["bottom"])
    leading = gaps[len(gaps) // 2] if gaps else 0.0  # the usual gap between lines of a paragraph
    paragraphs: list[list[dict]] = []
    for line in lines:
        prev = paragraphs[-1][-1] if paragraphs else None
        if prev is not None and _continues_paragraph(prev, line, (left, right, leading), page_width):
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
    return [_paragraph(group, page_number) for group in paragraphs]


def _continues_paragraph(prev: dict, line: dict, page_text: tuple[float, float, float], page_width: float) -> bool:
    left, right, leading = page_text
    height = prev["bottom"] - prev["top"]
    if line["top"] - prev["bottom"] > leading + 0.3 * height or _NEW_PARAGRAPH.match(line["text"]):
        return False
    if _centred(prev, left, right, page_width) != _centred(line, left, right, page_width):
        return False  # a centred title ends where justified body text starts
    if _is_bold(prev) != _is_bold(line) or abs(_size(prev) - _size(line)) > 1:
        return False  # a heading ends where the body text starts
    indented = line["x0"] > left + 0.02 * page_width
    if indented and prev["text"].rstrip()[-1:] in ".:;":
        return False  # a first-line indent after a finished sentence
    return prev["x1"] > right - 0.12 * page_width


def _centred(line: dict, left: float, right: float, page_width: float) -> bool:
    margin_left, margin_right = line["x0"] - left, right - line["x1"]
    return margin_left > 0.013 * page_width and abs(margin_left - margin_right) < 0.02 * page_width


def _is_bold(line: dict) -> bool:
    chars = [c for c in line.get("chars", []) if c["text"].strip()]
    return bool(chars) and all("Bold" in (c.get("fontname") or "") for c in chars)


def _size(line: dict) -> float:
    sizes = [c.get("size", 0) for c in line.get("chars", []) if c["text"].strip()]
    return max(sizes, default=0)


def _paragraph(lines: list[dict], page_number: int) -> Paragraph:
    box = BBox(min(line["x0"] for line in lines), min(line["top"] for line in lines),
               max(line["x1"] for line in lines), max(line["bottom"] for line in lines))
    confidences = [line["confidence"] for line in lines if line.get("confidence") is not None]
    return Paragraph(text="\n".join(line["text"] for line in lines), page=page_number,
                     bold=all(_is_bold(line) for line in lines), bbox=box,
                     confidence=min(confidences) if confidences else None)
