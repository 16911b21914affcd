"""Load the engine's data files from content/dictionaries/."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "content" / "dictionaries"


@dataclass(frozen=True)
class Dictionaries:
    """Everything the normaliser, tokenizer and scope detector read from data files."""

    synonyms: dict[str, str]  # variant → canonical
    guarded_synonyms: tuple[tuple[str, str, str], ...]  # (variant, canonical, required-next regex)
    legal_terms: tuple[tuple[str, int | None], ...]  # (word, frequency or None)
    splits: tuple[tuple[str, ...], ...]  # words jieba must split: ("把", "手")
    stopwords: frozenset[str]
    fillers: tuple[str, ...]  # multi-character filler phrases removed before tokenising
    out_of_domain: dict[str, float]  # word → evidence the question is not a labor matter
    labor_anchors: dict[str, float]  # word → evidence it is one
    # concept → regexes over normalised text (concepts.yaml; empty when the file is absent)
    concepts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    status_concepts: frozenset[str] = frozenset()  # concepts that change which rules apply


def _read_yaml(path: Path) -> dict:
    data = yaml.safe_load(path.read_text("utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: must be a mapping")
    return data


def load_dictionaries(directory: Path | None = None) -> Dictionaries:
    """Read synonyms.yaml, legal_terms.txt, stopwords.txt, scope.yaml and (if present)
    concepts.yaml from directory."""
    root = Path(directory) if directory is not None else DEFAULT_DIR
    synonyms: dict[str, str] = {}
    guarded: list[tuple[str, str, str]] = []
    data = _read_yaml(root / "synonyms.yaml")
    for group_name, group in (data.get("groups") or {}).items():
        if not isinstance(group, dict):
            raise ValueError(f"{root / 'synonyms.yaml'}: group {group_name}: must be a mapping")
        for canonical, variants in group.items():
            for variant in variants or ():
                if not isinstance(variant, str):
                    # YAML reads 007 as the number 7: digits must be quoted to stay text.
                    raise ValueError(f"{root / 'synonyms.yaml'}: {canonical!r}: variant "
                                     f"{variant!r} is not text; quote it")
                if variant in synonyms and synonyms[variant] != canonical:
                    raise ValueError(
                        f"{root / 'synonyms.yaml'}: {variant!r} maps to both "
                        f"{synonyms[variant]!r} and {canonical!r}"
                    )
                synonyms[variant] = str(canonical)
    for rule in data.get("guarded") or ():
        guarded.append((str(rule["from"]), str(rule["to"]), str(rule["before"])))

    terms: list[tuple[str, int | None]] = []
    splits: list[tuple[str, ...]] = []
    for line in (root / "legal_terms.txt").read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("split "):
            splits.append(tuple(line.removeprefix("split ").split()))
            continue
        parts = line.split()
        terms.append((parts[0], int(parts[1]) if len(parts) > 1 else None))

    stop = (root / "stopwords.txt").read_text("utf-8").splitlines()
    words = [w.split("#", 1)[0].strip() for w in stop]
    words = [w for w in words if w]
    fillers = tuple(sorted((w for w in words if len(w) > 1), key=len, reverse=True))

    scope = _read_yaml(root / "scope.yaml")
    out_of_domain = {str(k): float(v) for area in (scope.get("out_of_domain") or {}).values()
                     for k, v in area.items()}
    anchors = {str(k): float(v) for k, v in (scope.get("labor_anchors") or {}).items()}
    concepts: dict[str, tuple[str, ...]] = {}
    status: frozenset[str] = frozenset()
    if (root / "concepts.yaml").exists():
        concept_data = _read_yaml(root / "concepts.yaml")
        status = frozenset(str(name) for name in concept_data.get("status") or ())
        for name, patterns in (concept_data.get("concepts") or {}).items():
            concepts[str(name)] = tuple(str(p) for p in patterns or ())
            for pattern in concepts[str(name)]:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ValueError(
                        f"{root / 'concepts.yaml'}: {name}: {pattern!r}: {exc}") from exc
        if not status <= concepts.keys():
            raise ValueError(f"{root / 'concepts.yaml'}: status names unknown concepts: "
                             f"{sorted(status - concepts.keys())}")
    return Dictionaries(
        synonyms=synonyms,
        guarded_synonyms=tuple(guarded),
        legal_terms=tuple(terms),
        splits=tuple(splits),
        stopwords=frozenset(words),
        fillers=fillers,
        out_of_domain=out_of_domain,
        labor_anchors=anchors,
        concepts=concepts,
        status_concepts=status,
    )
