"""Issuing a notice: render its words, choose its channels, queue deliveries.

Everything here runs inside the caller's transaction; messages leave only
through the outbox, after commit.
"""

import datetime
from collections.abc import Callable, Mapping
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from common.bulkupdate import rows_update
from common.requestid import request_id_current, request_id_scope
from loans.models import Borrower, ContactPreference, ScheduledMeasure
from outbox.models import Obligation
from outbox.services import obligation_create, obligations_deferred

from . import templating, timing
from .models import Notice, NoticeAttempt, NoticeDelivery, NoticeTemplate

DELIVERY_KIND = "notices.delivery"
LANGUAGES = ("zh-hans", "en")

Channel = NoticeDelivery.Channel
# What rendering writes on a notice.
RENDERED_FIELDS = ["title_zh", "title_en", "body_zh", "body_en", "sms_zh", "sms_en", "action_url"]
_READ = object()
# The notices that tell the borrower on which day a measure will happen.
ANNOUNCING = (Notice.Purpose.ADVANCE, Notice.Purpose.MOVED)


def borrower_channels(
    *, borrower: Borrower, allowed: list[str], mandatory: bool, preference: ContactPreference | None = _READ
) -> list[str]:
    """The channels besides the inbox that a notice goes out on.

    The borrower's preferred channel decides: "no preference" means every
    allowed channel they have an address for; SMS or e-mail means that one
    only; a phone call or app message means the inbox alone. A mandatory
    notice that would reach no channel besides the inbox goes out by SMS (or
    e-mail when there is no phone number) anyway. The preference is read
    unless the caller passes it (None: the borrower has none).
    """
    if preference is _READ:
        preference = ContactPreference.objects.filter(borrower=borrower).first()
    preferred = preference.preferred_channel if preference else ContactPreference.Channel.ANY
    reachable = []
    if borrower.phone:
        reachable.append(Channel.SMS)
    if borrower.email:
        reachable.append(Channel.EMAIL)
    if preferred == ContactPreference.Channel.ANY:
        wanted = [Channel.SMS, Channel.EMAIL]
    elif preferred == ContactPreference.Channel.SMS:
        wanted = [Channel.SMS]
    elif preferred == ContactPreference.Channel.EMAIL:
        wanted = [Channel.EMAIL]
    else:
        wanted = []
    chosen = [c for c in wanted if c in allowed and c in reachable]
    if mandatory and not chosen:
        fallback = [c for c in allowed if c in reachable] or reachable
        chosen = fallback[:1]
    return [str(c) for c in chosen]


def _format_value(name: str, value: object, *, language: str) -> str:
    if value is None:
        return ""
    if name == "amount_overdue" and isinstance(value, Decimal | int | float):
        return templating.format_amount(value)
    if isinstance(value, datetime.date):
        return templating.format_when(value, language=language)
    return str(value)


def notice_context(
    *, notice: Notice, extra: Mapping[str, object] | Callable[[str], Mapping[str, object]], language: str
) -> dict[str, str]:
    """The values a template sees, in one language.

    ``extra`` is a mapping or a function of the language (for values such as
    a measure's name that differ per language); it overrides the defaults.
    """
    with translation.override(language):
        # Where the borrower acts: the loan's page (its measures, who handles
        # it, how to avoid what comes), else the notice in the inbox.
        if notice.account is not None:
            link = reverse("portal:account", kwargs={"reference": notice.account.reference})
        else:
            link = reverse("notices:detail", args=[notice.pk])
        values: dict[str, object] = {
            "hotline": settings.PLATFORM_HOTLINE,
            "portal_link": settings.PORTAL_BASE_URL + link,
            "reference": notice.complaint_reference or (notice.account.reference if notice.account else ""),
        }
        if notice.account is not None:
            values["account"] = notice.account.reference
            values["amount_overdue"] = notice.account.amount_overdue
        values.update(extra(language) if callable(extra) else extra)
        return {name: _format_value(name, value, language=language) for name, value in values.items()}


def notice_render(*, notice: Notice, template: NoticeTemplate, extra) -> None:
    for language in LANGUAGES:
        suffix = "en" if language == "en" else "zh"
        context = notice_context(notice=notice, extra=extra, language=language)
        setattr(notice, f"title_{suffix}", templating.render(getattr(template, f"title_{suffix}"), context)[:300])
        setattr(notice, f"body_{suffix}", templating.render(getattr(template, f"body_{suffix}"), context))
        setattr(notice, f"sms_{suffix}", templating.render(getattr(template, f"sms_{suffix}"), context))
        if language == LANGUAGES[0]:
            notice.action_url = context.get("portal_link", "")[:300]


def notice_issue(
    *,
    notice: Notice,
    template: NoticeTemplate,
    extra,
    allowed: list[str],
    now: datetime.datetime,
) -> Notice:
    """Render, put in the inbox, and create the SMS/e-mail deliveries:
    :func:`notices_issue` with one."""
    notices_issue(items=[(notice, template, extra, allowed)], now=now)
    return notice


