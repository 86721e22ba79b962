"""What one push batch looks up once (backend/dossiers/batch_cache.py) must answer as the
database would item by item: members added by the batch, revisions made by the batch, blobs,
dossiers the batch created and submits, and a re-run of the batch after a poisoned item."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from backend.db.models import Dossier, DossierEvent, DossierRevision
from tests.integration.test_sync_poison import assert_chain_advanced, seed
from tests.support.device import (
    BIRTH_FORM,
    make_device,
    member_fields,
    new_uuid,
    submit_fields,
)

__all__ = ["make_device"]


def results(r: Any) -> list[tuple[str, str | None]]:
    assert r.status_code == 200, r.text
    return [(x["status"], x.get("code")) for x in r.json()["results"]]


def test_a_member_added_mid_batch_counts_for_the_next_submission(make_device: Any) -> None:
    dev = make_device()
    hid, head = seed(dev)
    first, second, mother = new_uuid(), new_uuid(), new_uuid()
    dev.mutate("dossier", first, "create", {"procedure_code": "khai-sinh",
                                            "applicant_member_id": head})
    dev.mutate("dossier", first, "submit", submit_fields(), base=1)  # the members are read
    dev.mutate("member", mother, "create",
               member_fields(hid, "Vàng Thị Dính", "vo", 1993, "female"))
    dev.mutate("dossier", second, "create", {"procedure_code": "khai-sinh",
                                             "applicant_member_id": head})
    dev.mutate("dossier", second, "submit",
               submit_fields(dict(BIRTH_FORM, mother_member=mother)), base=1)
    stranger = new_uuid()  # a well-formed id of nobody in the household
    third = new_uuid()
    dev.mutate("dossier", third, "create", {"procedure_code": "khai-sinh",
                                            "applicant_member_id": head})
    dev.mutate("dossier", third, "submit",
               submit_fields(dict(BIRTH_FORM, mother_member=stranger)), base=1)
    got = results(dev.push())
    assert got[:5] == [("applied", None)] * 5
    assert got[5:] == [("applied", None), ("rejected", "invalid_form")]


def test_create_and_submit_in_one_batch_then_resubmit_in_the_next(
    make_device: Any, engine: Engine
) -> None:
    dev = make_device()
    _, head = seed(dev)
    did = new_uuid()
    dev.mutate("dossier", did, "create", {"procedure_code": "khai-sinh",
                                          "applicant_member_id": head})
    sub = dev.mutate("dossier", did, "submit", submit_fields(), base=1)
    # submitted again in the same batch: the batch's own submission is seen
    dev.mutate("dossier", did, "submit", submit_fields(), base=2)
    r = dev.push()
    got = results(r)
    assert got[0] == ("applied", None) and got[1] == ("applied", None)
    assert got[2] == ("rejected", "illegal_transition")
    assert "receipt" in r.json()["results"][1]
    with Session(engine) as s:
        d = s.get(Dossier, did)
        assert d is not None and d.status == "submitted" and d.version == 2
        revs = s.exec(select(DossierRevision).where(DossierRevision.dossier_id == did)).all()
        assert [(x.number, x.hash, x.prev_revision) for x in revs] == [(1, sub.hash, None)]
        actions = s.exec(select(DossierEvent.action).where(
            DossierEvent.dossier_id == did).order_by(col(DossierEvent.id))).all()
        assert actions == ["create", "submit"]
    # the next batch sees the stored state the same way
    dev.mutate("dossier", did, "submit", submit_fields(prev_revision=sub.hash), base=2)
    assert results(dev.push()) == [("rejected", "illegal_transition")]
    assert_chain_advanced(dev, engine)


def test_a_rerun_after_a_poisoned_item_keeps_the_created_and_submitted_dossier(
    make_device: Any, engine: Engine, monkeypatch: Any
) -> None:
    from dataclasses import replace

    from backend.sync_api.registry import REGISTRY

    dev = make_device()
    hid, head = seed(dev)
    real_reg = REGISTRY.by_key[("member", "create")]
    real = real_reg.handler
    doomed = new_uuid()

    def flaky(ctx: Any, m: Any) -> Any:
        if m.entity_id == doomed:
            raise RuntimeError("a bug nobody foresaw")
        return real(ctx, m)

    monkeypatch.setitem(REGISTRY.by_key, ("member", "create"), replace(real_reg, handler=flaky))
    did = new_uuid()
    dev.mutate("dossier", did, "create", {"procedure_code": "khai-sinh",
                                          "applicant_member_id": head})
    dev.mutate("dossier", did, "submit", submit_fields(), base=1)
    dev.mutate("member", doomed, "create", member_fields(hid, "Lò Thị Mỷ", "con", 2003))
    r = dev.push()
    assert results(r) == [("applied", None), ("applied", None), ("rejected", "cannot_apply")]
    with Session(engine) as s:
        d = s.get(Dossier, did)
        assert d is not None and d.status == "submitted"
        assert len(s.exec(select(DossierRevision).where(
            DossierRevision.dossier_id == did)).all()) == 1
    assert_chain_advanced(dev, engine)


def test_a_dossier_created_and_submitted_in_one_batch_is_stored_and_counted_as_in_two(
    make_device: Any, engine: Engine
) -> None:
    """The pair in one batch takes the buffered-row path (the submission changes the row the
    create buffered); in two batches it takes the written-row path. Same rows, same audit
    events, and the service-index rollups equal the oracle recomputed from the audit log."""
    from backend.monitoring import rollups

    dev = make_device()
    _, head = seed(dev)
    one, two = new_uuid(), new_uuid()
    dev.mutate("dossier", one, "create", {"procedure_code": "khai-sinh",
                                          "applicant_member_id": head})
    dev.mutate("dossier", one, "submit", submit_fields(), base=1)
    assert results(dev.push()) == [("applied", None)] * 2
    dev.mutate("dossier", two, "create", {"procedure_code": "khai-sinh",
                                          "applicant_member_id": head})
    assert results(dev.push()) == [("applied", None)]
    dev.mutate("dossier", two, "submit", submit_fields(), base=1)
    assert results(dev.push()) == [("applied", None)]
    columns = ("status", "outcome", "version", "form_data", "components", "official_code",
               "received_at", "due_date", "household_id", "applicant_member_id")
    with Session(engine) as s:
        a, b = s.get(Dossier, one), s.get(Dossier, two)
        assert a is not None and b is not None
        assert {c: getattr(a, c) for c in columns} == {c: getattr(b, c) for c in columns}
        assert a.status == "submitted" and a.version == 2
        for did in (one, two):
            events = s.exec(select(DossierEvent.action, DossierEvent.to_status).where(
                DossierEvent.dossier_id == did).order_by(col(DossierEvent.id))).all()
            assert [tuple(e) for e in events] == [("create", "draft"), ("submit", "submitted")]
        commune = [a.commune_id]
        counted = rollups.stored(s, commune)
        assert counted == rollups.recompute(s, commune)
        assert sum(v.get("submitted", 0) for v in counted.values()) == 2
        assert sum(v.get("timed", 0) for v in counted.values()) == 2


def test_a_submission_whose_buffered_row_a_read_wrote_meanwhile_is_stored_whole(
    make_device: Any, engine: Engine
) -> None:
    """A submission of a stored draft leaves ORM rows pending; the next submission, of a
    dossier the batch created in another household, reads that household's members with a
    flush, which writes the row the create buffered. The submission must then UPDATE the
    written row (not change a buffer already spent)."""
    from backend.dossiers import handlers
    from backend.monitoring import rollups

    dev = make_device()
    _, head = seed(dev)
    _, other_head = seed(dev)
    stored, did = new_uuid(), new_uuid()
    dev.mutate("dossier", stored, "create", {"procedure_code": "khai-sinh",
                                             "applicant_member_id": head})
    assert results(dev.push()) == [("applied", None)]
    # X's create reads (and keeps) the other household's head; the submission of the stored
    # draft leaves ORM rows pending; the create of `did` then reads nothing and buffers.
    dev.mutate("dossier", new_uuid(), "create", {"procedure_code": "khai-sinh",
                                                 "applicant_member_id": other_head})
    dev.mutate("dossier", stored, "submit", submit_fields(), base=1)
    dev.mutate("dossier", did, "create", {"procedure_code": "khai-sinh",
                                          "applicant_member_id": other_head})
    sub = dev.mutate("dossier", did, "submit", submit_fields(), base=1)
    attached: list[str] = []
    real = handlers._attach

    def spy(ctx: Any, d: Any, row: Any) -> None:
        attached.append(d.id)
        real(ctx, d, row)

    handlers._attach = spy  # type: ignore[assignment]
    try:
        assert results(dev.push()) == [("applied", None)] * 4
    finally:
        handlers._attach = real  # type: ignore[assignment]
    assert attached == [did]
    with Session(engine) as s:
        for dossier_id in (stored, did):
            d = s.get(Dossier, dossier_id)
            assert d is not None and d.status == "submitted" and d.version == 2
            events = s.exec(select(DossierEvent.action).where(
                DossierEvent.dossier_id == dossier_id).order_by(col(DossierEvent.id))).all()
            assert list(events) == ["create", "submit"]
        revs = s.exec(select(DossierRevision.hash).where(
            DossierRevision.dossier_id == did)).all()
        assert list(revs) == [sub.hash]
        assert d.form_data == {k: v for k, v in BIRTH_FORM.items() if v is not None}
        assert rollups.stored(s, [d.commune_id]) == rollups.recompute(s, [d.commune_id])
