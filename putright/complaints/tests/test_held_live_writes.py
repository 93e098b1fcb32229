"""Live writes through core.held's writer: a new row the services save (`held.save`,
`held.create`) is written at once by the held rows' INSERT, as `Model.save` would write it.

A keyed create's complaint, stage and record entry went through Django's SQL compiler; the
writer sends the same values without it (bench/README.md, held25). These pin that it is
used, that what it writes is what `save` writes, and that whatever `save` would add (a
receiver, its own errors) still goes through `save`.
"""

from datetime import date

import pytest
from django.db.models import Value
from django.db.models.functions import Upper
from django.db.models.signals import post_save, pre_save
from django.db.models.sql.compiler import SQLInsertCompiler
from django.forms.models import model_to_dict

from putright.accounts import factories as accounts
from putright.complaints import services
from putright.complaints.models import CaseEvent, Complaint, ComplaintSearch, Stage
from putright.complaints.tests.stories import MONDAY, travel
from putright.core import held
from putright.people.factories import ResidentFactory
from putright.people.models import Property

pytestmark = pytest.mark.django_db


def receive(resident, actor):
    return services.complaint_receive(
        resident=resident, channel="phone", received_on=MONDAY, description="Leak", actor=actor
    ).complaint


def test_a_received_complaint_s_rows_are_written_without_the_sql_insert_compiler(
    monkeypatch, time_machine
):
    travel(time_machine, MONDAY)
    resident, officer = ResidentFactory(), accounts.officer()
    receive(resident, officer)  # the year's counter row (made by get_or_create) exists now
    real = SQLInsertCompiler.as_sql

    def compiled(compiler, *args, **kwargs):
        assert compiler.query.model not in (Complaint, Stage, CaseEvent), "compiled"
        return real(compiler, *args, **kwargs)

    monkeypatch.setattr(SQLInsertCompiler, "as_sql", compiled)
    complaint = receive(resident, officer)

    assert complaint.pk is not None
    assert complaint._state.adding is False
    assert complaint._state.db == "default"
    assert Stage.objects.filter(complaint=complaint, number=1).count() == 1
    assert CaseEvent.objects.filter(complaint=complaint, code="complaint.received").count() == 1
    assert ComplaintSearch.objects.filter(complaint=complaint).count() == 1


def _stored(model, pk):
    row = model_to_dict(model.objects.get(pk=pk))
    row.pop("id")
    return row


def test_a_row_written_live_by_the_writer_is_the_row_save_writes(time_machine):
    """Defaults, the time an entry is recorded (auto_now_add), JSON data with dates in it,
    nullable relations: the same stored row, and the same instance after, as `save`'s."""
    travel(time_machine, MONDAY)
    complaint = receive(ResidentFactory(), accounts.officer())
    values = {
        "complaint": complaint,
        "code": "note.added",
        "summary": "A note",
        "data": {"on": date(2026, 3, 2), "n": 1},
        "happened_on": MONDAY,
    }

    written = held.create(CaseEvent, **values)
    saved = CaseEvent(**values)
    saved.save()

    assert written.pk is not None
    assert written.pk != saved.pk
    assert _stored(CaseEvent, written.pk) == _stored(CaseEvent, saved.pk)
    assert written.recorded_at == saved.recorded_at
    assert (written._state.adding, written._state.db) == (saved._state.adding, saved._state.db)
    stage = Stage(complaint=complaint, number=2, requested_on=MONDAY, ack_due=MONDAY)
    held.save(stage)
    assert Stage.objects.get(pk=stage.pk).requested_on == MONDAY


def test_a_model_with_save_receivers_is_saved_by_save_and_they_hear_it(time_machine):
    travel(time_machine, MONDAY)
    heard = []

    def pre(sender, instance, **kwargs):
        heard.append(("pre", instance.pk))

    def post(sender, instance, created, **kwargs):
        heard.append(("post", instance.pk, created))

    pre_save.connect(pre, sender=CaseEvent)
    post_save.connect(post, sender=CaseEvent)
    try:
        complaint = receive(ResidentFactory(), accounts.officer())
    finally:
        pre_save.disconnect(pre, sender=CaseEvent)
        post_save.disconnect(post, sender=CaseEvent)

    event = CaseEvent.objects.get(complaint=complaint)
    assert heard == [("pre", None), ("post", event.pk, True)]


def test_a_new_row_s_errors_are_save_s_own():
    """An unsaved related row is refused as `save` refuses it (nothing written); a value that
    is an SQL expression is written by `save`, as before."""
    with pytest.raises(ValueError, match=r"^save\(\) prohibited .* unsaved related object"):
        held.create(CaseEvent, complaint=Complaint(), code="x", summary="x", happened_on=MONDAY)
    assert not CaseEvent.objects.exists()

    home = held.create(Property, address_line_1=Upper(Value("1 high st")), town="X", postcode="E1")
    assert Property.objects.get(pk=home.pk).address_line_1 == "1 HIGH ST"
