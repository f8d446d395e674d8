"""The WSGI entry point: ``gunicorn -w 4 wsgi:app``."""

from reuse_tracker import create_app

app = create_app()
