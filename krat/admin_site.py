"""The admin site asks for the second factor (django-otp's OTP admin site).

Installed as the project's default admin site (`krat.apps.KratAdminConfig`), so every
`@admin.register` of the apps and of django-otp lands here. A session that gave only
the password is treated as not staff: the admin asks for the code before any page.
"""

from django_otp.admin import OTPAdminSite


class KratAdminSite(OTPAdminSite):
    def __init__(self, name: str = "admin"):
        # OTPAdminSite names itself "otpadmin"; the URL namespace stays "admin".
        super().__init__(name)
