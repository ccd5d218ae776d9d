"""Invented scanned pages of one funding table, with their truth, and the damage scans suffer.

`draw_page(seed)` draws, from `random.Random(seed)`, an A4 sheet as a scanner would see it:
one paragraph of Russian prose, then a fully ruled table of measures, their executors and
their amounts for 2024, 2025 and in all. It returns the image and a `ScanTruth`: the
printed text of every cell and the box of every body cell, so a test can damage one
chosen cell (put a seal over an amount) and know what the product should read there.

The degradations each take an image and return a new one, in the order they happen to
a real sheet: `seal` (stamped in the office), `tilt` (fed askew), `streak` (dust on the
scanner's glass), `blur_and_noise` (the scanner's optics and a JPEG saved at low quality).
"""
from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
FONT_PT = 11
MM_PER_INCH = 25.4
A4_MM = (210, 297)  # portrait width × height
MARGINS_MM = (25, 20, 12)  # left, top, right: the Russian office layout, wide left for binding
INDENT_MM = 12.5  # first-line indent of the paragraph
TABLE_GAP_MM = 6  # between the paragraph and the table
CELL_PADDING_MM = 1.5
RULING_MM = 0.25  # a printed table's line, 2 px at 200 dpi
LINE_SPACING = 1.25  # baseline to baseline, in font sizes

HEADER = ["№ п/п", "Наименование мероприятия", "Исполнитель", "2024 год", "2025 год", "Всего"]
COLUMN_SHARES = [0.065, 0.30, 0.23, 0.135, 0.135, 0.135]  # of the text width; an amount fits «9 999 000»
AMOUNT_COLUMNS = (3, 4, 5)

PROSE = [
    "Утвердить прилагаемый план мероприятий по повышению доступности социальных услуг "
    "для семей с детьми на 2024–2025 годы.",
    "Финансирование мероприятий осуществляется в пределах бюджетных ассигнований, "
    "предусмотренных в краевом бюджете на соответствующий финансовый год.",
    "Исполнителям мероприятий ежеквартально, до 10 числа месяца, следующего за отчётным "
    "кварталом, представлять информацию о ходе их выполнения.",
    "Контроль за исполнением настоящего распоряжения возложить на заместителя "
    "Председателя Правительства края.",
]
TITLES = [  # short enough for two lines of the narrowest (portrait) table
    "Информационная кампания",
    "Обучение специалистов опеки",
    "Летний отдых детей",
    "Оснащение кризисных центров",
    "Пособия многодетным семьям",
    "Ремонт спортивных площадок",
    "Издание методических пособий",
    "Семейные фестивали",
    "Подготовка добровольцев",
]
EXECUTORS = [
    "Минсоцзащиты края",
    "Минобразования края",
    "Минздрав края",
    "Администрации районов",
    "Кризисный центр",
    "Комитет по молодёжи",
]


Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels of the image drawn


@dataclass
class ScanTruth:
    """What a page drawn by `draw_page` prints.

    `rows` holds the header row, then the body rows, each as six cell texts (a text the
    cell wraps over lines is given on one line). `boxes` maps (row, col) of each body
    cell, rows counted from the header's 0 as in `rows`, to the box inside its rulings,
    in pixels of the image before any degradation."""

    rows: list[list[str]]
    boxes: dict[tuple[int, int], Box]
    dpi: int


RULES = ("all", "across", "inner")  # every line; rows only («horizontal borders»); no outer frame


