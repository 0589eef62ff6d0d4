"""Schema and migrations, versioned with `PRAGMA user_version`.

Each migration is a list of SQL statements applied in one transaction. Never edit a
migration that has shipped: append a new one.
"""

from __future__ import annotations

STRUCTURE_COLUMNS = """
    num INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    source_id TEXT,
    nom TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'autre',
    description TEXT,
    adresse TEXT,
    complement_adresse TEXT,
    code_postal TEXT,
    commune TEXT,
    code_insee TEXT,
    departement TEXT,
    latitude REAL,
    longitude REAL,
    geo_approx INTEGER NOT NULL DEFAULT 0,
    telephone TEXT,
    courriel TEXT,
    site_web TEXT,
    horaires_accueil TEXT,
    accessibilite_lieu TEXT,
    reseaux_porteurs TEXT NOT NULL DEFAULT '[]',
    typologie TEXT,
    thematiques TEXT NOT NULL DEFAULT '[]',
    zone_intervention TEXT NOT NULL DEFAULT '[]',
    siret TEXT,
    lien_source TEXT,
    date_maj TEXT,
    a_verifier INTEGER NOT NULL DEFAULT 0,
    extra TEXT NOT NULL DEFAULT '{}',
    absent INTEGER NOT NULL DEFAULT 0,
    import_id INTEGER,
    content_hash TEXT
"""

SERVICE_COLUMNS = """
    num INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    structure_id TEXT NOT NULL,
    source TEXT NOT NULL,
    source_id TEXT,
    nom TEXT NOT NULL,
    description TEXT,
    type TEXT,
    thematiques TEXT NOT NULL DEFAULT '[]',
    publics TEXT NOT NULL DEFAULT '[]',
    publics_precisions TEXT,
    frais TEXT NOT NULL DEFAULT '[]',
    frais_precisions TEXT,
    modes_accueil TEXT NOT NULL DEFAULT '[]',
    modes_mobilisation TEXT NOT NULL DEFAULT '[]',
    conditions_acces TEXT,
    zone_eligibilite TEXT NOT NULL DEFAULT '[]',
    horaires_accueil TEXT,
    telephone TEXT,
    courriel TEXT,
    lien_source TEXT,
    statut TEXT,
    date_maj TEXT,
    extra TEXT NOT NULL DEFAULT '{}',
    content_hash TEXT
"""

# The embedded communes (reference data, store/communes.py): part of the first migration, and
# also built alone in memory for the importers that look communes up in prose.
COMMUNES_TABLES = (
    """CREATE TABLE communes (
            insee TEXT PRIMARY KEY,
            nom TEXT NOT NULL,
            nom_complet TEXT,
            type TEXT,
            dep TEXT,
            lat REAL,
            lon REAL,
            coord_src TEXT,
            population INTEGER,
            codes_postaux TEXT,
            nom_norm TEXT
        )""",
    "CREATE INDEX communes_nom_norm ON communes(nom_norm)",
    """CREATE TABLE commune_postcodes (
            code_postal TEXT NOT NULL,
            insee TEXT NOT NULL,
            PRIMARY KEY (code_postal, insee)
        ) WITHOUT ROWID""",
)

# Notes are append-only: text, author, date and links never change. Erasure (store/erase.py)
# lifts it inside its own transaction to unlink the versions of erased notes, then puts it back.
NOTES_APPEND_ONLY_TRIGGER_NAME = "notes_immutable"
NOTES_APPEND_ONLY_TRIGGER = f"""CREATE TRIGGER {NOTES_APPEND_ONLY_TRIGGER_NAME}
           BEFORE UPDATE OF structure_id, created_at, author, text, replaces ON notes
           BEGIN SELECT RAISE(ABORT, 'notes are append-only'); END"""

# What the worker wrote: never replaced by an import or a restore (store/backup.py).
USER_TABLES = ("notes", "favorites", "settings", "journal", "team_events")
# Shipped with the program (not imported): a restore leaves them as they are.
REFERENCE_TABLES = ("communes", "commune_postcodes")

