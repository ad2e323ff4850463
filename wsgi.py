"""WSGI entry point: gunicorn wsgi:app"""
from banner import create_app

app = create_app()
