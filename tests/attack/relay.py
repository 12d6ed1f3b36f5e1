#!/usr/bin/env python3
# relay.py — a man in the middle for the attack tests: listens on a free port of 127.0.0.1,
# writes it to PORTFILE, relays every connection to 127.0.0.1:UPSTREAM both ways unchanged, and
# appends each frame a client sends (the 2-byte length header stripped) to CAPTURE as one line
# of hex: what an attacker on the wire records, to replay or alter later.
#
#   python3 relay.py UPSTREAM PORTFILE CAPTURE
import os
import select
import socket
import sys


def frames(buf, out):
    """Writes each whole frame at the head of buf to out; returns what is left."""
    while len(buf) >= 2:
        n = int.from_bytes(buf[:2], "big")
        if len(buf) < 2 + n:
            break
        out.write(buf[2:2 + n].hex().upper() + "\n")
        out.flush()
        buf = buf[2 + n:]
    return buf


def main():
    upstream, portfile, capture = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(16)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % lsock.getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    peer = {}     # socket -> the other end
    pending = {}  # client socket -> bytes not yet a whole frame
    out = open(capture, "a")
    while True:
        r, _, _ = select.select([lsock] + list(peer), [], [])
        for s in r:
            if s is lsock:
                c, _ = lsock.accept()
                u = socket.create_connection(("127.0.0.1", upstream))
                peer[c], peer[u] = u, c
                pending[c] = b""
                continue
            if s not in peer:
                continue
            data = s.recv(65536)
            other = peer[s]
            if not data:
                for x in (s, other):
                    peer.pop(x, None)
                    pending.pop(x, None)
                    x.close()
                continue
            if s in pending:
                pending[s] = frames(pending[s] + data, out)
            other.sendall(data)


if __name__ == "__main__":
    main()
