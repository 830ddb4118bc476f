"""Notifications: a transactional outbox written with the case events that cause them (``rules``), delivered by
the worker over thin channel adapters (``delivery``, ``channels``), read in the web app (``inbox``)."""
