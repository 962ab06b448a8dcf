"""Suspensions and reinstatements of agencies and collectors in the month,
read from their change history: the suspension service records each move
there with its reason (and, for an agency, the public reason from the fixed
list), so lifting a suspension later leaves the month's rows as they were."""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Collector, public_reason_label

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


def _moves(model, *, period: Month, agency_id: int | None, agency_field: str, kind: str) -> list[Move]:
    history = model.history.filter(history_date__gte=period.start, history_date__lt=period.end)
    if agency_id:
        history = history.filter(**{agency_field: agency_id})
    moves = []
    for row in history.order_by("history_date", "history_id"):
        move, _sep, reason = (row.history_change_reason or "").partition(": ")
        if move not in MOVES:
            continue
        moves.append(
            Move(
                at=row.history_date,
                party=str(row.instance),
                party_kind=kind,
                move=move,
                reason=row.status_reason or reason,
                url=reverse(f"admin:agencies_{model._meta.model_name}_history", args=[row.id]),
                public_reason=public_reason_label(row.status_public_reason) if model is Agency else "",
            )
        )
    return moves


def suspension_moves(*, period: Month, agency_id: int | None) -> list[Move]:
    moves = _moves(Agency, period=period, agency_id=agency_id, agency_field="id", kind=str(_("agency")))
    moves += _moves(Collector, period=period, agency_id=agency_id, agency_field="agency_id", kind=str(_("collector")))
    return sorted(moves, key=lambda move: move.at)
