package webui

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/epoxy-run/epoxy/internal/executor"
	"github.com/epoxy-run/epoxy/internal/glue"
)

// Bounds of a log tail: the UI asks for the last defaultTail bytes, and may
// ask for at most maxTail; the whole log is a separate download.
const (
	defaultTail = 64 << 10
	maxTail     = 1 << 20
)

// logs serves job runs' stdout and stderr from the data directory, where
// the executor writes them (executor.LogDir).
type logs struct {
	dataDir string
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
	f, err := executor.OpenRegular(filepath.Join(executor.LogDir(l.dataDir, id), stream))
	if errors.Is(err, fs.ErrNotExist) {
		writeError(w, http.StatusNotFound, glue.Errorf(glue.EntityNotFound, "job run %s has no %s (yet)", id, stream))
		return
	}
	if err != nil {
		writeError(w, http.StatusInternalServerError, glue.Errorf(glue.InternalService, "read %s of job run %s: %v", stream, id, err))
		return
	}
	defer f.Close()
	l.write(w, r, f, id, tail)
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

// write sends the tail of f (or all of it with ?whole=1), as far as it
// was written when the request came.
func (l *logs) write(w http.ResponseWriter, r *http.Request, f *os.File, id string, tail int64) {
	fi, err := f.Stat()
	if err != nil {
		writeError(w, http.StatusInternalServerError, glue.Errorf(glue.InternalService, "read log of job run %s: %v", id, err))
		return
	}
	size, ended := fi.Size(), l.ended(id)
	offset := max(size-tail, 0)
	if r.URL.Query().Get("whole") == "1" {
		offset = 0
		w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", id+"-"+fi.Name()+".txt"))
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Log-Size", strconv.FormatInt(size, 10))
	h.Set("X-Log-Offset", strconv.FormatInt(offset, 10))
	h.Set("X-Log-Ended", strconv.FormatBool(ended))
	etag := fmt.Sprintf(`"%x-%x-%x-%t"`, fi.ModTime().UnixNano(), size, offset, ended)
	h.Set("ETag", etag)
	if noneMatch(r, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.FormatInt(size-offset, 10))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = io.Copy(w, io.NewSectionReader(f, offset, size-offset))
}

// ended reports whether Epoxy has recorded the end of the job run's
// process: its output is then complete.
func (l *logs) ended(id string) bool {
	_, err := os.Stat(executor.EndedFile(l.dataDir, id))
	return err == nil
}
