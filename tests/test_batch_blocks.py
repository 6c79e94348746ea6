"""How a streamed table is cut into blocks: with checks and reports (a unit's own work
dominates) a table of few blocks is cut finer so every worker gets units; a tables-only
run and a caller's smaller block size are left as they are."""

from __future__ import annotations

from pathlib import Path

from perfscore.batch import BLOCK_ROWS, BLOCKS_PER_WORKER, MIN_BLOCK_ROWS, _balanced_block_rows, _Run
from perfscore.scoring.profile import load_profile


def _run(tables_only: bool) -> _Run:
    return _Run(Path("out"), load_profile(None), None, reports=True, pdf=False, tables_only=tables_only)


def test_reports_spread_over_the_workers():
    rows = 90_000
    size = _balanced_block_rows(_run(False), rows, BLOCK_ROWS, 2)
    assert -(-rows // size) >= BLOCKS_PER_WORKER * 2
    assert size == 11_250


def test_tables_only_and_one_worker_keep_the_block_size():
    assert _balanced_block_rows(_run(True), 90_000, BLOCK_ROWS, 2) == BLOCK_ROWS
    assert _balanced_block_rows(_run(False), 90_000, BLOCK_ROWS, 1) == BLOCK_ROWS


def test_never_tiny_and_never_above_what_the_caller_asked():
    assert _balanced_block_rows(_run(False), 500, BLOCK_ROWS, 4) == MIN_BLOCK_ROWS
    assert _balanced_block_rows(_run(False), 90_000, 1, 2) == 1
    assert _balanced_block_rows(_run(False), 10**7, BLOCK_ROWS, 2) == BLOCK_ROWS
