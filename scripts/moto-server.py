"""moto_server, with one speed fix for SQS queues that hold many messages.

moto's SQS computes every queue attribute, and so every message's visibility through two
datetime conversions, three to four times for each message sent: sending grows with the
queue's depth, and 1,000 FIFO messages take about two minutes. This launcher gives moto's
SQS models the same clock (milliseconds since the epoch) from time.time(), which is what
moto.core.utils.unix_time_millis computes the slow way; nothing else changes.

Usage: python moto-server.py [moto_server's arguments]  (with the Python that has moto)
"""

import sys
import time

import moto.sqs.models
from moto.core.utils import unix_time
from moto.server import main


def unix_time_millis(dt=None):
    if dt is not None:
        return unix_time(dt) * 1000.0
    return time.time() * 1000.0


moto.sqs.models.unix_time_millis = unix_time_millis

if __name__ == "__main__":
    sys.exit(main())
