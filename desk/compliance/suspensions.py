"""Suspensions and reinstatements of agencies and collectors in the month,
read from their saved versions whatever path made them (the suspension
services in the desk or the lender's feed), each in the month it took
effect: a suspension the feed reports late counts in its own month. Lifting
a suspension later leaves the month's rows as they were."""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Collector, public_reason_label
from agencies.status_history import StatusChange, status_changes_between

from .period import Month

MOVES = {"suspended": _("Suspended"), "reinstated": _("Reinstated")}


@dataclass(frozen=True)
class Move:
    at: datetime.datetime
    party: str
    party_kind: str
    move: str
    reason: str
    url: str
    # The agency's public reason label; collectors have none.
    public_reason: str = ""

    @property
    def move_label(self) -> str:
        return str(MOVES[self.move])


def _move_name(change: StatusChange, model) -> str | None:
    if change.status == model.Status.SUSPENDED:
        return "suspended"
    if change.previous == model.Status.SUSPENDED and change.status == model.Status.ACTIVE:
        return "reinstated"
    return None


def _moves(model, *, period: Month, agency_id: int | None, kind: str) -> list[Move]:
    moves = []
    for change in status_changes_between(model, start=period.start, end=period.end, agency_id=agency_id):
        move = _move_name(change, model)
        if move is None:
            continue
        version = change.version
        # The services also keep the reason in the change note ("suspended: …").
        _kind, _sep, noted = (version.history_change_reason or "").partition(": ")
        moves.append(
            Move(
                at=change.at,
                party=str(version.instance),
                party_kind=kind,
                move=move,
                reason=version.status_reason or noted,
                url=reverse(f"admin:agencies_{model._meta.model_name}_history", args=[version.id]),
                public_reason=public_reason_label(version.status_public_reason) if model is Agency else "",
            )
        )
    return moves


def suspension_moves(*, period: Month, agency_id: int | None) -> list[Move]:
    moves = _moves(Agency, period=period, agency_id=agency_id, kind=str(_("agency")))
    moves += _moves(Collector, period=period, agency_id=agency_id, kind=str(_("collector")))
    return sorted(moves, key=lambda move: move.at)
