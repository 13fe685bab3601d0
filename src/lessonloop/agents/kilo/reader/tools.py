"""Its tool names -> the neutral kinds: OpenCode's table (capture/opencode_format/tools.py), which its
reader and its plugin hooks read."""

from __future__ import annotations

from lessonloop.capture.opencode_format.tools import KINDS as KINDS
from lessonloop.capture.opencode_format.tools import kind_of as kind_of
