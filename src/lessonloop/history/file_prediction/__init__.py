"""File prediction (issue 14, item 3; docs/files.md): which files a task will touch, learned from
past tasks (commit messages, sessions' prompts) and the files they changed. Pure: examples in,
ranked files out; the store side is history/store/file_models.py, the job history/file_prediction/job.py."""
