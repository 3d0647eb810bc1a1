package logship

import (
	"bufio"
	"errors"
	"io"
	"strings"

	"github.com/epoxy-run/epoxy/internal/executor"
	"github.com/epoxy-run/epoxy/internal/store"
)

// maxStampLine bounds a line of a time file: anything longer is not the
// relay's (a job can write in its own directory) and is skipped.
const maxStampLine = 4 << 10

// streamState is how far one stream of a run is shipped, and where its
// time file has been read to.
type streamState struct {
	loaded bool  // offset and final come from the store
	offset int64 // where the next chunk starts
	final  bool
	// timesPos is how much of the time file has been taken; last is the
	// last stamp taken (before offset), which times the start of the next
	// chunk when no stamp of its own does.
	timesPos int64
	last     *executor.Stamp
	skipping bool // inside an overlong line of the time file
}

// shipped records that c is stored.
func (st *streamState) shipped(c *store.LogChunk) {
	st.offset, st.final = c.End(), c.Final
}

// next returns the stream's next chunk, and the file's size: at most max
// bytes from offset, final when the run has ended and the chunk reaches
// the end of the file (an empty final chunk when nothing is left); nil
// when there is nothing to ship yet. The log file is read before its time
// file: the relay stamps a line before writing it, so every shipped
// line's stamp is read.
func (st *streamState) next(dataDir, id, name string, max int, ended bool, clock Clock) (*store.LogChunk, int64, error) {
	c, size, err := st.read(dataDir, id, name, max)
	if err != nil {
		return nil, 0, err
	}
	if len(c.Data) == 0 {
		if !ended {
			return nil, size, nil
		}
		return &store.LogChunk{Offset: st.offset, Final: true}, size, nil
	}
	c.Final = ended && c.End() >= size
	stamps, carry, err := st.stamps(dataDir, id, name, c.End())
	if err != nil {
		return nil, 0, err
	}
	c.Stamps = stamps
	if len(c.Stamps) == 0 || c.Stamps[0].Offset > c.Offset {
		first := store.LogStamp{Offset: c.Offset, Time: clock.Now()}
		if carry != nil {
			first.Time = carry.Time
		}
		c.Stamps = append([]store.LogStamp{first}, c.Stamps...)
	}
	return c, size, nil
}

// read reads at most max bytes of the log file from offset, and its size
// (0 when it does not exist).
func (st *streamState) read(dataDir, id, name string, max int) (*store.LogChunk, int64, error) {
	c := &store.LogChunk{Offset: st.offset}
	f, err := openLog(dataDir, id, name)
	if f == nil || err != nil {
		return c, 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	if fi.Size() > st.offset {
		if c.Data, err = readAt(f, st.offset, int(min(fi.Size()-st.offset, int64(max)))); err != nil {
			return nil, 0, err
		}
	}
	return c, fi.Size(), nil
}

// stamps takes the stamps of the time file before end: those at or after
// offset are returned with the last one before offset (nil when there is
// none), and the last taken is remembered. A stamp at or past end, or a
// line still being written, is left for the next chunk; lines that do not
// parse or go backwards are skipped, as executor.ReadLines skips them.
func (st *streamState) stamps(dataDir, id, name string, end int64) (out []store.LogStamp, before *executor.Stamp, err error) {
	before = st.last
	f, err := openLog(dataDir, id, executor.TimesFile(name))
	if f == nil || err != nil {
		return nil, before, err
	}
	defer f.Close()
	if _, err := f.Seek(st.timesPos, io.SeekStart); err != nil {
		return nil, nil, err
	}
	br := bufio.NewReaderSize(f, maxStampLine)
	for {
		line, err := br.ReadSlice('\n')
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			st.timesPos += int64(len(line))
			st.skipping = true
			continue
		case errors.Is(err, io.EOF):
			return out, before, nil // a line still being written
		case err != nil:
			return nil, nil, err
		}
		s, ok := executor.ParseStamp(strings.TrimSuffix(string(line), "\n"))
		if ok && !st.skipping && s.Offset >= end {
			return out, before, nil
		}
		st.timesPos += int64(len(line))
		if !ok || st.skipping || (st.last != nil && s.Offset < st.last.Offset) {
			st.skipping = false
			continue
		}
		st.last = &s
		if s.Offset < st.offset {
			before = &s
			continue
		}
		out = append(out, store.LogStamp{Offset: s.Offset, Time: s.Time})
	}
}
