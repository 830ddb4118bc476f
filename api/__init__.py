"""Yishi's HTTP API: thin FastAPI routes over ``engine.service.Yishi``."""
