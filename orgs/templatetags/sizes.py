from django import template

from orgs import sizes

register = template.Library()

register.filter("megabytes", sizes.megabytes)
