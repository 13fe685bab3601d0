"""The dataset wing: the store as training data (`lessonloop dataset export|quality|milestones`;
README.md).

What it registers, declared here at the package's door (core/wings.py reads these names; no
imports): its command. It has no tables of its own: it reads the store."""

COMMANDS = {"lessonloop.dataset.cli": ("dataset",)}
