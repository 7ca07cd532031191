"""What pytest collects from the whole checkout (read before ``tests/conftest.py``).

``--doctest-modules`` imports every module of ``corpuskit/``. An adapter in
``corpuskit/integrations/`` imports its tool as it is imported (without it, an
ImportError that names the extra to install), so where that tool is missing the module
is left out of the doctests and the run's summary says which and why; its tests
(``tests/integrations/``) skip, saying why. Plain ``pytest`` so collects without extras.
"""

from __future__ import annotations

import importlib.util

import pytest

#: The modules that import an optional package when imported: the package, its extra.
OPTIONAL = {
    "corpuskit/integrations/hf.py": ("datasets", "hf"),
    "corpuskit/integrations/datatrove.py": ("datatrove", "datatrove"),
}

#: The modules left out here, and why.
MISSING = {
    path: f"{package} is not installed: pip install 'corpuskit[{extra}]'"
    for path, (package, extra) in OPTIONAL.items()
    if importlib.util.find_spec(package) is None
}

collect_ignore = list(MISSING)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for path, reason in MISSING.items():
        terminalreporter.write_line(f"doctests not collected: {path} ({reason})")
