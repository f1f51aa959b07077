"""How other capabilities follow a lead without the leads package knowing them.

``stage_moved`` is sent with the company after each move through the pipeline, with ``to`` (the
new stage) and ``by`` (who moved it): a landing marks the reserved site taken (crm.sites).
``stage_requested`` is sent before a move, with ``to``; each receiver returns the refusals of the
facts it keeps that the stage needs (crm.sites: a chosen site for the decision).
"""

from blinker import Namespace

signals = Namespace()
stage_moved = signals.signal("stage-moved")
stage_requested = signals.signal("stage-requested")
