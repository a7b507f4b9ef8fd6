"""The HSDS tabular form: a zip of CSV files described by datapackage.json."""

import csv
import io
import json
import zipfile

from directory.hsds.schema import tabular_tables

# Our profile's columns, with Frictionless types (arrays are JSON text in a cell).
EXTENSIONS = {
    "organization": {"casehub_country": "string", "casehub_region": "string"},
    "service": {
        "casehub_accepting_referrals": "boolean",
        "casehub_interpretation_available": "boolean",
        "casehub_response_hours": "integer",
        "casehub_specializations": "array",
        "casehub_genders_served": "array",
        "casehub_staff_genders": "array",
        "casehub_accompanied_children": "boolean",
        "casehub_immigration_statuses": "array",
        "casehub_nationality_note": "string",
        "casehub_referral_only": "boolean",
        "casehub_eligibility_note": "string",
        "casehub_capacity_status": "string",
        "casehub_capacity_unit": "string",
        "casehub_capacity_available": "integer",
        "casehub_capacity_maximum": "integer",
        "casehub_capacity_updated": "datetime",
    },
    "location": {"casehub_visibility": "string", "casehub_region": "string"},
    "service_area": {"casehub_region": "string", "casehub_country": "string"},
}
# A package is read into memory; refuse archives that would unpack into more than this.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


def columns(table: str) -> dict[str, str]:
    """Column name to Frictionless type: the HSDS fields that are not nested, then ours."""
    spec = tabular_tables()[table]["properties"]
    found = {}
    for name, field in spec.items():
        if field.get("type") in ("array", "object"):
            continue
        kind = field.get("type", "string")
        if field.get("format") == "date-time":
            kind = "datetime"
        found[name] = kind
    return {**found, **EXTENSIONS.get(table, {})}


def _cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return json.dumps(value)
    if isinstance(value, float) and value.is_integer():
        return str(value)
    return "" if value is None else str(value)


def write_package(tables: dict[str, list[dict]]) -> bytes:
    buffer = io.BytesIO()
    resources = []
    specs = tabular_tables()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table, rows in tables.items():
            names = columns(table)
            text = io.StringIO()
            writer = csv.DictWriter(text, fieldnames=list(names), lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({k: _cell(v) for k, v in row.items()})
            path = specs[table]["path"]
            archive.writestr(path, text.getvalue())
            resources.append(
                {
                    "name": table,
                    "path": path,
                    "profile": "tabular-data-resource",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "schema": {
                        "fields": [{"name": name, "type": kind} for name, kind in names.items()],
                        "primaryKey": "id",
                    },
                }
            )
        package = {
            "name": "casehub-directory",
            "profile": "tabular-data-package",
            "description": "CaseHub service directory in Open Referral HSDS 3.0 with the CaseHub profile.",
            "resources": resources,
        }
        archive.writestr("datapackage.json", json.dumps(package, indent=2))
    return buffer.getvalue()


class PackageError(ValueError):
    pass


def _typed(value: str, kind: str):
    if value == "":
        return None
    if kind in ("number", "integer"):
        try:
            number = float(value)
        except ValueError:
            return value  # left as text: validation names the field and the bad value
        return int(number) if number.is_integer() else number
    if kind == "boolean":
        return {"true": True, "false": False}.get(value.strip().lower(), value)
    if kind == "array":
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        return parsed if isinstance(parsed, list) else value
    return value


def read_package(data: bytes) -> dict[str, list[dict]]:
    """Tables from a zip holding datapackage.json and its CSV files (HSDS table names)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise PackageError("the file is not a zip archive") from None
    with archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise PackageError("the package unpacks to more than 50 MB")
        names = {info.filename.rsplit("/", 1)[-1]: info.filename for info in archive.infolist()}
        if "datapackage.json" not in names:
            raise PackageError("datapackage.json is missing")
        try:
            package = json.loads(archive.read(names["datapackage.json"]))
            resources = package["resources"]
        except (ValueError, KeyError, TypeError):
            raise PackageError("datapackage.json is not a valid data package") from None
        by_path = {spec["path"]: table for table, spec in tabular_tables().items()}
        tables = {}
        for resource in resources:
            path = str(resource.get("path", "")).rsplit("/", 1)[-1]
            table = resource.get("name") if resource.get("name") in tabular_tables() else by_path.get(path)
            if table is None:
                continue
            if path not in names:
                raise PackageError(f"{path} is listed in datapackage.json but missing from the archive")
            declared = {f["name"]: f.get("type", "string") for f in resource.get("schema", {}).get("fields", [])}
            kinds = {**columns(table), **declared}
            try:
                text = archive.read(names[path]).decode("utf-8-sig")
            except UnicodeDecodeError:
                raise PackageError(f"{path} is not UTF-8 text") from None
            rows = []
            try:
                for raw in csv.DictReader(io.StringIO(text)):
                    row = {
                        k: _typed(v or "", kinds.get(k, "string")) for k, v in raw.items() if isinstance(k, str) and k
                    }
                    rows.append({k: v for k, v in row.items() if v is not None})
            except csv.Error as error:
                raise PackageError(f"{path} is not valid CSV: {error}") from None
            tables[table] = rows
    return tables
