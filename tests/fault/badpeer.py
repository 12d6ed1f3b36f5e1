# badpeer.py — a misbehaving client of one of the host's ports, from its own address, for
# tests/fault/e2e_net_faults.sh. Prints what the server did with it.
#
# python3 badpeer.py MODE FROM PORT HOLD [HEX] [N]
#   cut      sends HEX, then resets the connection (no FIN: SO_LINGER 0); prints 0
#   silent   connects and says nothing (a peer gone without FIN looks the same)
#   partial  sends HEX (a length header, or half a request), then nothing
#   trickle  sends HEX, then one byte of it every half second
#   flood    N connections from each address of FROM (addresses separated by commas), silent
# Once its connections are open and its bytes sent, it creates the file named in the
# environment's BADPEER_READY, when set. Each but cut waits up to HOLD seconds for the server to close it and prints the seconds it
# took, or -1 when it was still open; flood prints "KEPT SECONDS": how many were still open one
# second after connecting, and the seconds from connecting until every one had been closed
# (-1: not all).
import os
import socket
import sys
import time


def connect(src, port):
    s = socket.socket()
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    return s


def closed(s):
    """Whether the server has closed s (end of file or a reset), without blocking."""
    s.setblocking(False)
    try:
        return s.recv(4096) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
    finally:
        s.setblocking(True)


def ready():
    path = os.environ.get("BADPEER_READY")
    if path:
        open(path, "w").close()


def wait_closed(socks, hold, tick=None):
    start = time.time()
    while time.time() - start < hold:
        if all(closed(s) for s in socks):
            return round(time.time() - start, 1)
        if tick is not None:
            tick()
        time.sleep(0.25 if tick is None else 0.5)
    return -1


def main():
    mode, src, port, hold = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    data = bytes.fromhex(sys.argv[5]) if len(sys.argv) > 5 else b""
    if mode == "flood":
        n = int(sys.argv[6])
        socks = []
        for addr in src.split(","):
            for _ in range(n):
                try:
                    socks.append(connect(addr, port))
                except OSError:
                    pass
        ready()
        time.sleep(1)
        kept = sum(1 for s in socks if not closed(s))
        secs = wait_closed(socks, hold - 1)
        print(kept, -1 if secs < 0 else round(secs + 1, 1))
        return
    s = connect(src, port)
    if data:
        s.sendall(data)
    if mode == "cut":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()
        ready()
        print(0)
        return
    ready()

    def trickle():
        try:
            s.sendall(data[:1] or b"\x00")
        except OSError:
            pass

    print(wait_closed([s], hold, trickle if mode == "trickle" else None))


main()
