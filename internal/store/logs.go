package store

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// MaxLogChunkBytes is the most output one LogChunk holds, so that shipping
// a chunk is one short transaction and reading one takes bounded memory.
const MaxLogChunkBytes = 256 << 10

// LogChunk is a piece of one output stream ("stdout" or "stderr") of a job
// run, shipped from the node that ran it: the bytes of the stream from
// Offset, exactly as the job printed them.
type LogChunk struct {
	// Offset is where Data starts in the stream.
	Offset int64
	// Data is at most MaxLogChunkBytes of output; empty only in the Final
	// chunk.
	Data []byte
	// Stamps say when lines were written, in offset order, within
	// [Offset, Offset+len(Data)): a line was written at the time of the
	// last stamp at or before its start.
	Stamps []LogStamp
	// Final marks the last chunk: the run's process has ended and the
	// stream is complete.
	Final bool
}

// End is the offset just past the chunk's data.
func (c *LogChunk) End() int64 { return c.Offset + int64(len(c.Data)) }

// LogStamp is when the line starting at Offset was written, to the
// millisecond.
type LogStamp struct {
	Offset int64
	Time   time.Time
}

// LogEnd is how far a stream has been stored.
type LogEnd struct {
	// Offset is where the next chunk starts (0 when nothing is stored).
	Offset int64
	// Stored reports whether any chunk is stored.
	Stored bool
	// Final reports whether the final chunk is stored.
	Final bool
}

// Logs stores job runs' output, shipped from the node that ran them so
// that any node can read it. A stream is a sequence of contiguous chunks:
// each starts where the previous one ended.
type Logs interface {
	// End returns how far a run's stream has been stored.
	End(ctx context.Context, runID, stream string) (LogEnd, error)
	// Append stores the next chunk of a run's stream and reports whether it
	// was new: a chunk that ends at or before the stored end was stored
	// already (false). A chunk that would leave a gap, overlap the stored
	// end, follow the final chunk, exceed MaxLogChunkBytes or be empty
	// without being final is glue.InvalidInput.
	Append(ctx context.Context, runID, stream string, c *LogChunk) (bool, error)
	// Read returns, in order, at most limit chunks of a run's stream that
	// end after offset from (the first may start before it).
	Read(ctx context.Context, runID, stream string, from int64, limit int) ([]*LogChunk, error)
}

// CheckLogAppend validates chunk c against the stored end, for backends:
// it reports whether c is new, or why it cannot be appended.
func CheckLogAppend(end LogEnd, runID, stream string, c *LogChunk) (bool, error) {
	switch {
	case len(c.Data) > MaxLogChunkBytes:
		return false, glue.Errorf(glue.InvalidInput, "log chunk of %s %s: %d bytes, more than %d", runID, stream, len(c.Data), MaxLogChunkBytes)
	case len(c.Data) == 0 && !c.Final:
		return false, glue.Errorf(glue.InvalidInput, "log chunk of %s %s at %d: empty and not final", runID, stream, c.Offset)
	case end.Stored && c.End() <= end.Offset && (len(c.Data) > 0 || end.Final):
		return false, nil
	case end.Final:
		return false, glue.Errorf(glue.InvalidInput, "log chunk of %s %s at %d: the stream ended at %d", runID, stream, c.Offset, end.Offset)
	case c.Offset != end.Offset:
		return false, glue.Errorf(glue.InvalidInput, "log chunk of %s %s at %d: the stored output ends at %d", runID, stream, c.Offset, end.Offset)
	}
	return true, nil
}

// EncodeLogStamps writes stamps as text for a backend's column: one
// "OFFSET MILLIS" line each.
func EncodeLogStamps(stamps []LogStamp) string {
	var b strings.Builder
	for _, s := range stamps {
		fmt.Fprintf(&b, "%d %d\n", s.Offset, s.Time.UnixMilli())
	}
	return b.String()
}

// DecodeLogStamps reads what EncodeLogStamps wrote.
func DecodeLogStamps(text string) ([]LogStamp, error) {
	var out []LogStamp
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		var off, ms int64
		if _, err := fmt.Sscanf(sc.Text(), "%d %d", &off, &ms); err != nil {
			return nil, fmt.Errorf("log stamps: %q: %w", sc.Text(), err)
		}
		out = append(out, LogStamp{Offset: off, Time: time.UnixMilli(ms).UTC()})
	}
	return out, sc.Err()
}
