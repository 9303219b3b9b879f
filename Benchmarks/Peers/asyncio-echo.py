#!/usr/bin/env python3
"""The textbook asyncio echo server, a peer that `sockworks bench` measures.

Usage: asyncio-echo.py [--host H] [--port P]
Prints "listening on HOST:PORT" once bound (port 0 picks a free one) and
serves until SIGTERM or SIGINT, then exits 0.
"""
import argparse
import asyncio
import signal
import socket


async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    server = await asyncio.start_server(echo, args.host, args.port, backlog=4096, reuse_address=True)
    host, port = server.sockets[0].getsockname()[:2]
    print(f"listening on {host}:{port}", flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signo in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signo, stop.set)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
