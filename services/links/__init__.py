"""Personal links in mails (issue 10): signed tokens, the links in mail bodies, and what a link lets a person do."""
