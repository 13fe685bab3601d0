"""What learning reads: tool calls with their session, project and error, in time order."""

from __future__ import annotations

import posixpath

from lessonloop.analyze.error_headline import failing_check
from lessonloop.analyze.inputs import Call
from lessonloop.core.tool_kinds import SHELL
from lessonloop.learning.engine.learnable import LEARNABLE_CLASSES
from lessonloop.learning.engine.signatures import call_signature, check_signatures
from lessonloop.lesson_model.environment import call_shell, error_shell
from lessonloop.lesson_model.triggers import command_segments, input_key

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (live learning in a hook)
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any


class CallEvent:
    """One tool call as learning sees it: the call, where it ran, and its error's class and
    signature when it failed."""

    __slots__ = (
        "agent",
        "also_failed",
        "branch",
        "call",
        "cwd",
        "error_class",
        "headline",
        "hook_input",
        "hook_tool",
        "key",
        "model",
        "project",
        "segments",
        "session_id",
        "signature",
        "untimed_at",
    )

    def __init__(
        self,
        call: Call,
        session_id: str,
        project: str | None = None,
        branch: str | None = None,
        cwd: str | None = None,
        error_class: str | None = None,
        agent: str | None = None,
        model: str | None = None,
        untimed_at: str | None = None,
    ) -> None:
        self.call = call
        # The time of a call whose agent writes none (Aider): its session's start, so that history
        # is in time order across sessions and a lesson's first and last seen are dated.
        self.untimed_at = untimed_at
        self.session_id = session_id
        self.project = project
        self.branch = branch
        self.cwd = call.cwd or cwd
        self.error_class = error_class
        self.agent = agent
        self.model = model
        self.segments = command_segments(call.command) if call.command else []
        # the call's tool as the agent's hook names it (apply/hooks/kit/tool_view.py, set by
        # learning's runs): what the decision and the lessons' triggers read, as the live hook does
        self.hook_tool = call.tool
        self.hook_input: Mapping[str, Any] | None = call.input  # its input, the same
        self.key: str | None = None  # input_key, once asked for
        self.signature = None
        # the line that carries its error, normalized (learning/engine/signatures.py): the signature after its tool
        self.headline = ""
        if call.status == "error":
            self.signature = call_signature(
                call.kind,
                call.tool,
                call.error_text,
                self.segments,
                branch,
                call.exit_code,
                call.input,
                call.command,
                self.shell if call.command and '"' in call.command else None,
            )
            self.headline = self.signature.split("|", 1)[1]
        # the signatures of the other checks a check runner's rejection names as failing: one
        # rejected commit is a failure of each check's lesson
        self.also_failed: tuple[str, ...] = ()
        if self.signature is not None and failing_check(self.signature) is not None:
            self.also_failed = check_signatures(call.kind, call.tool, call.error_text, branch)

    def failed_with(self, signature: str | None) -> bool:
        """Whether the call failed with the error `signature` names: its own, or one of the other
        checks its rejection names."""
        if signature is None:
            return False
        return self.signature == signature or signature in self.also_failed

    @property
    def ts(self) -> str:
        return self.call.ts or self.untimed_at or ""

    @property
    def shell(self) -> str | None:
        """The shell family a shell call ran in (lesson_model/environment.py), None for another
        kind of call or when not known."""
        if self.call.kind != SHELL:
            return None
        found = call_shell(self.agent, self.call.input, self.cwd)
        if found is None and not self.call.ok:
            found = error_shell(self.call.error_text)  # a shell's own words for its error
        return found

    @property
    def input_key(self) -> str:
        """The call's input as a short key (lesson_model/triggers.input_key): the same call resent,
        as the agent's hook sees it (its input as the hook gets it: `hook_input`)."""
        key = self.key
        if key is None:
            key = self.key = input_key(self.call.command, self.hook_input)
        return key

    def reads(self) -> list[str]:
        """The files a successful shell command printed (`cat F`, `sed -n 1,50p F`, ...), as typed
        and joined to the working folder: the agent has seen them (how Codex reads files)."""
        call = self.call
        if not call.ok or not call.command:
            return []
        from lessonloop.analyze.file_ops import shell_effects

        effects = shell_effects(call.command)
        out: list[str] = []
        base = effects.cd if effects.cd and effects.cd.startswith("/") else self.cwd
        for path, _start, _end in effects.reads:
            out.append(path)
            if base and not path.startswith("/"):
                out.append(posixpath.normpath(posixpath.join(base, path)))
        return out

    def file_forms(self) -> list[tuple[str, str, str]]:
        """What a successful command made of the files it wrote (lesson_model/triggers.file_forms:
        line ends converted, a PowerShell write's encoding), each file as typed and joined to the
        working folder."""
        call = self.call
        if not call.ok or not self.segments:
            return []
        from lessonloop.lesson_model.triggers import file_forms

        out: list[tuple[str, str, str]] = []
        for path, aspect, value in file_forms(self.segments, call.command):
            out.append((path, aspect, value))
            if self.cwd and not path.startswith("/"):
                out.append((posixpath.normpath(posixpath.join(self.cwd, path)), aspect, value))
        return out

    @property
    def learnable(self) -> bool:
        """A failure lessonloop can learn a prevention for (not a rejection, a cascade, an outage)."""
        return self.call.status == "error" and self.error_class in LEARNABLE_CLASSES
