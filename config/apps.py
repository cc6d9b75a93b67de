from django.contrib.admin.apps import AdminConfig


class PathwiseAdminConfig(AdminConfig):
    """The admin with its site from config/admin.py: a second factor is required."""

    default_site = "config.admin.PathwiseAdminSite"
