"""Nothing leaves the machine: no library phones home, on a first start or after.

index/offline.py switches each library's reporting off when ``index`` is imported. The slow
test runs what a new user runs, with an empty home folder, and fails on any attempt to reach a
non-loopback address, from any Python process and whichever library makes it
(tests/egress_audit/sitecustomize.py).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS

AUDIT = ROOT / "tests" / "egress_audit"
HEAVY = ("torch", "transformers", "sentence_transformers", "huggingface_hub", "gradio",
         "openvino", "ray", "faiss")


def _python(code: str, env: dict[str, str] | None = None, timeout: float = 120) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.parametrize("entry", ["app", "bot.__main__", "index.__main__", "bot.engine", "web.handlers",
                                   "bot.remote"])
def test_switches_are_set_before_any_library_loads(entry):
    """Each entry point imports ``index`` (which sets the switches) before any library that
    reads them at import."""
    code = f"""
import json, os, sys
order = []
def hook(event, args):
    if event == "import" and args[0] in {(*HEAVY, "index")!r} and args[0] not in order:
        order.append(args[0])
sys.addaudithook(hook)
import {entry}
print(json.dumps([order, os.environ.get("HF_HUB_OFFLINE"), sys.modules.get("openvino_telemetry", 0)]))
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "GRADIO_"))}
    order, offline, telemetry = json.loads(_python(code, env).strip().splitlines()[-1])
    assert order and order[0] == "index", order
    assert offline == "1" and telemetry is None


def test_openvino_cannot_load_its_telemetry():
    code = ("import index, openvino\n"
            "try:\n    import openvino_telemetry\nexcept ImportError:\n    print('blocked')\n")
    assert _python(code).strip() == "blocked"


def _fresh_env(tmp: Path, log: Path) -> dict[str, str]:
    """A new user's environment: an empty home, none of the switches set by hand."""
    dropped = ("HF_", "TRANSFORMERS_", "GRADIO_", "TIMELINE_", "XDG_", "RAY_", "TOKENIZERS_")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(dropped) and k not in ("DO_NOT_TRACK", "PYTHONPATH")}
    home = tmp / "home"
    (tmp / "tmp").mkdir()
    home.mkdir()
    env.update(HOME=str(home), TMPDIR=str(tmp / "tmp"), EGRESS_LOG=str(log),
               PYTHONPATH=os.pathsep.join([str(AUDIT), str(ROOT)]))
    return env


def _run(args: list[str], env: dict[str, str], *, stdin: str | None = None,
         timeout: float = 600) -> str:
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, (args, done.stderr[-3000:])
    return done.stdout


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, proc: subprocess.Popen, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the app exited: {proc.stderr.read()[-3000:]}")  # type: ignore[union-attr]
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(1)
    raise AssertionError("the app did not start")


# A user's script, as the README shows it: gradio_client 2.7 reports each Client to the Hugging
# Face hub unless HF_HUB_DISABLE_TELEMETRY (or DO_NOT_TRACK) is set; neither its
# analytics_enabled=False nor GRADIO_ANALYTICS_ENABLED=False alone stops it.
CLIENT = """
import json, os, sys
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
from gradio_client import Client
client = Client(sys.argv[1], verbose=False)
answer = client.predict("What did Kallas say about Putin?", 5, "", "", "relevance", api_name="/search")
timeline = client.predict("Kallas on Russia", 3, api_name="/timeline")
print(json.dumps({"results": len(answer["results"]), "timeline": bool(timeline)}))
"""

# The chat's export (CSV and TimelineJS files), run as the app runs it.
EXPORT = """
import json
from bot.engine import Bot
from web.handlers import Handlers
from index.settings import load_settings
bot = Bot.load(load_settings().index_dir)
csv_path, json_path = Handlers(bot).exports.write(bot.ask("What did Kallas say about Putin?", k=5))
# sizes, read here: the export folder goes when the process exits
print(json.dumps([csv_path.stat().st_size, json_path.stat().st_size]))
"""


@pytest.mark.slow
def test_no_connection_leaves_the_machine(tmp_path):
    """Build with empty caches (the OpenVINO conversion runs), ask from the shell, serve the
    app, ask through its API, export: no process may look up or reach a non-loopback host."""
    log = tmp_path / "egress.jsonl"
    env = _fresh_env(tmp_path, log)
    home = Path(env["HOME"])
    _run(["-m", "index", "build", str(SEEDS)], env)
    asked = _run(["-m", "bot", "ask", "--json", "-"], env,
                 stdin="What did Kallas say about Putin?\nWhat was agreed in Saudi Arabia?\n")
    assert len(asked.strip().splitlines()) == 2
    port = _free_port()
    app = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(f"http://127.0.0.1:{port}/", app)
        got = json.loads(_run(["-c", CLIENT, f"http://127.0.0.1:{port}/"], env).splitlines()[-1])
        assert got["results"] > 0 and got["timeline"]
        exported = json.loads(_run(["-c", EXPORT], env).splitlines()[-1])
        assert len(exported) == 2 and all(size > 0 for size in exported)
    finally:
        app.send_signal(signal.SIGINT)
        try:
            app.wait(timeout=60)
        except subprocess.TimeoutExpired:
            app.kill()
    attempts = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    assert not attempts, sorted({(a["event"], a["host"], a["argv"][-1]) for a in attempts}) + [
        "\n\n".join(f"{a['event']} {a['host']} from {a['argv']}:\n"
                                     + "".join(a["stack"][-6:]) for a in attempts[:3])]
    assert not (home / "intel").exists()  # OpenVINO's telemetry ids and stats
    # the first start converted the model for OpenVINO (every CPU's first route) into the default cache
    assert list((home / ".cache" / "timeline-bot" / "openvino").glob("*/pipeline.json"))
