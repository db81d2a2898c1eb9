"""app.py: the factory and entry point."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT


def test_app_import_is_light_and_cli_defaults_are_safe():
    code = ("import sys, app; p = app.arg_parser(); a = p.parse_args([]); "
            "print(a.host, a.port, 'gradio' in sys.modules, 'torch' in sys.modules); "
            "print(p.format_help())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         timeout=120).stdout
    assert out.splitlines()[0] == "127.0.0.1 7860 False False"
    assert "WARNING" in out and "--auth" in out and "25 MB" in out


class _Recorder:
    """Stands in for a Gradio Blocks: records how it is launched."""

    def launch(self, **kwargs: object) -> dict[str, object]:
        return kwargs


def test_launch_binds_this_machine_and_widens_nothing():
    import app
    from web.uploads import MAX_UPLOAD_BYTES

    kw = app.launch(_Recorder())
    assert kw["server_name"] == "127.0.0.1" and kw["share"] is False
    assert "allowed_paths" not in kw and "blocked_paths" not in kw
    assert kw["max_file_size"] == MAX_UPLOAD_BYTES  # refused before our handlers see it
    assert kw["enable_monitoring"] is False and kw["mcp_server"] is False
    assert "tl-answer" in kw["css"]  # the page's own style, no remote stylesheet


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow  # two app start-ups
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_stopping_the_app_removes_its_export_folder(tmp_path: Path, fake_index: Path,
                                                   stop: signal.Signals):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    # started as a shell's background job is: SIGINT inherited ignored
    proc = subprocess.Popen([sys.executable, "app.py", "--index-dir", str(fake_index), "--model",
                             "fake:64", "--port", str(_free_port())], cwd=ROOT, env=env,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        for line in proc.stderr:  # type: ignore[union-attr]
            if "serving on" in line:
                break
        assert list(tmp.glob("timeline-bot-export-*")), "the app keeps its exports in TMPDIR"
        proc.send_signal(stop)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert not list(tmp.glob("timeline-bot-export-*"))


@pytest.mark.slow  # an app start-up
def test_a_stop_while_the_server_starts_still_ends_the_app(tmp_path: Path, fake_index: Path):
    # Ctrl+C as Gradio starts its server thread used to leave that thread running: a hung process
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = subprocess.Popen([sys.executable, "app.py", "--index-dir", str(fake_index), "--model",
                             "fake:64", "--port", str(_free_port())], cwd=ROOT,
                            env={**os.environ, "TMPDIR": str(tmp)}, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not list(tmp.glob("timeline-bot-export-*")) and time.monotonic() < deadline:
            time.sleep(0.01)  # the export folder is made just before the server starts
        assert list(tmp.glob("timeline-bot-export-*"))
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert not list(tmp.glob("timeline-bot-export-*"))



def test_a_stop_while_the_server_starts_is_held_even_when_another_thread_takes_it():
    import app

    # a thread that does not block signals: the kernel may hand it a process's SIGINT, and a
    # per-thread mask on the main thread (the former hold) then held nothing
    stop = threading.Event()
    threading.Thread(target=stop.wait, daemon=True).start()
    before, finished = signal.getsignal(signal.SIGINT), False
    try:
        with pytest.raises(KeyboardInterrupt), app.held_stops({signal.SIGINT}):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)  # the stop arrives while the "server" starts
            finished = True
    finally:
        stop.set()
    assert finished  # the start ran to its end; the stop was raised after it
    assert signal.getsignal(signal.SIGINT) is before


def test_the_app_warms_its_index_in_the_background(fake_index: Path):
    import app

    thread = app._warm_in_background(fake_index)
    assert thread.daemon  # never holds up a stop
    thread.join(timeout=30)
    assert not thread.is_alive()
