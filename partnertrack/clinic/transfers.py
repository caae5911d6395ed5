"""Transfers: an admin moves a partnership to another therapist of the same clinic.

The partnership keeps its id, sessions, ratings, goals, rupture log and audit trail; only
its therapist changes. Access follows ``Partnership.therapist_id`` (access.py), so the former
therapist gets 404 on every page of it from that moment. The patient is told in their
activity log and by mail. Flushes; the request commits.
"""

from __future__ import annotations

from partnertrack.clinic.models import THERAPIST, ClinicMember, PartnershipTransfer
from partnertrack.clinic.overview import clinic_partnerships
from partnertrack.core import audit
from partnertrack.core.outbox import enqueue
from partnertrack.core.refusals import N_, Refused
from partnertrack.extensions import db
from partnertrack.models import Partnership, User

NOT_IN_CLINIC = N_("That partnership is not held by a therapist of this clinic.")
TARGET_NOT_IN_CLINIC = N_("Partnerships can only move to an active therapist of this clinic.")
SAME_THERAPIST = N_("That partnership is already with this therapist: choose another therapist.")
ENDED = N_("An ended partnership stays with the therapist who ended it.")


def transfer(clinic_id: int, partnership_id: int, target_member_id: int, by: User) -> Partnership:
    """Move the partnership to the therapist of ``target_member_id``; Refused with the reason otherwise."""
    if partnership_id not in {row.id for row in clinic_partnerships(clinic_id)}:
        raise Refused(NOT_IN_CLINIC, status=404)
    target = db.session.get(ClinicMember, target_member_id)
    if target is None or target.clinic_id != clinic_id or not target.active or target.role != THERAPIST:
        raise Refused(TARGET_NOT_IN_CLINIC)
    partnership = db.session.get(Partnership, partnership_id)
    if partnership.therapist_id == target.user_id:
        raise Refused(SAME_THERAPIST)
    if partnership.status == "ended":
        raise Refused(ENDED)
    db.session.add(
        PartnershipTransfer(
            partnership_id=partnership.id,
            clinic_id=clinic_id,
            from_therapist_id=partnership.therapist_id,
            to_therapist_id=target.user_id,
            by_user_id=by.id,
        )
    )
    partnership.therapist_id = target.user_id
    db.session.flush()
    db.session.expire(partnership, ["therapist"])
    audit.record("clinic.transferred", partnership.id, "moved to another therapist of the clinic", user=by)
    if partnership.patient is not None:
        enqueue(
            "clinic_transfer",
            partnership.patient.email,
            {"partnership_id": partnership.id},
            user_id=partnership.patient_id,
            partnership_id=partnership.id,
            ref=f"clinic-transfer:{partnership.id}",
        )
    return partnership
