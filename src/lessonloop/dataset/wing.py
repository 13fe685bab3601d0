"""The dataset wing's declaration (core/wings.py reads it): its command. It has no tables of its
own: it reads the store. No imports."""

COMMANDS = {"lessonloop.dataset.cli": ("dataset",)}
