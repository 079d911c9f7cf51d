#!/usr/bin/env python3
"""A loopback TCP proxy that adds round-trip time, for benchmarks on kernels without tc netem.

    scripts/delay-proxy.py LISTEN_PORT TARGET_PORT RTT_MS [SECONDS]

Listens on 127.0.0.1:LISTEN_PORT and forwards each connection to 127.0.0.1:TARGET_PORT. Every chunk is
delayed by RTT/2 in each direction, in order, and the upstream connect waits one RTT first (the SYN,
SYN-ACK exchange a real path would cost). It stops by itself after SECONDS (default 600). Loopback only.
"""
import asyncio
import sys


async def pump(reader, writer, delay):
    queue = asyncio.Queue()

    async def sender():
        while True:
            due, data = await queue.get()
            wait = due - asyncio.get_running_loop().time()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:
                break
            writer.write(data)
            await writer.drain()
        try:
            writer.write_eof()
        except OSError:
            pass

    task = asyncio.create_task(sender())
    try:
        while True:
            data = await reader.read(65536)
            now = asyncio.get_running_loop().time()
            await queue.put((now + delay, data or None))
            if not data:
                break
    except OSError:
        await queue.put((asyncio.get_running_loop().time(), None))
    try:
        await task
    except OSError:
        pass


async def handle(client_reader, client_writer, target_port, rtt):
    await asyncio.sleep(rtt)
    try:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", target_port)
    except OSError:
        client_writer.close()
        return
    await asyncio.gather(
        pump(client_reader, up_writer, rtt / 2), pump(up_reader, client_writer, rtt / 2), return_exceptions=True
    )
    for w in (client_writer, up_writer):
        try:
            w.close()
        except OSError:
            pass


async def main():
    listen_port, target_port, rtt_ms = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    lifetime = float(sys.argv[4]) if len(sys.argv) > 4 else 600.0
    rtt = rtt_ms / 1000.0
    server = await asyncio.start_server(
        lambda r, w: handle(r, w, target_port, rtt), "127.0.0.1", listen_port, backlog=128
    )
    async with server:
        await asyncio.sleep(lifetime)


if __name__ == "__main__":
    asyncio.run(main())
