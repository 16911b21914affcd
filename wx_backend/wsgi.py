"""WSGI entry for servers other than `pufa serve`: gunicorn 'wx_backend.wsgi:app'."""

from . import create_app

app = create_app()
