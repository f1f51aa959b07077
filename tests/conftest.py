"""Fixtures: an application per test on SQLite and on PostgreSQL, users, mail, clock, browser."""

import os
import smtplib
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
import time_machine
from aiosmtpd.controller import Controller
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, make_url, text

from crm import create_app
from crm.auth.models import Role, User
from crm.auth.services import create_user as create_user_account
from crm.extensions import db
from tests.helpers import submit_form

pytest_plugins = ["tests.factories"]

POSTGRES_ADMIN_URL = os.environ.get(
    "CRM_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
TEST_PASSWORD = "correct horse battery"
CATALOGUES = Path(__file__).resolve().parent.parent / "crm" / "translations"


def pytest_sessionstart(session: pytest.Session) -> None:
    """The pages read the compiled catalogues: compile any that are older than their .po file
    (``bash scripts/translations compile`` does the same), each written whole and then moved into
    place, so that parallel workers never read half a file."""
    for source in CATALOGUES.glob("*/LC_MESSAGES/messages.po"):
        compiled = source.with_suffix(".mo")
        if compiled.exists() and compiled.stat().st_mtime >= source.stat().st_mtime:
            continue
        with source.open("rb") as po:
            catalogue = read_po(po)
        partial = compiled.with_name(f".{uuid.uuid4().hex}.mo")
        with partial.open("wb") as mo:
            write_mo(mo, catalogue)
        partial.replace(compiled)


def database_kinds() -> list[str]:
    """Both databases always under CI; locally ``CRM_TEST_DATABASES=sqlite`` narrows the run."""
    if os.environ.get("CI", "").lower() == "true":
        return ["sqlite", "postgresql"]
    return os.environ.get("CRM_TEST_DATABASES", "sqlite,postgresql").split(",")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- databases -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_url(worker_id: str) -> Iterator[str]:
    """A database of its own for this test session (and xdist worker), dropped at the end."""
    name = f"crm_test_{worker_id}_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True)
    except psycopg.OperationalError as error:
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {error}", pytrace=False)
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url.replace("postgresql://", "postgresql+psycopg://", 1)
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=database_kinds())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_url")
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
def app_config(database_url: str, tmp_path: Path) -> dict[str, Any]:
    """Settings for the test application; tests may change them before asking for ``app``."""
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "MAIL_TRANSPORT": "file",
        "MAIL_FILE_DIR": str(tmp_path / "mail"),
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": 1,
        "RATELIMIT_STORAGE_URI": "memory://",
        "PUBLIC_BASE_URL": "http://localhost",
    }


@pytest.fixture
def app(
    app_config: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Flask]:
    monkeypatch.setenv("CRM_INSTANCE_PATH", str(tmp_path / "instance"))
    application = create_app(app_config)
    with application.app_context():
        db.create_all()
        yield application
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], AbstractContextManager[list[str]]]:
    """``with count_queries() as statements:`` collects the SQL statements run inside."""

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def record(*args: Any) -> None:
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counting


class DatabaseProxy:
    """A TCP proxy on loopback in front of PostgreSQL that can be cut and restored, as when the
    database server goes away: cut, it refuses new connections and drops the open ones."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = free_port()
        self.listener: socket.socket | None = None
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self.lock:
            listener, self.listener = self.listener, None
            dropped, self.open = self.open, []
        for connection in [listener, *dropped] if listener else dropped:
            with suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            upstream = socket.create_connection(self.upstream)
            with self.lock:
                self.open += [client, upstream]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        with suppress(OSError):
            target.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def database_proxy(postgres_url: str) -> Iterator[tuple[DatabaseProxy, str]]:
    """A cuttable way to this session's PostgreSQL database, and the URL that goes through it."""
    url = make_url(postgres_url)
    proxy = DatabaseProxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.restore()
    yield proxy, url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    proxy.cut()


# --- users -----------------------------------------------------------------------------------


@pytest.fixture
def create_user(app: Flask) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(role: Role = Role.staff, **overrides: Any) -> User:
        number = next(counter)
        fields = {
            "email": f"{role.name}{number}@wfs.example",
            "name": f"{role.name.title()} {number}",
            "role": role,
            "password": TEST_PASSWORD,
        } | overrides
        user = create_user_account(**fields)
        db.session.commit()
        return user

    return make


@pytest.fixture
def staff_user(create_user: Callable[..., User]) -> User:
    return create_user(Role.staff)


@pytest.fixture
def login(client: FlaskClient) -> Callable[[User], None]:
    def log_in(user: User, password: str = TEST_PASSWORD) -> None:
        response = submit_form(client, "/login", {"email": user.email, "password": password})
        assert response.status_code == 302, response.text

    return log_in


@pytest.fixture
def staff_client(
    client: FlaskClient, staff_user: User, login: Callable[[User], None]
) -> FlaskClient:
    login(staff_user)
    return client


# --- mail ------------------------------------------------------------------------------------


class CapturingHandler:
    """Keeps every message the SMTP sink accepts, with its envelope."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.reject_with: str | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.reject_with:
            return self.reject_with
        self.messages.append(
            {
                "mail_from": envelope.mail_from,
                "rcpt_tos": list(envelope.rcpt_tos),
                "data": envelope.original_content or envelope.content,
                "session": id(session),
            }
        )
        return "250 Message accepted for delivery"


_allowed_smtp_ports: set[int] = set()


@pytest.fixture(autouse=True)
def only_loopback_smtp(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that tries to reach a mail server other than the SMTP fixture."""
    original = smtplib.SMTP.connect

    def guarded(self: smtplib.SMTP, host: str = "localhost", port: int = 0, *args: Any) -> Any:
        if host != "127.0.0.1" or port not in _allowed_smtp_ports:
            raise AssertionError(f"test tried to reach a mail server at {host}:{port}")
        return original(self, host, port, *args)

    monkeypatch.setattr(smtplib.SMTP, "connect", guarded)


class SMTPServer:
    """An aiosmtpd server on loopback that can be stopped and started again on the same port."""

    def __init__(self) -> None:
        self.handler = CapturingHandler()
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        _allowed_smtp_ports.add(self.port)

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.handler.messages


@pytest.fixture
def smtp_server(app_config: dict[str, Any]) -> Iterator[SMTPServer]:
    """A real SMTP server on loopback; the test application sends to it."""
    server = SMTPServer()
    server.start()
    app_config.update(MAIL_TRANSPORT="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    yield server
    server.stop()
    _allowed_smtp_ports.discard(server.port)


# --- time ------------------------------------------------------------------------------------


@pytest.fixture
def clock() -> Iterator[Callable[[datetime | str], None]]:
    """Travel in time: ``clock("2025-10-21T07:00:00+00:00")`` stops the clock there."""
    travellers: list[Any] = []

    def travel(when: datetime | str) -> None:
        if travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(when, tick=False)
        traveller.start()
        travellers.append(traveller)

    yield travel
    for traveller in travellers:
        traveller.stop()


# --- browser ---------------------------------------------------------------------------------


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test application served over HTTP on loopback for the browser."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()
