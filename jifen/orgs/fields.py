"""Model fields that keep their value encrypted in the database (jifen/orgs/encryption.py) and
the blind index that lets one of them be looked up and kept unique.

In Python an encrypted field holds its plain value, as any field does: forms, validators,
serializers and exports see the ID number, the phone, the birth date. Only the database column
holds the encrypted text. Since an encrypted column cannot be compared, the fields refuse every
look-up but `isnull` (a filter on the ID number goes through its blind index, see
jifen.orgs.selectors), and cannot be ordered by in the database.
"""

import datetime

from django.core.exceptions import FieldError
from django.db import models

from jifen.orgs import encryption


class _Encrypted:
    """Mixin over a Django field: the column is text holding the encrypted value. Empty values
    (None, "") are stored as they are: that a member has no phone is not a secret."""

    def get_internal_type(self):
        return "TextField"

    def _column(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def _text(self, value) -> str:
        return str(value)

    def _value(self, text: str):
        return text

    def get_db_prep_value(self, value, connection, prepared=False):
        value = self.get_prep_value(value) if not prepared else value
        if value is None or value == "":
            return value
        return encryption.encrypt(self._text(value), self._column())

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return self._value(encryption.decrypt(value, self._column()))

    def value_to_string(self, obj):
        """What a dump writes (dumpdata, manage.py backup): the value encrypted, never in clear.
        `to_python` reads it back, so a restore on a server holding the key loads it."""
        value = self.value_from_object(obj)
        if value is None or value == "":
            return value
        return encryption.encrypt(self._text(value), self._column())

    def to_python(self, value):
        if isinstance(value, str) and encryption.is_encrypted(value):
            value = self._value(encryption.decrypt(value, self._column()))
        return super().to_python(value)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(
            f"{self.name} is stored encrypted and cannot be compared in the database "
            f"(`{lookup_name}`); an ID number is found through jifen.orgs.selectors."
        )

    def get_transform(self, lookup_name):
        return None


class EncryptedCharField(_Encrypted, models.CharField):
    """Text kept encrypted; `max_length` bounds the plain value (forms, validation), not the
    column."""

    def get_prep_value(self, value):
        # CharField's own turns None into "" and leaves the rest to to_python.
        return self.to_python(value)


class EncryptedDateField(_Encrypted, models.DateField):
    def get_prep_value(self, value):
        return self.to_python(value)

    def _text(self, value: datetime.date) -> str:
        return value.isoformat()

    def _value(self, text: str) -> datetime.date:
        return datetime.date.fromisoformat(text)


class BlindIndexField(models.CharField):
    """The keyed blind index of another field's normalised value (`source`, `normalise`),
    recomputed whenever the row is written: by save(), by bulk_create, and by a save() whose
    update_fields name the source (the model adds this field to them)."""

    def __init__(self, *args, source: str = "", normalise=None, **kwargs):
        self.source, self.normalise = source, normalise
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"], kwargs["normalise"] = self.source, self.normalise
        if kwargs.get("max_length") == 64:
            del kwargs["max_length"]
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.source)
        index = encryption.blind_index(self.normalise(value)) if value else None
        setattr(model_instance, self.attname, index)
        return index
