"""Matching engine cost: per-query latency, index build time and memory at growing sizes,
beside rank_bm25 on the same entries, and start-up time at the shipped size.

    python bench/matching.py [--sizes 160,1600,16000,160000] [--queries 400]

Entries beyond the shipped FAQ are synthetic: copies of real entries with new ids whose
similar questions are mutated by colloquial-synonym swaps and character noise. Prints figures;
asserts nothing (timing belongs in a benchmark, not in tests).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from wx_backend.faq import documents_from_catalog, load_catalog  # noqa: E402
from wx_backend.laws import LawLibrary  # noqa: E402
from wx_backend.matching import Document, Matcher  # noqa: E402

NOISE = "的了吗呢啊我他说要在是有个这那就也都还没不工厂钱天月年"


def rss_mb() -> float:
    """Current resident set size in MiB (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 2**20


def peak_mb() -> float:
    """Peak resident set size in MiB since start or the last reset_peak() (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak() -> None:
    """Restart the peak RSS from the current RSS (Linux 4.0+; ignored where not allowed)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def synonym_pairs() -> list[tuple[str, str]]:
    data = yaml.safe_load((ROOT / "content/dictionaries/synonyms.yaml").read_text("utf-8"))
    pairs = []
    for name, group in data["groups"].items():
        if name == "keep":
            continue
        for canonical, variants in group.items():
            pairs.extend((str(canonical), str(v)) for v in variants)
    return pairs


def mutate(text: str, rng: random.Random, pairs: list[tuple[str, str]]) -> str:
    """Swap a canonical term for a variant (or back) and add one character of noise."""
    for _ in range(3):
        canonical, variant = rng.choice(pairs)
        if canonical in text:
            text = text.replace(canonical, variant, 1)
        elif variant in text:
            text = text.replace(variant, canonical, 1)
    position = rng.randrange(len(text) + 1)
    action = rng.random()
    if action < 0.4 or len(text) < 4:
        return text[:position] + rng.choice(NOISE) + text[position:]
    if action < 0.7:
        return text[:position] + text[position + 1:]
    return text[:position] + rng.choice(NOISE) + text[position + 1:]


def expand(base: list[Document], size: int, rng: random.Random,
           pairs: list[tuple[str, str]]) -> list[Document]:
    docs = list(base[:size])
    n = 0
    while len(docs) < size:
        source = base[n % len(base)]
        n += 1
        docs.append(Document(
            id=f"syn-{n:06d}",
            topic=source.topic,
            question=mutate(source.question, rng, pairs),
            similar=tuple(mutate(s, rng, pairs) for s in source.similar),
            keywords=source.keywords,
        ))
    return docs


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def bench_size(base: list[Document], size: int, queries: list[str], cache: Path,
               rng: random.Random, pairs: list[tuple[str, str]], bm25_queries: int) -> None:
    docs = expand(base, size, rng, pairs)
    gc.collect()
    before = rss_mb()
    reset_peak()
    started = time.perf_counter()
    # A cold build: the stored features would make a second run of this script look faster.
    matcher = Matcher.build(docs, cache_dir=cache, cache_features=False)
    build = time.perf_counter() - started
    memory = rss_mb() - before
    peak = peak_mb() - before
    for q in queries[:20]:
        matcher.decide(q)  # warm-up
    times = []
    for q in queries:
        t0 = time.perf_counter()
        matcher.decide(q)
        times.append((time.perf_counter() - t0) * 1000)
    line = (f"{size:>8,d} entries | build {build:7.2f} s | +RSS {memory:7.1f} MiB "
            f"(peak {peak:7.1f}) | decide p50 {statistics.median(times):6.2f} ms  "
            f"p99 {percentile(times, 0.99):6.2f} ms")

    from rank_bm25 import BM25Okapi

    tokenize = matcher._tokenizer._jieba.lcut  # same segmentation, no engine features
    gc.collect()
    before = rss_mb()
    reset_peak()
    started = time.perf_counter()
    # One document's tokens at a time (rank_bm25 reads its corpus once): what is measured is
    # its index (a term → count dict per document), not also a list of every token list.
    bm25 = BM25Okapi(tokenize(" ".join((d.question, *d.similar))) for d in docs)
    bm25_build = time.perf_counter() - started
    bm25_memory = rss_mb() - before
    bm25_peak = peak_mb() - before
    times = []
    for q in queries[:bm25_queries]:
        t0 = time.perf_counter()
        scores = bm25.get_scores(tokenize(q))
        max(range(len(scores)), key=scores.__getitem__)
        times.append((time.perf_counter() - t0) * 1000)
    line += (f" || rank_bm25 build {bm25_build:7.2f} s +RSS {bm25_memory:7.1f} MiB "
             f"(peak {bm25_peak:7.1f}) "
             f"query p50 {statistics.median(times):8.2f} ms p99 {percentile(times, 0.99):8.2f} ms")
    print(line, flush=True)
    del matcher, bm25, docs


def startup(cache: Path) -> None:
    code = (
        "import time; t=time.perf_counter();"
        "from pathlib import Path;"
        "from wx_backend.laws import LawLibrary;"
        "from wx_backend.faq import load_catalog, documents_from_catalog;"
        "from wx_backend.matching import Matcher;"
        f"root=Path({str(ROOT)!r});"
        "laws=LawLibrary.load(root/'content/laws');"
        "c=load_catalog(root/'faq', root/'content/topics.yaml', laws, strict=False);"
        "b=time.perf_counter();"
        f"m=Matcher.build(documents_from_catalog(c), cache_dir=Path({str(cache)!r}));"
        "e=time.perf_counter();"
        "print(f'{len(c)} entries, jieba + index {e-b:.2f} s; whole start-up (imports, laws, "
        "FAQ, jieba, index) {e-t:.2f} s')"
    )
    for label in ("cold (first start after an update)", "warm (jieba and features cached)"):
        if label.startswith("cold"):
            (cache / "jieba.pufa.cache").unlink(missing_ok=True)
            for stored in cache.glob("features-*.pickle"):
                stored.unlink()
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             cwd=ROOT, check=True)
        print(f"start-up, {label}: {out.stdout.strip()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="160,1600,16000,160000")
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--bm25-queries", type=int, default=50)
    parser.add_argument("--cache", default=str(ROOT / "instance"))
    args = parser.parse_args()
    cache = Path(args.cache)
    rng = random.Random(20261126)
    pairs = synonym_pairs()
    laws = LawLibrary.load(ROOT / "content" / "laws")
    catalog = load_catalog(ROOT / "faq", ROOT / "content" / "topics.yaml", laws, strict=False)
    base = documents_from_catalog(catalog)
    print(f"shipped FAQ: {len(base)} entries")
    startup(cache)
    # Queries: fresh mutations of real similar questions (never the evaluation questions).
    sources = [s for d in base for s in d.similar]
    queries = [mutate(rng.choice(sources), rng, pairs) for _ in range(args.queries)]
    for size in (int(s) for s in args.sizes.split(",")):
        bench_size(base, size, queries, cache, rng, pairs, args.bm25_queries)
    return 0


if __name__ == "__main__":
    sys.exit(main())
