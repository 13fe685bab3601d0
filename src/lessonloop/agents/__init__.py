"""Every agent lessonloop reads or serves, one folder each (README.md): its spec, its reader, its
hook adapter and its installer. What several agents share is in the kits: capture/ (the line
reader, sniffing, the OpenCode format), apply/hooks/kit/ (answers, carried state, tool views) and
apply/hooks/install/ (hook lists, plugin files)."""
