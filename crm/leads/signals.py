"""How other capabilities follow a lead without the leads package knowing them.

``stage_moved`` is sent with the company after each move through the pipeline, with ``to`` (the
new stage) and ``by`` (who moved it): a landing marks the reserved site taken (crm.sites).
"""

from blinker import Namespace

signals = Namespace()
stage_moved = signals.signal("stage-moved")
