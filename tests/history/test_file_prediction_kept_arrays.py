"""What file prediction keeps to rank fast stays what it stands for (issue 43, item 4): each
file's numbers as arrays in step with the index's lists through adds, renames and deletions,
a word's holders as its documents say, BM25 summed by np.bincount equal bit for bit to a loop
over the words, the keyword baseline's first 100 those a full sort by (score, path) gives, and
a ranking kept only while the history is unchanged."""

from __future__ import annotations

import math
import random
from dataclasses import replace

import numpy as np

from lessonloop.history.file_prediction.baselines import TOP, OriginModel
from lessonloop.history.file_prediction.examples import Example, FileChange
from lessonloop.history.file_prediction.history_index import K1, B, HistoryIndex, bm25_idf
from lessonloop.history.file_prediction.model import FilePredictor
from lessonloop.history.file_prediction.text import words
from tests.file_prediction_helpers import commit


def _history(n: int, seed: int = 5) -> list[Example]:
    """Commits over a few folders, with additions, deletions, renames and code words."""
    rng = random.Random(seed)
    names = [f"src/pkg{k % 3}/mod_{k}.py" for k in range(12)] + ["docs/guide.md", "tests/test_mod_1.py"]
    verbs = ("fix", "add", "update", "parse", "render", "option", "table", "cache")
    out = []
    for i in range(n):
        files = rng.sample(names, rng.randint(1, 4))
        example = commit(i, f"{rng.choice(('fix', 'feat', 'docs'))}: {' '.join(rng.sample(verbs, 3))}", *files)
        changes = list(example.files)
        if i % 9 == 4:  # a rename: the old name's history goes to the new one
            old = files[0]
            new = old.replace(".py", f"_{i}.py").replace(".md", f"_{i}.md")
            changes[0] = FileChange(new, "R100", old)
            names[names.index(old)] = new
        if i % 13 == 7 and len(changes) > 1:  # a deletion
            changes[-1] = FileChange(changes[-1].path, "D")
            names.remove(changes[-1].path)
            names.append(f"src/new_{i}.py")
        code = tuple((change.path, tuple(rng.sample(verbs, 2))) for change in changes)
        out.append(replace(example, files=tuple(changes), code=code))
    return out


def _bm25_loop(index: HistoryIndex, tokens: list[str]) -> np.ndarray:
    """document_scores as a loop adding word after word (the form before issue 43)."""
    lengths = list(index.doc_len)
    scores = np.zeros(index.size)
    with_docs = sum(1 for n in lengths if n)
    avg = sum(lengths) / with_docs
    doc_len = np.array(lengths, dtype=np.float64)
    for token in set(tokens):
        holders = {fid: doc[token] for fid, doc in enumerate(index.doc) if token in doc}
        if not holders:
            continue
        idf = bm25_idf(len(holders), with_docs)
        fids = np.array(list(holders), dtype=np.int64)
        tf = np.array(list(holders.values()), dtype=np.float64)
        scores[fids] += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * doc_len[fids] / avg))
    return scores


def test_the_arrays_follow_the_lists_through_renames_and_deletions() -> None:
    index = HistoryIndex()
    for example in _history(120):
        index.add(example)
        arrays = index.arrays()
        assert arrays.changes.tolist() == index.count
        assert arrays.last.tolist() == index.last
        assert arrays.decay.tolist() == index.decay
        assert arrays.decay_at.tolist() == index.decay_at
        assert arrays.alive.tolist() == index.alive
        assert arrays.folder_of.tolist() == index.folder_of
        assert arrays.doc_len.tolist() == index.doc_len
        assert arrays.code_len.tolist() == [len(doc) for doc in index.code]
        assert arrays.name_len.tolist() == [len(names) for names in index.names]
        order = index.path_places()
        assert [index.paths[fid] for fid in np.argsort(order)] == sorted(index.paths)
    assert not all(index.alive)  # renamed and deleted files were there


def test_a_words_holders_are_what_the_documents_say() -> None:
    index = HistoryIndex()
    for example in _history(80):
        index.add(example)
    for table, docs in ((index.word_files, index.doc), (index.code_files, index.code)):
        for token, holders in table.items():
            fids, times = holders.arrays()
            assert dict(zip(fids.tolist(), times.tolist(), strict=True)) == {
                fid: float(doc[token]) for fid, doc in enumerate(docs) if token in doc
            }


def test_bm25_by_bincount_is_the_loop_bit_for_bit() -> None:
    index = HistoryIndex()
    history = _history(150)
    for example in history[:100]:
        index.add(example)
    for example in history[100:]:
        tokens = words(example.text)
        assert index.document_scores(tokens).tolist() == _bm25_loop(index, tokens).tolist()
        index.add(example)


def test_the_keyword_baselines_first_are_a_full_sorts() -> None:
    model = OriginModel()
    rng = random.Random(3)
    for k in range(400):
        model.add(commit(k, "fix: x", f"f{rng.randrange(10**6):07d}.py"))
    fids = np.arange(len(model.paths), dtype=np.int64)
    for _ in range(30):
        ranked = np.array([rng.choice((0.5, 0.25, 1 / 3, rng.random())) for _ in fids])  # many ties
        allowed = {p for p in model.paths if rng.random() < 0.7}
        seeds = [rng.choice(model.paths)]
        expected = sorted(
            (p for p in model.paths if p in allowed and p not in seeds),
            key=lambda p: (-ranked[model.ids[p]], p),
        )[:TOP]
        assert model._first(fids, ranked, seeds, allowed) == expected


def test_a_ranking_is_kept_only_while_the_history_is_unchanged() -> None:
    model = FilePredictor()
    history = _history(60)
    for example in history[:50]:
        model.add(example)
    first = model.rank("fix the parse option", [])
    assert model.rank("fix the parse option", [])[0] is first[0]  # the same history: kept
    model.add(history[50])
    again = model.rank("fix the parse option", [])
    assert again[0] is not first[0]  # learned since: ranked again
    fresh = FilePredictor()
    for example in history[:51]:
        fresh.add(example)
    assert fresh.rank("fix the parse option", [])[1].tolist() == again[1].tolist()
    assert math.isfinite(float(again[1].sum()))
