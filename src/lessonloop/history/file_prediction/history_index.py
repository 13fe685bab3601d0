"""What the past says about each file, updated one example at a time (never rebuilt).

Per file: how often and how lately it changed (an exponentially decayed count too), whether it
exists now (added, modified, renamed away, deleted), the words of the tasks that changed it (its
"document"), the files it changed with, the past examples that changed it (for co-change that
fades with time and co-change weighted by a task's similarity), its name's words and folder.
Per example: its words (an inverted index for BM25 similarity between a new task and past
ones), its files and when it came. Examples touching more than MAX_FILES files (sweeps, mass
renames) count for existence, frequency and recency only.
"""

from __future__ import annotations

import bisect
import math
import posixpath
import re
from array import array
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from lessonloop.history.file_prediction.examples import MAX_FILES, Example
from lessonloop.history.file_prediction.text import name_words, path_words, test_subject, words

Vector = npt.NDArray[np.float64]
HALF_LIFE = 100.0  # examples: the decayed count halves over this many later examples
TEXT_LIMIT = 4000  # characters of a task's text read (a release commit's body can list the whole changelog)
K1, B = 1.2, 0.75  # BM25


_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]{3,}")
_MENTION = re.compile(r"[A-Za-z0-9_.\-/]+")
_PARTS = re.compile(r"[./]")
_KIND = re.compile(r"^\s*([a-zA-Z]+)(?:\(([^)]*)\))?!?:")


def commit_kind(text: str) -> tuple[str | None, str | None]:
    """A conventional commit's type and scope, lower case (`fix(parser): x` -> fix, parser)."""
    found = _KIND.match(text)
    if not found:
        return None, None
    scope = (found.group(2) or "").strip().lower()
    return found.group(1).lower(), scope or None


def _phrase(name: str) -> tuple[str, ...]:
    """A file name's words in order (`git_patch_selection` -> git, patch, selection)."""
    return tuple(words(name.replace("_", " ").replace("-", " ").replace(".", " ")))


def spelled_names(text: str) -> list[str]:
    """The identifiers a text spells out (four characters or more), lower case, once each."""
    return list(dict.fromkeys(name.lower() for name in _IDENTIFIER.findall(text)))


def bm25_idf(df: int, n: int) -> float:
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


class Holders:
    """The files whose document holds a word, each with its times: a file's place, and the files
    and times as arrays a query reads without a Python loop (np.frombuffer)."""

    __slots__ = ("files", "place", "times")

    def __init__(self) -> None:
        self.place: dict[int, int] = {}
        self.files = array("q")
        self.times = array("d")

    def __len__(self) -> int:
        return len(self.files)

    def set(self, fid: int, times: int) -> None:
        at = self.place.get(fid)
        if at is None:
            self.place[fid] = len(self.files)
            self.files.append(fid)
            self.times.append(times)
        else:
            self.times[at] = times

    def arrays(self) -> tuple[npt.NDArray[np.int64], Vector]:
        """The files and their times (views: read them before the next set)."""
        return np.frombuffer(self.files, dtype=np.int64), np.frombuffer(self.times, dtype=np.float64)


def _hold(table: dict[str, Holders], token: str, fid: int, times: int) -> None:
    holders = table.get(token)
    if holders is None:
        holders = table[token] = Holders()
    holders.set(fid, times)


def _hold_all(table: dict[str, Holders], fid: int, counts: dict[str, int], tokens: Iterable[str]) -> None:
    """Each of `tokens` held by the file `fid` as many times as `counts` says (a loop of _hold
    without a call per word: the learning's inner loop)."""
    for token in tokens:
        holders = table.get(token)
        if holders is None:
            holders = table[token] = Holders()
        at = holders.place.get(fid)
        if at is None:
            holders.place[fid] = len(holders.files)
            holders.files.append(fid)
            holders.times.append(counts[token])
        else:
            holders.times[at] = counts[token]


def _bm25_sum(size: int, parts: list[tuple[npt.NDArray[Any], Vector, float]], lengths: Vector, avg: float) -> Vector:
    """Per document: the sum over the query's words of idf x BM25's tf part, from each word's
    (documents, times, idf). The words' postings are put end to end in the query's order and
    summed by np.bincount, which adds each document's terms in that order: the sums a loop
    adding word after word makes, bit for bit, in a few numpy calls instead of a few per word."""
    if not parts:
        return np.zeros(size)
    ids = np.concatenate([part[0] for part in parts])
    tf = np.concatenate([part[1] for part in parts])
    idf = np.repeat(np.array([part[2] for part in parts]), [len(part[0]) for part in parts])
    values = idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * lengths[ids] / avg))
    return np.asarray(np.bincount(ids, weights=values, minlength=size), dtype=np.float64)


