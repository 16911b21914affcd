"""Posters for registered worksites: content from the registry, the site config and the log."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..extensions import get_site
from ..models import Worksite
from . import posters
from .qr import QrCreator, poster_target, public_base_url, scene_for
from .questions import common_questions


@dataclass
class PrintResult:
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def poster_content(
    site: Worksite, base: str, create: QrCreator | None = None
) -> posters.PosterContent:
    """What one worksite's poster says and which QR code it carries."""
    config = get_site()
    target = poster_target(site, base, create)
    return posters.PosterContent(
        bureau=config.bureau,
        account_name=config.account_name,
        worksite_name=site.name,
        worksite_code=site.code,
        township=site.township,
        qr_data=target,
        qr_is_wechat=bool(site.wechat_qr_url) and target == site.wechat_qr_url,
        questions=[q.text for q in common_questions(scene_for(site.code))],
        hotline=config.hotline,
        legal_aid_hotline=config.legal_aid_hotline,
    )


def write_posters(
    sites: list[Worksite], out_dir: Path, *, base: str | None = None,
    create: QrCreator | None = None, with_png: bool = True,
) -> PrintResult:
    """Write <code>.pdf and <code>.png per worksite, and all-posters.pdf when several."""
    base = public_base_url(base)
    out_dir.mkdir(parents=True, exist_ok=True)
    result = PrintResult()
    contents = [poster_content(site, base, create) for site in sites]
    png_ok = with_png
    for content in contents:
        pdf_path = out_dir / f"{content.worksite_code}.pdf"
        pdf_path.write_bytes(posters.pdf([content]))
        result.files.append(pdf_path)
        if png_ok:
            try:
                png_path = out_dir / f"{content.worksite_code}.png"
                png_path.write_bytes(posters.png(content))
                result.files.append(png_path)
            except posters.PosterFontMissing as exc:
                result.notes.append(f"PNG posters skipped: {exc}")
                png_ok = False
    if len(contents) > 1:
        batch = out_dir / "all-posters.pdf"
        batch.write_bytes(posters.pdf(contents))
        result.files.append(batch)
    return result
