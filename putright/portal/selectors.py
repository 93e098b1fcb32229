"""What a portal user may see: only the complaints of the resident they are (or act for)."""

from django.db.models import Prefetch, QuerySet

from putright.complaints.constants import Direction
from putright.complaints.models import Attachment, Complaint, Correspondence
from putright.people.models import Representative
from putright.portal.services import Principal


def visible_complaints(principal: Principal) -> QuerySet[Complaint]:
    qs = Complaint.objects.filter(resident_id=principal.resident_id)
    if principal.kind == "representative":
        rep = Representative.objects.get(pk=principal.id)
        if rep.scope == Representative.Scope.ONE_COMPLAINT:
            qs = qs.filter(pk=rep.complaint_id)
    return qs.order_by("-received_on", "-id")


def portal_complaint(principal: Principal, reference: str) -> Complaint:
    """One visible complaint with its stages and letters sent; DoesNotExist otherwise."""
    letters = (
        Correspondence.objects.filter(direction=Direction.OUTGOING)
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .order_by("-occurred_at")
    )
    return (
        visible_complaints(principal)
        .prefetch_related(
            "stages",
            Prefetch("correspondence", queryset=letters, to_attr="letters_sent"),
            "remedies",
            "outstanding_actions",
        )
        .get(reference=reference)
    )


def portal_attachment(principal: Principal, pk: int) -> Attachment:
    """An attachment of a letter sent on a visible complaint; DoesNotExist otherwise."""
    return Attachment.objects.select_related("correspondence").get(
        pk=pk,
        complaint__in=visible_complaints(principal),
        correspondence__direction=Direction.OUTGOING,
    )
