"""lessonloop: learn from coding agents' mistakes and give the lessons back."""

__version__ = "0.1.0"
