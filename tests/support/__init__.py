"""Helpers the tests share (databases, app pages, browser, mail, PDFs); test modules import only from here."""
