"""The foundation every layer shares, standard-library level: the normalized records, the neutral
tool kinds, times, durations, where the configuration file is, option value types, the JSON
helpers, shares and lazy regexes. It imports nothing from the rest of lessonloop, and the hooks
import its modules one by one: this file stays empty of imports."""
