"""The core never loads Textual: store/ and importers/ work without the UI."""

import subprocess
import sys

from tests.conftest import ROOT


def test_store_and_importers_do_not_import_textual() -> None:
    code = (
        "import sys, importlib, pkgutil\n"
        "import store, importers\n"
        "for pkg in (store, importers):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(m.name)\n"
        "from importers.registry import formats\n"
        "formats()\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "", f"textual loaded by the core: {out.stdout}"


def test_cli_subcommands_do_not_import_textual() -> None:
    code = (
        "import sys\n"
        "from tui.cli import build_parser\n"
        "build_parser()\n"
        "print('textual' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
