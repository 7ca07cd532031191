"""The ``corpuskit`` command's entry point (the script, and ``python -m corpuskit``).

``corpuskit --version`` is answered here, before the command line's modules load
(typer and the library: about 0.6 CPU-s), so that a script or a package manager asking
for the version pays for the interpreter alone. Everything else goes to
``corpuskit.cli.main``.
"""

from __future__ import annotations

import sys

from corpuskit.version import __version__


def main() -> None:
    """Run the ``corpuskit`` command with ``sys.argv``."""
    if sys.argv[1:] == ["--version"]:
        print(f"corpuskit {__version__}")
        return
    try:
        from corpuskit.cli import main as command
    except KeyboardInterrupt:  # Ctrl-C while the modules load: nothing started yet
        print("interrupted", file=sys.stderr)
        raise SystemExit(130) from None
    command()


if __name__ == "__main__":
    main()
