"""Loaded by every Python process whose PYTHONPATH holds this folder (tests/test_offline.py).

An audit hook sees each name lookup and connect, whichever library makes it. A non-loopback one
is written to ``$EGRESS_LOG`` (one JSON line, with the stack that made it) and refused, as an
offline machine would refuse it.
"""

from __future__ import annotations

import errno
import ipaddress
import json
import os
import socket
import sys
import traceback

_LOG = os.environ.get("EGRESS_LOG")
_LOOKUPS = {"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
            "socket.gethostbyaddr", "socket.getnameinfo"}
_CONNECTS = {"socket.connect", "socket.sendto", "socket.sendmsg"}


def _local(host: object) -> bool:
    if host is None or host in ("", "localhost", "localhost.", b"localhost"):
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False  # a name other than localhost
    return ip.is_loopback or ip.is_unspecified


def _target(event: str, args: tuple) -> object:
    if event in _CONNECTS:
        address = args[1] if len(args) > 1 else None
        if isinstance(address, (str, bytes)) or address is None:
            return None  # AF_UNIX path, or a connected socket's send
        return address[0] if isinstance(address, tuple) and address else address
    if event == "socket.getnameinfo":
        return args[0][0] if args and isinstance(args[0], tuple) else None
    return args[0] if args else None


def _hook(event: str, args: tuple) -> None:
    if event not in _LOOKUPS and event not in _CONNECTS:
        return
    host = _target(event, args)
    if _local(host):
        return
    record = {"event": event, "host": str(host), "pid": os.getpid(), "argv": sys.argv[:3],
              "stack": traceback.format_stack(limit=12)[:-1]}
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
    if event in _LOOKUPS:
        raise socket.gaierror(socket.EAI_NONAME, f"no-egress test: lookup of {host} refused")
    raise OSError(errno.ENETUNREACH, f"no-egress test: connect to {host} refused")


sys.addaudithook(_hook)
