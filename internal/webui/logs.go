package webui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/epoxy-run/epoxy/internal/executor"
	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/logship"
)

// Bounds of a log tail: the UI asks for the last defaultTail bytes, and may
// ask for at most maxTail; the whole log is a separate download.
const (
	defaultTail = 64 << 10
	maxTail     = 1 << 20
)

// LogReader reads job runs' output wherever it is kept (logship.Reader).
type LogReader interface {
	// Info describes a run's stream, or fails with glue.EntityNotFound.
	Info(ctx context.Context, id, stream string) (logship.Info, error)
	// Copy writes n bytes of a run's stream from offset off to w.
	Copy(ctx context.Context, w io.Writer, id, stream string, off, n int64) error
}

// logs serves job runs' stdout and stderr.
type logs struct {
	reader LogReader
}

// logStreams are the files a job run's output is kept in.
var logStreams = map[string]bool{"stdout": true, "stderr": true}

// serve answers GET /ui/api/logs/<JobRunId>/<stream>: the last ?tail=N
// bytes of the stream (default 64 KiB, at most 1 MiB) or, with ?whole=1,
// all of it. Headers tell the UI where the tail starts (X-Log-Offset), the
// stream's size (X-Log-Size) and whether the job run's process has ended
// (X-Log-Ended), so it knows when to stop following; an ETag lets it poll
// an unchanged log for free.
func (l *logs) serve(w http.ResponseWriter, r *http.Request, rest string) {
	id, stream, _ := strings.Cut(rest, "/")
	if err := executor.CheckRunID(id); err != nil || !logStreams[stream] {
		writeError(w, http.StatusBadRequest, glue.Errorf(glue.InvalidInput,
			"/ui/api/logs/%s: want /ui/api/logs/<JobRunId>/stdout or /stderr", rest))
		return
	}
	tail, bad := tailSize(r.URL.Query().Get("tail"))
	if bad != nil {
		writeError(w, http.StatusBadRequest, bad)
		return
	}
	info, err := l.reader.Info(r.Context(), id, stream)
	var gerr *glue.Error
	if errors.As(err, &gerr) && gerr.Code == glue.EntityNotFound {
		writeError(w, http.StatusNotFound, gerr)
		return
	}
	if err != nil {
		writeError(w, http.StatusInternalServerError, glue.Errorf(glue.InternalService, "read %s of job run %s: %v", stream, id, err))
		return
	}
	l.write(w, r, info, id, stream, tail)
}

// tailSize parses ?tail=.
func tailSize(s string) (int64, *glue.Error) {
	if s == "" {
		return defaultTail, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > maxTail {
		return 0, glue.Errorf(glue.InvalidInput, "tail: a number of bytes from 0 to %d, got %q", maxTail, s)
	}
	return n, nil
}

// write sends the tail of a stream (or all of it with ?whole=1), as far
// as it was written when the request came.
func (l *logs) write(w http.ResponseWriter, r *http.Request, info logship.Info, id, stream string, tail int64) {
	size, ended := info.Size, info.Ended
	offset := max(size-tail, 0)
	if r.URL.Query().Get("whole") == "1" {
		offset = 0
		w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", id+"-"+stream+".txt"))
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Log-Size", strconv.FormatInt(size, 10))
	h.Set("X-Log-Offset", strconv.FormatInt(offset, 10))
	h.Set("X-Log-Ended", strconv.FormatBool(ended))
	etag := fmt.Sprintf(`"%x-%x-%x-%t"`, info.Modified.UnixNano(), size, offset, ended)
	h.Set("ETag", etag)
	if noneMatch(r, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.FormatInt(size-offset, 10))
	if r.Method == http.MethodHead {
		return
	}
	_ = l.reader.Copy(r.Context(), w, id, stream, offset, size-offset)
}
