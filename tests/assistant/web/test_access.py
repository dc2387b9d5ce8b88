from pathlib import Path

import pytest

from assistant.settings import WebSettings
from assistant.web.access import AuthConfigError, credentials


def test_no_login_is_required_by_default() -> None:
    assert credentials(WebSettings(auth=None, auth_file=None)) is None


def test_login_comes_from_the_variable_and_the_file(tmp_path: Path) -> None:
    users = tmp_path / "users"
    users.write_text("# team\nana:s3cret\n\nbo:pass:with:colons\n")
    pairs = credentials(WebSettings(auth="admin:pw", auth_file=users))
    assert pairs == [("admin", "pw"), ("ana", "s3cret"), ("bo", "pass:with:colons")]


def test_a_malformed_login_is_reported_with_its_place(tmp_path: Path) -> None:
    users = tmp_path / "users"
    users.write_text("ana\n")
    with pytest.raises(AuthConfigError, match="line 1: expected user:password"):
        credentials(WebSettings(auth_file=users))


def test_web_settings_default_to_loopback_on_7860() -> None:
    settings = WebSettings()
    assert (settings.host, settings.port) == ("127.0.0.1", 7860)
