"""The landlord's working calendar: bank holidays plus the closures set in the admin."""

from putright.complaints.models import NonWorkingDay
from putright.rules.calendar import WorkingCalendar


def landlord_calendar() -> WorkingCalendar:
    closures = dict(NonWorkingDay.objects.values_list("day", "reason"))
    return WorkingCalendar.england_and_wales(extra_closures=closures)
