"""app.py: the factory and entry point."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_app_import_is_light_and_cli_defaults_are_safe():
    code = ("import sys, app; p = app.arg_parser(); a = p.parse_args([]); "
            "print(a.host, a.port, 'gradio' in sys.modules, 'torch' in sys.modules); "
            "print(p.format_help())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         timeout=120).stdout
    assert out.splitlines()[0] == "127.0.0.1 7860 False False"
    assert "WARNING" in out and "--auth" in out and "25 MB" in out
