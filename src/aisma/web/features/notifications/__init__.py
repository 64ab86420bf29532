"""Email notifications to members (assigned, answer returned, mentioned, overdue digest) and their log."""
