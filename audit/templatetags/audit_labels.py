from django import template

from audit import labels

register = template.Library()
register.filter("action_label", labels.action_label)
register.filter("outcome_label", labels.outcome_label)
register.filter("detail_pairs", labels.detail_pairs)
