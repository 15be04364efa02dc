"""A report file (PDF, evidence bundle) sent to the reader as an attachment, for the API and the report
pages alike: streamed from its temporary file in chunks, which closes it, and never kept by a cache."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from flask import Response

CHUNK = 64 * 1024


def file_response(handle: IO[bytes], mimetype: str, filename: str) -> Response:
    size = handle.seek(0, 2)
    handle.seek(0)

    def chunks() -> Iterator[bytes]:
        try:
            while piece := handle.read(CHUNK):
                yield piece
        finally:
            handle.close()

    response = Response(chunks(), mimetype=mimetype, direct_passthrough=True)
    response.headers["Content-Length"] = str(size)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"  # register content never goes to shared caches
    return response
