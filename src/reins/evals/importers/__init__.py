"""Task importers (`reins tasks import KIND SRC DEST`): turn outside material into tasks in
Harbor's layout (see reins.evals.task) whose verifier and reference solution were checked
at import: the solution gets reward 1, the untouched workspace reward 0.

- exercism: Exercism exercises (stub + docs -> workspace, tests hidden, example -> solution)
- swebench: SWE-bench-style JSONL against local clones (test patch hidden, patch -> solution)
- mutate: bugs injected into a repo with a passing test suite (one-line mutations)

Every task's verifier is the same small program (runtime.py, copied in as
tests/_reins_verify.py) driven by tests/verify.json.
"""

KINDS = ("exercism", "swebench", "mutate")
