"""No connection leaves the machine and no library reports usage: switched off before they load.

``index/__init__.py`` runs :func:`switch_off` when the package is first imported, so every
entry point (``python -m index``, ``python -m bot``, ``app.py``, the tests) passes through it
before torch, transformers, huggingface_hub, gradio, openvino or ray are imported: several read
these settings once, at import. The values are forced, not defaulted: a user's indexes hold
unpublished material, and no environment should turn reporting back on by accident.
"""

from __future__ import annotations

import os
import sys

# Each library's own documented switch.
NO_EGRESS = {
    "HF_HUB_OFFLINE": "1",  # huggingface_hub (and transformers, sentence-transformers): no hub
    "TRANSFORMERS_OFFLINE": "1",  # older transformers releases read this one
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",  # the cross-tool convention (huggingface_hub, gradio and others)
    "GRADIO_ANALYTICS_ENABLED": "False",  # gradio: usage analytics and its version check
    "RAY_USAGE_STATS_ENABLED": "0",  # ray (python -m index build --ray): usage stats
}
# Messages a user cannot act on ("loss_type=None ... ForCausalLMLoss" for an embedding model).
QUIET = {
    "TRANSFORMERS_VERBOSITY": "error",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",  # transformers' "Loading weights" bar at each load
}
# OpenVINO sends a usage event when it is imported (``import openvino`` runs its converter's
# telemetry set-up) and writes ~/intel/. Its only documented switch, ``opt_in_out --opt_out``,
# writes ~/intel/openvino_telemetry and itself sends an "opted out" event. OpenVINO runs without
# the telemetry package when it cannot be imported (``openvino.tools.ovc.telemetry_stub``, a
# no-op), so the package is made unimportable in this process: a None entry in sys.modules
# makes ``import openvino_telemetry`` raise ImportError.
BLOCKED_MODULES = ("openvino_telemetry",)


def switch_off() -> None:
    """Idempotent; must run before the libraries above are imported."""
    os.environ.update(NO_EGRESS)
    for key, value in QUIET.items():
        os.environ.setdefault(key, value)  # a user debugging may ask for more
    for name in BLOCKED_MODULES:
        if sys.modules.get(name) is None:
            sys.modules[name] = None  # type: ignore[assignment]
