"""The mail outbox: mails are queued in the database and delivered over SMTP by one sender."""
