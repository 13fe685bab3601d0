"""`lessonloop run`: an early-exit command runner that records how each run went.

- result.py: what it was asked (RunOptions) and what happened (RunResult), exit statuses.
- profiles.py: built-in pattern sets for common test runners and build tools.
- matching.py: error / success / exclude patterns over output blocks, line by line in effect.
- process.py: starting the command (pseudo-terminals or pipes) in its own process group, stopping it.
- supervisor.py: the loop: pass output through, watch it, stop the command when told.
- findings.py: matched error lines as findings for the learning loop.
- kept_output.py, failures/: the output kept for the failure report, and the failing tests read
  from it (each with its assertion or error); exit_words.py: the exit status in words.
- run_record.py: a finished run as stored and read back (RunRecord, PatternUse), for the store and
  the command-timing model.

This is the engine, below the store (whose run records use its results). The `lessonloop run`
command line (its own small parser, started on every run; it records the run and reads --auto's
suggestions through the pipeline and the store) is lessonloop/runs/command/entry.py, a layer above them.
"""
