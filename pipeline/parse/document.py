"""LogicalDocument → ExtractedDocument: the whole parse of one order."""
from __future__ import annotations

import datetime as dt
import re

from models.layout import LogicalDocument, LogicalTable, Paragraph
from models.records import ExtractedDocument, IssuePlace, Measure, Provenance, ReviewIssue, TableCell, ValueRef
from normalizers.organizations import (OrganizationIndex, executor_names, ministry_mentions, names_a_body,
                                      starts_name)
from normalizers.regions import find_city, find_district_centre, find_region
from normalizers.text import clean, collapse as collapse_text
from models.errors import NotAnOrderError
from pipeline.parse import prose
from pipeline.parse.columns import read_columns
from pipeline.parse.table_rows import TableRecords, read_indicator_table, read_measure_table


def parse_document(doc: LogicalDocument) -> ExtractedDocument:
    """Every record of one order, organisations normalised; raises NotAnOrderError
    when the text has none of the parts of an order."""
    paragraphs = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    tables = [b for b in doc.blocks if isinstance(b, LogicalTable)]
    records = read_tables(tables)
    out = ExtractedDocument(source_file=doc.source_file, format=doc.format, page_count=doc.page_count,
                            page_sizes=doc.page_sizes)
    out.header = prose.parse_header(paragraphs, _lines_in_order(doc, 40))
    _locate(out, paragraphs, tables)
    out.tasks = _first_of_each(prose.parse_tasks(paragraphs) + records.tasks, key=lambda t: t.code)
    out.measures = _first_of_each(records.measures, key=lambda m: m.code)
    out.funding = records.funding
    out.indicators = records.indicators
    out.target_groups = _first_of_each(prose.parse_target_groups(paragraphs) + prose.parse_stated_target_groups(
        paragraphs), key=lambda g: g.title.lower())
    out.signatories = prose.parse_signatories(_lines_in_order(doc))
    out.stated_amounts = prose.parse_stated_amounts(paragraphs)
    out.issues += records.issues + [
        ReviewIssue("other", IssuePlace("page", str(n)), "the page is blank: nothing was read from it")
        for n in doc.blank_pages] + [
        ReviewIssue("other", IssuePlace("page", str(n)), "a ruled table here could not be read into cells: read it "
                    "from the page image", Provenance(page=n, bbox=box)) for n, box in doc.unread_tables]
    if not (out.tasks or out.measures or out.funding or out.indicators or out.target_groups):
        if not tables and not out.header.doc_type:
            raise NotAnOrderError("no tasks, measures, funding or indicators found, no table and no act heading")
        out.issues.append(ReviewIssue("missing_value", IssuePlace("document"), "no tasks, measures, funding or "
                                      "indicators were read: see the document's tables" if tables
                                      else "no table was found"))
    out.tables = [table_cells(t) for t in tables]
    _fill_period_from_tables(out)
    _whole_period_deadlines(out)
    _normalise_organizations(out, paragraphs, tables)
    return out


def read_tables(tables: list[LogicalTable]) -> TableRecords:
    """Records from every table whose headers say what it holds. A funding-only table
    repeats the measures; its titles count only where no measures table exists."""
    records = TableRecords()
    from_funding_tables: list[Measure] = []
    for number, table in enumerate(tables, start=1):
        cols = read_columns(table)
        if cols.kind == "indicators":
            read_indicator_table(table, cols, number, records)
        elif cols.kind in ("measures", "funding"):
            found = TableRecords()
            read_measure_table(table, cols, number, found)
            records.tasks += found.tasks
            records.funding += found.funding
            records.issues += found.issues
            (records.measures if cols.kind == "measures" else from_funding_tables).extend(found.measures)
        elif table.body:
            records.issues.append(unrecognised_table(table, number))
    if not records.measures:
        records.measures = from_funding_tables
    return records


def unrecognised_table(table: LogicalTable, number: int) -> ReviewIssue:
    """The issue for a table whose headings name no column the parser reads."""
    heading = " | ".join(label for label in table.column_labels() if label) or "no heading"
    first = table.body[0][0] if table.body else None
    return ReviewIssue("unrecognised_table", IssuePlace("table", str(number)),
                       f"table {number} was not read: its headings «{heading[:200]}» name no measures, amounts or "
                       "indicators", Provenance(page=first.page, bbox=first.bbox) if first else Provenance())


def table_cells(table: LogicalTable) -> list[list[TableCell]]:
    """A logical table's rows with each printed cell once (spanning cells at their top-left)."""
    seen: set[int] = set()
    rows = []
    for r, row in enumerate(table.header + table.body):
        cells = []
        for k, cell in enumerate(row):
            if id(cell) in seen:
                continue
            seen.add(id(cell))
            cells.append(TableCell(clean(cell.text), r, k, cell.row_span, cell.col_span, cell.page, cell.bbox,
                                   cell.confidence))
        rows.append(cells)
    return rows


def _first_of_each(items: list, key) -> list:
    """Items in order, dropping any whose key came earlier."""
    seen, out = set(), []
    for item in items:
        if key(item) not in seen:
            seen.add(key(item))
            out.append(item)
    return out


def _lines_in_order(doc: LogicalDocument, paragraphs: int = 60) -> list[str]:
    """The first paragraphs, with the rows of tables of one or two rows among them as
    tab-separated lines (a signature set out by tabs, «Министр<tab>О.В. Кравцова», reads
    as a table of one row) and an empty line for every other table."""
    lines: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif len(block.header) + len(block.body) <= 2:
            lines += ["\t".join(c.text for c in row) for row in block.header + block.body]
        else:
            lines.append("")
        if sum(bool(line) for line in lines) >= paragraphs:
            break
    return lines


