"""The audit log: who created, changed (field by field) or deleted which record, and when.

``recording`` writes the entries from a session listener, in the transaction of the change, so no
service has to remember it; ``actor`` tells who is acting; ``services`` reads, exports and scrubs
the entries; ``routes`` is the admin page. Nothing in the application edits or deletes an entry.
"""
