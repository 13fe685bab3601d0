"""Recording a finished `lessonloop run` in the store: the privacy settings, the command's
normalized form, its project, the findings of its error matches, and one write transaction
(runs/store/writer.py). The runner's entry point (runs/command/entry.py) calls it.

Imported only after the command has ended, so none of this is on the command's path.
"""

from __future__ import annotations

import shlex

from lessonloop.runs.runner.result import RunResult

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lessonloop.settings.config import Config


def telemetry_allowed(cwd: str, project: str | None, config: Config | None = None) -> bool:
    """Whether the configuration (default: the file's) lets this run be recorded: `[runner]
    telemetry` and `[capture] enabled` are on, and neither the project nor the folder is excluded."""
    from lessonloop.capture.privacy import CapturePolicy
    from lessonloop.settings.config import load_config

    config = load_config() if config is None else config
    if not config.runner.telemetry:
        return False
    return CapturePolicy.from_config(config).allows(project, cwd)


def record(result: RunResult, db_path: str) -> int | None:
    """Store `result` in the store at `db_path`; the run's id, or None when the configuration
    says not to record it. Raises on a store that cannot be written (the caller reports it).
    The run's project is its folder's, as ingest and the hooks resolve it
    (store/projects/lookup.py, with the configuration's [projects])."""
    from lessonloop.analyze.command_norm import normalize_command
    from lessonloop.analyze.commands import is_test_command
    from lessonloop.runs.runner.findings import findings_from_run
    from lessonloop.runs.store.writer import open_for_recording, record_run
    from lessonloop.settings.config import load_config
    from lessonloop.store.projects.lookup import project_of_folder

    argv = result.options.argv
    config = load_config()
    project = project_of_folder(result.cwd, config.project_mappings, store=db_path)
    if not telemetry_allowed(result.cwd, project, config):
        return None
    if config.privacy.scrub_pii_store:  # personal data goes with the secrets
        from lessonloop.secrets.redaction import set_pii

        set_pii(True)
    command = shlex.join(argv)
    # Normalizing moves flags apart from their values (`--password X` -> `X ... --password`), where
    # no rule can tell the value is a secret: the normal form is made of the redacted command.
    command_norm = normalize_command(_redacted_argv(command))
    findings = findings_from_run(result, command_norm=command_norm, test_command=is_test_command(command))
    conn = open_for_recording(db_path)
    try:
        return record_run(conn, result, command=command, command_norm=command_norm, project=project, findings=findings)
    finally:
        conn.close()


def _redacted_argv(command: str) -> list[str]:
    """The words of the shell-quoted `command` once its secrets are redacted (command scope)."""
    from lessonloop.secrets.redaction import redact

    cleaned = redact(command, "command")[0]
    try:
        return shlex.split(cleaned)
    except ValueError:  # a redaction took a closing quote with it
        return cleaned.split()
