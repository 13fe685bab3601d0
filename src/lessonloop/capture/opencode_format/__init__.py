"""OpenCode's schema (its opencode.db and its legacy storage/ tree), read for OpenCode and for its
fork Kilo Code (kilo.db): not an adapter, both adapters import it and name the agent the sessions
are stored under."""
