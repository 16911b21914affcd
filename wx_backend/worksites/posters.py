"""Printable A4 posters for the loudspeakers at worksite entrances: PDF and PNG.

One layout, two renderers. The PDF uses reportlab's built-in CID font STSong-Light, which
every PDF reader can show without an embedded font file; the PNG needs a Chinese font on the
machine (fonts-noto-cjk on Debian) and says so clearly when there is none.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from .qr import qr_image

HEADLINE = "扫码问劳动法律问题"
PDF_FONT = "STSong-Light"
PAGE_W, PAGE_H = A4  # points
MARGIN = 42.0
PNG_DPI = 150
RED = (0.75, 0.08, 0.08)
GREY = (0.3, 0.3, 0.3)
# Files that hold a Simplified-Chinese face, tried before asking fontconfig.
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)


class PosterFontMissing(RuntimeError):
    """No Chinese font for PNG posters on this machine."""


@dataclass(frozen=True)
class PosterContent:
    bureau: str
    account_name: str
    worksite_name: str
    worksite_code: str
    township: str
    qr_data: str
    qr_is_wechat: bool  # a WeChat follow code (else the landing page)
    questions: Sequence[str]
    hotline: str
    legal_aid_hotline: str


@dataclass(frozen=True)
class _Text:
    top: float  # baseline distance from the page top, points
    size: float
    text: str
    color: tuple[float, float, float] = (0, 0, 0)
    center: bool = True
    x: float = MARGIN


@dataclass(frozen=True)
class _Qr:
    top: float
    size: float
    data: str


@lru_cache(maxsize=1)
def _pdf_font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    return PDF_FONT


def _width(text: str, size: float) -> float:
    return float(pdfmetrics.stringWidth(text, _pdf_font(), size))


def _wrap(text: str, size: float, width: float) -> list[str]:
    """Break Chinese text into lines no wider than `width` (any character may break)."""
    lines, line = [], ""
    for char in text:
        if line and _width(line + char, size) > width:
            lines.append(line)
            line = char
        else:
            line += char
    if line:
        lines.append(line)
    return lines


def layout(content: PosterContent) -> list[_Text | _Qr]:
    """The poster's elements, positioned on an A4 page."""
    items: list[_Text | _Qr] = []
    inner = PAGE_W - 2 * MARGIN
    items.append(_Text(70, 22, content.bureau, GREY))
    items.append(_Text(140, 50, HEADLINE, RED))
    items.append(_Text(180, 17, "拖欠工资、工伤、劳动合同……微信扫一扫，随时问，不收费", GREY))
    qr_size = 250.0
    items.append(_Qr(200, qr_size, content.qr_data))
    caption = (f"微信扫码关注「{content.account_name}」，直接发文字或语音提问"
               if content.qr_is_wechat else f"微信扫码打开「{content.account_name}」问答页面")
    top = 200 + qr_size + 28
    for line in _wrap(caption, 15, inner):
        items.append(_Text(top, 15, line))
        top += 21
    top += 22
    items.append(_Text(top, 21, "大家常问：", RED, center=False))
    top += 34
    for number, question in enumerate(content.questions[:3], start=1):
        for i, line in enumerate(_wrap(question, 18, inner - 30)):
            items.append(_Text(top, 18, (f"{number}. " if i == 0 else "    ") + line,
                               center=False, x=MARGIN + 10))
            top += 26
        top += 6
    footer = PAGE_H - 70
    items.append(_Text(footer, 14, f"人社服务热线 {content.hotline}    "
                                   f"公共法律服务热线 {content.legal_aid_hotline}"))
    place = "　".join(p for p in (content.township, content.worksite_name) if p)
    items.append(_Text(footer + 24, 11, f"{place}（工地编号 {content.worksite_code}）", GREY))
    return items


def pdf(contents: Sequence[PosterContent]) -> bytes:
    """One A4 page per poster, in one PDF."""
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    page.setTitle("扫码问劳动法律问题 海报")
    page.setAuthor(contents[0].bureau if contents else "")
    font = _pdf_font()
    for content in contents:
        for item in layout(content):
            if isinstance(item, _Qr):
                image = qr_image(item.data, box_size=8)
                x = (PAGE_W - item.size) / 2
                page.drawImage(ImageReader(image), x, PAGE_H - item.top - item.size,
                               item.size, item.size)
                continue
            page.setFont(font, item.size)
            page.setFillColorRGB(*item.color)
            y = PAGE_H - item.top
            if item.center:
                page.drawCentredString(PAGE_W / 2, y, item.text)
            else:
                page.drawString(item.x, y, item.text)
        page.showPage()
    page.save()
    return out.getvalue()


def find_cjk_font() -> tuple[str, int] | None:
    """A (font file, face index) with Simplified Chinese glyphs, or None."""
    paths = [p for p in FONT_CANDIDATES if Path(p).is_file()]
    if not paths and shutil.which("fc-list"):
        try:
            listing = subprocess.run(
                ["fc-list", ":lang=zh-cn", "file"], capture_output=True, text=True,
                timeout=10, check=False,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            listing = ""
        paths = sorted({line.split(":")[0].strip() for line in listing.splitlines() if line})
    for path in paths:
        index = _simplified_face(path)
        if index is not None:
            return path, index
    return None


def _simplified_face(path: str) -> int | None:
    """The face of a font collection that is the Simplified Chinese one (SC/CN/GB)."""
    first_ok = None
    for index in range(12):
        try:
            font = ImageFont.truetype(path, 20, index=index)
        except OSError:
            break
        family = " ".join(part or "" for part in font.getname())
        if first_ok is None:
            first_ok = index
        if any(tag in family for tag in (" SC", "CN", "GB", "Zen Hei", "Micro Hei", "Fallback")):
            return index
    return first_ok


def png(content: PosterContent) -> bytes:
    """The poster as an A4 PNG at 150 dpi; PosterFontMissing when no Chinese font exists."""
    found = find_cjk_font()
    if found is None:
        raise PosterFontMissing(
            "no Chinese font found for PNG posters: install one (Debian: apt-get install "
            "fonts-noto-cjk) — the PDF posters need no font and print the same"
        )
    path, index = found
    scale = PNG_DPI / 72
    width, height = round(PAGE_W * scale), round(PAGE_H * scale)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    fonts: dict[float, ImageFont.FreeTypeFont] = {}
    for item in layout(content):
        if isinstance(item, _Qr):
            side = round(item.size * scale)
            code = qr_image(item.data, box_size=10).resize((side, side), Image.Resampling.NEAREST)
            image.paste(code, (round((width - side) / 2), round(item.top * scale)))
            continue
        if item.size not in fonts:
            fonts[item.size] = ImageFont.truetype(path, round(item.size * scale), index=index)
        font = fonts[item.size]
        color = tuple(round(c * 255) for c in item.color)
        y = item.top * scale
        x = width / 2 if item.center else item.x * scale
        draw.text((x, y), item.text, font=font, fill=color, anchor="ms" if item.center else "ls")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True, dpi=(PNG_DPI, PNG_DPI))
    return out.getvalue()
