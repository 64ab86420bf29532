"""What the in-process page tests share: an app over the test's database, and signing in through the form."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from aisma.server.settings import ServerSettings
from aisma.web.app import create_app

from ..factories import PASSWORD


@contextmanager
def page_client(tmp_path: Path, database_url: str, *, raise_server_exceptions: bool = True) -> Iterator[TestClient]:
    settings = ServerSettings(data_dir=tmp_path / "data", database_url=database_url, secret_key="k" * 32)
    with TestClient(create_app(settings), raise_server_exceptions=raise_server_exceptions) as client:
        yield client


def sign_in_form(client: TestClient, email: str) -> str:
    """Through the login form (as whoever was signed in before, signed out); returns the pages' CSRF token."""
    client.cookies.clear()
    client.get("/login")
    answer = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": client.cookies.get("aisma_login_csrf"), "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', client.get("/").text)
    assert token
    return token.group(1)


def title_of(page: str) -> str:
    found = re.search(r"<title>([^<]*)</title>", page)
    assert found, page[:300]
    return html.unescape(found.group(1))
