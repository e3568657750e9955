"""Databases of their own for tests that run manage.py or servers in other processes."""

import contextlib
import uuid
from pathlib import Path

import psycopg
from django.db import connection


def url_of(settings_dict: dict) -> str:
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    host = f"{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}"
    return f"postgres://{settings_dict['USER']}{password}@{host}/{settings_dict['NAME']}"


@contextlib.contextmanager
def postgres_database(server: dict, prefix: str):
    """A new, empty PostgreSQL database on `server` (connection settings of an existing one);
    yields its URL and drops it afterwards, whatever happened."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    params = {
        "host": server.get("HOST") or "127.0.0.1",
        "port": server.get("PORT") or 5432,
        "user": server.get("USER") or "postgres",
        "password": server.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url_of({**server, "ENGINE": "postgresql", "NAME": name, **_defaults(params)})
    finally:
        with psycopg.connect(**params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _defaults(params: dict) -> dict:
    return {
        "HOST": params["host"],
        "PORT": params["port"],
        "USER": params["user"],
        "PASSWORD": params["password"] or "",
    }


@contextlib.contextmanager
def empty_database_like_the_tests(directory: Path, prefix: str):
    """An empty database of the same kind as the test database: a new SQLite file, or a new
    database on the same PostgreSQL server."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{directory / (prefix + '.sqlite3')}"
    else:
        with postgres_database(connection.settings_dict, prefix) as url:
            yield url
