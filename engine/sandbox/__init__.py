"""The sandbox every BPMN condition, script and timer expression runs in.

Why: process designers upload BPMN, so its Python is untrusted. SpiffWorkflow's default
environment runs plain ``eval``/``exec`` and a "safe globals" dict alone is escaped through
``().__class__.__base__.__subclasses__()`` (SPIFFWORKFLOW_NOTES.md §5). Here every source is
compiled by RestrictedPython (with Yishi's stricter policy) and run with RestrictedPython's
guards, a small copy of its safe builtins and the domain functions below, offered by name.

Functions a designer may call (``engine.sandbox.functions.FUNCTIONS``)
-----------------------------------------------------
Voting rules (``engine.rules``, return booleans)::

    more_than_half(x, n)            half_or_more(x, n)            two_thirds_or_more(x, n)
    at_most_one_third(x, n)         at_most_one_fifth(x, n)
    at_most_fraction(x, n, num, den)   at_least_fraction(x, n, num, den)
    more_than_fraction(x, n, num, den)
    assembly_quorum_met(present, eligible, profile)   assembly_passed(yes, present, eligible, profile)
    congress_quorum_met(present, total)               congress_passed(yes, total, pass_rule)
    evaluation_satisfied(satisfied, basically_satisfied, respondents)

Deadlines (``engine.periods``, Civil Code counting in Asia/Shanghai). Instants come back as
ISO-8601 strings, so a result can be a timer's ``timeDate`` and be stored as JSON task data::

    period_end(start, days)          -> datetime string such as "2026-10-10T23:59:59+08:00"
    working_period_end(start, n)     -> datetime string, n working days (PRC holiday calendar)
    end_of_day(value)                -> datetime string, 24:00 of that day
    add_months(value, months)        -> "2026-12-20" (date string)
    days_between(start, end)         -> whole calendar days between the two local dates (int)
    local_date(value)                -> "2026-12-20", the Asia/Shanghai date of a date-time
    is_working_day(value), is_timely(at, deadline), calendar_covers(value)  -> bool
    now()   -> the engine clock's instant in Asia/Shanghai, ISO string (follows time travel)
    today() -> today's date in Asia/Shanghai, ISO string

Also available: the classes ``date``, ``datetime`` and ``timedelta`` (``datetime.now()`` reads the
real system clock, so use ``now()``), and the builtins in ``SANDBOX_BUILTINS`` (``len``, ``sum``,
``min``, ``max``, ``sorted``, ``any``, ``all``, ``list``, ``dict``, ``range``, ``int``, ``str``, ...).
Names in task data that clash with these globals make a script fail (SpiffWorkflow's rule).

What is rejected
----------------
At compile time, so both ``check()`` (the linter) and the engine refuse it:
RestrictedPython's rules (names and attributes starting with ``_``, frame/code attributes such as
``gi_frame``, ``eval``/``exec`` calls, ``nonlocal``, async, ``except*``, ``match``); and Yishi's:
``import``, ``class``, ``print``, ``.format``/``.format_map`` (use an f-string), ``.mro``, setting or
deleting attributes, calling ``open``, ``getattr``, ``type``, ``globals`` and the other names in
``UNAVAILABLE_CALLS``, ``**`` unless the exponent is a number literal of at most ``MAX_EXPONENT``,
a literal sequence repeated beyond ``MAX_SEQUENCE_ITEMS`` items, ``<<`` by a literal of more than
``MAX_INT_BITS``, and augmented assignments other than ``+= -= *= /= //= %=``.
At run time: attribute access goes through RestrictedPython's ``safer_getattr_raise`` (no ``_``
names, no ``str.format``) and refuses ``mro``; writes go only into dicts and lists; ``*``, ``**``,
``<<`` and ``*=`` check the size of their result (``ScriptSecurityError`` beyond the limits above);
``range`` is bounded; builtins that could stop the worker (``SystemExit``, ...) are absent.

Every evaluation runs on a step budget (``engine.sandbox.budget``): loop and comprehension steps and calls
of functions the code defines are counted, the wall clock and the process's memory growth are watched, deep
recursion is stopped, and a script may not leave task data too large to store; each is a
``ScriptSecurityError`` naming what ran too long.

What remains open
-----------------
Work done inside one builtin call is bounded only by the size guards: method-level amplifiers
(``str.ljust``/``center``/``zfill``/``replace``, format widths such as ``f'{x:>1000000000}'``) and aggregates
over aliased data (``''.join([s] * n)``, ``sum([l] * n, [])``) can still take one long step; the memory check
sees them only at the next step. Let only trusted roles upload BPMN.
"""
