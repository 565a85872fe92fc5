#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""tcpclient.py DIR HOST PORT [LINE...]: a client outside the group,
keeping one connection to a server across a checkpoint kill and restart.

Sends the first LINE (default: one, two, three), writes the line answered
to DIR/1; waits for DIR/go to exist, sends the second (into the held
connection, if the server is away), writes the answer (waiting up to 60 s)
to DIR/2; and so on.  A LINE "CLOSE" closes the connection instead (and
writes DIR/closed).  Any error (a reset, a timeout, an end of file) goes
to DIR/error, and the client stops.
"""
import os
import socket
import sys
import time

d, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = sys.argv[4:] or ['one', 'two', 'three']


def put(name, text):
    with open(os.path.join(d, name + '.tmp'), 'w') as f:
        f.write(text + '\n')
    os.rename(os.path.join(d, name + '.tmp'), os.path.join(d, name))


try:
    s = socket.create_connection((host, port), timeout=60)
    f = s.makefile('rb')
    for i, word in enumerate(lines, 1):
        if i == 2:
            while not os.path.exists(os.path.join(d, 'go')):
                time.sleep(0.05)
        if word == 'CLOSE':
            f.close()
            s.close()
            put('closed', 'closed')
            break
        s.sendall(word.encode() + b'\n')
        line = f.readline()
        if not line:
            raise EOFError('end of file')
        put(str(i), line.decode().strip())
except Exception as e:  # pylint: disable=broad-except
    put('error', '%s: %s' % (type(e).__name__, e))
