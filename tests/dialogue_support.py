"""A fixed, small content folder for dialogue and /wechat tests.

Its FAQ (tests/fixtures/content) never changes with the shipped content; statutes, the site
file and dictionaries are the real ones (linked), so citations and placeholders are real.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "content"


@functools.cache
def fixture_content_dir() -> Path:
    """Build the folder once per test process (the brain is cached per folder too)."""
    root = Path(tempfile.mkdtemp(prefix="pufa-content-"))
    shutil.copytree(FIXTURE / "faq", root / "faq")
    (root / "content").mkdir()
    shutil.copy(FIXTURE / "content" / "topics.yaml", root / "content" / "topics.yaml")
    for name in ("laws", "site", "dictionaries"):
        (root / "content" / name).symlink_to(REPO / "content" / name)
    return root
