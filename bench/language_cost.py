"""The cost of ``detect_language``'s detection (langdetect through ``FastDetector``) on the
prose samples of the dev sets' text dumps, in a form that a noisy shared machine cannot
blur: run it under callgrind, once on some samples and once on none, and subtract.

    python bench/language_cost.py ../shared/bench 4          # every 4th dump: CPU-s, digest
    python bench/language_cost.py ../shared/bench 4 --none   # the same start-up, no detection
    python bench/language_cost.py ../shared/bench 4 --pure   # the pure-Python sampling

    # instructions of detecting on every 4th dump's sample, the compiled kernel, the
    # pure-Python path, and another tree (by PYTHONPATH; run from outside the checkout):
    for opt in --none "" --pure; do
      valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        python bench/language_cost.py ../shared/bench 4 $opt 2>&1 | grep Collected
    done

The samples are what the step detects on (``prose_sample`` of each dump, every dump of
traf-dev and dragnet-dev in name order), all made before the clock starts, and the
profiles are loaded before it too, with or without ``--none``, so that the difference of
two counts is the detection alone. ``--pure`` sets ``CORPUSKIT_PURE_PYTHON`` before
corpuskit is imported. The digest of every sample's probabilities (each float written
exactly) shows that two runs found the same.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("root", type=Path, help="the folder of traf-dev and dragnet-dev")
    parser.add_argument("step", type=int, nargs="?", default=1, help="every step-th dump")
    parser.add_argument("--none", action="store_true", help="detect nothing (the baseline)")
    parser.add_argument("--pure", action="store_true", help="sample in Python, not in C")
    args = parser.parse_args()
    if args.pure:
        os.environ["CORPUSKIT_PURE_PYTHON"] = "1"
    from corpuskit.steps.language import MAX_CHARS, LanguageDetector, prose_sample

    paths = sorted(
        path
        for folder in ("traf-dev", "dragnet-dev")
        for path in (args.root / folder / "pages").glob("*.txt")
    )
    texts = [path.read_text(encoding="utf-8") for path in paths[:: args.step]]
    samples = [] if args.none else [prose_sample(text, MAX_CHARS) for text in texts]
    detector = LanguageDetector()
    detector.factory  # noqa: B018  # loads the profiles before the clock starts
    start = time.process_time()
    scores = [detector._scores(sample) for sample in samples]
    seconds = time.process_time() - start
    found = repr([sorted((code, value.hex()) for code, value in one.items()) for one in scores])
    digest = hashlib.sha256(found.encode()).hexdigest()[:12]
    print(f"{len(samples)} samples, {seconds:.3f} CPU-s, digest {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
