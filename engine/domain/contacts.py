"""The shapes of what identifies people and units, as regular expressions that read the same in Python and in
JSON Schema (the API declares them, the engine checks them), so a request the document allows is never refused
for its shape."""

from __future__ import annotations

USER_ID = r"^[0-9A-Za-z_.@+\-\u4e00-\u9fff]{1,100}$"  # letters, digits, Chinese characters, . _ @ + -
PHONE = r"^\+?[0-9]{5,20}$"  # as stored: digits, an optional leading +
EMAIL = r"^[^@\x00-\x20]{1,64}@[^@\x00-\x20]+\.[^@\x00-\x20]+$"
UNIT_CODE = r"^[^\x00-\x20/\\?#%:]{1,200}$"  # codes go into URLs and "UNIT:ROLE" options
UNIT_KIND = r"^[a-z_]{1,20}$"
ROLE = r"^[A-Za-z0-9_]{1,200}$"
