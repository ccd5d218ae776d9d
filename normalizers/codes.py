"""Row codes of measures, tasks and indicators: `1.2.`, `IV.`, `3.б.`, `4.1.1`.

Codes are stored in Arabic numerals without a trailing dot. Roman section
numbers become Arabic, and letters that OCR or typists put for digits in codes
(`б`→6, `З`→3, `О`→0, `l`→1) are read as the digit they stand for — reported as
a review issue, because the printed code was not what was meant.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from normalizers import lexicon

ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
# Letters that stand for digits in codes; see the module docstring.
DIGIT_LOOKALIKES = str.maketrans(lexicon.CODE_DIGIT_LOOKALIKES)

_ROMAN_CODE = re.compile(r"^\s*([IVXLC]+)\s*\.?\s*(?=\s|$)")
# Roman numerals as OCR reads them in Cyrillic («И.» for II., «Ш» for III, «У» for V), alone in a cell.
_OCR_ROMAN_CODE = re.compile(r"^\s*([ИПШГІУХТIVX]{1,4})(?:\s*\.?\s*$|\.\s+(?=[А-ЯЁ]))")
# Its closing dot may come out as a colon or a comma: a speck beside the dot, or the dot's lower half.
_CODE = re.compile(r"^\s*(\d{1,2}(?:\s*\.\s*\d{1,2})*)\s*(?:\.{1,2}|[,:;])?(?=\s|$)")
_GARBLED_CODE = re.compile(rf"^\s*([\d{lexicon.CODE_DIGIT_LOOKALIKE_LETTERS}]{{1,2}}"
                           rf"(?:\.[\d{lexicon.CODE_DIGIT_LOOKALIKE_LETTERS}]{{1,2}})+)\s*\.?(?=\s|$)")
# A code one of whose numbers OCR read as a bracket or a quote («9.}», «6.”»): the number is unknown.
_SMUDGE = re.escape("}{)(][|!/\\”“\"'")
_SMUDGED_CODE = re.compile(rf"^\s*([\d{_SMUDGE}]{{1,2}}(?:\.[\d{_SMUDGE}]{{1,2}})+)\s*\.?(?=\s|$)")
UNKNOWN = "?"  # the number of a code that could not be read


@dataclass(frozen=True)
class Code:
    value: str  # "3.6"
    printed: str  # "3.б."
    roman: bool = False

    @property
    def garbled(self) -> bool:
        return not self.roman and re.sub(r"[\s.]", "", self.printed) != self.value.replace(".", "")

    @property
    def depth(self) -> int:
        return self.value.count(".") + 1


def roman_to_int(roman: str) -> int:
    """`IV` → 4."""
    total = 0
    values = [ROMAN[ch] for ch in roman.upper()]
    for i, v in enumerate(values):
        total += -v if i + 1 < len(values) and values[i + 1] > v else v
    return total


def parse_code(text: str) -> Code | None:
    """The row code at the start of `text`, or None when it does not start with one."""
    m = _ROMAN_CODE.match(text)
    if m:
        return Code(str(roman_to_int(m.group(1))), m.group(0).strip(), roman=True)
    m = _OCR_ROMAN_CODE.match(text)
    if m and re.fullmatch(r"[IVX]+", m.group(1).translate(lexicon.OCR_ROMAN)):
        return Code(str(roman_to_int(m.group(1).translate(lexicon.OCR_ROMAN))), m.group(0).strip(), roman=True)
    m = _CODE.match(text)
    if m:
        return Code(re.sub(r"\s+", "", m.group(1)), m.group(0).strip())
    m = _GARBLED_CODE.match(text)
    if m and re.search(r"\d", m.group(1)):
        return Code(m.group(1).translate(DIGIT_LOOKALIKES), m.group(0).strip())
    m = _SMUDGED_CODE.match(text)
    if m and re.search(r"\d", m.group(1)):
        numbers = [re.sub(r"\D", "", part) or UNKNOWN for part in m.group(1).split(".")]
        return Code(".".join(numbers), m.group(0).strip())
    return None


def rest_after_code(text: str, code: Code) -> str:
    """The text that follows a code printed at the start of a cell."""
    return text.strip()[len(code.printed):].strip(" .:\t\n")


def successors(code: str) -> list[str]:
    """Codes that may follow `code` in a numbered list: its first child, the next
    sibling of it or of any ancestor, and that sibling's first child."""
    if UNKNOWN in code:
        return []  # nothing is known to follow a code that could not be read
    parts = [int(p) for p in code.split(".")]
    out = [f"{code}.1"]
    for depth in range(len(parts), 0, -1):
        sibling = ".".join(str(p) for p in parts[:depth - 1] + [parts[depth - 1] + 1])
        out += [sibling, f"{sibling}.1"]
    return out


def repair_sequence(codes: list[str | None]) -> list[str | None]:
    """Codes in table order with misread ones replaced by the code the numbering
    demands: one that follows the code before it and leads most directly to the code
    after it («4.3», None, «54», «5.2» → «4.3», «5», «5.1», «5.2»), or the code read with
    the dot OCR lost («2.2», «31» → «2.2», «3.1»). Codes that fit are kept; a misread code with nothing fitting is kept as read (an unreadable number in it
    stays `UNKNOWN`)."""
    fixed = list(codes)
    for _ in range(2):  # the second pass sees codes the first one mended further on
        fixed = [_fit(fixed, i) for i in range(len(fixed))]
    return fixed


def _misread(code: str, after: str | None) -> list[str]:
    """Codes OCR may have read as `code`: the dot lost («31» for 3.1), or a dot or a
    speck read as one more digit («1.17» for «1.1.», «7.71» for 7.1) — unless the code
    leads to the next one as read, which a misread rarely does."""
    if re.fullmatch(r"\d{2,3}", code):
        return [f"{code[:k]}.{code[k:]}" for k in range(1, len(code))]
    parts = code.split(".")
    if not all(p.isdigit() for p in parts) or (after and after in successors(code)):
        return []
    return [".".join(parts[:i] + [part[:k] + part[k + 1:]] + parts[i + 1:])
            for i, part in enumerate(parts) if len(part) == 2 for k in (1, 0)]


def _fit(codes: list[str | None], i: int) -> str | None:
    prev = next((c for c in reversed(codes[:i]) if c), None)
    code = codes[i]
    after = next((c for c in codes[i + 1:] if c), None)
    if code and prev is None:  # the first code: kept unless only a misread of it leads to the next
        leads = [v for v in _misread(code, after) if after in successors(v)]
        return leads[0] if after and after not in successors(code) and leads else code
    if code and code in successors(prev):
        return code
    candidates = successors(prev) if prev else ["1"]
    misread = [v for v in _misread(code or "", after) if v in candidates or (after and after in successors(v))]
    if misread:
        return max(misread, key=lambda v: (v in candidates, bool(after) and after in successors(v)))
    if after is None:
        return candidates[1] if code is None and prev else code
    fitting = [c for c in candidates if after in successors(c)]
    return min(fitting, key=lambda c: successors(c).index(after)) if fitting else code
