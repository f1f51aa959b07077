"""Tools for the people who work on the Lead Desk; not part of the application."""
