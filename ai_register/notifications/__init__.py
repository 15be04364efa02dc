"""Notifications (in-app reminders), e-mail, and `flask reminders run`."""
