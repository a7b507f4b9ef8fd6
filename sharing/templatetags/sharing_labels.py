"""Readable labels for the codes sharing rows hold (field groups, purposes, share status)."""

from django import template

from casehub.grants import Purpose, ShareStatus
from orgs import fieldgroups

register = template.Library()


@register.filter
def group_labels(codes) -> str:
    return ", ".join(str(fieldgroups.LABELS[code]) for code in fieldgroups.ordered(codes or []))


@register.filter
def purpose_labels(codes) -> str:
    labels = dict(Purpose.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes or [])


@register.filter
def share_status(share) -> str:
    return str(dict(ShareStatus.choices).get(share.status, share.status))
