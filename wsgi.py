"""WSGI entry point: `gunicorn wsgi:app`."""

from ai_register import create_app

app = create_app()
