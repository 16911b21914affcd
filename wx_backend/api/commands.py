"""`pufa qr miniprogram <code>`: a worksite's mini-program code (小程序码) as a PNG file.

The code opens the mini-program with scene `ws=<code>`; the mini-program passes the code to
GET /api/v1/worksites/<code>, which shows the worksite's page and records the scan.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click
from flask.cli import with_appcontext

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SCENE_PREFIX = "ws="
MAX_SCENE = 32  # WeChat's limit for getwxacodeunlimit scenes
# WeChat's reasons, in words an operator can act on.
HINTS = {
    41030: "the page does not exist in the published mini-program (publish it, or pass --page "
           "with a published page)",
    40097: "WeChat rejected the parameters (scene or width)",
    45009: "today's quota of mini-program codes is used up; try again tomorrow",
    40001: "the mini-program AppSecret or access token was refused",
    40013: "the mini-program AppID is invalid",
    40125: "the mini-program AppSecret is invalid",
}


def scene_for(code: str) -> str:
    return SCENE_PREFIX + code


@click.command("miniprogram")
@click.argument("code")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="default: miniprogram-<code>.png in the current folder")
@click.option("--page", default=None,
              help="mini-program page to open (default: the home page)")
@click.option("--width", default=430, show_default=True, type=click.IntRange(280, 1280))
@with_appcontext
def miniprogram_code_command(code: str, out_path: Path | None, page: str | None,
                             width: int) -> None:
    """Fetch a worksite's mini-program code (scene ws=<code>) and save it as PNG."""
    from ..wechat.api import WeChatApiError
    from ..wechat_api import miniprogram_api
    from ..worksites.registry import get_worksite

    scene = scene_for(code)
    if len(scene) > MAX_SCENE:
        _fail(f"scene {scene!r} is longer than WeChat's {MAX_SCENE} characters: use a "
              f"worksite code of at most {MAX_SCENE - len(SCENE_PREFIX)} characters")
    site = get_worksite(code)
    if site is None:
        _fail(f"no worksite with code {code!r} (pufa worksites list)")
    if not site.active:
        _fail(f"worksite {code} is inactive: its page would answer 404")
    try:
        api = miniprogram_api()
    except ValueError:
        _fail("set PUFA_MINIPROGRAM_APPID and PUFA_MINIPROGRAM_SECRET (the mini-program's "
              "AppID and AppSecret) to fetch mini-program codes")
    try:
        image = api.wxa_code_unlimited(scene, page=page, width=width)
    except WeChatApiError as exc:
        hint = HINTS.get(exc.errcode or 0, "")
        reason = f"{exc.errmsg} (errcode {exc.errcode})" if exc.errcode else exc.errmsg
        _fail(f"WeChat refused the mini-program code for {code}: {reason}"
              + (f"\n  {hint}" if hint else ""))
    if not image.startswith(PNG_MAGIC):
        _fail(f"WeChat's answer for {code} is not a PNG image ({len(image)} bytes)")
    target = out_path or Path(f"miniprogram-{code}.png")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(image)
    click.echo(f"{target}  (scene {scene}, {site.name})")


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)
