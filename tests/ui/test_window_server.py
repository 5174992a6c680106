"""The coder's window on a server project, logged in as the coder (row-level security on): edits
are saved on the server, and assignments and statuses changed by the lead elsewhere appear
without a reload (the window polls data_version every WATCH_MS; the server notifies)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from annotator.model import Document
from annotator.store import Project
from annotator.store.pg_rights import add_login, set_up_rights
from annotator.ui.main_window import MainWindow
from tests.ui.test_main_window import TEXT, select


@pytest.fixture
def lead_url(postgres_server: object) -> str:
    url = postgres_server.new_database()
    with Project.open(url) as p:
        set_up_rights(p)
        p.add_documents([Document(id="hawama", title="غارة على الحوامة", text=TEXT),
                         Document(id="second", title="بيان", text="أعلنت قسد استئناف عملياتها.")])
        p.add_coder("mona")
        add_login(p, "mona", "coder", "mona")
        p.assign(["hawama"], "mona")
    yield url
    postgres_server.drop(url)


def test_the_window_on_a_server_saves_edits_and_shows_the_leads_changes(qtbot, lead_url: str, tmp_path: Path) -> None:
    project = Project.open(lead_url.replace("user=postgres", "user=mona"))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(project, "mona", settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.open_document("hawama")
    select(window, "قسد")
    window.tag_selection("actor")  # what the key 1 does
    assert window.session.saved
    with Project.open(lead_url) as lead:
        assert [a.quote for a in lead.annotations("hawama", "mona")] == ["قسد"]
        lead.assign(["second"], "mona")  # assigned elsewhere
    qtbot.waitUntil(lambda: window.documents.model.rowCount() == 2, timeout=5000)
    with Project.open(lead_url) as lead:
        lead.set_status("mona", "second", "skipped")  # a status changed elsewhere
    qtbot.waitUntil(lambda: dict(window.documents.model.statuses()).get("second") == "skipped", timeout=5000)
    assert window.session.document.id == "hawama"
    window.close()
    project.close()
