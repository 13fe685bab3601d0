"""Learning over the store: the job that reads the history, runs the pure learner over it and keeps
the lessons (`learn_store`), and the whole history at once for replay (`load_replay_history`).

A run reads the store through one module (source.py) at three moments, learns without the
connection (stream.py, batch.py, learning/engine/), then writes once:

1. Anything new? learning/store/state.py: the highest rowid of each table learning reads and the
   triggers' change log (read_marks) against the stored state's (read_state); the same, the
   run is skipped. run.py (`learn_store`, the version the state was learned with).
2. From where? source.read_changes: the main sessions changed since the last run, what each holds
   now (digests by time), their parts at the state's boundary and the checkpoints before it
   (learning/store/state.py); stream.choose_start, pure: the latest boundary every one passes, else
   everything again.
3. Read what the run learns. source.read_from (on from a boundary: the calls and corrections at
   or after it, the learner stored there, what was learned of each session before it) or
   source.read_everything (the calls through a cursor): learning/store/reader.py's rows made
   learning's items (stored_calls.py: learning/engine/events.CallEvent, learning/engine/history.CorrectionEvent with the
   hash of their rows). The learner asks for a session's prompts as it goes (source.Prompts, the
   last few kept: memory stays bounded).
4. Learn (pure): stream.learn_from / learn_everything run learning/engine/learning_loop.run_loop with
   learning/engine/engine.Learner (decide on a call, then learn from it; the lesson kinds in
   learning/engine/episodes.py, general_lessons.py, check_lessons.py, correction_lessons.py,
   lesson_model/prompt_match.py), noting the state, the checkpoints and the sessions' parts;
   learning/engine/learner_state.py writes the learner as JSON and reads it back. The result (stream.Outcome)
   is what to save.
5. Read what saving needs, at once: source.read_saving (the findings, the sessions that changed
   files of a type, the workflow facts, each origin session's model); batch.py, pure ->
   learning/engine/batch_lessons.py: finding lessons and workflow lessons.
6. Keep. run.py (`_save`): the categories config excludes dropped (capture/privacy.py);
   store/lessons/writer.save_learned merges the lessons (people's edits and decisions kept,
   archive, decay) and, in the same transaction, learning/store/state.py keeps the run's record,
   the checkpoints, the parts, the changed file types and the state. An ingest meanwhile: learned
   again (LEARN_ATTEMPTS).

Learning embeds nothing: the lessons are given vectors by the readers that load the embedding
model anyway to embed their query (recall, MCP, the web UI: apply/vector_recall.py).

Replay reads the whole history at once instead (loaded_history.py -> learning/engine/replay.py). Learning during a
session (the hooks: learning/live/in_session.py) runs the same loop without this package.
"""

from typing import TYPE_CHECKING, Any

from lessonloop.learning.runs.run import LearnRun, learn_store, learn_version

if TYPE_CHECKING:
    from lessonloop.learning.runs.loaded_history import load_history, load_replay_history

__all__ = ["LearnRun", "learn_store", "learn_version", "load_history", "load_replay_history"]


def __getattr__(name: str) -> Any:
    """load_history and load_replay_history, imported on first use: `learn_store` skipped (an
    ingest with nothing new) imports none of learning's modules."""
    if name in ("load_history", "load_replay_history"):
        from lessonloop.learning.runs import loaded_history as history

        return getattr(history, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
