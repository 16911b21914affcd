"""The index build's text features, kept between start-ups beside jieba's cache.

Normalising and segmenting the ~7,000 FAQ phrasings is most of the index build (about 1 s of
a 2 s start-up). The features depend only on the text, the dictionaries and the matching code,
so they are stored under a key that hashes all three: any change to a dictionary file or to
the engine's source gives a new key and a fresh computation, never a stale feature. The cache
is an accelerator only — an unreadable or missing file just means computing everything.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import jieba

Features = tuple[str, list[str], list[str], list[str]]

log = logging.getLogger(__name__)

# Bump when the stored shape changes.
FORMAT = 1
PREFIX = "features-"
SUFFIX = ".pickle"
_PACKAGE_DIR = Path(__file__).resolve().parent


def cache_key(dictionaries_dir: Path) -> str:
    """A digest of everything a text's features depend on."""
    digest = hashlib.sha256(
        f"{FORMAT}|{jieba.__version__}|{sys.version_info[:2]}".encode())
    for directory in (_PACKAGE_DIR, Path(dictionaries_dir)):
        for path in sorted(p for p in directory.iterdir() if p.is_file()):
            if path.suffix in {".pyc", ".pyo"}:
                continue
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


class FeatureCache:
    """features(text) for the build, answered from the stored file when it can be."""

    def __init__(self, directory: Path, key: str, compute: Callable[[str], Features]) -> None:
        self._path = Path(directory) / f"{PREFIX}{key}{SUFFIX}"
        self._compute = compute
        self._stored = self._read()
        self._used: dict[str, Features] = {}
        self.computed = 0

    def __call__(self, text: str) -> Features:
        features = self._used.get(text)
        if features is None:
            features = self._stored.get(text)
            if features is None:
                features = self._compute(text)
                self.computed += 1
            self._used[text] = features
        return features

    def save(self) -> None:
        """Keep exactly this build's texts; drop files of other keys. Never raises."""
        if not self.computed and len(self._used) == len(self._stored):
            return
        directory = self._path.parent
        temporary: str | None = None
        try:
            directory.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=directory, prefix=".features-")
            with os.fdopen(fd, "wb") as file:
                pickle.dump(self._used, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self._path)
            temporary = None
            for old in directory.glob(f"{PREFIX}*{SUFFIX}"):
                if old != self._path:
                    old.unlink(missing_ok=True)
        except OSError:
            log.warning("could not store the feature cache in %s", directory, exc_info=True)
        finally:
            if temporary is not None:  # a half-written file is never left behind
                Path(temporary).unlink(missing_ok=True)

    def _read(self) -> dict[str, Features]:
        try:
            with self._path.open("rb") as file:
                stored = pickle.load(file)
        except FileNotFoundError:
            return {}
        except Exception:  # a torn or foreign file: compute afresh
            log.warning("ignoring unreadable feature cache %s", self._path, exc_info=True)
            return {}
        return stored if isinstance(stored, dict) else {}
