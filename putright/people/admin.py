"""Django admin for homes, residents and tenancies: reference data staff keep up to date."""

from django.contrib import admin

from putright.people.models import Property, Resident, Tenancy


class TenancyInline(admin.TabularInline):
    model = Tenancy
    extra = 0
    autocomplete_fields = ("home",)


@admin.register(Property)
class PropertyAdmin(admin.ModelAdmin):
    list_display = ("uprn", "address_line_1", "town", "postcode", "estate", "block", "high_rise")
    list_filter = ("high_rise", "estate", "town")
    search_fields = ("uprn", "address_line_1", "postcode", "block", "estate")


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    list_display = ("full_name", "email", "phone", "home", "is_customer")
    list_filter = ("is_customer",)
    search_fields = ("full_name", "email", "phone", "home__address_line_1", "home__postcode")
    list_select_related = ("home",)
    autocomplete_fields = ("home",)
    inlines = (TenancyInline,)


@admin.register(Tenancy)
class TenancyAdmin(admin.ModelAdmin):
    list_display = ("resident", "home", "tenure", "start_on", "end_on")
    list_filter = ("tenure",)
    search_fields = ("resident__full_name", "home__address_line_1", "home__postcode")
    list_select_related = ("resident", "home")
    autocomplete_fields = ("resident", "home")
