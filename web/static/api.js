// Epoxy's API as the UI uses it: actions through POST /ui/api/glue/<Operation>
// (with the X-Epoxy-UI header, which a page elsewhere cannot send), and reads
// through GET /ui/api/glue/<Operation>, answered with an ETag so that polling
// an unchanged resource returns 304 and costs nothing. Both call the Glue API
// in-process, signed with the browser's key when the server requires SigV4
// (docs/ui.md).

// GlueError is an error answered by Epoxy in Glue's error shape.
export class GlueError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
  toString() { return `${this.code}: ${this.message}`; }
}

async function failure(res) {
  let body = {};
  try { body = await res.json(); } catch { /* not JSON */ }
  const code = (body.__type || res.headers.get('X-Amzn-ErrorType') || `HTTP ${res.status}`).split('#').pop();
  return new GlueError(code, body.Message || body.message || res.statusText);
}

// glue calls a Glue operation and returns its output.
export async function glue(op, input = {}) {
  const res = await fetch(`/ui/api/glue/${op}`, {
    method: 'POST',
    headers: { 'X-Epoxy-UI': '1', 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  if (!res.ok) throw await failure(res);
  return res.json();
}

// Reader polls one read operation: read() returns the output when it
// changed since the last call, and null when the server answered 304.
export class Reader {
  constructor(op, input = {}) {
    this.url = `/ui/api/glue/${op}?input=${encodeURIComponent(JSON.stringify(input))}`;
    this.etag = '';
  }
  async read() {
    const headers = this.etag ? { 'If-None-Match': this.etag } : {};
    const res = await fetch(this.url, { headers, cache: 'no-store' });
    if (res.status === 304) return null;
    if (!res.ok) throw await failure(res);
    this.etag = res.headers.get('ETag') || '';
    return res.json();
  }
}

// read is a one-off read.
export function read(op, input) {
  return new Reader(op, input).read();
}

// LogTail follows the tail of a job run's stdout or stderr.
export class LogTail {
  constructor(runId, stream) {
    this.url = `/ui/api/logs/${encodeURIComponent(runId)}/${stream}`;
    this.etag = '';
  }
  // read returns {text, offset, size, ended} when the log changed, null
  // when not, and {missing: true} when there is no such log (yet).
  async read() {
    const headers = this.etag ? { 'If-None-Match': this.etag } : {};
    const res = await fetch(this.url, { headers, cache: 'no-store' });
    if (res.status === 304) return null;
    if (res.status === 404) return { missing: true };
    if (!res.ok) throw await failure(res);
    this.etag = res.headers.get('ETag') || '';
    return {
      text: await res.text(),
      offset: Number(res.headers.get('X-Log-Offset')),
      size: Number(res.headers.get('X-Log-Size')),
      ended: res.headers.get('X-Log-Ended') === 'true',
    };
  }
}

// nextFires returns the next fire times (epoch seconds) of a cron
// schedule, as Epoxy computes them.
export async function nextFires(schedule, n = 3) {
  const res = await fetch(`/ui/api/schedule?expression=${encodeURIComponent(schedule)}&n=${n}`, { cache: 'no-store' });
  if (!res.ok) throw await failure(res);
  return (await res.json()).Next;
}
