"""What an import run knows about the database: lookups by external id,
cached per chunk so a large feed costs a few queries per chunk, not per row."""

import datetime
from collections.abc import Iterable

from django.utils.translation import gettext as _

from agencies.models import Agency, Collector
from loans.models import (
    Assignment,
    Borrower,
    ContactEvent,
    ContactPreference,
    LoanAccount,
    ScheduledMeasure,
    Stage,
    StageChange,
)

from .fields import RowRejected


def unknown(kind: str, field: str, value: str) -> RowRejected:
    return RowRejected(
        _("Unknown %(kind)s “%(id)s” in “%(field)s”: import it first (earlier in the file or an earlier feed).")
        % {"kind": kind, "id": value, "field": field},
        code="unknown_reference",
        field=field,
    )


class FeedContext:
    """Agencies, collectors and stages are few and cached for the whole run;
    everything else is fetched for each chunk of lines and dropped after it.

    Callers add rows they create or change; after a database error the run
    calls :meth:`forget` so no cached row outlives a rolled-back savepoint.
    """

    def __init__(self, *, now: datetime.datetime):
        self.now = now
        # Measures created or changed in the current chunk, for their
        # advance notices. The run clears it after each chunk.
        self.touched_measures: list[int] = []
        # The line on which each record first appeared in this run, by type,
        # owning agency and id: a feed lists each record once.
        self.first_lines: dict[tuple[str, str], dict[str, int]] = {}
        self._load_small()
        self.forget_chunk()

    def _load_small(self) -> None:
        self.agencies: dict[str, Agency] = {agency.external_id: agency for agency in Agency.objects.all()}
        self.collectors: dict[str, Collector] = {
            collector.external_id: collector for collector in Collector.objects.all()
        }
        self.stages: dict[str, Stage] = {stage.code: stage for stage in Stage.objects.all()}

    def forget_chunk(self) -> None:
        self.borrowers: dict[str, Borrower] = {}
        self.accounts: dict[str, LoanAccount] = {}
        self.stage_changes: dict[str, StageChange] = {}
        self.assignments: dict[str, Assignment] = {}
        # Every assignment of an account, by account id, for the overlap
        # checks; the same instances as in ``assignments``.
        self._account_assignments: dict[int, list[Assignment]] = {}
        self.contacts: dict[tuple[int, str], ContactEvent] = {}
        self.measures: dict[tuple[int, str], ScheduledMeasure] = {}
        self.preferences: dict[int, ContactPreference] = {}
        self._absent: set[tuple[str, str]] = set()

    def forget(self) -> None:
        self._load_small()
        self.forget_chunk()

    def prefetch(self, records: Iterable[dict]) -> None:
        """Load, in one query per type, the rows a chunk of records names."""
        records = list(records)
        wanted: dict[str, set[str]] = {
            "borrower": set(),
            "account": set(),
            "stage_change": set(),
            "assignment": set(),
            "contact": set(),
            "measure": set(),
        }
        for record in records:
            kind, record_id = record.get("type"), record.get("id")
            if isinstance(record_id, str | int) and kind in wanted:
                wanted[kind].add(str(record_id).strip())
            if kind == "preference" and isinstance(record_id, str):
                wanted["borrower"].add(record_id.strip())
            for field, target in (("borrower", "borrower"), ("account", "account")):
                value = record.get(field)
                if isinstance(value, str):
                    wanted[target].add(value.strip())
        found: dict[str, set[str]] = {kind: set() for kind in wanted}
        found["preference"] = set()
        if wanted["borrower"]:
            for borrower in Borrower.objects.filter(external_id__in=wanted["borrower"]):
                self.borrowers[borrower.external_id] = borrower
                found["borrower"].add(borrower.external_id)
            for preference in ContactPreference.objects.filter(
                borrower__external_id__in=wanted["borrower"]
            ).select_related("borrower"):
                self.preferences[preference.borrower_id] = preference
                found["preference"].add(preference.borrower.external_id)
        if wanted["account"]:
            for account in LoanAccount.objects.filter(reference__in=wanted["account"]):
                self.accounts[account.reference] = account
                found["account"].add(account.reference)
        if wanted["stage_change"]:
            for change in StageChange.objects.filter(external_id__in=wanted["stage_change"]):
                self.stage_changes[change.external_id] = change
                found["stage_change"].add(change.external_id)
        if wanted["assignment"]:
            for assignment in Assignment.objects.filter(external_id__in=wanted["assignment"]):
                self.assignments[assignment.external_id] = assignment
                found["assignment"].add(assignment.external_id)
            accounts = [
                self.accounts[reference]
                for reference in {record.get("account") for record in records if record.get("type") == "assignment"}
                if isinstance(reference, str) and reference in self.accounts
            ]
            if accounts:
                lists: dict[int, list[Assignment]] = {account.pk: [] for account in accounts}
                for assignment in Assignment.objects.filter(account__in=accounts):
                    shared = self.assignments.setdefault(assignment.external_id, assignment)
                    lists[assignment.account_id].append(shared)
                self._account_assignments.update(lists)
        if wanted["contact"]:
            for event in ContactEvent.objects.filter(external_id__in=wanted["contact"]):
                self.contacts[(event.agency_id, event.external_id)] = event
                found["contact"].add(event.external_id)
        if wanted["measure"]:
            for measure in ScheduledMeasure.objects.filter(external_id__in=wanted["measure"]):
                self.measures[(measure.performer_id, measure.external_id)] = measure
                found["measure"].add(measure.external_id)
        wanted["preference"] = wanted["borrower"]
        for kind, ids in wanted.items():
            self._absent.update((kind, value) for value in ids - found[kind])

    # Lookups of referenced rows. Each refuses an id it does not know.

    def agency(self, value: str, *, field: str = "agency") -> Agency:
        agency = self.agencies.get(value)
        if agency is None:
            raise unknown(_("agency"), field, value)
        return agency

    def collector(self, value: str, *, agency: Agency, field: str = "collector") -> Collector:
        collector = self.collectors.get(value)
        if collector is None:
            raise unknown(_("collector"), field, value)
        if collector.agency_id != agency.pk:
            raise RowRejected(
                _("Collector “%(collector)s” does not work for agency “%(agency)s”.")
                % {"collector": value, "agency": agency.external_id},
                code="collector_not_of_agency",
                field=field,
            )
        return collector

    def stage(self, value: str, *, field: str = "stage") -> Stage:
        stage = self.stages.get(value)
        if stage is None:
            raise RowRejected(
                _("Unknown stage “%(code)s”; use one of: %(codes)s.")
                % {"code": value, "codes": ", ".join(self.stages)},
                code="unknown_reference",
                field=field,
            )
        return stage

    def borrower(self, value: str, *, field: str = "borrower") -> Borrower:
        borrower = self.existing_borrower(value)
        if borrower is None:
            raise unknown(_("borrower"), field, value)
        return borrower

    def account(self, value: str, *, field: str = "account") -> LoanAccount:
        account = self.existing_account(value)
        if account is None:
            raise unknown(_("account"), field, value)
        return account

    # Existing rows (None when new). An id that the chunk's prefetch looked
    # for and did not find is known to be new: no second query.

    def _cached(self, cache: dict, key, absent_key: tuple[str, str], query):
        if key in cache:
            return cache[key]
        if absent_key in self._absent:
            return None
        found = query().first()
        if found is not None:
            cache[key] = found
        return found

    def existing_borrower(self, value: str) -> Borrower | None:
        return self._cached(
            self.borrowers, value, ("borrower", value), lambda: Borrower.objects.filter(external_id=value)
        )

    def existing_account(self, value: str) -> LoanAccount | None:
        return self._cached(
            self.accounts, value, ("account", value), lambda: LoanAccount.objects.filter(reference=value)
        )

    def existing_stage_change(self, value: str) -> StageChange | None:
        return self._cached(
            self.stage_changes,
            value,
            ("stage_change", value),
            lambda: StageChange.objects.filter(external_id=value),
        )

    def account_assignments(self, account: LoanAccount) -> list[Assignment]:
        """All assignments of the account, as this run knows them."""
        if account.pk not in self._account_assignments:
            self._account_assignments[account.pk] = [
                self.assignments.setdefault(assignment.external_id, assignment)
                for assignment in Assignment.objects.filter(account=account)
            ]
        return self._account_assignments[account.pk]

    def account_created(self, account: LoanAccount) -> None:
        """A new account has no assignments yet: nothing to look up."""
        self._account_assignments[account.pk] = []

    def remember_assignment(self, assignment: Assignment) -> None:
        """Keep a written assignment in both caches (caller: after the write)."""
        self.assignments[assignment.external_id] = assignment
        rows = self._account_assignments.get(assignment.account_id)
        if rows is not None:
            rows[:] = [row for row in rows if row.pk != assignment.pk]
            rows.append(assignment)

    def existing_assignment(self, value: str) -> Assignment | None:
        return self._cached(
            self.assignments, value, ("assignment", value), lambda: Assignment.objects.filter(external_id=value)
        )

    def existing_contact(self, *, agency: Agency, value: str) -> ContactEvent | None:
        return self._cached(
            self.contacts,
            (agency.pk, value),
            ("contact", value),
            lambda: ContactEvent.objects.filter(agency=agency, external_id=value),
        )

    def existing_measure(self, *, performer: Agency, value: str) -> ScheduledMeasure | None:
        return self._cached(
            self.measures,
            (performer.pk, value),
            ("measure", value),
            lambda: ScheduledMeasure.objects.filter(performer=performer, external_id=value),
        )

    def existing_preference(self, *, borrower: Borrower) -> ContactPreference | None:
        return self._cached(
            self.preferences,
            borrower.pk,
            ("preference", borrower.external_id),
            lambda: ContactPreference.objects.filter(borrower=borrower),
        )
