"""The command line starts at once: importing it, and listing its commands, loads none of the heavy
modules (Qt, scipy, matplotlib, pandas, numpy, sqlite-utils, psycopg). The commands that use them
import them when they run (annotator/cli.py, annotator/deferred.py). What is imported is checked,
not how long it takes: the figures are in docs/benchmarks.md (benchmarks/ui_bench.py --startup)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from annotator.cli import cli

HEAVY = ("PySide6", "shiboken6", "scipy", "matplotlib", "pandas", "numpy", "sqlite_utils", "psycopg")


def heavy_modules_after(code: str) -> list[str]:
    """The heavy top-level modules a fresh Python has imported after running ``code``."""
    probe = code + (f"\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}}"
                    f" & set({HEAVY!r}))))\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_importing_the_cli_loads_no_heavy_module() -> None:
    assert heavy_modules_after("import annotator.cli") == []


def test_listing_the_commands_loads_no_heavy_module() -> None:
    code = ("from annotator.cli import cli\n"
            "try:\n    cli(['--help'])\nexcept SystemExit as exit:\n    assert exit.code == 0\n")
    assert heavy_modules_after(code) == []


def test_the_probe_sees_a_heavy_import() -> None:
    # The check above would pass vacuously if the probe could not see imports.
    assert "numpy" in heavy_modules_after("import annotator.agreement.alpha")


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_still_shows_its_help(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_options_whose_values_load_later_still_list_and_check_them() -> None:
    runner = CliRunner()
    assert "[units|pairs]" in runner.invoke(cli, ["agreement", "--help"]).output
    assert "[default: 2; x>=2]" in runner.invoke(cli, ["gold", "--help"]).output
    result = runner.invoke(cli, ["gold", "--auto", "everyone"])
    assert result.exit_code == 2
    assert "'unanimous', 'majority'" in result.output
    result = runner.invoke(cli, ["export", "--gold", "--format", "xml", "-o", "out"])
    assert result.exit_code == 2
    assert "'jsonl'" in result.output


def test_opening_a_project_file_loads_neither_pandas_nor_numpy(tmp_path) -> None:
    # sqlite-utils would import both when installed (annotator/store/sqlite_lib.py hides them).
    path = tmp_path / "p.annotator.db"
    code = f"from annotator.store import Project\nProject.open({str(path)!r}, create=True).close()\n"
    assert heavy_modules_after(code) == ["sqlite_utils"]
