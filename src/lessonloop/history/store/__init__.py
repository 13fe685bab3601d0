"""The history wing's part of the store: its migration sequence, the commits' writer, the links' reads and writes, file prediction's saved models."""
