"""Residents taking part online (民事民决、民事民评、民事民议): e-votes counted with the paper ballots (``votes``,
counted from the case file by ``tally``), 好差评 ratings with a fix-and-call-back (``ratings``), the case discussion
(``discussion``) and the residents' home (``home``); ``door`` is the part of ``Yishi`` that serves them."""
