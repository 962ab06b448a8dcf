"""What an import did: counts per record type and every rejected line."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# Lines that are not a readable record of a known type are counted here.
UNREADABLE = "unreadable"


@dataclass
class TypeCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.rejected


@dataclass(frozen=True)
class RowError:
    line: int
    type: str
    id: str
    field: str
    code: str
    message: str

    def __str__(self) -> str:
        where = _("line %(line)d") % {"line": self.line}
        what = " ".join(part for part in (self.type, f"“{self.id}”" if self.id else "") if part)
        return f"{where}: {what}: {self.message}" if what else f"{where}: {self.message}"


@dataclass
class ImportReport:
    dry_run: bool = False
    lines: int = 0
    counts: dict[str, TypeCounts] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    # Measures created or changed by committed chunks, in the order written:
    # whoever runs the import schedules their advance notices.
    measure_ids: list[int] = field(default_factory=list)

    def counted(self, record_type: str) -> TypeCounts:
        return self.counts.setdefault(record_type, TypeCounts())

    def reject(self, *, line: int, record_type: str, record_id: str, code: str, message: str, field: str = "") -> None:
        self.counted(record_type or UNREADABLE).rejected += 1
        self.errors.append(
            RowError(line=line, type=record_type, id=record_id, field=field, code=code, message=str(message))
        )

    def merge(self, other: "ImportReport") -> None:
        """Add the counts and errors of a part of the import."""
        for record_type, counts in other.counts.items():
            mine = self.counted(record_type)
            mine.created += counts.created
            mine.updated += counts.updated
            mine.unchanged += counts.unchanged
            mine.rejected += counts.rejected
        self.errors.extend(other.errors)

    @property
    def rejected(self) -> int:
        return len(self.errors)

    def totals(self) -> TypeCounts:
        total = TypeCounts()
        for counts in self.counts.values():
            total.created += counts.created
            total.updated += counts.updated
            total.unchanged += counts.unchanged
            total.rejected += counts.rejected
        return total

    def as_table(self) -> list[str]:
        """The counts as aligned lines of text, one per record type."""
        header = (_("type"), _("created"), _("updated"), _("unchanged"), _("rejected"))
        rows = [
            (name, str(c.created), str(c.updated), str(c.unchanged), str(c.rejected)) for name, c in self.counts.items()
        ]
        total = self.totals()
        rows.append((_("total"), str(total.created), str(total.updated), str(total.unchanged), str(total.rejected)))
        widths = [max(len(row[index]) for row in [header, *rows]) for index in range(5)]
        return [
            "  ".join(
                cell.ljust(widths[0]) if index == 0 else cell.rjust(widths[index]) for index, cell in enumerate(row)
            )
            for row in [header, *rows]
        ]
