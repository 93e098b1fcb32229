from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from putright.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "role", "team", "is_active")
    list_filter = ("role", "team", "is_active", "is_staff")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("PutRight", {"fields": ("role", "team")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("PutRight", {"fields": ("first_name", "last_name", "email", "role", "team")}),
    )