MIGRATIONS: list[list[str]] = [
    # 1 — initial schema
    [
        f"CREATE TABLE structures ({STRUCTURE_COLUMNS})",
        "CREATE INDEX structures_source ON structures(source)",
        "CREATE INDEX structures_kind ON structures(kind)",
        "CREATE INDEX structures_insee ON structures(code_insee)",
        "CREATE INDEX structures_dep ON structures(departement)",
        f"CREATE TABLE services ({SERVICE_COLUMNS})",
        "CREATE INDEX services_structure ON services(structure_id)",
        """CREATE TABLE sources (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            path TEXT,
            format TEXT NOT NULL,
            sha256 TEXT,
            imported_at TEXT NOT NULL,
            added INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            unchanged INTEGER NOT NULL DEFAULT 0,
            rejected INTEGER NOT NULL DEFAULT 0,
            absent INTEGER NOT NULL DEFAULT 0,
            removed INTEGER NOT NULL DEFAULT 0
        )""",
        # Notes are append-only: an edit is a new row that `replaces` the old one,
        # a deletion sets `hidden_at`. Text, author and date never change.
        """CREATE TABLE notes (
            id INTEGER PRIMARY KEY,
            structure_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            author TEXT,
            text TEXT NOT NULL,
            replaces INTEGER REFERENCES notes(id),
            hidden_at TEXT
        )""",
        "CREATE INDEX notes_structure ON notes(structure_id)",
        NOTES_APPEND_ONLY_TRIGGER,
        """CREATE TABLE favorites (
            structure_id TEXT PRIMARY KEY,
            created_at TEXT NOT NULL
        )""",
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT)",
        """CREATE TABLE journal (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            need TEXT,
            kinds TEXT NOT NULL DEFAULT '[]',
            thematiques TEXT NOT NULL DEFAULT '[]',
            commune TEXT,
            code_insee TEXT,
            structures TEXT NOT NULL DEFAULT '[]'
        )""",
        *COMMUNES_TABLES,
        # Search index over a normalised copy (rowid = structures.num).
        """CREATE VIRTUAL TABLE structures_fts USING fts5(
            nom, lieu, services,
            tokenize = "unicode61 remove_diacritics 2"
        )""",
        "CREATE VIRTUAL TABLE structures_fts_vocab USING fts5vocab(structures_fts, 'row')",
    ],
    # 2 — orientation: what each structure is for, by département (store/tags.py)
    [
        """CREATE TABLE structure_tags (
            tag TEXT NOT NULL,
            departement TEXT NOT NULL DEFAULT '',
            structure_id TEXT NOT NULL,
            PRIMARY KEY (tag, departement, structure_id)
        ) WITHOUT ROWID""",
        "CREATE INDEX structure_tags_structure ON structure_tags(structure_id)",
        # Existing structures: kind and thématiques (names are read at their next import).
        """INSERT OR IGNORE INTO structure_tags
           SELECT 'kind:' || kind, coalesce(departement, ''), id FROM structures""",
        """INSERT OR IGNORE INTO structure_tags
           SELECT j.value, coalesce(s.departement, ''), s.id
           FROM structures s, json_each(s.thematiques) j""",
        """INSERT OR IGNORE INTO structure_tags
           SELECT j.value, coalesce(s.departement, ''), s.id
           FROM services v JOIN structures s ON s.id = v.structure_id,
                json_each(v.thematiques) j""",
    ],
    # 3 — search: the index vocabulary as a plain table, refreshed by each import, so that
    # opening the app does not scan the whole FTS index (store/search.py)
    [
        """CREATE TABLE search_terms (
            term TEXT PRIMARY KEY,
            docs INTEGER NOT NULL
        ) WITHOUT ROWID""",
        "INSERT INTO search_terms(term, docs) SELECT term, doc FROM structures_fts_vocab",
    ],
    # 4 — orientation: coordinates beside the tags, so that the structures near a place are
    # found inside the index without reading the structures themselves (store/orientation.py)
    [
        "ALTER TABLE structure_tags ADD COLUMN latitude REAL",
        "ALTER TABLE structure_tags ADD COLUMN longitude REAL",
        """UPDATE structure_tags SET
           latitude = (SELECT s.latitude FROM structures s WHERE s.id = structure_id),
           longitude = (SELECT s.longitude FROM structures s WHERE s.id = structure_id)""",
    ],
    # 5 — services: how to mobilise them, and their own place (a permanence is often not at
    # its structure's seat). Values read before into `extra` are moved to their columns; the
    # name of a contact person is not kept (it names someone: never shown, never stored).
    [
        "ALTER TABLE services ADD COLUMN mobilisable_par TEXT NOT NULL DEFAULT '[]'",
        "ALTER TABLE services ADD COLUMN lien_mobilisation TEXT",
        "ALTER TABLE services ADD COLUMN mobilisation_precisions TEXT",
        "ALTER TABLE services ADD COLUMN adresse TEXT",
        "ALTER TABLE services ADD COLUMN complement_adresse TEXT",
        "ALTER TABLE services ADD COLUMN code_postal TEXT",
        "ALTER TABLE services ADD COLUMN code_insee TEXT",
        "ALTER TABLE services ADD COLUMN commune TEXT",
        "ALTER TABLE services ADD COLUMN departement TEXT",
        "ALTER TABLE services ADD COLUMN latitude REAL",
        "ALTER TABLE services ADD COLUMN longitude REAL",
        """UPDATE services SET
           mobilisable_par = CASE json_type(extra, '$.mobilisable_par')
               WHEN 'array' THEN json_extract(extra, '$.mobilisable_par')
               WHEN 'text' THEN json_array(json_extract(extra, '$.mobilisable_par'))
               ELSE '[]' END,
           lien_mobilisation = json_extract(extra, '$.lien_mobilisation'),
           mobilisation_precisions = json_extract(extra, '$.mobilisation_precisions'),
           adresse = json_extract(extra, '$.adresse'),
           complement_adresse = json_extract(extra, '$.complement_adresse'),
           code_postal = json_extract(extra, '$.code_postal'),
           code_insee = json_extract(extra, '$.code_insee'),
           commune = json_extract(extra, '$.commune'),
           departement = CASE
               WHEN substr(json_extract(extra, '$.code_insee'), 1, 2) = '97'
               THEN substr(json_extract(extra, '$.code_insee'), 1, 3)
               ELSE substr(json_extract(extra, '$.code_insee'), 1, 2) END,
           latitude = CAST(json_extract(extra, '$.latitude') AS REAL),
           longitude = CAST(json_extract(extra, '$.longitude') AS REAL),
           extra = json_remove(extra, '$.mobilisable_par', '$.lien_mobilisation',
               '$.mobilisation_precisions', '$.adresse', '$.complement_adresse',
               '$.code_postal', '$.code_insee', '$.commune', '$.latitude', '$.longitude',
               '$.contact_nom_prenom')
           WHERE json_valid(extra) AND extra != '{}'""",
        "CREATE INDEX services_place ON services(latitude, longitude)",
    ],
    # 6 — team notes (store/team.py): every note gets a UUID that names it on every laptop,
    # and a shared flag; shared notes travel as events (added, version, hidden, erased)
    # through a folder the team already syncs. Remote events are remembered by UUID so that a
    # merge is idempotent; no event row holds a note's text (the notes table does).
    [
        "ALTER TABLE notes ADD COLUMN uuid TEXT",
        "ALTER TABLE notes ADD COLUMN shared INTEGER NOT NULL DEFAULT 0",
        "UPDATE notes SET uuid = lower(hex(randomblob(16))) WHERE uuid IS NULL",
        "CREATE UNIQUE INDEX notes_uuid ON notes(uuid)",
        # Every note has its UUID, whoever inserts it (old code paths, scripts).
        """CREATE TRIGGER notes_uuid_default AFTER INSERT ON notes WHEN NEW.uuid IS NULL
           BEGIN UPDATE notes SET uuid = lower(hex(randomblob(16))) WHERE id = NEW.id; END""",
        """CREATE TABLE team_events (
            uuid TEXT PRIMARY KEY,
            type TEXT NOT NULL,
            note_uuid TEXT NOT NULL,
            device TEXT NOT NULL,
            author TEXT,
            at TEXT NOT NULL
        )""",
        "CREATE INDEX team_events_note ON team_events(note_uuid)",
        "CREATE INDEX team_events_device ON team_events(device)",
    ],
    # 7 — the journal keeps no words (issue 13): the need as typed and the chosen structures
    # go, the time of day too (the date is enough for activity reports); their old text is
    # overwritten in the file, not only unlinked
    [
        "PRAGMA secure_delete = ON",
        "ALTER TABLE journal DROP COLUMN need",
        "ALTER TABLE journal DROP COLUMN structures",
        "UPDATE journal SET created_at = substr(created_at, 1, 10)",
        "ALTER TABLE journal RENAME COLUMN created_at TO day",
        "CREATE INDEX journal_day ON journal(day)",
    ],
    # 8 — one place, one row: records of the same place grouped at write time (store/places.py)
    [
        """CREATE TABLE place_keys (
            key TEXT NOT NULL,
            structure_id TEXT NOT NULL,
            PRIMARY KEY (key, structure_id)
        ) WITHOUT ROWID""",
        "CREATE INDEX place_keys_structure ON place_keys(structure_id)",
        """CREATE TABLE structure_places (
            structure_id TEXT PRIMARY KEY,
            place TEXT NOT NULL,
            receives_public INTEGER NOT NULL DEFAULT 1
        ) WITHOUT ROWID""",
        "CREATE INDEX structure_places_place ON structure_places(place)",
    ],
]

SCHEMA_VERSION = len(MIGRATIONS)