class FileArrays(NamedTuple):
    """Each file's numbers as numpy arrays (index order), for the arithmetic over every file a
    task's ranking does: read-only views, good until the index learns again."""

    changes: Vector  # the list `count`
    last: Vector
    decay: Vector
    decay_at: Vector
    alive: npt.NDArray[np.bool_]
    folder_of: npt.NDArray[np.int64]
    doc_len: Vector
    code_len: Vector  # distinct words of the code its changes touched
    name_len: Vector  # words of its name


class _Mirror:
    """FileArrays kept in step with the index's lists (what is saved) by copying only the files
    handed out by `file_id` since the last read: a ranking then costs the files an example
    changed, not a conversion of every file's list (most of a ranking's time on a history of
    thousands of files)."""

    FIELDS = FileArrays._fields

    def __init__(self) -> None:
        self.size = 0
        self.data: dict[str, npt.NDArray[Any]] = {name: self._empty(name, 0) for name in self.FIELDS}

    @staticmethod
    def _empty(name: str, capacity: int) -> npt.NDArray[Any]:
        dtype: type = bool if name == "alive" else np.int64 if name == "folder_of" else np.float64
        return np.zeros(capacity, dtype=dtype)

    def sync(self, index: HistoryIndex, dirty: set[int]) -> FileArrays:
        n = index.size
        capacity = len(self.data["changes"])
        if n > capacity:
            bigger = max(n, 2 * capacity, 64)
            for name, old in self.data.items():
                grown = self._empty(name, bigger)
                grown[: self.size] = old[: self.size]
                self.data[name] = grown
        self.size = n
        if dirty:
            fids = sorted(dirty)
            dirty.clear()
            at = np.array(fids, dtype=np.int64)
            self.data["changes"][at] = [index.count[f] for f in fids]
            self.data["last"][at] = [index.last[f] for f in fids]
            self.data["decay"][at] = [index.decay[f] for f in fids]
            self.data["decay_at"][at] = [index.decay_at[f] for f in fids]
            self.data["alive"][at] = [index.alive[f] for f in fids]
            self.data["folder_of"][at] = [index.folder_of[f] for f in fids]
            self.data["doc_len"][at] = [index.doc_len[f] for f in fids]
            self.data["code_len"][at] = [len(index.code[f]) for f in fids]
            self.data["name_len"][at] = [len(index.names[f]) for f in fids]
        return FileArrays(*(self.data[name][:n] for name in self.FIELDS))


class PathOrder:
    """Each path's place among all the paths known in sorted order, kept as paths arrive (a new
    path moves the places after it by one): ties of a ranking are broken by path without sorting
    every path again."""

    def __init__(self) -> None:
        self.sorted: list[str] = []
        self.place = np.zeros(0, dtype=np.int64)

    def sync(self, paths: list[str]) -> npt.NDArray[np.int64]:
        known = len(self.sorted)
        if len(paths) - known > 16:  # many at once (a saved index read): sorted again
            order = sorted(range(len(paths)), key=paths.__getitem__)
            self.sorted = [paths[fid] for fid in order]
            self.place = np.empty(len(paths), dtype=np.int64)
            self.place[order] = np.arange(len(paths))
        elif len(paths) > known:
            place = np.zeros(len(paths), dtype=np.int64)
            place[:known] = self.place
            for fid in range(known, len(paths)):
                at = bisect.bisect_left(self.sorted, paths[fid])
                self.sorted.insert(at, paths[fid])
                place[:fid][place[:fid] >= at] += 1
                place[fid] = at
            self.place = place
        return self.place


