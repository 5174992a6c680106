"""The project file's schema, as sqlite-utils migrations (documented table by table in docs/schema.md)."""

from __future__ import annotations

from annotator.store.sqlite_lib import Database, Migrations

migrations = Migrations("annotator")


@migrations()
def m001_initial(db: Database) -> None:
    for statement in _INITIAL:
        db.execute(statement)


_INITIAL = [
    """CREATE TABLE project (
        key TEXT PRIMARY KEY,
        value TEXT
    )""",
    """CREATE TABLE codebooks (
        sha256 TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        yaml TEXT NOT NULL,
        added_at TEXT NOT NULL
    )""",
    """CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        outlet TEXT,
        url TEXT,
        published TEXT,
        sha256 TEXT NOT NULL,
        meta TEXT NOT NULL DEFAULT '{}',
        origin TEXT,
        imported_at TEXT NOT NULL
    )""",
    "CREATE UNIQUE INDEX documents_sha256 ON documents(sha256)",
    # Text is sacred: offsets point into it, so it may never change after import.
    """CREATE TRIGGER documents_text_immutable BEFORE UPDATE OF text ON documents
       BEGIN SELECT RAISE(ABORT, 'document text is immutable after import'); END""",
    """CREATE TABLE coders (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL DEFAULT 'coder' CHECK (role IN ('coder', 'adjudicator')),
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE assignments (
        document_id TEXT NOT NULL REFERENCES documents(id),
        coder_id INTEGER NOT NULL REFERENCES coders(id),
        status TEXT NOT NULL DEFAULT 'todo' CHECK (status IN ('todo', 'in_progress', 'done', 'skipped')),
        seconds_spent REAL NOT NULL DEFAULT 0,
        started_at TEXT,
        finished_at TEXT,
        PRIMARY KEY (document_id, coder_id)
    )""",
    "CREATE INDEX assignments_coder ON assignments(coder_id, status)",
    """CREATE TABLE annotations (
        id TEXT PRIMARY KEY,
        document_id TEXT NOT NULL REFERENCES documents(id),
        coder_id INTEGER NOT NULL REFERENCES coders(id),
        layer TEXT NOT NULL,
        start INTEGER NOT NULL CHECK (start >= 0),
        "end" INTEGER NOT NULL CHECK ("end" > start),
        quote TEXT NOT NULL,
        attrs TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX annotations_document ON annotations(document_id, coder_id)",
    """CREATE TABLE links (
        id TEXT PRIMARY KEY,
        document_id TEXT NOT NULL REFERENCES documents(id),
        coder_id INTEGER NOT NULL REFERENCES coders(id),
        from_id TEXT NOT NULL REFERENCES annotations(id) ON DELETE CASCADE,
        to_id TEXT NOT NULL REFERENCES annotations(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (from_id, to_id, kind)
    )""",
    "CREATE INDEX links_document ON links(document_id, coder_id)",
    "CREATE INDEX links_to ON links(to_id)",
    """CREATE TABLE document_labels (
        document_id TEXT NOT NULL REFERENCES documents(id),
        coder_id INTEGER NOT NULL REFERENCES coders(id),
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (document_id, coder_id, field)
    )""",
    """CREATE TABLE changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        coder_id INTEGER REFERENCES coders(id),
        document_id TEXT,
        action TEXT NOT NULL,
        payload TEXT NOT NULL DEFAULT '{}'
    )""",
    "CREATE INDEX changes_document ON changes(document_id, coder_id)",
]


@migrations()
def m002_gold(db: Database) -> None:
    for statement in _GOLD:
        db.execute(statement)


_DECISION = "decision TEXT NOT NULL CHECK (decision IN ('unanimous', 'majority', 'chosen', 'edited', 'new', 'rejected'))"

# The adjudicated gold standard (docs/gold.md). Provenance on every row: the decision, the coders
# whose version was taken or who agreed (JSON names), the adjudicator (NULL: automatic acceptance)
# and when. ``covers`` lists the coders' annotation (or link) ids the decision resolved, so that a
# coder's later edit of one of them is flagged instead of merged.
_GOLD = [
    f"""CREATE TABLE gold_annotations (
        id TEXT PRIMARY KEY,
        document_id TEXT NOT NULL REFERENCES documents(id),
        layer TEXT NOT NULL,
        start INTEGER NOT NULL CHECK (start >= 0),
        "end" INTEGER NOT NULL CHECK ("end" > start),
        quote TEXT NOT NULL,
        attrs TEXT NOT NULL DEFAULT '{{}}',
        {_DECISION},
        source_coders TEXT NOT NULL DEFAULT '[]',
        covers TEXT NOT NULL DEFAULT '[]',
        adjudicator_id INTEGER REFERENCES coders(id),
        decided_at TEXT NOT NULL
    )""",
    'CREATE INDEX gold_annotations_document ON gold_annotations(document_id, start, "end")',
    f"""CREATE TABLE gold_links (
        id TEXT PRIMARY KEY,
        document_id TEXT NOT NULL REFERENCES documents(id),
        from_id TEXT NOT NULL REFERENCES gold_annotations(id) ON DELETE CASCADE,
        to_id TEXT NOT NULL REFERENCES gold_annotations(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        {_DECISION},
        source_coders TEXT NOT NULL DEFAULT '[]',
        covers TEXT NOT NULL DEFAULT '[]',
        adjudicator_id INTEGER REFERENCES coders(id),
        decided_at TEXT NOT NULL,
        UNIQUE (from_id, to_id, kind)
    )""",
    "CREATE INDEX gold_links_document ON gold_links(document_id)",
    "CREATE INDEX gold_links_to ON gold_links(to_id)",
    f"""CREATE TABLE gold_labels (
        document_id TEXT NOT NULL REFERENCES documents(id),
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        {_DECISION},
        source_coders TEXT NOT NULL DEFAULT '[]',
        adjudicator_id INTEGER REFERENCES coders(id),
        decided_at TEXT NOT NULL,
        PRIMARY KEY (document_id, field)
    )""",
    # A row means the adjudicator marked the document's gold done (reopening deletes it).
    """CREATE TABLE gold_documents (
        document_id TEXT PRIMARY KEY REFERENCES documents(id),
        adjudicator_id INTEGER REFERENCES coders(id),
        done_at TEXT NOT NULL
    )""",
]


@migrations()
def m003_team(db: Database) -> None:
    for statement in _TEAM:
        db.execute(statement)


# Coder copies and merge (docs/reliability.md). A change brought in from a coder's copy keeps where
# it came from: ``origin`` is the copy's pack id and ``origin_seq`` its seq in the copy, so merging
# the same copy again adds no row. ``pack_base`` is filled in a copy only: the coder's rows as
# packed. The ``merge_*`` tables are filled in the lead's project by merges.
_TEAM = [
    "ALTER TABLE changes ADD COLUMN origin TEXT",
    "ALTER TABLE changes ADD COLUMN origin_seq INTEGER",
    "CREATE UNIQUE INDEX changes_origin ON changes(origin, origin_seq) WHERE origin IS NOT NULL",
    """CREATE TABLE pack_base (
        kind TEXT NOT NULL CHECK (kind IN ('annotation', 'label', 'assignment')),
        key TEXT NOT NULL,
        version TEXT NOT NULL,
        content TEXT NOT NULL,
        PRIMARY KEY (kind, key)
    )""",
    """CREATE TABLE merge_packs (
        pack_id TEXT PRIMARY KEY,
        coder_id INTEGER NOT NULL REFERENCES coders(id),
        packed_at TEXT NOT NULL,
        source_project TEXT,
        merged_seq INTEGER NOT NULL
    )""",
    # Every version of a row that a merge has seen: live ones are shown (two or more with
    # different content: a conflict), superseded ones were replaced by a later edit in some copy.
    """CREATE TABLE merge_versions (
        kind TEXT NOT NULL CHECK (kind IN ('annotation', 'label', 'assignment')),
        key TEXT NOT NULL,
        version TEXT NOT NULL,
        live INTEGER NOT NULL CHECK (live IN (0, 1)),
        content TEXT,
        source TEXT,
        document_id TEXT NOT NULL,
        coder_id INTEGER NOT NULL REFERENCES coders(id),
        PRIMARY KEY (kind, key, version)
    )""",
    "CREATE INDEX merge_versions_live ON merge_versions(live, kind, document_id)",
    """CREATE TABLE merge_contributions (
        pack_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        version TEXT NOT NULL,
        seconds REAL NOT NULL DEFAULT 0,
        PRIMARY KEY (pack_id, kind, key)
    )""",
]
