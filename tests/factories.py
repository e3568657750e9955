import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from jifen.orgs.enums import OrgKind
from jifen.orgs.models import Member, Organisation, Placement
from jifen.orgs.signals import members_changed
from jifen.orgs.validators import id_number_check_code

# Every test member is born on this day, the date that their ID numbers carry.
BIRTH_DATE = datetime.date(1990, 3, 1)


def valid_id_number(n: int) -> str:
    """A distinct valid ID number for each n below 100,000: the region code and the sequence
    number vary, the date of birth is BIRTH_DATE."""
    first17 = f"{110100 + n // 1000:06d}{BIRTH_DATE:%Y%m%d}{n % 1000:03d}"
    return first17 + id_number_check_code(first17)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-Jifen-2026")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"第{n}党支部")
    kind = OrgKind.BRANCH
    parent = None
    path = ""

    @factory.post_generation
    def set_path(obj, create, extracted, **kwargs):
        obj.path = f"{obj.parent.path if obj.parent else ''}{obj.pk}/"
        obj.save(update_fields=["path"])


class MemberFactory(factory.django.DjangoModelFactory):
    """A member with the placement that a roster entry starts with."""

    class Meta:
        model = Member
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"党员{n}")
    gender = "male"
    id_number = factory.Sequence(valid_id_number)
    join_date = datetime.date(2015, 7, 1)
    branch = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def placement(obj, create, extracted, **kwargs):
        start = extracted or obj.join_date
        Placement.objects.create(member=obj, branch=obj.branch, start=start)
        # As the roster's services do: the standings follow (jifen.ledger.standings).
        members_changed.send(sender=Member, member_ids=[obj.pk])


def d(value) -> Decimal:
    return Decimal(str(value))
