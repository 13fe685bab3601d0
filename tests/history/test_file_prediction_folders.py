"""folder_similar_tasks: what tasks like this one changed near a file, for a file none of them
changed (a sibling in the same folder)."""

from __future__ import annotations

import numpy as np

from lessonloop.history.file_prediction.features import FEATURES, _reason, candidate_features
from lessonloop.history.file_prediction.history_index import HistoryIndex
from lessonloop.history.file_prediction.text import words
from tests.file_prediction_helpers import commit as _commit


def test_a_sibling_of_the_files_similar_tasks_changed() -> None:
    index = HistoryIndex()
    index.add(_commit(0, "start", "src/aider/paths.py", "src/aider/ownership.py", "src/store/rows.py", status="A"))
    for i in range(1, 6):
        index.add(_commit(i, f"aider history discovery fix {i}", "src/aider/paths.py"))
        index.add(_commit(100 + i, f"store rows tidy {i}", "src/store/rows.py"))
    query = "aider discovery of a foreign history"
    cands = candidate_features(index, words(query), [], query)
    column = dict(
        zip(cands.ids.tolist(), cands.matrix[:, FEATURES.index("folder_similar_tasks")].tolist(), strict=True)
    )
    sibling, other = index.ids["src/aider/ownership.py"], index.ids["src/store/rows.py"]
    assert column[sibling] == 1.0 and column[other] == 0.0
    similar = cands.matrix[:, FEATURES.index("similar_tasks")]
    assert similar[int(np.flatnonzero(cands.ids == sibling)[0])] == 0.0  # no similar task changed it
    assert _reason(index, cands, sibling, "folder_similar_tasks") == "similar past tasks changed files in src/aider"