def notices_issue(
    *,
    items: list[tuple[Notice, NoticeTemplate, object, list[str]]],
    now: datetime.datetime,
    request_ids: list[str] | None = None,
) -> None:
    """Render, put in the inbox, and create the SMS/e-mail deliveries of
    notices, each ``(notice, template, extra, allowed channels)``.

    Caller holds each notice (a fresh, unsaved one, or a row locked with
    select_for_update) and has checked that it is still scheduled. Fresh
    notices are inserted rendered and issued, together in one statement
    (one that links to itself gets its words once it has an id); the
    deliveries of all, the proof of their inbox deliveries and the outbox
    rows are one insert each, and the borrowers' contact preferences one
    read. ``request_ids``, one a notice, are those the outbox rows of each
    notice carry (else the current one).

    A notice that tells the borrower a measure's date also stamps the measure
    (``announced_at``), in this transaction: that is the fact the conduct
    rulebook judges visits by, without reading notices.
    """
    fresh, linked = [], []
    for notice, template, extra, _allowed in items:
        notice.status = Notice.Status.ISSUED
        notice.issued_at = now
        if notice.pk is None:
            fresh.append(notice)
            if notice.account is None:
                # Its link is its own page: rendered once it has an id.
                linked.append((notice, template, extra))
                continue
        notice_render(notice=notice, template=template, extra=extra)
        if notice.pk is not None:
            notice.save()
    Notice.objects.bulk_create(fresh)
    for notice, template, extra in linked:
        notice_render(notice=notice, template=template, extra=extra)
    rows_update([notice for notice, _template, _extra in linked], RENDERED_FIELDS)
    announced = [notice.measure_id for notice, *_rest in items if notice.measure_id and notice.purpose in ANNOUNCING]
    if announced:
        # update(), not save(): the measure's own fields and updated_at are the writer's.
        ScheduledMeasure.objects.filter(pk__in=announced).update(announced_at=now)
    not_before = timing.external_not_before(now=now)
    queued = not_before <= now
    preferences = ContactPreference.objects.in_bulk(
        {notice.borrower_id for notice, *_rest in items}, field_name="borrower_id"
    )
    deliveries, inboxes = [], []
    scopes: list[tuple[str, NoticeDelivery]] = []
    for index, (notice, _template, _extra, allowed) in enumerate(items):
        inbox = NoticeDelivery(
            notice=notice, channel=Channel.INBOX, status=NoticeDelivery.Status.SENT, not_before=now, sent_at=now
        )
        inboxes.append(inbox)
        deliveries.append(inbox)
        channels = borrower_channels(
            borrower=notice.borrower,
            allowed=allowed,
            mandatory=notice.mandatory,
            preference=preferences.get(notice.borrower_id),
        )
        for channel in channels:
            delivery = NoticeDelivery(
                notice=notice,
                channel=channel,
                status=NoticeDelivery.Status.QUEUED if queued else NoticeDelivery.Status.WAITING,
                not_before=not_before,
            )
            deliveries.append(delivery)
            if queued:
                scopes.append((request_ids[index] if request_ids else request_id_current(), delivery))
    NoticeDelivery.objects.bulk_create(deliveries)
    NoticeAttempt.objects.bulk_create(
        NoticeAttempt(
            notice=inbox.notice, delivery=inbox, channel=Channel.INBOX, at=now, outcome=NoticeAttempt.Outcome.SENT
        )
        for inbox in inboxes
    )
    with obligations_deferred():
        for request_id, delivery in scopes:
            with request_id_scope(request_id):
                _outbox_row(delivery=delivery, now=now)


def delivery_queue(*, delivery: NoticeDelivery, now: datetime.datetime) -> None:
    """Hand a waiting delivery to the outbox. Caller holds the delivery row."""
    delivery.status = NoticeDelivery.Status.QUEUED
    delivery.save(update_fields=["status"])
    _outbox_row(delivery=delivery, now=now)


def _outbox_row(*, delivery: NoticeDelivery, now: datetime.datetime) -> None:
    """The obligation that sends a queued delivery."""
    obligation_create(
        key=delivery.obligation_key,
        kind=DELIVERY_KIND,
        payload={"delivery_id": delivery.pk, "generation": delivery.generation},
        now=now,
    )


def notice_withdraw(*, notice: Notice, now: datetime.datetime) -> None:
    """Stop whatever of the notice has not gone out yet. Caller holds the row."""
    if notice.status == Notice.Status.SCHEDULED:
        notice.status = Notice.Status.WITHDRAWN
        notice.withdrawn_at = now
        notice.save(update_fields=["status", "withdrawn_at"])
    pending = list(
        notice.deliveries.select_for_update().filter(
            status__in=[NoticeDelivery.Status.WAITING, NoticeDelivery.Status.QUEUED]
        )
    )
    for delivery in pending:
        Obligation.objects.filter(key=delivery.obligation_key, status=Obligation.Status.PENDING).update(
            status=Obligation.Status.CANCELLED
        )
        delivery.status = NoticeDelivery.Status.WITHDRAWN
        delivery.save(update_fields=["status"])


def now_or(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()
