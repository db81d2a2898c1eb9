"""Questions sent to a running app (``python app.py``) through its API: no model loads here."""

from __future__ import annotations

from typing import Any

from bot.questions import Asked
from index.errors import TimelineError


class Remote:
    """The app's ``/search`` and ``/timeline`` endpoints, with errors as one line."""

    def __init__(self, url: str) -> None:
        from gradio_client import Client

        try:
            self._client = Client(url, verbose=False)
        except Exception as err:  # noqa: BLE001 - any failure to connect is one line
            raise TimelineError(f"cannot reach the app at {url}: {_first_line(err)}") from None

    def search(self, asked: Asked, *, k: int, order: str) -> dict[str, Any]:
        return self._call(asked.question, k, _iso(asked.date_from), _iso(asked.date_to), order,
                          _iso(asked.as_of), list(asked.sources), api_name="/search")

    def timeline(self, topic: str, *, n_dates: int, as_of: str = "") -> dict[str, Any]:
        return self._call(topic, n_dates, as_of, api_name="/timeline")

    def _call(self, *args: Any, api_name: str) -> dict[str, Any]:
        from gradio_client.exceptions import AppError

        try:
            return self._client.predict(*args, api_name=api_name)
        except AppError as err:  # the app's own one-line message
            raise TimelineError(str(err)) from None
        except Exception as err:  # noqa: BLE001 - the connection dropped, the app stopped...
            raise TimelineError(f"the app did not answer: {_first_line(err)}") from None


def _iso(d: object) -> str:
    return d.isoformat() if d is not None else ""  # type: ignore[attr-defined]


def _first_line(err: BaseException) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0]