class HistoryIndex:
    def __init__(self) -> None:
        self.events = 0
        self.paths: list[str] = []
        self.ids: dict[str, int] = {}
        self.count: list[int] = []
        self.last: list[int] = []  # the event after which it last changed (0: never)
        self.decay: list[float] = []
        self.decay_at: list[int] = []
        self.alive: list[bool] = []
        self.doc: list[dict[str, int]] = []
        self.doc_len: list[int] = []
        self.word_files: dict[str, Holders] = {}  # word -> the files whose document holds it, with its times
        self.co: dict[int, dict[int, int]] = {}
        self.titles: list[str] = []
        self.example_files: list[list[int]] = []
        self.example_len: list[int] = []
        self.example_event: list[int] = []  # the event each example with words was
        self.file_examples: dict[int, list[int]] = {}  # file -> the examples with words that changed it
        self.successor: dict[int, int] = {}  # a file renamed away -> its new name
        self.postings: dict[str, tuple[array[int], array[float]]] = {}
        self.path_index: dict[str, set[int]] = {}
        # a conventional commit's type and scope (`fix(parser): ...`) -> the files changed under it
        self.kinds: dict[str, dict[int, int]] = {}
        self.kind_count: dict[str, int] = {}
        self.scopes: dict[str, dict[int, int]] = {}
        self.scope_count: dict[str, int] = {}
        # the names each file's changes defined or worked inside (history/file_prediction/symbols.py)
        self.symbols: list[dict[str, int]] = []  # name (lower case) -> changes
        self.symbol_files: dict[str, set[int]] = {}
        self.symbol_holders = 0  # files with at least one name
        # the words of the code each file's changes touched (history/file_prediction/code_words.py)
        self.code: list[dict[str, int]] = []  # word -> changes
        self.code_files: dict[str, Holders] = {}
        # derived from the paths (not saved): name words, test subject, folder
        self.names: list[frozenset[str]] = []
        self.name_files: dict[str, list[int]] = {}  # a word of a file's name -> the files
        self.by_name: dict[str, set[int]] = {}  # a file's name (no folder, no extension), lower case -> files
        self.by_subject: dict[str, set[int]] = {}  # what a test file tests (test_foo.py -> foo) -> test files
        self.by_base: dict[str, set[int]] = {}  # a file's name with its extension, lower case -> files
        self.by_stem: dict[str, set[int]] = {}  # its name without extension or leading dots -> files
        self.by_phrase: dict[tuple[str, ...], set[int]] = {}  # its name's words in order (two or more) -> files
        self.longest_phrase = 0
        self.subjects: list[str | None] = []
        self.folders: list[tuple[str, ...]] = []
        self.folder_ids: dict[tuple[str, ...], int] = {}
        self.folder_of: list[int] = []
        # numpy copies for ranking (not saved): the files handed out since the last read are copied
        self._dirty: set[int] = set()
        self._mirror = _Mirror()
        self._order = PathOrder()
        self._example_len = np.zeros(0)  # example_len as floats, its first len(example_len) entries
        self._steps: dict[int, npt.NDArray[np.int64]] = {}  # folder -> steps to each folder (folder_steps)

    # -- updating ---------------------------------------------------------------------------

    def file_id(self, path: str) -> int:
        found = self.ids.get(path)
        if found is not None:
            self._dirty.add(found)  # handed out to be changed: copied again at the next read
            return found
        fid = len(self.paths)
        self._dirty.add(fid)
        self.ids[path] = fid
        self.paths.append(path)
        self.count.append(0)
        self.last.append(0)
        self.decay.append(0.0)
        self.decay_at.append(0)
        self.alive.append(False)
        self.doc.append({})
        self.doc_len.append(0)
        self.symbols.append({})
        self.code.append({})
        for word in path_words(path):
            self.path_index.setdefault(word, set()).add(fid)
        stem = posixpath.splitext(posixpath.basename(path))[0].lower()
        subject = test_subject(path)
        self.names.append(frozenset(name_words(path)))
        for word in self.names[fid]:
            self.name_files.setdefault(word, []).append(fid)
        base = posixpath.basename(path).lower()
        self.by_base.setdefault(base, set()).add(fid)
        self.by_stem.setdefault(stem.lstrip("."), set()).add(fid)
        for phrase in {_phrase(stem), _phrase(subject or "")}:
            if len(phrase) >= 2:
                self.by_phrase.setdefault(phrase, set()).add(fid)
                self.longest_phrase = max(self.longest_phrase, len(phrase))
        self.subjects.append(subject)
        if subject is None:
            self.by_name.setdefault(stem, set()).add(fid)
        else:
            self.by_subject.setdefault(subject, set()).add(fid)
        folder = tuple(part for part in posixpath.dirname(path).split("/") if part)
        if folder not in self.folder_ids:
            self.folder_ids[folder] = len(self.folders)
            self.folders.append(folder)
        self.folder_of.append(self.folder_ids[folder])
        return fid

    def add(self, example: Example) -> None:
        """Learn one example, after everything before it."""
        self.events += 1
        touched = [self.file_id(path) for path in example.touched]
        for fid in touched:
            self.count[fid] += 1
            self.last[fid] = self.events
            self.decay[fid] = self.decay[fid] * self._fade(self.events - self.decay_at[fid]) + 1.0
            self.decay_at[fid] = self.events
        small = 0 < len(touched) <= MAX_FILES
        tokens = words(example.text[:TEXT_LIMIT]) + (words(example.prompts[:TEXT_LIMIT]) if example.prompts else [])
        if small and example.kind == "commit":  # a prompt's "Note: ..." is no commit type
            kind, scope = commit_kind(example.text)
            for label, table, counts in ((kind, self.kinds, self.kind_count), (scope, self.scopes, self.scope_count)):
                if label:
                    counts[label] = counts.get(label, 0) + 1
                    row = table.setdefault(label, {})
                    for fid in touched:
                        row[fid] = row.get(fid, 0) + 1
        if small and example.symbols:
            before = {change.path: change.before for change in example.files}
            for path, names in example.symbols:
                fid = self.file_id(before.get(path, path))
                mine = self.symbols[fid]
                had = bool(mine)
                for name in names:
                    token = name.lower()
                    if len(token) < 4:  # `is`, `run`: too common to name one place
                        continue
                    if token not in mine:
                        self.symbol_files.setdefault(token, set()).add(fid)
                    mine[token] = mine.get(token, 0) + 1
                self.symbol_holders += not had and bool(mine)
        if small and example.code:
            before = {change.path: change.before for change in example.files}
            for path, found in example.code:
                fid = self.file_id(before.get(path, path))
                mine = self.code[fid]
                for token in found:
                    mine[token] = mine.get(token, 0) + 1
                _hold_all(self.code_files, fid, mine, found)
        if small and tokens:
            self._learn_words(tokens, touched, example.title)
            for a in touched:
                row = self.co.setdefault(a, {})
                for b in touched:
                    if a != b:
                        row[b] = row.get(b, 0) + 1
        for change in example.files:
            if change.status.startswith("D"):
                self.alive[self.file_id(change.path)] = False
            elif change.status.startswith("R") and change.old_path:
                old, new = self.file_id(change.old_path), self.file_id(change.path)
                self._inherit(old, new)
                self.alive[old] = False
                self.alive[new] = True
            else:
                self.alive[self.file_id(change.path)] = True

    def _learn_words(self, tokens: list[str], touched: list[int], title: str) -> None:
        eid = len(self.titles)
        self.titles.append(title)
        self.example_files.append(touched)
        self.example_len.append(len(tokens))
        if len(self._example_len) < len(self.example_len):
            grown = np.zeros(max(64, 2 * len(self._example_len)))
            grown[:eid] = self._example_len[:eid]
            self._example_len = grown
        self._example_len[eid] = len(tokens)
        self.example_event.append(self.events)
        for fid in touched:
            self.file_examples.setdefault(fid, []).append(eid)
        tf: dict[str, int] = {}
        for token in tokens:
            tf[token] = tf.get(token, 0) + 1
        for token, n in tf.items():
            posting = self.postings.get(token)
            if posting is None:
                posting = self.postings[token] = (array("i"), array("d"))
            posting[0].append(eid)
            posting[1].append(float(n))
        for fid in touched:
            doc = self.doc[fid]
            for token in tf:
                doc[token] = doc.get(token, 0) + 1
            _hold_all(self.word_files, fid, doc, tf)
            self.doc_len[fid] += len(tf)

    def _inherit(self, old: int, new: int) -> None:
        """A renamed file keeps its history under its new name."""
        self.count[new] += self.count[old]
        self.last[new] = max(self.last[new], self.last[old])
        self.decay[new] = self.decay_now(new) + self.decay_now(old)
        self.decay_at[new] = self.events
        for token, n in self.doc[old].items():
            self.doc[new][token] = self.doc[new].get(token, 0) + n
            _hold(self.word_files, token, new, self.doc[new][token])
        self.doc_len[new] += self.doc_len[old]
        for table in (self.kinds, self.scopes):  # what the old name changed under each type and scope
            for row in table.values():
                if old in row and old != new:
                    row[new] = row.get(new, 0) + row.pop(old)
        had = bool(self.symbols[new])
        for token, n in self.symbols[old].items():
            if token not in self.symbols[new]:
                self.symbol_files.setdefault(token, set()).add(new)
            self.symbols[new][token] = self.symbols[new].get(token, 0) + n
        self.symbol_holders += not had and bool(self.symbols[new])
        for token, n in self.code[old].items():
            self.code[new][token] = self.code[new].get(token, 0) + n
            _hold(self.code_files, token, new, self.code[new][token])
        for other, n in self.co.get(old, {}).items():
            if other != new:
                self.co.setdefault(new, {})[other] = self.co.get(new, {}).get(other, 0) + n
                self.co.setdefault(other, {})[new] = self.co[other].get(new, 0) + n
        if old != new:
            self.successor[old] = new
            self.successor.pop(new, None)  # renamed back: its own name again
            mine = self.file_examples.setdefault(new, [])
            have = set(mine)
            mine.extend(e for e in self.file_examples.get(old, []) if e not in have)
            mine.sort()

    def current(self, fid: int) -> int:
        """The file as it is named now (following renames)."""
        seen = 0
        while fid in self.successor and seen < 100:
            fid = self.successor[fid]
            seen += 1
        return fid

    @staticmethod
    def _fade(steps: int) -> float:
        return math.exp(-math.log(2.0) * steps / HALF_LIFE)

    def decay_now(self, fid: int) -> float:
        return self.decay[fid] * self._fade(self.events - self.decay_at[fid])

    def decays_now(self) -> Vector:
        """decay_now of every file at once."""
        arrays = self.arrays()
        steps = self.events - arrays.decay_at
        return np.asarray(arrays.decay * np.exp(-math.log(2.0) * steps / HALF_LIFE), dtype=np.float64)

    # -- reading ----------------------------------------------------------------------------

    @property
    def size(self) -> int:
        return len(self.paths)

    def arrays(self) -> FileArrays:
        """Each file's numbers as numpy arrays, up to date (views: read them, do not keep them)."""
        return self._mirror.sync(self, self._dirty)

    def path_places(self) -> npt.NDArray[np.int64]:
        """Each file's place in the sorted order of every path known (for ties broken by path)."""
        return self._order.sync(self.paths)

    def alive_mask(self) -> npt.NDArray[np.bool_]:
        """Whether each file exists now (a copy: the caller may change it)."""
        return self.arrays().alive.copy()

    def similar_examples(self, tokens: Sequence[str], k: int, scores: Vector | None = None) -> list[tuple[int, float]]:
        """The k past examples most like the query (BM25 over their words), best first."""
        if scores is None:
            scores = self.example_scores(tokens)
        if not len(scores) or not scores.any():
            return []
        if len(scores) > 4 * k:  # only the k best (and their ties) sorted: stable, so ties by example as before
            least = np.partition(scores, len(scores) - k)[len(scores) - k]
            best = np.flatnonzero(scores >= least)
            top = best[np.argsort(-scores[best], kind="stable")[:k]]
        else:
            top = np.argsort(-scores, kind="stable")[:k]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def example_scores(self, tokens: Sequence[str]) -> Vector:
        """BM25 of the query against every past example's words."""
        n = len(self.titles)
        scores = np.zeros(n)
        if n == 0:
            return scores
        lengths = self._example_len[:n]
        avg = float(lengths.mean()) or 1.0
        parts = []
        for token in set(tokens):
            posting = self.postings.get(token)
            if posting is None:
                continue
            ids = np.frombuffer(posting[0], dtype=np.int32)
            parts.append((ids, np.frombuffer(posting[1], dtype=np.float64), bm25_idf(len(ids), n)))
        return _bm25_sum(n, parts, lengths, avg)

    def document_scores(self, tokens: Sequence[str]) -> Vector:
        """BM25 of the query against each file's document (the words of the tasks that changed it)."""
        return self._bm25(tokens, self.word_files, self.arrays().doc_len)

    def code_scores(self, tokens: Sequence[str]) -> Vector:
        """BM25 of the query against the words of the code each file's changes touched."""
        return self._bm25(tokens, self.code_files, self.arrays().code_len)

    def files_with_documents(self) -> int:
        """The files whose document holds a word."""
        return int(np.count_nonzero(self.arrays().doc_len))

    def _bm25(self, tokens: Sequence[str], postings: dict[str, Holders], doc_len: Vector) -> Vector:
        scores = np.zeros(self.size)
        files_with_docs = int(np.count_nonzero(doc_len))
        if not files_with_docs:
            return scores
        avg = float(doc_len.sum()) / files_with_docs  # whole numbers: the sum is exact, as the lists' was
        parts = []
        for token in set(tokens):
            holders = postings.get(token)
            if holders:
                parts.append((*holders.arrays(), bm25_idf(len(holders), files_with_docs)))
        return _bm25_sum(self.size, parts, doc_len, avg)

    def path_scores(self, tokens: Sequence[str]) -> Vector:
        """How many of the query's words the path holds, each weighted by its rarity among paths."""
        scores = np.zeros(self.size)
        n = max(self.size, 1)
        for token in set(tokens):
            holders = self.path_index.get(token)
            if holders:
                scores[list(holders)] += math.log(1.0 + n / len(holders))
        return scores

    def name_shares(self, tokens: Sequence[str]) -> Vector:
        """Per file: the share of the words of its name (no folder, no extension) the task has."""
        said = np.zeros(self.size)
        for token in set(tokens):
            holders = self.name_files.get(token)
            if holders:
                said[holders] += 1.0
        name_len = self.arrays().name_len
        return np.divide(said, name_len, out=np.zeros(self.size), where=name_len > 0)

    def folder_steps(self, folder: int) -> npt.NDArray[np.int64]:
        """The steps (up and down the folder tree) from `folder` to every folder known, kept per
        folder and extended as folders arrive."""
        known = self._steps.get(folder)
        if known is None or len(known) < len(self.folders):
            here = self.folders[folder]
            start = 0 if known is None else len(known)
            more = []
            for other in self.folders[start:]:
                shared = 0
                for a, b in zip(here, other, strict=False):
                    if a != b:
                        break
                    shared += 1
                more.append(len(here) + len(other) - 2 * shared)
            known = self._steps[folder] = np.concatenate(
                [known if known is not None else np.zeros(0, dtype=np.int64), np.array(more, dtype=np.int64)]
            )
        return known

    def symbol_scores(self, text: str) -> Vector:
        """Per file: the names the task's text spells out (`parse_args`, `CargoProvider`, as whole
        identifiers) among the names its changes defined or worked inside, each weighted by its
        rarity among files (idf) and how often (1 + log tf)."""
        scores = np.zeros(self.size)
        holders_all = self.symbol_holders or 1
        for token in spelled_names(text):
            holders = self.symbol_files.get(token)
            if not holders:
                continue
            idf = math.log(1.0 + holders_all / len(holders))
            for fid in holders:
                scores[fid] += idf * (1.0 + math.log(self.symbols[fid][token]))
        return scores

    def mention_scores(self, text: str) -> tuple[Vector, Vector]:
        """Per file: whether the text names it, as a path (`AGENTS.md`, `docs/config.md`,
        `tests/test_cli`: the end of its path, with its extension or, given a folder, without)
        and as a bare name (`exit_codes`, `CODEOWNERS`, `lychee`, `run_reader` of
        `store/run_reader.command_history`: its name without extension, as a whole token or a
        dotted or slashed part of one, or its name's words said in their order: "the git
        patch-selection test"); each shared among the living files so named (1 / their number)."""
        paths, stems = np.zeros(self.size), np.zeros(self.size)
        for raw in dict.fromkeys(_MENTION.findall(text[:TEXT_LIMIT])):
            token = raw.strip("./-").lower()
            if len(token) < 3:
                continue
            found = [f for f in self.by_base.get(token.rsplit("/", 1)[-1], ()) if self.alive[f]]
            if "/" in token:
                found = [f for f in found if self.paths[f].lower().endswith(token)] or [
                    f
                    for f in self.by_stem.get(token.rsplit("/", 1)[-1], ())
                    if self.alive[f] and posixpath.splitext(self.paths[f].lower())[0].endswith(token)
                ]
            if found:
                paths[found] = np.maximum(paths[found], 1.0 / len(found))
            for part in dict.fromkeys(_PARTS.split(token)):
                named = [f for f in self.by_stem.get(part, ()) if self.alive[f]] if len(part) >= 3 else []
                if named:
                    stems[named] = np.maximum(stems[named], 1.0 / len(named))
        said = words(text[:TEXT_LIMIT])
        for size in range(2, min(self.longest_phrase, len(said)) + 1):
            for start in range(len(said) - size + 1):
                named = [f for f in self.by_phrase.get(tuple(said[start : start + size]), ()) if self.alive[f]]
                if named:
                    stems[named] = np.maximum(stems[named], 1.0 / len(named))
        return paths, stems

    def kind_shares(self, text: str) -> tuple[Vector, Vector]:
        """Per file: the share of the past commits of the text's conventional type, and of its
        scope, that changed it (zeros when the text has none, or none was seen)."""
        kind, scope = commit_kind(text)
        out = []
        for label, table, counts in ((kind, self.kinds, self.kind_count), (scope, self.scopes, self.scope_count)):
            shares = np.zeros(self.size)
            row = table.get(label or "")
            if row:
                ids = np.fromiter(row.keys(), dtype=np.int64, count=len(row))
                shares[ids] = np.fromiter(row.values(), dtype=np.float64, count=len(row)) / counts[label or ""]
            out.append(shares)
        return out[0], out[1]

    # -- saving -----------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "paths": self.paths,
            "count": self.count,
            "last": self.last,
            "decay": [round(v, 6) for v in self.decay],
            "decay_at": self.decay_at,
            "alive": [int(a) for a in self.alive],
            "doc": self.doc,
            "co": {str(a): {str(b): n for b, n in row.items()} for a, row in self.co.items()},
            "titles": self.titles,
            "example_files": self.example_files,
            "example_len": self.example_len,
            "example_event": self.example_event,
            "successor": {str(a): b for a, b in self.successor.items()},
            "file_examples": {str(f): eids for f, eids in self.file_examples.items()},
            "postings": {t: [list(p[0]), list(p[1])] for t, p in self.postings.items()},
            "kinds": {k: {str(f): n for f, n in row.items()} for k, row in self.kinds.items()},
            "kind_count": self.kind_count,
            "scopes": {k: {str(f): n for f, n in row.items()} for k, row in self.scopes.items()},
            "scope_count": self.scope_count,
            "symbols": self.symbols,
            "code": self.code,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> HistoryIndex:
        index = cls()
        for path in data["paths"]:
            index.file_id(path)
        index.events = int(data["events"])
        index.count = [int(v) for v in data["count"]]
        index.last = [int(v) for v in data["last"]]
        index.decay = [float(v) for v in data["decay"]]
        index.decay_at = [int(v) for v in data["decay_at"]]
        index.alive = [bool(v) for v in data["alive"]]
        index.doc = [{str(t): int(n) for t, n in doc.items()} for doc in data["doc"]]
        index.doc_len = [sum(doc.values()) for doc in index.doc]
        for fid, doc in enumerate(index.doc):
            _hold_all(index.word_files, fid, doc, doc)
        index.co = {int(a): {int(b): int(n) for b, n in row.items()} for a, row in data["co"].items()}
        index.titles = [str(t) for t in data["titles"]]
        index.example_files = [[int(f) for f in files] for files in data["example_files"]]
        index.example_len = [int(n) for n in data["example_len"]]
        index._example_len = np.array(index.example_len, dtype=np.float64)
        index.example_event = [int(n) for n in data["example_event"]]
        index.successor = {int(a): int(b) for a, b in data["successor"].items()}
        index.file_examples = {int(f): [int(e) for e in eids] for f, eids in data["file_examples"].items()}
        index.postings = {
            str(t): (array("i", (int(i) for i in p[0])), array("d", (float(v) for v in p[1])))
            for t, p in data["postings"].items()
        }
        index.kinds = {str(k): {int(f): int(n) for f, n in row.items()} for k, row in data["kinds"].items()}
        index.kind_count = {str(k): int(n) for k, n in data["kind_count"].items()}
        index.scopes = {str(k): {int(f): int(n) for f, n in row.items()} for k, row in data["scopes"].items()}
        index.scope_count = {str(k): int(n) for k, n in data["scope_count"].items()}
        index.symbols = [{str(t): int(n) for t, n in doc.items()} for doc in data["symbols"]]
        index.code = [{str(t): int(n) for t, n in doc.items()} for doc in data["code"]]
        for fid, doc in enumerate(index.code):
            _hold_all(index.code_files, fid, doc, doc)
        index.symbol_holders = sum(1 for doc in index.symbols if doc)
        for fid, doc in enumerate(index.symbols):
            for token in doc:
                index.symbol_files.setdefault(token, set()).add(fid)
        return index
