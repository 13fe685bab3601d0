"""Vector recall benchmark: brute-force cosine search over lesson vectors, and the embedding model.

Is a numpy matrix enough, with no vector extension in SQLite? Measured side by side in one
process, interleaved round-robin with the order rotated every round, each timing a batch of
queries (medians of the rounds, per query):

Search over N random unit vectors (default 10,000 x 384, float32), each against the baseline
`matrix @ query` (the dot products alone, the least any cosine search must do):
- search:          VectorIndex.search(query, k=10)
- search-allowed:  the same, restricted to 1,000 allowed lesson ids (a project's lessons, say)
- numpy-topk:      matrix @ query + argpartition + argsort, written inline: bare numpy through
                   BLAS, where VectorIndex multiplies with einsum on one thread (see _dot there)
Building the index from N (id, blob) rows, as read from SQLite, against np.frombuffer over the
joined blobs.

With the embedding model installed (the `embeddings` extra), on the one torch thread the loader
sets (`torch_threads`), interleaved the same way:
- embed-query:     Embedder.embed([one query]) against VectorIndex.search (what recall waits for)
- embed-query-every-core: the same with torch on a thread per core, its default, against one thread
- embed-batch:     Embedder.embed of 32 lesson texts, per text; and again on every core
- recall-cycle:    embed the query then search, against embed-query alone
- model load:      importing sentence-transformers (once), then loading the model (cache cleared
                   between rounds), against one embed-query
- whole process:   `python -c` that loads the model and embeds one query, against one that only
                   imports lessonloop and numpy (what a recall process start pays for embeddings)

`--busy N` keeps N cores busy with spinning processes for the whole run: thread pools (OpenBLAS
behind `matrix @ query`, torch) behave very differently on a loaded machine, and recall runs next
to a coding agent and its builds. Run it with `--busy 0` and `--busy <cores>` and compare.

Run: `.venv/bin/python benchmarks/vector_bench.py [--n N] [--rounds N] [--busy N] [--no-model] [--json]`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from lessonloop.apply.vector_index import VectorIndex, to_blob

DIM = 384
K = 10
ALLOWED = 1_000
BATCH = 32
LESSON_TEXTS = [
    "forgot await on a database call",
    "git push failed: the branch has no upstream",
    "edited a file without reading it first",
    "ran the whole test suite when one test would do",
    "committed a secret to the repository",
    "pip install pulled CUDA torch: pin the CPU build first",
    "the migration dropped a column still in use",
    "used a relative path from the wrong working directory",
]


@dataclass
class Series:
    name: str
    times: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def interleave(contenders: dict[str, Callable[[], object]], rounds: int, repeat: int) -> dict[str, Series]:
    """Median seconds per call of each contender: `repeat` calls per timing, order rotated per round."""
    series = {name: Series(name) for name in contenders}
    items = list(contenders.items())
    for fn in contenders.values():  # warm-up
        fn()
    for r in range(rounds):
        for name, fn in items[r % len(items) :] + items[: r % len(items)]:
            started = time.perf_counter()
            for _ in range(repeat):
                fn()
            series[name].times.append((time.perf_counter() - started) / repeat)
    return series


def search_figures(n: int, rounds: int, repeat: int) -> tuple[dict[str, Any], VectorIndex]:
    rng = np.random.default_rng(2026)
    matrix = rng.standard_normal((n, DIM)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    rows = [(i + 1, to_blob(vec)) for i, vec in enumerate(matrix)]
    queries = rng.standard_normal((64, DIM)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    allowed = set(rng.choice(np.arange(1, n + 1), size=min(ALLOWED, n), replace=False).tolist())
    index = VectorIndex(rows, DIM)
    if len(index) != n or index.skipped:
        raise SystemExit(f"index holds {len(index)} of {n} vectors, skipped {index.skipped}")
    which = [0]

    def query() -> npt.NDArray[np.float32]:
        which[0] = (which[0] + 1) % len(queries)
        row: npt.NDArray[np.float32] = queries[which[0]]
        return row

    def numpy_topk() -> list[int]:
        scores = matrix @ query()
        top = np.argpartition(-scores, K - 1)[:K]
        return top[np.argsort(-scores[top])].tolist()  # type: ignore[no-any-return]

    # Correctness first: the index returns what a full sort returns.
    q = queries[0]
    expected = (np.argsort(-(matrix @ q))[:K] + 1).tolist()
    if [lesson_id for lesson_id, _ in index.search(q, K)] != expected:
        raise SystemExit("VectorIndex.search disagrees with a full sort")

    timed = interleave(
        {
            "matmul": lambda: matrix @ query(),
            "search": lambda: index.search(query(), K),
            "search-allowed": lambda: index.search(query(), K, allowed=allowed),
            "numpy-topk": numpy_topk,
        },
        rounds,
        repeat,
    )
    build = interleave(
        {
            "frombuffer": lambda: np.frombuffer(b"".join(blob for _, blob in rows), dtype="<f4").reshape(n, DIM),
            "build": lambda: VectorIndex(rows, DIM),
        },
        max(3, rounds // 3),
        1,
    )
    base = timed["matmul"].median
    return {
        "n": n,
        "dim": DIM,
        "k": K,
        "matmul_median_us": round(base * 1e6, 1),
        "search_median_us": round(timed["search"].median * 1e6, 1),
        "search_vs_matmul": round(timed["search"].median / base, 2),
        "search_allowed_median_us": round(timed["search-allowed"].median * 1e6, 1),
        "search_allowed_vs_matmul": round(timed["search-allowed"].median / base, 2),
        "allowed_ids": len(allowed),
        "numpy_topk_median_us": round(timed["numpy-topk"].median * 1e6, 1),
        "numpy_topk_vs_matmul": round(timed["numpy-topk"].median / base, 2),
        "search_vs_numpy_topk": round(timed["search"].median / timed["numpy-topk"].median, 2),
        "frombuffer_median_ms": round(build["frombuffer"].median * 1e3, 2),
        "build_median_ms": round(build["build"].median * 1e3, 2),
        "build_vs_frombuffer": round(build["build"].median / build["frombuffer"].median, 2),
    }, index


def model_figures(index: VectorIndex, rounds: int, process_rounds: int) -> dict[str, Any] | None:
    from lessonloop.apply import embeddings

    if not embeddings.available():
        return None
    embeddings.set_environment_defaults()  # offline, before the import reads them
    started = time.perf_counter()
    importlib.import_module("sentence_transformers")  # timed: the import is most of a first load
    import_s = time.perf_counter() - started
    loads = Series("load")
    embedder = None
    for _ in range(max(3, rounds // 5)):
        embeddings._cache.clear()
        started = time.perf_counter()
        embedder = embeddings.load_embedder()
        loads.times.append(time.perf_counter() - started)
    if embedder is None:
        return None
    if embedder.dim != index.dim:
        raise SystemExit(f"the model gives {embedder.dim} dimensions, the benchmark index {index.dim}")
    texts = (LESSON_TEXTS * (BATCH // len(LESSON_TEXTS) + 1))[:BATCH]
    query = embedder.embed(["async function without await"])[0]
    torch = importlib.import_module("torch")
    threads = torch.get_num_threads()  # what the loader chose: 1 unless OMP_NUM_THREADS is set
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

    def on_every_core(fn: Callable[[], object]) -> Callable[[], object]:
        """fn with torch at its own default (a thread per core), as before the loader's choice."""

        def run() -> object:
            torch.set_num_threads(cores)
            try:
                return fn()
            finally:
                torch.set_num_threads(threads)

        return run

    def embed_query() -> object:
        return embedder.embed(["async function without await"])

    def embed_batch() -> object:
        return embedder.embed(texts)

    def recall_cycle() -> object:  # what a vector recall waits for: embed the query, then search
        return index.search(embedder.embed(["async function without await"])[0], K)

    timed = interleave(
        {
            "search": lambda: index.search(query, K),
            "embed-query": embed_query,
            "embed-query-every-core": on_every_core(embed_query),
            "embed-batch": embed_batch,
            "embed-batch-every-core": on_every_core(embed_batch),
            "recall-cycle": recall_cycle,
        },
        max(5, rounds // 3),
        3,
    )
    med = {name: series.median for name, series in timed.items()}
    search, query_s, batch_s = med["search"], med["embed-query"], med["embed-batch"]
    return {
        "model_id": embedder.model_id,
        "torch_threads": threads,
        "cores": cores,
        "import_sentence_transformers_s": round(import_s, 3),
        "load_median_s": round(loads.median, 3),
        "load_vs_embed_query": round(loads.median / query_s, 1),
        "embed_query_median_ms": round(query_s * 1e3, 2),
        "embed_query_vs_search": round(query_s / search, 1),
        "embed_query_every_core_median_ms": round(med["embed-query-every-core"] * 1e3, 2),
        "embed_query_every_core_vs_one_thread": round(med["embed-query-every-core"] / query_s, 2),
        "embed_batch_per_text_ms": round(batch_s / BATCH * 1e3, 2),
        "embed_batch_per_text_vs_query": round(batch_s / BATCH / query_s, 3),
        "embed_batch_every_core_per_text_ms": round(med["embed-batch-every-core"] / BATCH * 1e3, 2),
        "embed_batch_every_core_vs_one_thread": round(med["embed-batch-every-core"] / batch_s, 2),
        "recall_cycle_median_ms": round(med["recall-cycle"] * 1e3, 2),
        "recall_cycle_vs_embed_query": round(med["recall-cycle"] / query_s, 2),
        **whole_process(process_rounds),
    }


def whole_process(rounds: int) -> dict[str, Any]:
    """A process that loads the model and embeds a query, against one that only imports what lexical recall needs."""
    with_model = (
        "from lessonloop.apply.embeddings import load_embedder; "
        "e = load_embedder(); assert e is not None; e.embed(['async function without await'])"
    )
    without = "import numpy, lessonloop.apply.vector_index, lessonloop.apply.embeddings"
    series = {name: Series(name) for name in ("without", "with")}
    contenders = [("without", without), ("with", with_model)]

    def run(code: str) -> float:
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
        elapsed = time.perf_counter() - started
        if proc.returncode != 0:
            raise SystemExit(f"python -c {code!r} failed: {proc.stderr.decode(errors='replace')[-1000:]}")
        return elapsed

    for _, code in contenders:
        run(code)  # warm-up: bytecode and file caches
    for r in range(rounds):
        for name, code in contenders[r % 2 :] + contenders[: r % 2]:
            series[name].times.append(run(code))
    return {
        "process_without_model_median_s": round(series["without"].median, 3),
        "process_with_model_median_s": round(series["with"].median, 3),
        "process_with_vs_without": round(series["with"].median / series["without"].median, 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000, help="lesson vectors in the index (default 10,000)")
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--repeat", type=int, default=20, help="searches per timing (default 20)")
    parser.add_argument("--process-rounds", type=int, default=5)
    parser.add_argument("--no-model", action="store_true", help="skip the embedding model even when installed")
    parser.add_argument(
        "--busy",
        type=int,
        default=0,
        metavar="N",
        help="keep N cores busy with spinning processes for the whole run (a machine under load)",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.n < K:
        parser.error(f"--n must be at least {K}")
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(max(0, args.busy))]
    try:
        search, index = search_figures(args.n, args.rounds, args.repeat)
        model = None if args.no_model else model_figures(index, args.rounds, args.process_rounds)
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()
    report = {"rounds": args.rounds, "busy_processes": len(spinners), "search": search, "model": model}
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    s = search
    print(
        f"{s['n']:,} vectors x {s['dim']} float32, top-{s['k']}, {args.rounds} rounds of {args.repeat} queries, "
        f"{len(spinners)} busy processes alongside\n"
    )
    print("| measure | median | baseline | ratio |")
    print("|---|---:|---:|---:|")
    print(
        f"| VectorIndex.search | {s['search_median_us']} µs | matrix @ query {s['matmul_median_us']} µs | {s['search_vs_matmul']}x |"
    )
    print(
        f"| search, {s['allowed_ids']:,} allowed ids | {s['search_allowed_median_us']} µs "
        f"| matrix @ query {s['matmul_median_us']} µs | {s['search_allowed_vs_matmul']}x |"
    )
    print(
        f"| inline numpy top-k (BLAS) | {s['numpy_topk_median_us']} µs | matrix @ query {s['matmul_median_us']} µs "
        f"| {s['numpy_topk_vs_matmul']}x (search = {s['search_vs_numpy_topk']}x this) |"
    )
    print(
        f"| build index from {s['n']:,} blobs | {s['build_median_ms']} ms | np.frombuffer of the joined blobs "
        f"{s['frombuffer_median_ms']} ms | {s['build_vs_frombuffer']}x |"
    )
    if model is None:
        print("\nembedding model: not installed (or --no-model); install the embeddings extra for its figures")
        return 0
    m = model
    print(
        f"| embed one query ({m['model_id']}, {m['torch_threads']} torch thread) | {m['embed_query_median_ms']} ms "
        f"| VectorIndex.search {s['search_median_us']} µs | {m['embed_query_vs_search']}x |"
    )
    print(
        f"| embed one query, torch on all {m['cores']} cores | {m['embed_query_every_core_median_ms']} ms "
        f"| one thread {m['embed_query_median_ms']} ms | {m['embed_query_every_core_vs_one_thread']}x |"
    )
    print(
        f"| embed {BATCH} lesson texts, per text | {m['embed_batch_per_text_ms']} ms | embed one query "
        f"| {m['embed_batch_per_text_vs_query']}x |"
    )
    print(
        f"| embed {BATCH} lesson texts on all {m['cores']} cores, per text | {m['embed_batch_every_core_per_text_ms']} ms "
        f"| one thread {m['embed_batch_per_text_ms']} ms | {m['embed_batch_every_core_vs_one_thread']}x |"
    )
    print(
        f"| recall cycle: embed the query + search | {m['recall_cycle_median_ms']} ms | embed one query "
        f"| {m['recall_cycle_vs_embed_query']}x |"
    )
    print(f"| load the model (after import) | {m['load_median_s']} s | embed one query | {m['load_vs_embed_query']}x |")
    print(
        f"| process: load + embed one query | {m['process_with_model_median_s']} s | process without the model "
        f"{m['process_without_model_median_s']} s | {m['process_with_vs_without']}x |"
    )
    print(f"\nimporting sentence-transformers (once, first in this process): {m['import_sentence_transformers_s']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
