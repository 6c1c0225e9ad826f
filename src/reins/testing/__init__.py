"""Tools for testing reins and harnesses built on it: the adversarial fuzz campaigns
(tool calls and whole sessions) that the test suite and benchmarks/fuzz_tools.py run.
Needs the dev extra (hypothesis)."""
