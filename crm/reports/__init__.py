"""Figures for staff: the dashboard, event attribution and the verified wins of a year."""
