"""The web session: Flask's signed cookie, with its signing serializer built once per key.

Flask builds the serializer twice on every request (to open the session and to save it), API requests
included, which never carry the cookie. The serializer holds only the keys and its settings, so one per
secret key (and fallback keys) serves every request; a changed key gets its own."""

from __future__ import annotations

from flask.sessions import SecureCookieSessionInterface

_KEPT = 8  # secret keys remembered (a process has one; tests change it)


class SessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._serializers: dict[tuple, object] = {}

    def get_signing_serializer(self, app):
        if not app.secret_key:
            return None
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(key)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            if len(self._serializers) >= _KEPT:
                self._serializers.clear()
            self._serializers[key] = serializer
        return serializer
