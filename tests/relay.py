#!/usr/bin/env python3
# relay.py — the tests' TCP relay between clients and the host (a man in the middle, a slow
# network): listens on a free port of 127.0.0.1, writes it to PORTFILE, and joins each
# connection to 127.0.0.1:UPSTREAM, passing both ways what each side sends. Options:
#
#   --wire FILE     append every byte a client sends to FILE (what goes on the wire: the tests
#                   of track encryption and TLS look for the card in it)
#   --frames FILE   append each whole frame a client sends (2-byte big-endian length header
#                   stripped) to FILE as a line of upper-case hex: what an attacker records, to
#                   replay or alter later
#   --delay FILE    hold what the host sends for the seconds FILE holds, while it exists; each
#                   answer held, and each one whose client was gone, is a line on stderr
#   --flip FILE     while FILE exists, invert one byte of each frame the host sends: the one at
#                   the offset FILE holds, in the frame after its length header (negative:
#                   from its end; -1 the last byte, an answer's MAC's) — a tampered answer
#
#   python3 relay.py UPSTREAM PORTFILE [--wire FILE] [--frames FILE] [--delay FILE] [--flip FILE]
import argparse
import os
import sys
import socket
import threading
import time

args = argparse.ArgumentParser()
args.add_argument("upstream", type=int)
args.add_argument("portfile")
args.add_argument("--wire")
args.add_argument("--frames")
args.add_argument("--delay")
args.add_argument("--flip")
opt = args.parse_args()
lock = threading.Lock()


def held():
    """The seconds the host's answers are held now."""
    if opt.delay is None:
        return 0.0
    try:
        with open(opt.delay) as f:
            return float(f.read().strip() or 0)
    except (OSError, ValueError):
        return 0.0


def record(data, pending):
    """Appends what a client sent to the files asked for; returns the bytes of a frame begun."""
    with lock:
        if opt.wire:
            with open(opt.wire, "ab") as f:
                f.write(data)
        if not opt.frames:
            return b""
        buf = pending + data
        with open(opt.frames, "a") as f:
            while len(buf) >= 2 and len(buf) >= 2 + int.from_bytes(buf[:2], "big"):
                n = int.from_bytes(buf[:2], "big")
                f.write(buf[2:2 + n].hex().upper() + "\n")
                buf = buf[2 + n:]
        return buf


def flipped(data, pending):
    """The whole frames of pending + data with the --flip byte inverted, and what is left."""
    try:
        with open(opt.flip) as f:
            at = int(f.read().strip())
    except (OSError, ValueError):
        return pending + data, b""
    buf, out = pending + data, b""
    while len(buf) >= 2 and len(buf) >= 2 + int.from_bytes(buf[:2], "big"):
        n = int.from_bytes(buf[:2], "big")
        frame = bytearray(buf[2:2 + n])
        frame[at] ^= 0xFF
        print("flipped byte", at, "of a", n, "byte frame", file=sys.stderr, flush=True)
        out += buf[:2] + bytes(frame)
        buf = buf[2 + n:]
    return out, buf


def pump(src, dst, from_client):
    pending = b""
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if from_client:
                pending = record(data, pending)
            elif opt.flip:
                data, pending = flipped(data, pending)
                if not data:
                    continue
            elif held() > 0:
                d = held()
                print("held", len(data), "bytes", d, "s", file=sys.stderr, flush=True)
                time.sleep(d)
            try:
                dst.sendall(data)
            except OSError:
                if not from_client:
                    print("late answer dropped: the client was gone", file=sys.stderr,
                          flush=True)
                break
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def serve(client):
    try:
        host = socket.create_connection(("127.0.0.1", opt.upstream))
    except OSError:
        client.close()
        return
    threading.Thread(target=pump, args=(client, host, True), daemon=True).start()
    threading.Thread(target=pump, args=(host, client, False), daemon=True).start()


listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(64)
with open(opt.portfile + ".new", "w") as f:
    f.write(str(listener.getsockname()[1]))
os.rename(opt.portfile + ".new", opt.portfile)
while True:
    conn, _ = listener.accept()
    serve(conn)
