"""A fourteenth agent of the tests' own, the worked example of docs/adding-an-agent.md: one folder of
the shape of agents/<agent>/ (its spec, its reader, its hook adapter, its installer), written with
relative imports so that the folder is an agent wherever it is put. tests/agents/test_fourteenth_agent.py
copies the package with this folder added under agents/ and nothing else changed: lessonloop then
discovers, reads and lists its logs, installs its hooks and runs them.
"""