def draw_page(seed: int, dpi: int = 200, landscape: bool = False, rules: str = "all",
              nothing: str = "0") -> tuple[Image.Image, ScanTruth]:
    """A white A4 sheet (grey scale, portrait unless `landscape`) at `dpi` with a paragraph
    and a table of 4–6 measures ruled as `rules` says (one of RULES), all drawn from
    `random.Random(seed)`; and its truth. A year with no money prints `nothing` («0» or «-»)."""
    rng = random.Random(seed)
    px = dpi / MM_PER_INCH  # pixels per millimetre
    width_mm, height_mm = reversed(A4_MM) if landscape else A4_MM
    image = Image.new("L", (round(width_mm * px), round(height_mm * px)), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT_PATH, round(FONT_PT * dpi / 72))
    left, top, right = (round(m * px) for m in MARGINS_MM)
    text_width = image.width - left - right

    y = _draw_paragraph(draw, font, " ".join(rng.sample(PROSE, 2)), left, top, text_width, round(INDENT_MM * px))
    rows = [HEADER] + [[nothing if cell == "0" else cell for cell in row] for row in _body_rows(rng)]
    widths = [round(share * text_width) for share in COLUMN_SHARES]
    boxes = _draw_table(draw, font, rows, left, y + round(TABLE_GAP_MM * px), widths, px, rules)
    return image, ScanTruth(rows=rows, boxes={k: b for k, b in boxes.items() if k[0] > 0}, dpi=dpi)


def _body_rows(rng: random.Random) -> list[list[str]]:
    """4–6 measures numbered within one or two tasks («1.1», «1.2», «2.1» …), each with a
    title, an executor and two yearly amounts that add up to the total."""
    count = rng.randint(4, 6)
    first_task = rng.randint(2, count)  # measures of task 1; the rest are task 2's
    rows = []
    for i, title in enumerate(rng.sample(TITLES, count)):
        code = f"1.{i + 1}" if i < first_task else f"2.{i - first_task + 1}"
        years = [_amount(rng), _amount(rng)]
        rows.append([code, title, rng.choice(EXECUTORS), *map(_money, years), _money(sum(years))])
    return rows


def _amount(rng: random.Random) -> int:
    """Roubles for one year: now and then nothing, else a round sum up to about 4 million."""
    return 0 if rng.random() < 0.2 else rng.randrange(1, 800) * 5000


def _money(amount: int) -> str:
    """An amount as orders print it: thousands apart by spaces («1 250 000»)."""
    return f"{amount:,}".replace(",", " ")


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int, indent: int = 0) -> list[str]:
    """`text` broken at spaces into lines no wider than `width` (the first `indent` narrower)."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and font.getlength(candidate) > width - (indent if not lines else 0):
            lines.append(line)
            candidate = word
        line = candidate
    return lines + [line]


def _draw_paragraph(draw: ImageDraw.ImageDraw, font: ImageFont.FreeTypeFont, text: str,
                    left: int, top: int, width: int, indent: int) -> int:
    """Draw `text` as a left-aligned paragraph with an indented first line; return its bottom."""
    step = round(font.size * LINE_SPACING)
    lines = _wrap(text, font, width, indent)
    for i, line in enumerate(lines):
        draw.text((left + (indent if i == 0 else 0), top + i * step), line, font=font, fill=0, anchor="la")
    return top + len(lines) * step


def _draw_table(draw: ImageDraw.ImageDraw, font: ImageFont.FreeTypeFont, rows: list[list[str]],
                left: int, top: int, widths: list[int], px: float, rules: str = "all") -> dict[tuple[int, int], Box]:
    """Draw `rows` as a table ruled as `rules` says and return each cell's box inside its
    rulings (where a column ruling is not drawn, inside the place it would have had).

    The header and the amounts are centred, codes too; titles and executors sit to the left,
    as orders print them. Every row is as tall as its tallest wrapped cell."""
    padding, ruling = round(CELL_PADDING_MM * px), max(1, round(RULING_MM * px))
    step = round(font.size * LINE_SPACING)
    xs = [left + sum(widths[:k]) for k in range(len(widths) + 1)]
    boxes, y = {}, top
    for r, row in enumerate(rows):
        wrapped = [_wrap(text, font, widths[k] - 2 * padding) for k, text in enumerate(row)]
        height = max(len(lines) for lines in wrapped) * step + 2 * padding
        for k, lines in enumerate(wrapped):
            centred = r == 0 or k not in (1, 2)
            line_top = y + (height - len(lines) * step) // 2 + (step - font.size) // 2
            for i, line in enumerate(lines):
                x = (xs[k] + xs[k + 1]) // 2 if centred else xs[k] + padding
                draw.text((x, line_top + i * step), line, font=font, fill=0, anchor="ma" if centred else "la")
            boxes[r, k] = (xs[k] + ruling, y + ruling, xs[k + 1], y + height)
        y += height
    for x in {"all": xs, "across": [], "inner": xs[1:-1]}[rules]:
        draw.line([(x, top), (x, y)], fill=0, width=ruling)
    ys = [top] + [boxes[r, 0][3] for r in range(len(rows))]
    for line_y in ys:
        draw.line([(xs[0], line_y), (xs[-1], line_y)], fill=0, width=ruling)
    return boxes


def tilt(image: Image.Image, degrees: float) -> Image.Image:
    """The sheet fed askew: turned `degrees` counter-clockwise about its centre, on the
    same size of scan, the corners it uncovers white (the scanner's lid)."""
    return image.rotate(degrees, resample=Image.Resampling.BICUBIC, fillcolor=255)


def blur_and_noise(image: Image.Image, rng: random.Random) -> Image.Image:
    """What an office scanner does to any sheet: a soft focus (gaussian blur of about a
    pixel), sensor noise, then a JPEG saved at quality 50, whose blocks smear thin strokes."""
    soft = np.asarray(image.convert("L").filter(ImageFilter.GaussianBlur(1.0)), dtype=np.float32)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0.0, 10.0, soft.shape)
    noisy = Image.fromarray(np.clip(soft + noise, 0, 255).astype(np.uint8))
    buffer = io.BytesIO()
    noisy.save(buffer, format="JPEG", quality=50)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("L")


