"""The RFM benchmark runs on a tiny size and prints its one figure with target and verdict."""

import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.e2e
def test_the_rfm_bench_runs_on_a_tiny_size() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "bench.rfm", "--members", "2000"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert re.fullmatch(
        r"rfm over ([\d,]+) buying members: ours [\d.]+ s, bare aggregate [\d.]+ s \(\1 rows\);"
        r" bare/ours [\d.]+ \(target >= 0\.5\) (ok|FAIL)\n",
        run.stdout,
    ), run.stdout + run.stderr
