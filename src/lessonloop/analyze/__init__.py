"""Pure analysis over normalized records: same input, same output, no I/O."""
