"""The entry points: export and import the directory in HSDS JSON or tabular form."""

from directory.hsds.documents import service_documents, tables_from_documents
from directory.hsds.export import export_tables
from directory.hsds.importer import ImportReport, Rejection, hsds_import
from directory.hsds.tabular import PackageError, read_package, write_package


def page(documents: list[dict], *, total: int, number: int = 1, per_page: int | None = None) -> dict:
    """The HSDS API Page wrapper (schema/openapi.json components.schemas.Page)."""
    per_page = per_page or max(total, 1)
    pages = max(1, -(-total // per_page))
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": number,
        "size": len(documents),
        "first_page": number == 1,
        "last_page": number >= pages,
        "empty": total == 0,
        "contents": documents,
    }


def export_json(*, scope: str = "network", services=None) -> dict:
    documents = service_documents(export_tables(scope=scope, services=services))
    return page(documents, total=len(documents))


def export_tabular(*, scope: str = "network", services=None) -> bytes:
    return write_package(export_tables(scope=scope, services=services))


def import_json(data, *, by=None) -> ImportReport:
    """Accepts a Page (its `contents`), a list of service documents, or one document."""
    if isinstance(data, dict) and "contents" in data:
        data = data["contents"]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        return ImportReport(rejections=[Rejection("service", "(document)", "", "expected service documents")])
    return hsds_import(tables=tables_from_documents(data), by=by)


def import_tabular(data: bytes, *, by=None) -> ImportReport:
    try:
        tables = read_package(data)
    except PackageError as error:
        return ImportReport(rejections=[Rejection("datapackage", "(package)", "", str(error))])
    return hsds_import(tables=tables, by=by)
