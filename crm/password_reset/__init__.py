"""Setting a new password by mail, for staff who forgot theirs."""
