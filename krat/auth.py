"""Authentication backend: the signed-in person comes with their county and institution.

Every page shows both in the navigation; loading them with the user saves two
queries on every request.
"""

from django.contrib.auth.backends import ModelBackend

from krat.models import User


class KratBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related("county", "institution").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