SEAL_INK = 60  # grey level of the stamp's ink where it is thickest
SEAL_OPACITY = 0.6  # translucent: on white paper the ink comes out grey ≈140, print under it stays black


def seal(image: Image.Image, centre: tuple[int, int], radius: int, seed: int = 0) -> Image.Image:
    """A round office stamp over whatever is printed there: a ring of radius `radius`
    (pixels) and, inside it, two arcs of dashes standing for the stamp's circular
    inscription. The ink darkens what lies under it (text under it stays black), as a
    stamp over an amount does; the dashes are drawn from `random.Random(seed)`."""
    rng = random.Random(seed)
    mask = Image.new("L", image.size, 0)
    draw = ImageDraw.Draw(mask)
    cx, cy = centre

    def ring(r: float, start: float, end: float, width: int) -> None:
        draw.arc([cx - r, cy - r, cx + r, cy + r], start, end, fill=255, width=width)

    ring(radius, 0, 360, max(2, radius // 18))
    ring(radius * 0.62, 0, 360, max(1, radius // 30))
    letter_height = max(3, radius // 8)
    for band in (0.8 * radius, 0.8 * radius - 1.3 * letter_height):  # two lines of the inscription
        angle = rng.uniform(0, 360)
        end = angle + rng.uniform(200, 320)  # inscriptions leave a gap where they start and end
        while angle < end:
            span = rng.uniform(3, 9)  # one «letter» or a short word's stroke
            ring(band, angle, angle + span, letter_height)
            angle += span + rng.uniform(2, 5)
    ink = mask.point(lambda v: round(255 - v / 255 * SEAL_OPACITY * (255 - SEAL_INK)))
    return ImageChops.multiply(image.convert("L"), ink)


def streak(image: Image.Image, x: int, degrees: float, width: int = 2) -> Image.Image:
    """A scanner streak: a thin dark line `width` pixels wide from the top edge of the image
    to its bottom edge, starting at `x` on top and slanting `degrees` from the vertical
    (to the right for positive degrees), as dust on a sheet-feeder's glass draws."""
    out = image.convert("L").copy()
    shift = math.tan(math.radians(degrees)) * out.height
    ImageDraw.Draw(out).line([(x, 0), (x + shift, out.height - 1)], fill=40, width=width)
    return out


def break_ruling(image: Image.Image, x: int, top: int, bottom: int) -> Image.Image:
    """A column ruling at `x` faded away from `top` to `bottom` (pixels), as a worn or
    unevenly inked print scans: paper where the line was."""
    out = image.convert("L").copy()
    ImageDraw.Draw(out).rectangle([x - 4, top, x + 4, bottom], fill=255)
    return out
