"""Learning over the store: the job that reads the history, runs the pure learner over it and keeps
the lessons (`learn_store`), and the whole history at once for replay (`load_replay_history`).

The stages of one run, end to end, and the module that does each (across the layers: the SQL is
the store's, the learning is learn/'s and pure, this package ties them together):

1. Anything new? store/learn_state.py: the highest rowid of each table learning reads and the
   triggers' change log (read_marks) against the stored state's (read_state); the same, the
   run is skipped. run.py (`learn_store`, the version the state was learned with).
2. From where? stream.py (`learn_on`): each main session changed since the last run checked
   against the state's boundary and the checkpoints before it (store/learn_state.py: parts,
   checkpoints, changed sessions); on from the latest boundary every one passes, else
   everything again (`learn_all`).
3. Read. store/learning_reads.py: the rows (calls in learning's order through a cursor, or those
   after a boundary; corrections; the hooks' warnings; prompts) -> events.py: learning's items,
   each a learn/events.CallEvent or learn/history.CorrectionEvent with the hash of its rows (the
   sessions' digests), and the prompts read when the learner asks (SessionPrompts).
4. Learn (pure, learn/): learn/history.in_learning_order merges calls and corrections;
   learn/learning_loop.run_loop drives learn/engine.Learner (decide on a call, then learn from
   it; the lesson kinds in learn/episodes.py, general_lessons.py, check_lessons.py,
   correction_lessons.py, lesson_model/prompt_match.py), with stream.py's plug noting the state, the
   checkpoints and the sessions' parts; learn/learner_state.py writes the learner as JSON and
   reads it back (calls by id, events.calls_by_id).
5. Batch lessons. batch.py (store rows: store/learning_reads.py) -> learn/batch_lessons.py:
   finding lessons and workflow lessons.
6. Keep. run.py (`_save`): the categories config excludes dropped (capture/privacy.py);
   store/lesson_writer.save_learned merges the lessons (people's edits and decisions kept,
   archive, decay) and, in the same transaction, store/learn_state.py keeps the run's record,
   the checkpoints, the parts, the changed file types and the state. An ingest meanwhile: learned
   again (LEARN_ATTEMPTS).

Learning embeds nothing: the lessons are given vectors by the readers that load the embedding
model anyway to embed their query (recall, MCP, the web UI: apply/vector_recall.py).

Replay reads the whole history at once instead (history.py -> learn/replay.py). Learning during a
session (the hooks: apply/hooks/live_learning.py) runs the same loop without this package.
"""

from typing import TYPE_CHECKING, Any

from lessonloop.pipeline.learning.run import LearnRun, learn_store, learn_version

if TYPE_CHECKING:
    from lessonloop.pipeline.learning.history import load_history, load_replay_history

__all__ = ["LearnRun", "learn_store", "learn_version", "load_history", "load_replay_history"]


def __getattr__(name: str) -> Any:
    """load_history and load_replay_history, imported on first use: `learn_store` skipped (an
    ingest with nothing new) imports none of learning's modules."""
    if name in ("load_history", "load_replay_history"):
        from lessonloop.pipeline.learning import history

        return getattr(history, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
