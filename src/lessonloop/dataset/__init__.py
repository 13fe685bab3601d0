"""The dataset wing: the store as training data (`lessonloop dataset export|quality|milestones`;
README.md).

What it adds to the core, at the package's door (`WING`, a core/wing.py `Wing`): its command. It
has no tables of its own: it reads the store."""

from __future__ import annotations

from lessonloop.core.wing import Wing

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import ClassVar


class Dataset(Wing):
    __slots__ = ()

    COMMANDS: ClassVar[dict[str, tuple[str, ...]]] = {"lessonloop.dataset.cli": ("dataset",)}


WING = Dataset()
