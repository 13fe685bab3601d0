"""The runs wing's part of the store: its tables' migration, the recording of a run, its reads, its retention and feedback."""
