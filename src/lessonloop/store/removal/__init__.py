"""What cleanup removes: rows older than the retention (and what they still need), the bundled sample replaced."""
