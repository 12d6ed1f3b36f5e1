# flood.py — opens connections from one address and says how many the server keeps open.
# python3 flood.py FROM PORT N HOLD SEND: N connections from address FROM to 127.0.0.1:PORT,
# each sending the bytes of the hex SEND (may be empty); after HOLD seconds prints the number
# still open (a closed one reads end of file or is reset).
import socket
import sys
import time

src, port, n, hold, send = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), bytes.fromhex(sys.argv[5])
socks = []
for _ in range(n):
    s = socket.socket()
    s.bind((src, 0))
    try:
        s.connect(("127.0.0.1", port))
        if send:
            s.sendall(send)
    except OSError:
        pass
    socks.append(s)
time.sleep(hold)
alive = 0
for s in socks:
    s.setblocking(False)
    try:
        if s.recv(1) != b"":
            alive += 1
    except BlockingIOError:
        alive += 1
    except OSError:
        pass
print(alive)
