"""Driving the running Cockpit from outside: used by the browser tests and the benchmarks alike."""
