"""Factories for the complaints app's reference data.

Complaints themselves are built through the real services: see
``putright.complaints.tests.stories``.
"""

import factory

from putright.complaints.models import Category


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"Category {n}")
