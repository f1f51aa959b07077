"""Outgoing mail: ``queue_mail`` writes the outbox in the caller's transaction (outbox.py), the
dispatcher sends it later (dispatch.py, run by ``flask mail dispatch`` or the worker), staff watch
it at ``/admin/outbox`` (routes.py).

A calendar invitation is a queued mail with ``calendar_method`` ("REQUEST" or "CANCEL"),
``registration_id`` and ``calendar_sequence``: the dispatcher builds the iMIP part (mime.py, with
crm.calendar.ics) from the registration and its event as they are when the mail is sent.
"""
