"""Loading the fictional orientation fixture into a store (shared by core, CLI and TUI tests)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from store.db import Store
from store.models import ServiceRecord, StructureRecord
from store.writer import ImportReport, write_records

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE = FIXTURES / "orientation" / "structures.json"
URGENT_FIXTURE = FIXTURES / "urgent" / "structures.json"
SOURCE = "fictif-orientation"


def fixture_records(fixture: Path = FIXTURE) -> list[StructureRecord]:
    recent = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    records = []
    for raw in json.loads(fixture.read_text(encoding="utf-8"))["structures"]:
        data = dict(raw)
        services = [ServiceRecord(**s) for s in data.pop("services", [])]
        if data.get("date_maj") == "RECENT":
            data["date_maj"] = recent
        records.append(StructureRecord(source=SOURCE, services=services, **data))
    return records


def load_fixture(store: Store, fixture: Path = FIXTURE) -> ImportReport:
    report = ImportReport(path=str(fixture), format="test")
    with store.transaction() as conn:
        write_records(conn, fixture_records(fixture), report)
    return report


def fixture_store(path: Path | str, fixture: Path = FIXTURE) -> Path:
    with Store(path) as store:
        load_fixture(store, fixture)
    return Path(path)
