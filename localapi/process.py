"""A bot in its own process, as the tests and the benchmark run it against the local server."""

from __future__ import annotations

import asyncio
import signal

__all__ = ["terminate"]


async def terminate(process: asyncio.subprocess.Process, grace: float) -> None:
    """SIGTERM, so the bot shuts down as in production; SIGKILL if it takes longer than grace."""
    if process.returncode is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), grace)
    except TimeoutError:
        process.kill()
        await process.wait()
