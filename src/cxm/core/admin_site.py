"""The Django admin site, for administrators only.

The admin reads every row unscoped and unmasked, so it is open only to users the access
rules call administrators, whatever Django permissions a staff account may have been given.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class CxmAdminSite(admin.AdminSite):
    site_header = _("cxm administration")
    site_title = _("cxm administration")
    index_title = _("Back office")

    def has_permission(self, request) -> bool:
        from cxm.org.access import can_administer  # this module loads before the models

        return can_administer(request.user)


class CxmAdminConfig(AdminConfig):
    default_site = "cxm.core.admin_site.CxmAdminSite"
