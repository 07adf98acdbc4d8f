"""Run unittest cases, one PASS/FAIL line each, and end with `N passed, M failed`.

tools/ci/check.sh reads that last line to add these tests to its own count.
"""

from __future__ import annotations

import sys
import traceback
import unittest


class _Result(unittest.TestResult):
    def __init__(self) -> None:
        super().__init__()
        self.passed = 0
        self.failed = 0

    def addSuccess(self, test):  # noqa: N802 (unittest's name)
        self.passed += 1
        print(f"PASS {test.id()}", flush=True)

    def _fail(self, test, err) -> None:
        self.failed += 1
        print(f"FAIL {test.id()}", flush=True)
        print("".join(traceback.format_exception(*err)).rstrip(), flush=True)

    def addFailure(self, test, err):  # noqa: N802
        self._fail(test, err)

    def addError(self, test, err):  # noqa: N802
        self._fail(test, err)

    def addSkip(self, test, reason):  # noqa: N802
        # A skipped contract check is a missed one: count it as a failure.
        self.failed += 1
        print(f"FAIL {test.id()} (skipped: {reason})", flush=True)


def main(module_name: str) -> None:
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[module_name])
    result = _Result()
    suite.run(result)
    print(f"{result.passed} passed, {result.failed} failed", flush=True)
    sys.exit(1 if result.failed or not result.passed else 0)
