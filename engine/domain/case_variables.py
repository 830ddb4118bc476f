"""Case variables every case carries from its start, whatever its method (documented for designers)."""

CASE_CONTEXT_KEYS = ("case_reference", "case_unit", "case_started_by", "case_started_at")
