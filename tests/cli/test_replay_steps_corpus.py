"""Replay's steps against labels on a copy of the real spotter corpus (issue 24): labels written
here name calls whose fate is known (warned, no lesson, lesson silent, first of its signature, a
success, a call whose result the copy drops, a call that does not exist), split in two parts, and
`replay --labels` must give each its step and add the parts up to the whole."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS
from tests.corpus_copies import copy_tree
from tests.learning_helpers import replay_cli

S258 = "258c7280-ae70-4798-800f-63464d01a85d"
S4D5 = "4d5611e5-241a-462a-8d15-5122611a9569"
S6C2 = "6c2214d7-b87e-4432-8e41-22ba294ea584"
S846 = "8463c716-a2ea-4c14-9efa-87158ebd9f20"
SAE4 = "ae4a77f8-aedd-4bc1-888f-c94edc91af04"
SD6E = "d6e0bada-1959-4eec-a9d2-0bfade768d8f"
DROPPED = "toolu_01PHrH4SU2dMjEnjXufeChoj"  # 8463c716:1557, a `git push` replay warned: its result dropped


def _copy_without_result(tmp_path: Path) -> Path:
    """The spotter corpus copied, with the result of DROPPED taken out (as if never recorded)."""
    if not CORPUS.is_dir():
        pytest.skip(f"real-data corpus not found at {CORPUS} (the ../shared folder is absent)")
    copy = copy_tree(CORPUS, tmp_path / "spotter")
    transcript = copy / f"{S846}.jsonl"
    kept = []
    for line in transcript.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        content = record.get("message", {}).get("content") if record.get("type") == "user" else None
        if isinstance(content, list) and any(b.get("tool_use_id") == DROPPED for b in content if isinstance(b, dict)):
            record["message"]["content"] = [b for b in content if b.get("tool_use_id") != DROPPED]
            if not record["message"]["content"]:
                continue
            line = json.dumps(record)
        kept.append(line)
    transcript.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return copy


@pytest.mark.slow
@pytest.mark.corpus
def test_real_labels_get_their_steps_and_parts_add_up(tmp_path: Path) -> None:
    corpus = _copy_without_result(tmp_path)
    sessions = _session_ids(corpus)
    assert len(sessions) == 9 and SD6E in sessions
    report = [S4D5, S846, SAE4]
    labels = {
        "corpus": "../shared/corpus/claude-code/spotter",
        "repeats": [
            {"session": S4D5, "line": 1470},  # git push again: warned
            {"session": S846, "line": 1076},  # a cascade (`Sibling tool call errored`) again: no lesson
            {"session": SAE4, "line": 1299},  # the stale Edit: lesson silent, unless satisfied
            {"session": S6C2, "line": 31},  # `tree` not found: the first of its signature
            {"session": S846, "tool_use_id": DROPPED},  # no result in the copy
            {"session": SD6E, "tool_use_id": "toolu_018GZVh9ymkrdx1TnR8reg5Y"},  # mix phx.server: a success
            {"session": S258, "tool_use_id": "toolu_not_in_this_corpus"},
        ],
        "not_repeats": [{"session": S258, "line": 608}],  # the first push without an upstream
        "parts": {"tune": [s for s in sessions if s not in report], "report": [*report, "no-such-session"]},
    }
    path = tmp_path / "labels.json"
    path.write_text(json.dumps(labels))
    done = replay_cli(tmp_path, str(corpus), "--labels", str(path), "--json", timeout=600)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    scored = data["labels"]
    steps = [(item["session"][:8], item.get("line"), item["step"], item["why"]) for item in scored["labelled_calls"]]
    assert steps == [
        ("4d5611e5", 1470, "warned", None),
        ("8463c716", 1076, "no lesson", "no lesson"),
        ("ae4a77f8", 1299, "lesson silent", "lesson silent: unless satisfied"),
        ("6c2214d7", 31, "not seen as a repeat", None),
        ("8463c716", 1557, "not seen as a failure", "not seen as a failure: no result"),
        ("d6e0bada", steps[5][1], "not seen as a failure", "not seen as a failure: read as a success"),
        ("258c7280", None, "not seen as a failure", "not seen as a failure: not in the store"),
        ("258c7280", 608, "not seen as a repeat", None),
    ]
    assert scored["steps"] == {
        "warned": 1,
        "not seen as a failure": 3,
        "not seen as a repeat": 1,
        "no lesson": 1,
        "lesson silent": 1,
    }
    assert scored["labels_not_found"] == [
        {"label": "repeat", "session": S258, "tool_use_id": "toolu_not_in_this_corpus"}
    ]
    parts = scored["parts"]
    assert scored["part_sessions_not_found"] == {"report": ["no-such-session"]}
    assert scored["labels_outside_the_parts"] == []
    assert [parts["tune"]["labelled_repeats"], parts["report"]["labelled_repeats"]] == [3, 4]
    assert [parts["tune"]["warned_labelled_repeats"], parts["report"]["warned_labelled_repeats"]] == [0, 1]
    for key in ("successful_calls", "false_alarms", "sessions", "labelled_not_repeats"):
        assert parts["tune"][key] + parts["report"][key] == scored[key], key
    assert scored["successful_calls"] == data["successful_calls"]
    _assert_false_alarms_per_part(data, parts, report)


def _session_ids(corpus: Path) -> list[str]:
    """The main session of each transcript: its records' sessionId, else its file name's stem."""
    found = set()
    for path in corpus.glob("*.jsonl"):
        ids = {r.get("sessionId") for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}
        found |= {i for i in ids if isinstance(i, str)} or {path.stem}
    return sorted(found)


def _assert_false_alarms_per_part(data: dict[str, Any], parts: dict[str, Any], report: list[str]) -> None:
    """Each part's false alarms are the false-alarm calls of its own sessions (replay lists them all here)."""
    alarms = data["false_alarm_calls"]
    assert len(alarms) == data["false_alarms"]  # fewer than the 50 examples listed
    per_session = Counter(item["session_id"] for item in alarms)
    in_report = sum(n for session, n in per_session.items() if session in report)
    assert parts["report"]["false_alarms"] == in_report
    assert parts["tune"]["false_alarms"] == data["false_alarms"] - in_report
    assert data["false_alarms"] > 0
