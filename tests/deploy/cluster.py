"""Two gunicorn app servers behind Debian's nginx (deploy/nginx.conf, round robin) and a worker,
all on one throw-away PostgreSQL database and one media directory, as in production: started as
the current user on free loopback ports and stopped afterwards, whatever happened."""

import contextlib
import getpass
import json
import os
import re
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from tests.databases import postgres_database
from tests.servers import free_port, require, stop, tail, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx.conf"
# nginx's main configuration around the site, with its files under the test's own directory.
MAIN = """\
{user}worker_processes 1;
daemon off;
pid {root}/nginx.pid;
error_log {root}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {root}/nginx-access.log;
    client_body_temp_path {root}/tmp/body;
    proxy_temp_path {root}/tmp/proxy;
    fastcgi_temp_path {root}/tmp/fastcgi;
    uwsgi_temp_path {root}/tmp/uwsgi;
    scgi_temp_path {root}/tmp/scgi;
    include {root}/site.conf;
}}
"""


def site_config(listen: int, app_ports: list[int], static_root: Path) -> str:
    """deploy/nginx.conf with only its ports and static path changed; each must be found once,
    so that the example and the test cannot drift apart."""
    text = SITE.read_text()
    changes = [
        ("listen 80;", f"listen 127.0.0.1:{listen};"),
        ("server 127.0.0.1:8001;", f"server 127.0.0.1:{app_ports[0]};"),
        ("server 127.0.0.1:8002;", f"server 127.0.0.1:{app_ports[1]};"),
        ("alias /srv/jifen/var/staticfiles/;", f"alias {static_root}/;"),
    ]
    for old, new in changes:
        assert text.count(old) == 1, f"deploy/nginx.conf no longer has {old!r} once"
        text = text.replace(old, new)
    return text


def _postgres_server() -> dict:
    """The PostgreSQL server of the test run, or the local one when the tests run on SQLite."""
    if connection.vendor == "postgresql":
        return connection.settings_dict
    server = {"HOST": "127.0.0.1", "PORT": 5432, "USER": "postgres", "PASSWORD": ""}
    try:
        psycopg.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres").close()
    except psycopg.OperationalError as error:
        reason = f"no PostgreSQL server at 127.0.0.1:5432 for the app servers: {error}"
        if os.environ.get("JIFEN_REQUIRE_NGINX") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return server


@dataclass
class Cluster:
    url: str
    env: dict
    database_url: str
    logs: list[Path]
    scene: dict
    processes: list = field(default_factory=list)

    def server_of(self, request_id: str) -> int:
        """Which app server (0 or 1) wrote the log line of this request."""
        found = [i for i, log in enumerate(self.logs) if request_id in log.read_text()]
        assert len(found) == 1, (request_id, found)
        return found[0]

    def lines(self, server: int) -> list[dict]:
        return [
            json.loads(line)
            for line in self.logs[server].read_text().splitlines()
            if line.startswith('{"level"')
        ]

    def query(self, sql: str, *args) -> list[tuple]:
        with psycopg.connect(self.database_url.replace("postgres://", "postgresql://")) as db:
            return db.execute(sql, args).fetchall()


def _manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _start(command: list[str], env: dict, log: Path, port: int | None = None):
    with log.open("ab") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    if port is not None:
        wait_for_port(port, process, log, seconds=60)
    return process


@contextlib.contextmanager
def running(root: Path):
    nginx = require("nginx", "nginx", "JIFEN_REQUIRE_NGINX")
    server = _postgres_server()
    with (
        postgres_database(server, "jifen_servers") as database_url,
        contextlib.ExitStack() as stack,
    ):
        var = root / "var"
        (root / "tmp").mkdir()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "JIFEN_"))},
            "DJANGO_SETTINGS_MODULE": "jifen.settings",
            "DATABASE_URL": database_url,
            "DJANGO_SECRET_KEY": uuid.uuid4().hex * 2,
            "JIFEN_LEDGER_KEY": uuid.uuid4().hex,
            "JIFEN_VAR_DIR": str(var),
            "JIFEN_MEDIA_ROOT": str(var / "media"),
            "JIFEN_TRUSTED_PROXIES": "1",
            "API_THROTTLE_USER": "6/minute",
            # Every export runs in the worker.
            "JIFEN_EXPORT_BACKGROUND_ROWS": "0",
            "WEB_CONCURRENCY": "1",
        }
        # The production section of the README, command for command.
        _manage(env, "migrate", "--no-input")
        _manage(env, "collectstatic", "--no-input")
        built = _manage(env, "shell", "-c", "from tests.deploy.scene import build; build()")
        scene = json.loads(built.strip().splitlines()[-1])
        app_ports = [free_port(), free_port()]
        logs = [root / f"app{i}.log" for i in range(2)]
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        processes = []
        stack.callback(lambda: [stop(p) for p in reversed(processes)])
        for port, log in zip(app_ports, logs, strict=True):
            command = [gunicorn, "--config", "deploy/gunicorn.conf.py"]
            processes.append(
                _start([*command, "--bind", f"127.0.0.1:{port}", "jifen.wsgi"], env, log, port)
            )
        worker_log = root / "worker.log"
        processes.append(_start([sys.executable, "manage.py", "run_worker"], env, worker_log))
        listen = free_port()
        (root / "site.conf").write_text(site_config(listen, app_ports, var / "staticfiles"))
        # As root, nginx's workers would drop to "nobody", who may not read the test's files.
        user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
        (root / "nginx.conf").write_text(MAIN.format(root=root, user=user))
        processes.append(
            _start(
                [nginx, "-p", str(root), "-c", str(root / "nginx.conf")],
                env,
                root / "nginx.log",
                listen,
            )
        )
        # Shown by pytest when a test fails.
        stack.callback(
            lambda: [
                print(f"--- {log.name}\n{tail(log)}")
                for log in [*logs, worker_log, root / "nginx-error.log"]
            ]
        )
        yield Cluster(f"http://127.0.0.1:{listen}", env, database_url, logs, scene, processes)


def upload_limit_mb() -> int:
    return int(re.search(r"client_max_body_size (\d+)m;", SITE.read_text()).group(1))


def max_upload_mb() -> int:
    return settings.JIFEN_MAX_UPLOAD_MB
