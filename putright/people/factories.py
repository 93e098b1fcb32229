"""Factories for homes, residents and tenancies, with British names and addresses."""

from datetime import date

import factory

from putright.people import search
from putright.people.models import Property, Resident, Tenancy, Tenure


class PropertyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Property

    uprn = factory.Sequence(lambda n: f"1000{n:08d}")
    address_line_1 = factory.Faker("street_address", locale="en_GB")
    town = factory.Faker("city", locale="en_GB")
    postcode = factory.Faker("postcode", locale="en_GB")


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    full_name = factory.Faker("name", locale="en_GB")
    email = factory.LazyAttributeSequence(
        lambda r, n: f"{r.full_name.lower().replace(' ', '.').replace("'", '')}{n}@example.org"
    )
    phone = factory.Faker("phone_number", locale="en_GB")
    home = factory.SubFactory(PropertyFactory)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        """Found by the resident finder, as a resident recorded through the services is."""
        super()._after_postgeneration(instance, create, results)
        if create:
            search.reindex([instance.pk])


class TenancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenancy

    resident = factory.SubFactory(ResidentFactory)
    home = factory.SelfAttribute("resident.home")
    tenure = Tenure.LOW_COST_RENTAL
    start_on = date(2019, 4, 1)
