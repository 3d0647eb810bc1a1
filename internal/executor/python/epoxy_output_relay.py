"""Epoxy's output relay.

Copies a job's stdout and stderr from pipes into their log files, keeping
each file under a size limit, and records when each line was written.
Usage::

    python epoxy_output_relay.py LIMIT

with the stdout pipe on fd 3, the stderr pipe on fd 4, the stdout and
stderr log files (opened for appending) on fds 5 and 6, and their time
files (also appended) on fds 7 and 8. LIMIT 0 means no limit. Once a file
reaches LIMIT bytes the relay writes one line ``--- epoxy: output truncated
at LIMIT bytes ---`` and discards the rest of that stream, still reading it
so the job never blocks or gets a broken pipe; when the stream ends it adds
the stream's last line (at most TAIL bytes), which usually says why a job
failed.

Each write to a log file that starts at least one line adds a line
``OFFSET MILLIS`` to the file's time file: the offset in the log file of the
first line that the write starts, and the time of the write in milliseconds
since the epoch. A line was written at the time of the last entry whose
offset is at most the line's; the log files themselves stay exactly what the
job printed.

It runs in its own process group, ignores SIGINT, SIGTERM and SIGHUP, and
exits when every writer of both pipes has closed them, so it outlives a
server that is killed and keeps capturing the output of the job the next
server adopts.
"""

import os
import selectors
import signal
import sys
import time

TAIL = 4096


class Stream:
    """One output stream: its log file, time file and state."""

    def __init__(self, log, times):
        self.log, self.times = log, times
        self.written = os.fstat(log).st_size
        self.truncated = False
        self.tail = b""
        self.line_start = True

    def emit(self, data):
        """Append data to the log and record when its first new line began."""
        if not data:
            return
        if self.line_start:
            start = 0
        else:
            nl = data.find(b"\n")
            start = nl + 1 if 0 <= nl < len(data) - 1 else -1
        if start >= 0:
            _write_all(self.times, b"%d %d\n" % (self.written + start, time.time_ns() // 1_000_000))
        _write_all(self.log, data)
        self.written += len(data)
        self.line_start = data.endswith(b"\n")


def main():
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    limit = int(sys.argv[1])
    streams = {3: Stream(5, 7), 4: Stream(6, 8)}
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
    if stream.truncated:
        stream.tail = (stream.tail + data)[-TAIL:]
        return
    room = limit - stream.written
    if limit <= 0 or len(data) <= room:
        stream.emit(data)
        return
    if room > 0:
        stream.emit(data[:room])
    stream.emit(b"\n--- epoxy: output truncated at %d bytes ---\n" % limit)
    stream.truncated, stream.tail = True, data[max(room, 0):][-TAIL:]


def _finish(stream):
    """Add the last line of what was dropped."""
    tail = stream.tail.rstrip(b"\n")
    if tail:
        stream.emit(tail[tail.rfind(b"\n") + 1 :] + b"\n")


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
