"""The parts of an agent's folder (agents/<agent>/) that are code the core reaches by the folder's
name, by the members it uses, as typing Protocols: core/agent_specs.py hands each part over typed
so, mypy checks every call of it, and tests/agents/test_agent_specs.py checks each agent's module.
(Its reader's ADAPTER is a capture/adapters.py Adapter and its installer's SETUP a HookSetup,
both checked by their class where they are read.)

Type checking only: nothing imports it at run time (the hooks read core/agent_specs.py).
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class HookAdapter(Protocol):
    """An agent's hooks.py: its events and payloads in the handlers' terms, and their answers in
    its own (apply/hooks/entry.py). Optional: call_of(event, raw, payload) -> the call an answer
    is about (kit/answers.py's Call), UNSHOWN_ACTIONS (the actions its person never sees)."""

    def payload(self, event: str, raw: dict[str, object], /) -> dict[str, object] | None: ...

    def answer(self, event: str, output: dict[str, object] | None, call: Any, /) -> tuple[str | None, int]: ...
