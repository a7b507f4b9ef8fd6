"""A portable multi-select column: "|a|b|" in the database, a list in Python, filterable with __has."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Lookup


class MultiChoiceField(models.TextField):
    """Several codes of one vocabulary. SQLite has no JSON containment lookup; LIKE works everywhere."""

    def __init__(self, *args, choices_class=None, **kwargs):
        self.choices_class = choices_class
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("default", None)
        kwargs.pop("blank", None)
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def to_python(self, value):
        if value is None or isinstance(value, list):
            return value or []
        return [code for code in value.split("|") if code]

    def get_prep_value(self, value):
        if isinstance(value, str):
            value = [value]
        codes = sorted(set(value or []))
        return f"|{'|'.join(codes)}|" if codes else ""

    def validate(self, value, model_instance):
        if self.choices_class is None:
            return
        unknown = [code for code in value or [] if code not in self.choices_class.values]
        if unknown:
            raise ValidationError(
                "Unknown value: %(codes)s", params={"codes": ", ".join(unknown)}, code="invalid_choice"
            )

    def value_to_string(self, obj):
        return ",".join(self.value_from_object(obj))


@MultiChoiceField.register_lookup
class Has(Lookup):
    """field__has="code": the row's codes include this one."""

    lookup_name = "has"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        code = str(self.rhs)
        if not code or "|" in code:
            raise ValueError("a code cannot be empty or contain |")
        escaped = code.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return f"{lhs} LIKE %s ESCAPE '\\'", [*lhs_params, f"%|{escaped}|%"]
