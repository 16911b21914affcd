"""Start-up keeps the index build's text features in the instance folder.

A warm start computes no feature again and ranks exactly as a cold one; any change to the
dictionaries gives a fresh computation; a damaged file costs only time.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wx_backend.faq import documents_from_catalog, load_catalog
from wx_backend.matching import Document, Matcher
from wx_backend.matching.dictionaries import DEFAULT_DIR
from wx_backend.matching.feature_cache import PREFIX
from wx_backend.matching.tokenize import Tokenizer

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def documents() -> list[Document]:
    catalog = load_catalog(ROOT / "faq", ROOT / "content" / "topics.yaml")
    return documents_from_catalog(catalog)[:60]


@pytest.fixture
def count_features(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    original = Tokenizer.features

    def counting(self: Tokenizer, text: str) -> tuple[str, list[str], list[str], list[str]]:
        seen.append(text)
        return original(self, text)

    monkeypatch.setattr(Tokenizer, "features", counting)
    return seen


def _questions(documents: list[Document]) -> list[str]:
    return [q for doc in documents for q in doc.similar[::4]] + [
        "老板拖了三个月工资不给怎么办", "干活摔伤了算工伤吗", "公伤认定去哪里", "你好"]


def _cache_files(directory: Path) -> list[Path]:
    return sorted(directory.glob(f"{PREFIX}*"))


def test_a_warm_start_computes_nothing_and_ranks_exactly_as_a_cold_one(
        tmp_path: Path, documents: list[Document], count_features: list[str]) -> None:
    cold = Matcher.build(documents, cache_dir=tmp_path)
    computed_cold = len(count_features)
    assert computed_cold > len(documents)  # every phrasing and answer was segmented
    assert len(_cache_files(tmp_path)) == 1

    count_features.clear()
    warm = Matcher.build(documents, cache_dir=tmp_path)
    assert count_features == []
    uncached = Matcher.build(documents)
    for question in _questions(documents):
        assert warm.rank(question, 5) == cold.rank(question, 5) == uncached.rank(question, 5)
        assert warm.decide(question) == uncached.decide(question)


def test_a_changed_dictionary_is_never_served_stale_features(
        tmp_path: Path, documents: list[Document], count_features: list[str]) -> None:
    dictionaries = tmp_path / "dictionaries"
    shutil.copytree(DEFAULT_DIR, dictionaries)
    cache = tmp_path / "instance"
    Matcher.build(documents, cache_dir=cache, dictionaries_dir=dictionaries)
    first = _cache_files(cache)

    with (dictionaries / "stopwords.txt").open("a", encoding="utf-8") as file:
        file.write("\n工伤\n")  # now a stopword: the features of every 工伤 phrasing change
    count_features.clear()
    changed = Matcher.build(documents, cache_dir=cache, dictionaries_dir=dictionaries)
    assert len(count_features) > len(documents)
    assert "工伤" not in changed.tokens("干活摔伤了算工伤吗")
    second = _cache_files(cache)
    assert len(second) == 1 and second != first  # the old key's file is gone


def test_a_damaged_cache_file_costs_only_time(
        tmp_path: Path, documents: list[Document], count_features: list[str]) -> None:
    Matcher.build(documents, cache_dir=tmp_path)
    [path] = _cache_files(tmp_path)
    path.write_bytes(b"not a pickle")
    count_features.clear()
    rebuilt = Matcher.build(documents, cache_dir=tmp_path)
    assert len(count_features) > len(documents)
    assert rebuilt.rank("干活摔伤了算工伤吗", 1)
    count_features.clear()
    Matcher.build(documents, cache_dir=tmp_path)  # the rewritten file is good again
    assert count_features == []


def test_the_file_keeps_only_the_current_faq(
        tmp_path: Path, documents: list[Document]) -> None:
    Matcher.build(documents, cache_dir=tmp_path)
    [path] = _cache_files(tmp_path)
    full = path.stat().st_size
    Matcher.build(documents[:10], cache_dir=tmp_path)
    [path] = _cache_files(tmp_path)
    assert path.stat().st_size < full / 2


def test_a_very_large_faq_is_built_without_storing_features(
        tmp_path: Path, documents: list[Document], monkeypatch: pytest.MonkeyPatch) -> None:
    # Holding every phrasing's tokens until they are saved is what the compact build avoids.
    monkeypatch.setattr("wx_backend.matching.engine.FEATURE_CACHE_MAX_TEXTS", 100)
    Matcher.build(documents, cache_dir=tmp_path)
    assert _cache_files(tmp_path) == []
    assert (tmp_path / "jieba.pufa.cache").exists()  # jieba's own cache is still kept


def test_an_unwritable_cache_folder_costs_only_time(
        tmp_path: Path, documents: list[Document], monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("wx_backend.matching.feature_cache.pickle.dump", full_disk)
    matcher = Matcher.build(documents, cache_dir=tmp_path)
    assert matcher.rank("干活摔伤了算工伤吗", 1)
    assert _cache_files(tmp_path) == [] and list(tmp_path.glob(".features-*")) == []