def _all_text(paragraphs: list[str], tables: list[LogicalTable]) -> str:
    cells = [c.text for t in tables for row in t.header + t.body for c in row]
    return "\n".join(paragraphs + cells)


_REGION = IssuePlace("document", field="region")


def _locate(out: ExtractedDocument, paragraphs: list[str], tables: list[LogicalTable]) -> None:
    """Region and municipality; a region not found is an issue. The region is the one the
    title or the issuers name, else the subject of the order's own city, else the one the
    text names most, else the subject of any city it names, else (with an issue) the subject
    of the centre a district is named after: the bodies of other regions an order lists never
    outweigh its own heading."""
    text = _all_text(paragraphs, tables)
    heading = "\n".join([out.header.title or "", *out.header.issuers])
    city = find_city(heading)  # a municipal order's own city
    anywhere = find_city(text)
    region = find_region(heading) or (city.region if city else None) or find_region(text) \
        or (anywhere.region if anywhere else None)
    district = None if region else find_district_centre(f"{heading}\n{text}")
    if district:  # a district's name says only where its centre lies: a reviewer confirms it
        region = district[1].region
        out.issues.append(ReviewIssue("missing_value", _REGION, f"the region is taken from the district "
                                      f"«{district[0]}», named after {district[1].name}: no subject of the Federation "
                                      f"is named; confirm it"))
    if region:
        out.header.region, out.header.region_code = region.name, region.code
    else:
        out.issues.append(ReviewIssue("missing_value", _REGION, "the region could not be determined: no subject "
                                      "of the Federation and no known city is named"))
    out.header.municipality = prose.find_municipality(heading) or (f"Город {city.name}" if city else None)


def _fill_period_from_tables(out: ExtractedDocument) -> None:
    if out.header.period_start is not None:
        return
    years = {f.year for f in out.funding if f.year} | {
        int(v.period[:4]) for i in out.indicators for v in i.values}
    if years:
        out.header.period_start, out.header.period_end = min(years), max(years)


_WHOLE_PERIOD = re.compile(r"в\s+течение\s+(?:всего\s+)?(?:срока|периода)", re.I)


def _whole_period_deadlines(out: ExtractedDocument) -> None:
    """«в течение всего срока реализации Программы»: the measure runs over the document's period."""
    start, end = out.header.period_start, out.header.period_end
    if start is None or end is None:
        return
    for m in out.measures:
        if m.deadline and _WHOLE_PERIOD.search(m.deadline) and m.deadline_start is None and m.deadline_end is None:
            m.deadline_start, m.deadline_end = dt.date(start, 1, 1), dt.date(end, 12, 31)


def _normalise_organizations(out: ExtractedDocument, paragraphs: list[str], tables: list[LogicalTable]) -> None:
    """Executors and issuers → canonical names; the document's organisations with aliases."""
    index = OrganizationIndex(_all_text(paragraphs, tables), out.header.region_code)
    index.learn_definitions(paragraphs + [c.text for t in tables for row in t.body for c in row])
    out.header.issuers = _first_of_each([index.add(clean(n)) for n in out.header.issuers], key=str)
    for name in prose_participants(paragraphs) + ministry_mentions("\n".join(paragraphs)):
        index.add(name)
    for m in out.measures:
        printed = [(n, cell) for cell in m.executors for n in executor_names(cell)]  # cells as read, split
        unresolved = [not index.knows(n) and not looks_like_organization(n) for n, _ in printed]  # before add()
        canonical = [(index.add(n), by_agreement(n, cell)) for n, cell in printed]
        out.issues += [ReviewIssue("unresolved_org", IssuePlace("measure", m.code, "executors"),
                                   f"executor «{n}» is not recognisable as an organisation", m.provenance,
                                   value=ValueRef("measure", m.code, "executors"), subject=name)
                       for (n, _), (name, _), flagged in zip(printed, canonical, unresolved) if flagged]
        m.executors = _first_of_each([name for name, _ in canonical], key=str)
        m.by_agreement = _first_of_each([name for name, flagged in canonical if flagged], key=str)
    index.collect_aliases()
    out.organizations = index.organizations()


def by_agreement(name: str, cell: str) -> bool:
    """Is this executor marked «(по согласованию)» in its cell?"""
    tail = r"\s+".join(re.escape(w) for w in name.split(" ")[-3:])  # its last words, as printed
    return bool(re.search(tail + r"[»\s]*\(\s*по\s+согласованию\s*\)", collapse_text(cell), re.I))


def looks_like_organization(name: str) -> bool:
    """A body's name by its head word or legal form, or an organisation to natasha's NER."""
    if names_a_body(name):
        return True
    from normalizers.nlp import pipeline

    return any(e.label_ == "ORG" and len(e.text) >= 0.6 * len(name) for e in pipeline()(name).ents)


_PARTICIPANTS = re.compile(
    r"^\s*(?:исполнител\w*|соисполнител\w*|участник\w*|координатор\w*|грантополучател\w*)[^:]{0,150}:\s*(.+)$",
    re.I | re.S)


def prose_participants(paragraphs: list[str]) -> list[str]:
    """Bodies listed in prose («Исполнители мероприятий …: министерство …, органы
    местного самоуправления …, …»): organisations of the document even when no
    table names them."""
    names = []
    for p in paragraphs:
        m = _PARTICIPANTS.match(clean(p))
        if m:
            names += [n for n in executor_names(m.group(1).rstrip(".")) if starts_name(n)]
    return names
