"""`lessonloop hooks install|uninstall|status` for every agent: each agent's hook file (spec.py
and one module per agent), lessonloop's entries in its hook lists (hook_lists.py), the files
themselves kept byte for byte (files.py), and what installing, uninstalling and checking do
(plan.py). None of this runs in a hook: the hook's own path (entry.py, the handlers) never
imports it."""
