"""Partner search results as a table for a spreadsheet: one row per organisation, project and
reason, each row with the citations of its reason (document and lines). What
``GET /partners?format=csv|xlsx`` and ``citykg partners --format csv|xlsx`` write.

A reason about a project (a participation, a shared project) fills that project's columns; a
reason about the organisation itself (its type, country, city, closeness by city or programme)
leaves them empty. A matching project no reason names still gets a row, with the participation
as its reason, so that every matching project is in the table.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from citykg.partner_search import PartnerResult, ProjectRole, Reason

COLUMNS = (
    "organisation_id", "organisation", "type", "city", "country",
    "project_id", "project", "role", "allocation", "programmes",
    "reason_kind", "reason", "citations",
)
#: The CSV and XLSX media types and the suffix of their file.
MEDIA_TYPES = {"csv": ("text/csv; charset=utf-8", "csv"),
               "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")}


def _citations(reason: Reason) -> str:
    """``000_x.txt:7 (its title); 001_y.txt:10-12 (its title)``, or ``knowledge base`` when no
    step has a document."""
    cited = dict.fromkeys(f"{source} ({source.title})" if source.title else str(source)
                          for step in reason.steps for source in step.sources)
    return "; ".join(cited) or "knowledge base"


def _project_of(reason: Reason, projects: dict[str, ProjectRole]) -> ProjectRole | None:
    return next((projects[ref.id] for step in reason.steps for ref in (step.subject, step.object)
                 if ref is not None and ref.id in projects), None)


def partner_rows(results: Iterable[PartnerResult]) -> list[dict[str, str]]:
    rows = []
    for result in results:
        projects = {p.project.id: p for p in result.projects if p.matched}
        organisation = {
            "organisation_id": result.entity.id, "organisation": result.entity.name, "type": result.type,
            "city": result.city.name if result.city else "", "country": result.country.name if result.country else "",
        }
        named = set()
        for reason in result.reasons:
            project = _project_of(reason, projects)
            if project is not None:
                named.add(project.project.id)
            rows.append({**organisation, **_project_columns(project), "reason_kind": reason.kind,
                         "reason": reason.text, "citations": _citations(reason)})
        for project in projects.values():
            if project.project.id not in named:
                rows.append({**organisation, **_project_columns(project), "reason_kind": "participation",
                             "reason": f"{result.entity.name}, {project.role} in {project.project.name}",
                             "citations": ""})
    return rows


def _project_columns(project: ProjectRole | None) -> dict[str, str]:
    if project is None:
        return dict.fromkeys(("project_id", "project", "role", "allocation", "programmes"), "")
    return {"project_id": project.project.id, "project": project.project.name, "role": project.role,
            "allocation": str(project.allocation) if project.allocation else "",
            "programmes": "; ".join(g.name for g in project.programmes)}


def to_csv(rows: Sequence[dict[str, str]]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel reads the diacritics right."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(rows: Sequence[dict[str, str]], *, filters: dict | None = None) -> bytes:
    """A workbook: the results, and a sheet with the filters as resolved."""
    from openpyxl import Workbook  # only exports need it

    book = Workbook()
    sheet = book.active
    sheet.title = "partners"
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([row[c] for c in COLUMNS])
    sheet.freeze_panes = "A2"
    query = book.create_sheet("query")
    for name, value in (filters or {}).items():
        query.append([name, f"{value['name']} ({value['id']})" if isinstance(value, dict) else str(value)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def partner_table(results: Sequence[PartnerResult], fmt: str, *, filters: dict | None = None) -> bytes:
    rows = partner_rows(results)
    return to_csv(rows) if fmt == "csv" else to_xlsx(rows, filters=filters)
