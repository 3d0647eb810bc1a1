package storetest

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// logsOf is a subtest's access to store.Logs.
type logsOf struct {
	t *testing.T
	b *bundle
}

func (l logsOf) end(run, stream string) store.LogEnd {
	l.t.Helper()
	var end store.LogEnd
	l.b.view(l.t, func(tx store.Tx) error {
		var err error
		end, err = tx.Logs().End(l.b.ctx, run, stream)
		return err
	})
	return end
}

// append stores c and returns whether it was new, or the error.
func (l logsOf) append(run, stream string, c *store.LogChunk) (bool, error) {
	var isNew bool
	err := l.b.store.Update(l.b.ctx, func(tx store.Tx) error {
		var err error
		isNew, err = tx.Logs().Append(l.b.ctx, run, stream, c)
		return err
	})
	return isNew, err
}

func (l logsOf) read(run, stream string, from int64, limit int) []*store.LogChunk {
	l.t.Helper()
	var out []*store.LogChunk
	l.b.view(l.t, func(tx store.Tx) error {
		var err error
		out, err = tx.Logs().Read(l.b.ctx, run, stream, from, limit)
		return err
	})
	return out
}

// chunk is the chunk of data at off, with one stamp at its start.
func chunk(off int64, data string, at time.Time) *store.LogChunk {
	return &store.LogChunk{Offset: off, Data: []byte(data), Stamps: []store.LogStamp{{Offset: off, Time: at}}}
}

// Ensure Logs keeps each run's streams as contiguous chunks: End follows
// the appended chunks, a chunk already stored is not stored twice, a gap,
// an overlap, an oversized or empty chunk and anything after the final
// chunk are glue.InvalidInput, Read pages by offset from any point, bytes
// and stamps come back exactly, and a rolled-back Append stores nothing.
func testLogs(t *testing.T, open OpenFunc) {
	l := logsOf{t, setup(t, open)}
	require.Equal(t, store.LogEnd{}, l.end("jr_1", "stdout"), "nothing stored")
	require.Empty(t, l.read("jr_1", "stdout", 0, 10))

	first := chunk(0, "one\ntwo\n", ms)
	first.Stamps = append(first.Stamps, store.LogStamp{Offset: 4, Time: ms.Add(time.Second)})
	isNew, err := l.append("jr_1", "stdout", first)
	require.NoError(t, err)
	require.True(t, isNew)
	require.Equal(t, store.LogEnd{Offset: 8, Stored: true}, l.end("jr_1", "stdout"))
	isNew, err = l.append("jr_1", "stdout", first)
	require.NoError(t, err)
	require.False(t, isNew, "a chunk already stored is not stored twice")

	_, err = l.append("jr_1", "stdout", chunk(9, "gap\n", ms))
	requireCode(t, err, glue.InvalidInput, "jr_1", "ends at 8")
	_, err = l.append("jr_1", "stdout", chunk(4, "two\nthree\n", ms))
	requireCode(t, err, glue.InvalidInput, "ends at 8")
	_, err = l.append("jr_1", "stdout", chunk(8, string(make([]byte, store.MaxLogChunkBytes+1)), ms))
	requireCode(t, err, glue.InvalidInput, "more than")
	_, err = l.append("jr_1", "stdout", &store.LogChunk{Offset: 8})
	requireCode(t, err, glue.InvalidInput, "empty")

	rollback := errors.New("roll back")
	err = l.b.store.Update(l.b.ctx, func(tx store.Tx) error {
		_, err := tx.Logs().Append(l.b.ctx, "jr_1", "stdout", chunk(8, "rolled\n", ms))
		require.NoError(t, err)
		return rollback
	})
	require.ErrorIs(t, err, rollback)
	require.Equal(t, int64(8), l.end("jr_1", "stdout").Offset, "a rolled-back Append stores nothing")

	binary := string(bytes.Repeat([]byte{0, 0xff, 'x', '\n'}, store.MaxLogChunkBytes/4))
	_, err = l.append("jr_1", "stdout", chunk(8, binary, ms.Add(2*time.Second)))
	require.NoError(t, err, "a chunk of exactly MaxLogChunkBytes is taken")
	third := chunk(8+int64(len(binary)), "last", ms.Add(3*time.Second))
	third.Final = true
	_, err = l.append("jr_1", "stdout", third)
	require.NoError(t, err)
	end := l.end("jr_1", "stdout")
	require.Equal(t, store.LogEnd{Offset: third.End(), Stored: true, Final: true}, end)
	_, err = l.append("jr_1", "stdout", chunk(end.Offset, "more\n", ms))
	requireCode(t, err, glue.InvalidInput, "ended")
	isNew, err = l.append("jr_1", "stdout", third)
	require.NoError(t, err)
	require.False(t, isNew, "the final chunk again is already stored")

	all := l.read("jr_1", "stdout", 0, 10)
	require.Len(t, all, 3)
	inUTCChunks(all)
	require.Equal(t, first, all[0], "bytes and stamps round-trip")
	require.Equal(t, binary, string(all[1].Data), "bytes are kept exactly")
	require.Equal(t, third, all[2])
	page := l.read("jr_1", "stdout", 0, 2)
	require.Len(t, page, 2, "limit bounds a page")
	require.Equal(t, int64(8), l.read("jr_1", "stdout", 8, 1)[0].Offset, "a page starts after from")
	require.Equal(t, int64(0), l.read("jr_1", "stdout", 7, 1)[0].Offset, "the chunk holding from comes first")
	require.Empty(t, l.read("jr_1", "stdout", end.Offset, 10))

	require.Equal(t, store.LogEnd{}, l.end("jr_1", "stderr"), "streams are separate")
	require.Equal(t, store.LogEnd{}, l.end("jr_2", "stdout"), "runs are separate")
	empty := &store.LogChunk{Final: true}
	isNew, err = l.append("jr_2", "stderr", empty)
	require.NoError(t, err)
	require.True(t, isNew, "a stream with no output can be final")
	require.Equal(t, store.LogEnd{Stored: true, Final: true}, l.end("jr_2", "stderr"))
}

// Ensure the output of an expired job run is deleted with it, and that of
// a kept one stays.
func testExpireLogs(t *testing.T, open OpenFunc) {
	l := logsOf{t, setup(t, open)}
	l.b.update(t, func(tx store.Tx) error {
		if err := tx.JobRuns().Insert(l.b.ctx, endedJobRun("j", "jr_old", glue.JobRunSucceeded, at(time.Hour))); err != nil {
			return err
		}
		return tx.JobRuns().Insert(l.b.ctx, endedJobRun("j", "jr_new", glue.JobRunSucceeded, at(11*time.Hour)))
	})
	for _, run := range []string{"jr_old", "jr_new"} {
		for _, stream := range []string{"stdout", "stderr"} {
			_, err := l.append(run, stream, chunk(0, run+"\n", ms))
			require.NoError(t, err)
		}
	}
	require.Equal(t, []string{"jr_old"}, expireAll(t, l.b, store.Retention.ExpireJobRuns, 10))
	require.Empty(t, l.read("jr_old", "stdout", 0, 10))
	require.Equal(t, store.LogEnd{}, l.end("jr_old", "stderr"))
	require.Len(t, l.read("jr_new", "stdout", 0, 10), 1)
	require.Len(t, l.read("jr_new", "stderr", 0, 10), 1)
}

// inUTCChunks puts the chunks' stamps in UTC.
func inUTCChunks(cs []*store.LogChunk) {
	for _, c := range cs {
		for i := range c.Stamps {
			c.Stamps[i].Time = c.Stamps[i].Time.UTC()
		}
	}
}
