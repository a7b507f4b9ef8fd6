"""Case services: every write to a case and its records, with its history entry and audit event.

Views and the API validate input at the edge and call these; authorization is checked before,
through casehub.access. History and audit name the fields that changed, never their values,
except coded (unencrypted) fields, whose old and new codes are kept.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record, audit_record_many
from casehub import coding, search
from casehub.access import CaseAction, actor_for, case_actions, case_field_groups
from casehub.crypto.files import attachment_open, attachment_store
from casehub.crypto.keyring import data_key_assign
from casehub.models import (
    AttachmentKind,
    Case,
    CaseAttachment,
    CaseEvent,
    CaseNote,
    CaseNoteRevision,
    CaseNumberCounter,
    CaseStatus,
    CaseTask,
    IdentityDocumentKind,
    NameKind,
    SurvivorDocument,
    SurvivorName,
    SurvivorPhone,
)
from casehub.multichoice import MultiChoiceField
from notifications.models import NotificationKind
from notifications.services import about, notify
from orgs import codes, fieldgroups
from orgs.models import Membership, Role

ENCRYPTED_FIELDS = (
    "date_of_birth",
    "estimated_age",
    "email",
    "current_address",
    "narrative",
    "safety_plan",
    "contact_instructions",
)
IDENTIFIER_FIELDS = ("legal_name", "preferred_name", "aliases", "phones", "identity_documents")
# The fields a case is searched by (casehub/search.py): a change to one rebuilds its terms.
SEARCHED_FIELDS = frozenset({"legal_name", "preferred_name", "aliases", "phones", "email"})
CODED_FIELDS = (*fieldgroups.CASE_FIELDS[fieldgroups.CASE_DETAILS], "risk_level")
DETAIL_FIELDS = frozenset(ENCRYPTED_FIELDS + IDENTIFIER_FIELDS + CODED_FIELDS)
# The field group each writable detail belongs to (writes outside a caller's groups are refused).
DETAIL_GROUP = {
    **dict.fromkeys(
        ("legal_name", "preferred_name", "aliases", "identity_documents", "date_of_birth", "estimated_age"),
        fieldgroups.IDENTITY,
    ),
    **dict.fromkeys(("phones", "email", "current_address"), fieldgroups.CONTACT),
    **dict.fromkeys(("contact_instructions", "safety_plan"), fieldgroups.SAFETY),
    "narrative": fieldgroups.NARRATIVE,
    **dict.fromkeys(CODED_FIELDS, fieldgroups.CASE_DETAILS),
}

CASE_NUMBER_PREFIX = {
    "shelter": "SHL",
    "legal_aid": "LEG",
    "medical": "MED",
    "mental_health": "MHS",
    "hotline": "HOT",
    "government": "GOV",
    "ngo": "NGO",
    "other": "ORG",
}


def case_number_next(organization) -> str:
    """The organization's next case number for this year, e.g. SHL-2026-0042 (call inside a transaction)."""
    year = timezone.now().year
    counter, _created = CaseNumberCounter.objects.select_for_update().get_or_create(
        organization=organization, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{CASE_NUMBER_PREFIX.get(organization.kind, 'ORG')}-{year}-{counter.last:04d}"


def _check_coded(values: dict) -> None:
    errors = {}
    for name, value in values.items():
        field = Case._meta.get_field(name)
        if isinstance(field, MultiChoiceField):
            try:
                field.validate(value, None)
            except ValidationError as error:
                errors[name] = error.messages
        elif field.choices and value not in ("", None) and value not in dict(field.choices):
            errors[name] = [_("Unknown value.")]
        if name in ISO_CODED and not all(ISO_CODED[name](code) for code in _as_list(value) if code):
            errors[name] = [_("Unknown country or language code.")]
    if errors:
        raise ValidationError(errors)


def _as_list(value) -> list:
    return list(value) if isinstance(value, list | tuple) else [value]


# Coded fields holding ISO codes: countries (ISO 3166-1 alpha-2) and languages (ISO 639).
ISO_CODED = {
    "citizenship": codes.is_country,
    "identified_country": codes.is_country,
    "primary_language": codes.is_language,
    "other_languages": codes.is_language,
}


def _identifiers(case: Case, groups=(fieldgroups.IDENTITY, fieldgroups.CONTACT)) -> dict:
    """Names and document numbers (identity) and phone numbers (contact) of the groups given."""
    found = {}
    if fieldgroups.IDENTITY in groups:
        names = _of_case(SurvivorName, case)
        found.update(
            legal_name=next((n.value for n in names if n.kind == NameKind.LEGAL), ""),
            preferred_name=next((n.value for n in names if n.kind == NameKind.PREFERRED), ""),
            aliases=[n.value for n in names if n.kind == NameKind.ALIAS],
            identity_documents=[{"kind": d.kind, "number": d.value} for d in _of_case(SurvivorDocument, case)],
        )
    if fieldgroups.CONTACT in groups:
        found["phones"] = [p.value for p in _of_case(SurvivorPhone, case)]
    return found


def _of_case(model, case: Case) -> list:
    """The case's rows of ``model``, each handed the case row: its data key is unwrapped from the
    columns already loaded with the case, not looked up again."""
    rows = list(model.objects.filter(case=case).order_by("id"))
    for row in rows:
        row.case = case
    return rows


def _replace_identifiers(case: Case, name: str, value) -> None:
    if name in ("legal_name", "preferred_name", "aliases"):
        kind = {"legal_name": NameKind.LEGAL, "preferred_name": NameKind.PREFERRED, "aliases": NameKind.ALIAS}[name]
        SurvivorName.objects.filter(case=case, kind=kind).delete()
        values = value if name == "aliases" else [value]
        for text in values:
            if text:
                SurvivorName(case=case, kind=kind, value=text).save()
    elif name == "phones":
        SurvivorPhone.objects.filter(case=case).delete()
        for text in value:
            SurvivorPhone(case=case, value=text).save()
    elif name == "identity_documents":
        SurvivorDocument.objects.filter(case=case).delete()
        for document in value:
            if document.get("kind") not in IdentityDocumentKind.values:
                raise ValidationError({"identity_documents": [_("Unknown kind of identity document.")]})
            SurvivorDocument(case=case, kind=document["kind"], value=document["number"]).save()


def _apply_details(case: Case, details: dict, *, creating: bool) -> tuple[list[str], dict]:
    """Set the given details on the case; returns (changed field names, coded old/new values)."""
    unknown = set(details) - DETAIL_FIELDS
    if unknown:
        raise ValidationError(_("Unknown case fields: %(names)s") % {"names": ", ".join(sorted(unknown))})
    coded = {name: value for name, value in details.items() if name in CODED_FIELDS}
    _check_coded(coded)
    born = details.get("date_of_birth")
    if born is not None and born > timezone.localdate():
        raise ValidationError({"date_of_birth": [_("A date of birth cannot be in the future.")]})
    touched = {DETAIL_GROUP[name] for name in details if name in IDENTIFIER_FIELDS}
    current = {} if creating or not touched else _identifiers(case, touched)
    changed, changes = [], {}
    for name, value in details.items():
        if name in IDENTIFIER_FIELDS:
            if creating or current.get(name) != value:
                changed.append(name)
        elif name in CODED_FIELDS:
            old = getattr(case, name)
            if isinstance(old, list) and isinstance(value, list | tuple) and sorted(old) == sorted(value):
                continue  # the same values in another order are no change
            if creating or old != value:
                changed.append(name)
                if not creating:
                    changes[name] = {"from": old, "to": value}
            setattr(case, name, value)
        else:
            if creating or getattr(case, name) != value:
                changed.append(name)
                setattr(case, name, value)
    return changed, changes


def _require(by, case: Case, *actions: CaseAction) -> None:
    """Refuse (403) unless the case policy lets ``by`` do one of ``actions`` with the case (the
    views asked already: this keeps every caller, task or command to the same rule)."""
    if not set(actions) & case_actions(by, case):
        raise PermissionDenied


def _event(case: Case, *, actor, action: str, fields=(), changes=None, comment=None) -> CaseEvent:
    event = CaseEvent(
        case=case, actor=actor, action=action, fields=list(fields), changes=changes or {}, comment=comment
    )
    event.save()
    return event


def _tell_assigned(people, kind: str, link: str, *, by, event: CaseEvent) -> None:
    """The people given work are told, by a link, the kind of work and the case number only, unless
    they gave it to themselves."""
    notify(
        [person for person in people if by is None or person.pk != by.pk],
        kind,
        link,
        dedupe_key=f"{event.uuid}",
        about=about(subject=event.case.case_number),
    )


def _touch(case: Case, by) -> None:
    case.updated_at = timezone.now()
    case.updated_by = by


class ExternalReferenceTaken(Exception):
    """Another case of the organization has this external reference."""


def _check_external_reference(organization, reference: str, *, case: Case | None = None) -> None:
    others = Case.objects.filter(organization=organization, external_reference=reference)
    if case is not None:
        others = others.exclude(pk=case.pk)
    if reference and others.exists():
        raise ExternalReferenceTaken


@transaction.atomic
def case_create(
    *, organization, by=None, case_number: str | None = None, external_reference: str = "", **details
) -> Case:
    """Open a case with its own fresh data key; the creating caseworker is assigned to it.

    Refused (PermissionDenied) when ``by`` may not open cases, or gives details of a field group
    their role may not see: nobody writes what they could not read back. ExternalReferenceTaken
    when another case of the organization has ``external_reference``.
    """
    if by is not None:
        actor = actor_for(by)
        if not actor.works_cases or actor.organization_id != organization.pk:
            raise PermissionDenied
        if any(name in DETAIL_GROUP and DETAIL_GROUP[name] not in actor.own_groups for name in details):
            raise PermissionDenied(_("Some of these fields are outside what you may see."))
    _check_external_reference(organization, external_reference)
    case = Case(
        organization=organization,
        case_number=case_number or case_number_next(organization),
        external_reference=external_reference,
        created_by=by,
        updated_by=by,
    )
    data_key_assign(case)
    changed, _changes = _apply_details(
        case, {k: v for k, v in details.items() if k not in IDENTIFIER_FIELDS}, creating=True
    )
    _save_with_reference(case, force_insert=True)
    for name in IDENTIFIER_FIELDS:
        if name in details:
            _replace_identifiers(case, name, details[name])
            changed.append(name)
    if SEARCHED_FIELDS & set(changed):
        search.reindex(case)
    if by is not None and getattr(by.membership, "role", None) == Role.CASEWORKER:
        case.assigned_caseworkers.add(by)
    _event(case, actor=by, action="created", fields=changed)
    audit_record("case.created", actor=by, organization=organization, target=case)
    return case


def _save_with_reference(case: Case, **save_options) -> None:
    """Save; a concurrent writer that took the same external reference first is a refusal too."""
    try:
        with transaction.atomic():
            case.save(**save_options)
    except IntegrityError:
        _check_external_reference(case.organization, case.external_reference, case=case)
        raise


@transaction.atomic
def case_update(*, case: Case, by, **details) -> list[str]:
    """Change survivor or coded details; returns the names of the fields that changed.

    Refused (PermissionDenied, nothing written) when a field lies outside the field groups the
    case policy lets ``by`` see: nobody overwrites what they may not read.
    """
    _require(by, case, CaseAction.EDIT)
    groups = case_field_groups(by, case)
    if any(DETAIL_GROUP.get(name) not in groups for name in details if name in DETAIL_GROUP):
        raise PermissionDenied(_("Some of these fields are outside what you may see."))
    reference = details.pop("external_reference", case.external_reference)
    changed, changes = _apply_details(case, details, creating=False)
    if reference != case.external_reference:
        # The partner's id is the owner organization's business, as its case number is.
        if case.organization_id != by.membership.organization_id:
            raise PermissionDenied
        _check_external_reference(case.organization, reference, case=case)
        case.external_reference = reference
        changed.append("external_reference")
    if not changed:
        return []
    for name in IDENTIFIER_FIELDS:
        if name in changed:
            _replace_identifiers(case, name, details[name])
    _touch(case, by)
    _save_with_reference(case)
    if SEARCHED_FIELDS & set(changed):
        search.reindex(case)
    _event(case, actor=by, action="updated", fields=changed, changes=changes)
    audit_record("case.updated", actor=by, organization=case.organization, target=case, details={"fields": changed})
    return changed


@transaction.atomic
def case_assign(*, case: Case, by, caseworkers: list) -> None:
    _require(by, case, CaseAction.ASSIGN)
    valid = set(
        Membership.objects.filter(
            organization=case.organization, is_active=True, role__in=[Role.CASEWORKER, Role.COORDINATOR]
        ).values_list("user_id", flat=True)
    )
    if any(user.pk not in valid for user in caseworkers):
        raise ValidationError(_("Only active caseworkers and coordinators of the organization can be assigned."))
    before = set(case.assigned_caseworkers.values_list("pk", flat=True))
    after = {user.pk for user in caseworkers}
    case.assigned_caseworkers.set(caseworkers)
    _touch(case, by)
    case.save(update_fields=["updated_at", "updated_by"])
    changes = {"assigned": {"from": sorted(before), "to": sorted(after)}}
    event = _event(case, actor=by, action="assigned", fields=["assigned_caseworkers"], changes=changes)
    audit_record("case.assigned", actor=by, organization=case.organization, target=case, details=changes)
    newly = [user for user in caseworkers if user.pk not in before]
    _tell_assigned(
        newly, NotificationKind.CASE_ASSIGNED, reverse("cases:survivor", args=[case.uuid]), by=by, event=event
    )


@transaction.atomic
def case_set_restricted(*, case: Case, by, restricted: bool) -> None:
    _require(by, case, CaseAction.RESTRICT)
    if case.restricted == restricted:
        return
    case.restricted = restricted
    _touch(case, by)
    case.save(update_fields=["restricted", "updated_at", "updated_by"])
    _event(case, actor=by, action="restricted" if restricted else "unrestricted", fields=["restricted"])
    audit_record(
        "case.restricted", actor=by, organization=case.organization, target=case, details={"restricted": restricted}
    )


@transaction.atomic
def case_close(*, case: Case, by, reason: str) -> None:
    _require(by, case, CaseAction.CLOSE)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("The case is already closed."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the case is closed.")]})
    case.status = CaseStatus.CLOSED
    case.closed_at = timezone.now()
    case.closed_by = by
    _touch(case, by)
    case.save(update_fields=["status", "closed_at", "closed_by", "updated_at", "updated_by"])
    _event(case, actor=by, action="closed", fields=["status"], comment=reason.strip())
    audit_record("case.closed", actor=by, organization=case.organization, target=case)


@transaction.atomic
def case_reopen(*, case: Case, by, reason: str) -> None:
    _require(by, case, CaseAction.CLOSE)
    if case.status != CaseStatus.CLOSED:
        raise ValidationError(_("Only a closed case can be reopened."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the case is reopened.")]})
    case.status = CaseStatus.ACTIVE
    case.closed_at = None
    case.closed_by = None
    _touch(case, by)
    case.save(update_fields=["status", "closed_at", "closed_by", "updated_at", "updated_by"])
    _event(case, actor=by, action="reopened", fields=["status"], comment=reason.strip())
    audit_record("case.reopened", actor=by, organization=case.organization, target=case)


def case_viewed(*, case: Case, by, groups) -> None:
    """Account for a view of decrypted fields: who, which case, which field groups."""
    audit_record(
        "case.viewed",
        actor=by,
        organization=by.membership.organization,
        target=case,
        details={"groups": sorted(groups)},
    )


def cases_listed(*, cases, by, groups) -> None:
    """Account for a list that showed ``groups`` of these cases."""
    cases_listed_by_groups(listed={tuple(sorted(groups)): list(cases)}, by=by)


def cases_listed_by_groups(*, listed: dict[tuple, list], by) -> None:
    """Account for a list whose cases showed different groups: one ``case.listed`` event per set
    of groups, appended together (one lock of the audit head for the whole list)."""
    listed = {groups: cases for groups, cases in listed.items() if cases}
    if not listed:
        return
    organization = by.membership.organization
    audit_record_many(
        [
            {
                "action": "case.listed",
                "actor": by,
                "organization": organization,
                "details": {"cases": [str(case.uuid) for case in cases], "groups": sorted(groups)},
            }
            for groups, cases in listed.items()
        ]
    )


# Notes, tasks, attachments ---------------------------------------------------------------------


@transaction.atomic
def note_add(*, case: Case, by, body: str) -> CaseNote:
    _require(by, case, CaseAction.NOTE)
    if not body.strip():
        raise ValidationError({"body": [_("Write the note.")]})
    note = CaseNote(case=case, author=by, organization=by.membership.organization, body=body)
    note.save()
    _touch(case, by)
    case.save(update_fields=["updated_at", "updated_by"])
    _event(case, actor=by, action="note_added", fields=["notes"])
    audit_record(
        "case.note_added", actor=by, organization=note.organization, target=case, details={"note": str(note.uuid)}
    )
    return note


@transaction.atomic
def note_edit(*, note: CaseNote, by, body: str) -> CaseNote:
    """Only the author edits a note; the earlier text is kept, encrypted, as a revision."""
    _require(by, note.case, CaseAction.NOTE)
    if note.author_id != by.pk:
        raise PermissionDenied(_("Only the author can edit a note."))
    if not body.strip():
        raise ValidationError({"body": [_("Write the note.")]})
    if body == note.body:
        return note
    CaseNoteRevision(
        case=note.case, note=note, body=note.body, written_by=note.author, written_at=note.edited_at or note.created_at
    ).save()
    note.body = body
    note.edited_at = timezone.now()
    note.save()
    _event(note.case, actor=by, action="note_edited", fields=["notes"])
    audit_record(
        "case.note_edited", actor=by, organization=note.organization, target=note.case, details={"note": str(note.uuid)}
    )
    return note


@transaction.atomic
def task_add(*, case: Case, by, title: str, due_on: date | None = None, assignee=None) -> CaseTask:
    _require(by, case, CaseAction.TASK)
    if not title.strip():
        raise ValidationError({"title": [_("Say what needs doing.")]})
    if due_on is not None and due_on < timezone.localdate():
        raise ValidationError({"due_on": [_("Choose today or a later day.")]})
    if (
        assignee is not None
        and not Membership.objects.filter(user=assignee, organization=case.organization, is_active=True).exists()
    ):
        raise ValidationError({"assignee": [_("Assign the task to a member of the organization.")]})
    task = CaseTask(case=case, title=title.strip(), due_on=due_on, assignee=assignee, created_by=by)
    task.save()
    event = _event(case, actor=by, action="task_added", fields=["tasks"])
    audit_record(
        "case.task_added", actor=by, organization=case.organization, target=case, details={"task": str(task.uuid)}
    )
    if assignee is not None:
        _tell_assigned([assignee], NotificationKind.TASK_ASSIGNED, _tasks_link(case), by=by, event=event)
    return task


def _tasks_link(case: Case) -> str:
    return reverse("cases:tasks", args=[case.uuid])


@transaction.atomic
def task_set_done(*, task: CaseTask, by, done: bool) -> CaseTask:
    _require(by, task.case, CaseAction.TASK)
    task.done_at = timezone.now() if done else None
    task.save(update_fields=["done_at"])
    _event(task.case, actor=by, action="task_done" if done else "task_reopened", fields=["tasks"])
    audit_record(
        "case.task_done" if done else "case.task_reopened",
        actor=by,
        organization=task.case.organization,
        target=task.case,
        details={"task": str(task.uuid)},
    )
    return task


_UNSET = object()


@transaction.atomic
def task_update(*, task: CaseTask, by, title=_UNSET, done=_UNSET, due_on=_UNSET, assignee=_UNSET) -> CaseTask:
    """Reword a task, mark it done or not, move its due date (never to a day already past), or
    give it to another member; one history entry."""
    _require(by, task.case, CaseAction.TASK)
    changed = []
    if title is not _UNSET and title.strip() != task.title:
        if not title.strip():
            raise ValidationError({"title": [_("Say what needs doing.")]})
        task.title = title.strip()
        changed.append("title")
    if assignee is not _UNSET and assignee != task.assignee:
        if (
            assignee is not None
            and not Membership.objects.filter(
                user=assignee, organization=task.case.organization, is_active=True
            ).exists()
        ):
            raise ValidationError({"assignee": [_("Assign the task to a member of the organization.")]})
        task.assignee = assignee
        changed.append("assignee")
    if due_on is not _UNSET and due_on != task.due_on:
        if due_on is not None and due_on < timezone.localdate():
            raise ValidationError({"due_on": [_("Choose today or a later day.")]})
        task.due_on = due_on
        changed.append("due_on")
    if done is not _UNSET and done != (task.done_at is not None):
        task.done_at = timezone.now() if done else None
        changed.append("done_at")
    if not changed:
        return task
    task.save(update_fields=changed)
    event = _event(task.case, actor=by, action="task_updated", fields=["tasks"])
    audit_record(
        "case.task_updated",
        actor=by,
        organization=task.case.organization,
        target=task.case,
        details={"task": str(task.uuid), "fields": changed},
    )
    if "assignee" in changed and task.assignee is not None:
        _tell_assigned([task.assignee], NotificationKind.TASK_ASSIGNED, _tasks_link(task.case), by=by, event=event)
    return task


@transaction.atomic
def task_delete(*, task: CaseTask, by) -> None:
    """Remove a task (made in error, or no longer needed); the history keeps that it was removed."""
    _require(by, task.case, CaseAction.TASK)
    task_uuid = str(task.uuid)
    task.delete()
    _event(task.case, actor=by, action="task_deleted", fields=["tasks"])
    audit_record(
        "case.task_deleted",
        actor=by,
        organization=task.case.organization,
        target=task.case,
        details={"task": task_uuid},
    )


@transaction.atomic
def attachment_add(*, case: Case, by, upload, kind: str, description: str = "") -> CaseAttachment:
    """Encrypt and store a document or photo; raises casehub.crypto.files.AttachmentRejected."""
    _require(by, case, CaseAction.DOCUMENT, *([CaseAction.CONSENT] if kind == AttachmentKind.CONSENT else []))
    attachment = CaseAttachment(case=case, kind=kind, description=description or None, uploaded_by=by)
    stored = attachment_store(record=attachment, upload=upload)
    attachment.file, attachment.content_type, attachment.size = stored.name, stored.content_type, stored.size
    # The file is on disk before the row commits; a rolled-back row leaves an unreadable orphan only.
    attachment.save()
    _event(case, actor=by, action="attachment_added", fields=["attachments"])
    audit_record(
        "case.attachment_added",
        actor=by,
        organization=case.organization,
        target=case,
        details={"attachment": str(attachment.uuid)},
    )
    return attachment


def attachment_read(*, attachment: CaseAttachment, by):
    """A document's decrypted content, as a stream of chunks; the read is audited first."""
    _require(by, attachment.case, CaseAction.DOWNLOAD)
    audit_record(
        "case.attachment_viewed",
        actor=by,
        organization=by.membership.organization,
        target=attachment.case,
        details={"attachment": str(attachment.uuid), "groups": [fieldgroups.DOCUMENTS]},
    )
    return attachment_open(record=attachment, name=attachment.file)


EXTENSIONS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/tiff": "tiff",
}


def attachment_download_name(attachment: CaseAttachment) -> str:
    """Never the survivor's name nor the original file name: the case number and a random part."""
    extension = EXTENSIONS.get(attachment.content_type, "bin")
    return f"{attachment.case.case_number}-{uuid.uuid4().hex[:8]}.{extension}"


def survivor_details(case: Case, groups) -> dict:
    """The decrypted details of a case, limited to the field groups given (nothing else is decrypted)."""
    details = _identifiers(case, groups)
    if fieldgroups.IDENTITY in groups:
        details.update(date_of_birth=case.date_of_birth, estimated_age=case.estimated_age)
    if fieldgroups.CONTACT in groups:
        details.update(email=case.email, current_address=case.current_address)
    if fieldgroups.SAFETY in groups:
        details.update(contact_instructions=case.contact_instructions or {}, safety_plan=case.safety_plan)
    if fieldgroups.NARRATIVE in groups:
        details["narrative"] = case.narrative
    if fieldgroups.CASE_DETAILS in groups:
        details.update({name: getattr(case, name) for name in CODED_FIELDS})
    return details


def age_band_conflict(case: Case, details: dict) -> str:
    """The age band a date of birth gives, when the case records another one ("" when they agree,
    or either is unknown or not shown): a flag for a person to look at, not a refusal."""
    born = details.get("date_of_birth")
    band = case.age_band
    if born is None or not band or band == coding.AgeBand.UNKNOWN:
        return ""
    found = coding.age_band_of(born, timezone.localdate())
    return found if found != band else ""
