package logship

import (
	"context"
	"io"
	"os"
	"time"

	"github.com/epoxy-run/epoxy/internal/executor"
	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// readPage is how many chunks the Reader takes from the store at a time:
// reading holds at most this many chunks of store.MaxLogChunkBytes.
const readPage = 4

// Reader reads job runs' output where it is kept: a stream's local file
// when this node has it (the run ran here), else the copy shipped to Store.
// Every reader of job output (the Logs API, the UI, `epoxy logs`) goes
// through it.
type Reader struct {
	// DataDir is the data directory the executor writes job output in.
	DataDir string
	// Store holds shipped output; nil reads local files only.
	Store store.Store
}

// Info describes a stream as far as it was written.
type Info struct {
	// Size is how many bytes can be read.
	Size int64
	// Ended reports whether the run's process has ended: Size is final.
	Ended bool
	// Modified is the local file's modification time (zero for shipped
	// output, which only grows with Size).
	Modified time.Time
}

// Info describes a run's stream, or fails with glue.EntityNotFound when
// neither this node nor the store has it.
func (r *Reader) Info(ctx context.Context, id, stream string) (Info, error) {
	f, err := r.open(id, stream)
	if err != nil {
		return Info{}, err
	}
	if f != nil {
		defer f.Close()
		return r.fileInfo(id, f)
	}
	end, err := r.end(ctx, id, stream)
	if err != nil {
		return Info{}, err
	}
	return Info{Size: end.Offset, Ended: end.Final}, nil
}

// fileInfo describes a local file: the run's end is checked before the
// file's size, so an ended run's size is final.
func (r *Reader) fileInfo(id string, f *os.File) (Info, error) {
	_, err := os.Stat(executor.EndedFile(r.DataDir, id))
	ended := err == nil
	fi, err := f.Stat()
	if err != nil {
		return Info{}, err
	}
	return Info{Size: fi.Size(), Ended: ended, Modified: fi.ModTime()}, nil
}

// Copy writes n bytes of a run's stream from offset off to w (fewer when
// the stream is shorter).
func (r *Reader) Copy(ctx context.Context, w io.Writer, id, stream string, off, n int64) error {
	f, err := r.open(id, stream)
	if err != nil {
		return err
	}
	if f != nil {
		defer f.Close()
		_, err := io.Copy(w, io.NewSectionReader(f, off, n))
		return err
	}
	if _, err := r.end(ctx, id, stream); err != nil {
		return err
	}
	_, err = io.Copy(w, io.LimitReader(r.shipped(ctx, id, stream, off, nil), n))
	return err
}

// Lines calls fn with each line of a run's stream, in order, until fn
// returns false; a stream kept nowhere has no lines. Lines are split and
// timed alike wherever they are read from (see executor.ScanLines).
func (r *Reader) Lines(ctx context.Context, id, stream string, fn func(executor.LogLine) bool) error {
	f, err := r.open(id, stream)
	if f != nil {
		f.Close()
		return executor.ReadLines(r.DataDir, id, stream, fn)
	}
	if err != nil || r.Store == nil {
		return err
	}
	var pending []executor.Stamp
	next := func() (executor.Stamp, bool) {
		if len(pending) == 0 {
			return executor.Stamp{}, false
		}
		s := pending[0]
		pending = pending[1:]
		return s, true
	}
	src := r.shipped(ctx, id, stream, 0, func(c *store.LogChunk) {
		for _, s := range c.Stamps {
			pending = append(pending, executor.Stamp{Offset: s.Offset, Time: s.Time})
		}
	})
	return executor.ScanLines(src, next, time.Time{}, fn)
}

// open opens the local file of a run's stream; nil when this node has none.
func (r *Reader) open(id, stream string) (*os.File, error) {
	if err := executor.CheckRunID(id); err != nil {
		return nil, glue.Errorf(glue.InvalidInput, "job run id %q: %v", id, err)
	}
	if !isStream(stream) {
		return nil, glue.Errorf(glue.InvalidInput, "stream %q: want stdout or stderr", stream)
	}
	return openLog(r.DataDir, id, stream)
}

// end returns how far a stream was shipped, or glue.EntityNotFound when
// nothing was.
func (r *Reader) end(ctx context.Context, id, stream string) (store.LogEnd, error) {
	var end store.LogEnd
	if r.Store != nil {
		err := r.Store.View(ctx, func(tx store.Tx) error {
			var err error
			end, err = tx.Logs().End(ctx, id, stream)
			return err
		})
		if err != nil {
			return end, err
		}
	}
	if !end.Stored {
		return end, glue.Errorf(glue.EntityNotFound, "job run %s has no %s (yet)", id, stream)
	}
	return end, nil
}

func isStream(name string) bool {
	for _, s := range streams {
		if s == name {
			return true
		}
	}
	return false
}

// shipped returns the shipped bytes of a stream from off, read a page of
// chunks at a time; seen is called with each chunk as it is read.
func (r *Reader) shipped(ctx context.Context, id, stream string, off int64, seen func(*store.LogChunk)) io.Reader {
	return &chunkReader{ctx: ctx, st: r.Store, id: id, stream: stream, off: off, seen: seen}
}

// chunkReader reads shipped output as one stream of bytes.
type chunkReader struct {
	ctx        context.Context
	st         store.Store
	id, stream string
	off        int64 // offset of the next byte to return
	buf        []byte
	page       []*store.LogChunk
	seen       func(*store.LogChunk)
	eof        bool
}

func (c *chunkReader) Read(p []byte) (int, error) {
	for len(c.buf) == 0 {
		if len(c.page) == 0 {
			if c.eof {
				return 0, io.EOF
			}
			if err := c.fetch(); err != nil {
				return 0, err
			}
			continue
		}
		ch := c.page[0]
		c.page = c.page[1:]
		if c.seen != nil {
			c.seen(ch)
		}
		if skip := c.off - ch.Offset; skip < int64(len(ch.Data)) {
			c.buf = ch.Data[max(skip, 0):]
		}
	}
	n := copy(p, c.buf)
	c.buf = c.buf[n:]
	c.off += int64(n)
	return n, nil
}

// fetch reads the next page of chunks.
func (c *chunkReader) fetch() error {
	err := c.st.View(c.ctx, func(tx store.Tx) error {
		var err error
		c.page, err = tx.Logs().Read(c.ctx, c.id, c.stream, c.off, readPage)
		return err
	})
	if err != nil {
		return err
	}
	c.eof = len(c.page) < readPage
	if len(c.page) == 0 {
		c.eof = true
	}
	return nil
}
