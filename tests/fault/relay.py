# relay.py — a TCP relay between terminals and the host that can hold the host's answers back,
# for tests/fault/e2e_net_faults.sh: a slow network.
#
# python3 relay.py PORTFILE TARGET_PORT DELAYFILE
# Listens on a free port of 127.0.0.1 (written to PORTFILE) and joins each connection to
# 127.0.0.1:TARGET_PORT. What the terminal sends goes through at once; what the host sends is
# held back the seconds written in DELAYFILE while it exists, then passed on if the terminal
# is still there. Each answer held and each one the terminal was gone for is a line on stderr.
import os
import socket
import sys
import threading
import time

portfile, target, delayfile = sys.argv[1], int(sys.argv[2]), sys.argv[3]


def delay():
    try:
        with open(delayfile) as f:
            return float(f.read().strip() or 0)
    except OSError:
        return 0.0


def pump(src, dst, held):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            d = delay() if held else 0
            if d > 0:
                print("held", len(data), "bytes", d, "s", file=sys.stderr, flush=True)
                time.sleep(d)
            try:
                dst.sendall(data)
            except OSError:
                if held:
                    print("late answer dropped: the terminal was gone", file=sys.stderr, flush=True)
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
        host = socket.create_connection(("127.0.0.1", target))
    except OSError:
        client.close()
        return
    threading.Thread(target=pump, args=(client, host, False), daemon=True).start()
    threading.Thread(target=pump, args=(host, client, True), daemon=True).start()


listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(64)
with open(portfile + ".new", "w") as f:
    f.write(str(listener.getsockname()[1]))
os.rename(portfile + ".new", portfile)
while True:
    conn, _ = listener.accept()
    serve(conn)
