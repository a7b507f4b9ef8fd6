"""HSDS tables to nested service documents (the JSON form) and back."""

from collections import defaultdict

# Child tables nested under a service or a location, and the key that points at the owner.
SERVICE_CHILDREN = {
    "phone": "phones",
    "schedule": "schedules",
    "service_area": "service_areas",
    "language": "languages",
    "required_document": "required_documents",
}
LOCATION_CHILDREN = {"address": "addresses", "phone": "phones", "language": "languages", "schedule": "schedules"}


def _group(rows: list[dict], key: str) -> dict[str, list[dict]]:
    grouped = defaultdict(list)
    for row in rows:
        if row.get(key):
            grouped[row[key]].append(row)
    return grouped


def service_documents(tables: dict[str, list[dict]]) -> list[dict]:
    """One fully nested HSDS service document per service row."""
    organizations = {row["id"]: row for row in tables["organization"]}
    terms = {row["id"]: row for row in tables["taxonomy_term"]}
    taxonomies = {row["id"]: row for row in tables["taxonomy"]}
    by_service = {table: _group(tables[table], "service_id") for table in SERVICE_CHILDREN}
    by_location = {table: _group(tables[table], "location_id") for table in LOCATION_CHILDREN}
    locations = {row["id"]: row for row in tables["location"]}
    links = _group(tables["service_at_location"], "service_id")
    attributes = _group(tables["attribute"], "link_id")
    documents = []
    for row in tables["service"]:
        document = dict(row)
        if row.get("organization_id") in organizations:
            document["organization"] = dict(organizations[row["organization_id"]])
        for table, key in SERVICE_CHILDREN.items():
            document[key] = [dict(r) for r in by_service[table].get(row["id"], [])]
        document["service_at_locations"] = []
        for link in links.get(row["id"], []):
            nested = dict(link)
            location = locations.get(link.get("location_id"))
            if location is not None:
                nested["location"] = dict(location)
                for table, key in LOCATION_CHILDREN.items():
                    nested["location"][key] = [dict(r) for r in by_location[table].get(location["id"], [])]
            document["service_at_locations"].append(nested)
        document["attributes"] = []
        for attribute in attributes.get(row["id"], []):
            nested = dict(attribute)
            term = terms.get(attribute.get("taxonomy_term_id"))
            if term is not None:
                nested["taxonomy_term"] = dict(term)
                if term.get("taxonomy_id") in taxonomies:
                    nested["taxonomy_term"]["taxonomy_detail"] = dict(taxonomies[term["taxonomy_id"]])
            document["attributes"].append(nested)
        documents.append(document)
    return documents


def tables_from_documents(documents: list[dict]) -> dict[str, list[dict]]:
    """Flatten service documents into tables; nested ids fill in the keys the rows leave out."""
    tables = defaultdict(list)
    seen = defaultdict(set)

    def add(table: str, row: dict) -> None:
        key = row.get("id")
        if key is not None and key in seen[table]:
            return  # the same organization, location or term nested under several services
        if key is not None:
            seen[table].add(key)
        tables[table].append(row)

    nested_keys = {"organization", "service_at_locations", "attributes", "program", *SERVICE_CHILDREN.values()}
    for document in documents:
        if not isinstance(document, dict):
            tables["service"].append({"__invalid__": "a service must be a JSON object"})
            continue
        service = {k: v for k, v in document.items() if k not in nested_keys}
        organization = document.get("organization")
        if isinstance(organization, dict):
            service.setdefault("organization_id", organization.get("id"))
            add("organization", {k: v for k, v in organization.items() if not isinstance(v, list)})
        add("service", service)
        for table, key in SERVICE_CHILDREN.items():
            for row in document.get(key) or []:
                add(table, {**_scalars(row), "service_id": row.get("service_id", service.get("id"))})
        for link in document.get("service_at_locations") or []:
            location = link.get("location")
            row = {**_scalars(link), "service_id": link.get("service_id", service.get("id"))}
            if isinstance(location, dict):
                row.setdefault("location_id", location.get("id"))
                add("location", _scalars(location))
                for table, key in LOCATION_CHILDREN.items():
                    for child in location.get(key) or []:
                        add(table, {**_scalars(child), "location_id": child.get("location_id", location.get("id"))})
            add("service_at_location", row)
        for attribute in document.get("attributes") or []:
            term = attribute.get("taxonomy_term")
            row = {**_scalars(attribute), "link_id": attribute.get("link_id", service.get("id"))}
            if isinstance(term, dict):
                row.setdefault("taxonomy_term_id", term.get("id"))
                add("taxonomy_term", _scalars(term))
                detail = term.get("taxonomy_detail")
                if isinstance(detail, dict):
                    add("taxonomy", _scalars(detail))
            add("attribute", row)
    return dict(tables)


def _scalars(row) -> dict:
    if not isinstance(row, dict):
        return {"__invalid__": "expected a JSON object"}
    return {k: v for k, v in row.items() if not isinstance(v, dict) and not (isinstance(v, list) and k in _NESTED)}


# Nested lists HSDS allows on child objects; our own list-valued extensions stay.
_NESTED = {"phones", "schedules", "languages", "addresses", "contacts", "accessibility", "attributes", "metadata"}
