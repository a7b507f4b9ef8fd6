"""The audit trail as people read it: an action's subject and deed, an outcome and the details
as "name: value" pairs, never a Python repr. Actions are codes ("case.task_added"), read in the
reader's language; a deed not listed here is read from its code."""

from django.utils.translation import gettext_lazy as _

SUBJECTS = {
    "api_token": _("API token"),
    "auth": _("Account"),
    "case": _("Case"),
    "consent": _("Consent"),
    "crypto": _("Encryption keys"),
    "directory": _("Directory"),
    "export": _("Export"),
    "invitation": _("Invitation"),
    "membership": _("Membership"),
    "need": _("Need"),
    "organization": _("Organization"),
    "override": _("Emergency access"),
    "platform_admin": _("Platform admin"),
    "referral": _("Referral"),
    "request": _("Request"),
    "service": _("Service"),
    "share": _("Share"),
    "transfer": _("Transfer"),
    "user": _("Person"),
}
DEEDS = {
    "created": _("created"),
    "revoked": _("revoked"),
    "2fa_enrolled": _("second factor set up"),
    "2fa_enrollment": _("second factor setup"),
    "password_changed": _("password changed"),
    "password_reset": _("password reset"),
    "password_reset_requested": _("password reset asked for"),
    "revoked_all": _("all revoked"),
    "recovery_codes_generated": _("recovery codes made"),
    "second_factor": _("second factor checked"),
    "sign_in": _("signed in"),
    "sign_out": _("signed out"),
    "signed_out_everywhere": _("signed out everywhere"),
    "assigned": _("assignment changed"),
    "attachment_added": _("document added"),
    "attachment_viewed": _("document opened"),
    "closed": _("closed"),
    "erase_cancelled": _("erasure cancelled"),
    "erase_requested": _("erasure requested"),
    "erased": _("erased"),
    "exported": _("exported"),
    "listed": _("listed"),
    "note_added": _("note added"),
    "note_edited": _("note edited"),
    "rekeyed": _("key re-wrapped"),
    "reopened": _("reopened"),
    "restricted": _("restriction changed"),
    "task_added": _("task added"),
    "task_deleted": _("task removed"),
    "task_done": _("task done"),
    "task_reopened": _("task marked not done"),
    "task_updated": _("task changed"),
    "updated": _("changed"),
    "viewed": _("viewed"),
    "recorded": _("recorded"),
    "withdrawn": _("withdrawn"),
    "rotation_finished": _("rotation finished"),
    "rotation_started": _("rotation started"),
    "capacity_update": _("capacity updated"),
    "export": _("exported"),
    "export_started": _("export started"),
    "import": _("imported"),
    "import_started": _("import started"),
    "location_create": _("location added"),
    "location_update": _("location changed"),
    "service_create": _("service added"),
    "service_update": _("service changed"),
    "accepted": _("accepted"),
    "added": _("added"),
    "deactivated": _("deactivated"),
    "role_changed": _("role changed"),
    "applied": _("applied"),
    "checklist": _("checklist changed"),
    "reference_vouched": _("vouched for"),
    "reference_declined": _("vouching declined"),
    "settings_changed": _("settings changed"),
    "time_zone_changed": _("time zone changed"),
    "requested": _("requested"),
    "assign": _("assigned"),
    "expire": _("expired"),
    "refused": _("refused"),
    "ended": _("ended"),
    "handed_to": _("handed on"),
    "cancelled": _("cancelled"),
    "offered": _("offered"),
    "vetted": _("vetted"),
    "rejected": _("rejected"),
    "suspended": _("suspended"),
    "in_review": _("review started"),
    "approved": _("approved"),
    "declined": _("declined"),
    "expired": _("expired"),
    "send": _("sent"),
    "acknowledge": _("acknowledged"),
    "accept": _("accepted"),
    "decline": _("declined"),
    "redirect": _("redirected"),
    "withdraw": _("withdrawn"),
    "start": _("started"),
    "pause": _("put on hold"),
    "resume": _("resumed"),
    "complete": _("completed"),
    "fail": _("failed"),
    "request_information": _("information asked for"),
    "answer": _("answered"),
    "confirm_outcome": _("outcome confirmed"),
    "dispute_outcome": _("outcome disputed"),
    "enter_in_error": _("entered in error"),
    "await_consent": _("waiting for consent"),
    "consent_withdrawn": _("consent withdrawn"),
    "case_erased": _("case erased"),
    "create": _("created"),
}
OUTCOMES = {"success": _("Done"), "denied": _("Refused"), "failure": _("Failed")}


def action_label(action: str) -> str:
    """ "case.task_added" → "Case: task added", both parts in the reader's language where known."""
    subject, _dot, deed = action.partition(".")
    name = SUBJECTS.get(subject, subject.replace("_", " ").capitalize())
    return f"{name}: {DEEDS.get(deed, deed.replace('_', ' '))}" if deed else str(name)


def outcome_label(outcome: str) -> str:
    return str(OUTCOMES.get(outcome, outcome))


def detail_pairs(details) -> list[tuple[str, str]]:
    """The details as (name, value) pairs: lists joined, nested values flattened one level."""
    if not isinstance(details, dict):
        return [("", str(details))] if details else []
    pairs = []
    for name, value in details.items():
        if isinstance(value, dict):
            value = ", ".join(f"{key}: {inner}" for key, inner in value.items())
        elif isinstance(value, list | tuple):
            value = ", ".join(str(each) for each in value)
        pairs.append((name.replace("_", " "), "—" if value in (None, "") else str(value)))
    return pairs
