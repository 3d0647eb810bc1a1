"""Epoxy's output relay.

Copies a job's stdout and stderr from pipes into their log files, keeping
each file under a size limit. Usage::

    python epoxy_output_relay.py LIMIT

with the stdout pipe on fd 3, the stderr pipe on fd 4, and the stdout and
stderr log files (opened for appending) on fds 5 and 6. Once a file reaches
LIMIT bytes the relay writes one line ``--- epoxy: output truncated at LIMIT
bytes ---`` and discards the rest of that stream, still reading it so the job
never blocks or gets a broken pipe; when the stream ends it adds the stream's
last line (at most TAIL bytes), which usually says why a job failed. It runs in its own process group,
ignores SIGINT, SIGTERM and SIGHUP, and exits when every writer of both
pipes has closed them, so it outlives a server that is killed and keeps
capturing the output of the job the next server adopts.
"""

import os
import selectors
import signal
import sys

TAIL = 4096


def main():
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    limit = int(sys.argv[1])
    # fd -> [log fd, bytes in the log, truncated, tail of what was dropped]
    streams = {3: [5, os.fstat(5).st_size, False, b""], 4: [6, os.fstat(6).st_size, False, b""]}
    sel = selectors.DefaultSelector()
    for fd in streams:
        sel.register(fd, selectors.EVENT_READ)
    while streams:
        for key, _ in sel.select():
            fd = key.fd
            data = os.read(fd, 65536)
            if not data:
                sel.unregister(fd)
                os.close(fd)
                _finish(streams.pop(fd))
                continue
            _copy(streams[fd], data, limit)


def _copy(stream, data, limit):
    out, written, truncated, tail = stream
    if truncated:
        stream[3] = (tail + data)[-TAIL:]
        return
    room = limit - written
    if len(data) <= room:
        _write_all(out, data)
        stream[1] += len(data)
        return
    if room > 0:
        _write_all(out, data[:room])
    _write_all(out, b"\n--- epoxy: output truncated at %d bytes ---\n" % limit)
    stream[1], stream[2], stream[3] = limit, True, data[max(room, 0):][-TAIL:]


def _finish(stream):
    """Add the last line of what was dropped."""
    tail = stream[3].rstrip(b"\n")
    if tail:
        _write_all(stream[0], tail[tail.rfind(b"\n") + 1 :] + b"\n")


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        try:
            n = os.write(fd, view)
        except OSError:
            return  # the disk is full: drop output rather than block the job
        view = view[n:]


if __name__ == "__main__":
    main()
