"""The application as gunicorn serves it, each answer naming the worker process that served it
(`X-Test-Worker`), for test_auth_cache_workers.py only: the product exposes no such header."""

import os

from ai_register import create_app

app = create_app()
_serve = app.wsgi_app


def _naming_the_worker(environ, start_response):
    def start(status, headers, exc_info=None):
        return start_response(status, [*headers, ("X-Test-Worker", str(os.getpid()))], exc_info)

    return _serve(environ, start)


app.wsgi_app = _naming_the_worker
