#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""redisclients.py DIR PORT N: N clients of redis-server on 127.0.0.1:PORT,
outside the group, each on a connection of its own kept across the
checkpoint and restart of the server.

Each sends PING and must read +PONG; then DIR/up is written.  Once DIR/go
exists, each sends PING again on the same connection and must read +PONG
within 60 s; "OK N" or "FAIL reason" goes to DIR/result.
"""
import os
import socket
import sys
import time

d, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


def put(name, text):
    with open(os.path.join(d, name + '.tmp'), 'w') as f:
        f.write(text + '\n')
    os.rename(os.path.join(d, name + '.tmp'), os.path.join(d, name))


def ping_all(socks):
    for s in socks:
        s.sendall(b'PING\r\n')
    for s in socks:
        got = b''
        while not got.endswith(b'\r\n'):
            chunk = s.recv(64)
            if not chunk:
                raise EOFError('end of file')
            got += chunk
        if got != b'+PONG\r\n':
            raise ValueError('answered %r' % got)


try:
    socks = [socket.create_connection(('127.0.0.1', port), timeout=60) for _ in range(n)]
    ping_all(socks)
    put('up', 'up')
    while not os.path.exists(os.path.join(d, 'go')):
        time.sleep(0.02)
    ping_all(socks)
    put('result', 'OK %d' % n)
except Exception as e:  # pylint: disable=broad-except
    put('result', 'FAIL %s: %s' % (type(e).__name__, e))
