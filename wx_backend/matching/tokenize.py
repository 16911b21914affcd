"""Tokenisation: a private jieba tokenizer with the legal dictionary, plus the features of
each scoring channel (words, character bigrams, pinyin syllable bigrams)."""

from __future__ import annotations

import logging
import math
import string
from functools import lru_cache
from pathlib import Path

import jieba
from pypinyin import Style, lazy_pinyin

from wx_backend.matching.dictionaries import Dictionaries
from wx_backend.matching.text import Normalizer, char_normalize, negations

CACHE_FILE = "jieba.pufa.cache"
# Accent-tolerant pinyin: speech recognisers and southern accents confuse these pairs.
_PINYIN_FOLDS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("ing", "in"), ("eng", "en"))


@lru_cache(maxsize=65536)
def char_pinyin(char: str) -> str:
    """Return a folded, toneless syllable for one character (the character itself if none)."""
    if not "\u4e00" <= char <= "\u9fff":
        return char
    syllable = lazy_pinyin(char, style=Style.NORMAL)[0]
    for source, target in _PINYIN_FOLDS:
        if syllable.startswith(source) or syllable.endswith(source):
            syllable = syllable.replace(source, target)
    if syllable.startswith("l"):
        syllable = "n" + syllable[1:]
    return syllable


class Tokenizer:
    """Segment normalised text into content words; built once, read-only afterwards."""

    def __init__(self, dictionaries: Dictionaries, normalizer: Normalizer,
                 cache_dir: Path | None = None) -> None:
        # jieba logs "Building prefix dict…" at DEBUG on its own handler; keep start-up quiet.
        logging.getLogger("jieba").setLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            self._jieba.tmp_dir = str(cache_dir)
            self._jieba.cache_file = CACHE_FILE
        self._jieba.initialize()
        for word, freq in dictionaries.legal_terms:
            self._add(char_normalize(word), freq)
        for word in normalizer.canonical_terms:
            if len(word) > 1 and not self._jieba.FREQ.get(word):
                self._add(word, None)
        for pieces in dictionaries.splits:
            pieces = tuple(char_normalize(p) for p in pieces)
            self._jieba.suggest_freq(pieces, tune=True)
        self._stopwords = frozenset(char_normalize(w) for w in dictionaries.stopwords)
        self._normalizer = normalizer

    def _add(self, word: str, freq: int | None) -> None:
        if freq is None:
            # Strong enough to win against jieba's own splits of the same characters.
            freq = max(self._jieba.suggest_freq(word, tune=False), 2000)
        self._jieba.add_word(word, freq)

    def normalize(self, text: str) -> str:
        """Return canonical text (see Normalizer.normalize)."""
        return self._normalizer.normalize(text)

    def words(self, normalized: str) -> list[str]:
        """Return the content words of normalised text, stopwords and spaces removed."""
        return [
            w for w in cut_without_hmm(self._jieba, normalized)
            if w.strip() and w not in self._stopwords
        ]

    def features(self, text: str) -> tuple[str, list[str], list[str], list[str]]:
        """Return (normalised text, word tokens, char-bigram tokens, pinyin-bigram tokens)."""
        normalized = self.normalize(text)
        words = self.words(normalized)
        content = "".join(words)
        words = words + negations(normalized)
        bigrams = [content[i:i + 2] for i in range(len(content) - 1)] or list(content)
        syllables = [char_pinyin(ch) for ch in content]
        pinyin = [syllables[i] + "_" + syllables[i + 1] for i in range(len(syllables) - 1)]
        return normalized, words, bigrams, pinyin or syllables


_HAN_BLOCK = jieba.re_han_default
_SKIP = jieba.re_skip_default
_LATIN_OR_DIGIT = frozenset(string.ascii_letters + string.digits)


def cut_without_hmm(tokenizer: jieba.Tokenizer, sentence: str) -> list[str]:
    """Exactly `tokenizer.lcut(sentence, HMM=False)` for an initialised tokenizer.

    The same blocks, word graph, log-probability route (same float operations, ties to the
    longer word) and grouping of single Latin letters and digits as jieba 0.42, with the
    graph and the route built in one pass and no generators: about half the time.
    """
    words: list[str] = []
    frequencies: dict[str, int] = tokenizer.FREQ
    log_total = math.log(tokenizer.total)
    for block in _HAN_BLOCK.split(sentence):
        if not block:
            continue
        if _HAN_BLOCK.match(block):
            _cut_block(block, frequencies, log_total, words)
            continue
        for piece in _SKIP.split(block):
            if _SKIP.match(piece):
                words.append(piece)
            else:
                words.extend(piece)
    return words


def _cut_block(block: str, frequencies: dict[str, int], log_total: float,
               words: list[str]) -> None:
    log = math.log
    size = len(block)
    best_log = [0.0] * (size + 1)
    best_end = [0] * (size + 1)
    for start in range(size - 1, -1, -1):
        # Words of the dictionary starting here, shortest first (jieba's DAG), each scored
        # as log(freq) - log(total) + the best route after it; the last of equals wins.
        chosen_log = 0.0
        chosen_end = -1
        end = start
        fragment = block[start]
        while end < size and fragment in frequencies:
            frequency = frequencies[fragment]
            if frequency:
                value = log(frequency) - log_total + best_log[end + 1]
                if chosen_end < 0 or value >= chosen_log:
                    chosen_log, chosen_end = value, end
            end += 1
            fragment = block[start:end + 1]
        if chosen_end < 0:  # no word: the character alone
            chosen_log = log(frequencies.get(block[start]) or 1) - log_total + best_log[start + 1]
            chosen_end = start
        best_log[start] = chosen_log
        best_end[start] = chosen_end
    position = 0
    latin = ""
    while position < size:
        after = best_end[position] + 1
        word = block[position:after]
        if after - position == 1 and word in _LATIN_OR_DIGIT:
            latin += word
        else:
            if latin:
                words.append(latin)
                latin = ""
            words.append(word)
        position = after
    if latin:
        words.append(latin)
