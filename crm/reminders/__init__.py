"""Reminder mails N calendar days before an event, in the event's own time zone."""
