"""The store's background worker (issue 62): `lessonloop ingest` and a read's refresh capture what
is new and return; analysis and learning (and the steps after them, a team sync) follow in one
process per store, at low priority, never two at once, resumable after a kill (each step commits
its own work and the next worker goes on from the store's marks).

    lag.py        how far the findings and lessons trail the captured sessions (cheap reads)
    catch_up.py   analysis then learning until both are current, in the caller's process
    worker.py     the worker's process: its lock and status files beside the store, starting it
                  detached, and its main (`python -m lessonloop.pipeline.background.worker`)
    wait.py       a command whose answer is findings or lessons: wait for the worker (or do its
                  work here) with a spinner
"""
