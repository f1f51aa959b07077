"""How other capabilities have a say in partner links without the partners package knowing them.

``introduction_requested`` is sent with a list of links that could be introduced, before an
introduction mail is written or a page offers it; each receiver returns the refusals of the facts
it keeps, by link id (crm.events: the registrants who asked to meet the partner must have agreed
that their details are shared with it).
"""

from blinker import Namespace

signals = Namespace()
introduction_requested = signals.signal("introduction-requested")
