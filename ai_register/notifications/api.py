"""/api/v1/notifications: the signed-in user's own reminders."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from ai_register.notifications import services
from ai_register.notifications.schemas import (
    NotificationArgsSchema,
    NotificationPageSchema,
    NotificationSchema,
)
from ai_register.notifications.settings import init_app
from ai_register.security import SIGNED_IN, access, actor

blp = Blueprint("notifications_api", __name__, url_prefix="/api/v1/notifications",
                description="My notifications: reminders of due and overdue follow-up")
# The follow-up settings' defaults, applied once when the API is registered.
blp.record_once(lambda state: init_app(state.app))


@blp.route("")
class Notifications(MethodView):
    @access(*SIGNED_IN)
    @blp.arguments(NotificationArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, NotificationPageSchema)
    def get(self, args):
        """My notifications, newest first."""
        page = services.shown_page(services.own_notifications(actor(), **args))
        return {**page, "unread": services.unread_count(actor().id)}


@blp.route("/<int:notification_id>/read", methods=["POST"])
@access(*SIGNED_IN)
@blp.response(200, NotificationSchema)
def mark_read(notification_id: int):
    """Mark one of my notifications read (another user's answers 404)."""
    return services.shown(services.mark_read(notification_id, by=actor()))
