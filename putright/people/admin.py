"""Django admin for homes, residents and tenancies: reference data staff keep up to date.

Saving here goes around the people services, so each save tells them what changed, and what
is kept from it is written again in the admin's transaction: a tenancy
(`services.tenancies_edited`: the residents' search rows and their complaints' tenure at
receipt, TSM CH01), a resident (`services.residents_edited`: their search row and their
complaints'), a home (`services.homes_edited`: the rows of everyone there and of the
complaints about it)."""

from django.contrib import admin

from putright.people import services
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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:  # a new home is in no one's search row yet
            services.homes_edited([obj.pk])


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    list_display = ("full_name", "email", "phone", "home", "is_customer")
    list_filter = ("is_customer",)
    search_fields = ("full_name", "email", "phone", "home__address_line_1", "home__postcode")
    list_select_related = ("home",)
    autocomplete_fields = ("home",)
    inlines = (TenancyInline,)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.residents_edited([obj.pk])

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Tenancy and formset.has_changed():
            services.tenancies_edited([form.instance.pk])


@admin.register(Tenancy)
class TenancyAdmin(admin.ModelAdmin):
    list_display = ("resident", "home", "tenure", "start_on", "end_on")
    list_filter = ("tenure",)
    search_fields = ("resident__full_name", "home__address_line_1", "home__postcode")
    list_select_related = ("resident", "home")
    autocomplete_fields = ("resident", "home")

    def save_model(self, request, obj, form, change):
        # A tenancy moved to another resident changes both residents' tenancies.
        before = None
        if change:
            before = Tenancy.objects.filter(pk=obj.pk).values_list("resident_id", flat=True).first()
        super().save_model(request, obj, form, change)
        services.tenancies_edited([obj.resident_id, before])

    def delete_model(self, request, obj):
        resident_id = obj.resident_id
        super().delete_model(request, obj)
        services.tenancies_edited([resident_id])

    def delete_queryset(self, request, queryset):
        resident_ids = list(queryset.values_list("resident_id", flat=True))
        super().delete_queryset(request, queryset)
        services.tenancies_edited(resident_ids)
