package logship

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/executor"
	"github.com/epoxy-run/epoxy/internal/gluetest"
	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/epoxy-run/epoxy/internal/store/sqlite"
)

// shipTest is a node's data directory with job output, a store, and a
// reader on another, empty data directory (another node).
type shipTest struct {
	t     testing.TB
	ctx   context.Context
	data  string
	st    store.Store
	clock *gluetest.Clock
	// remote reads what was shipped, as a node without the files does.
	remote *Reader
}

func newShipTest(t *testing.T) *shipTest {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "epoxy.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return &shipTest{t: t, ctx: t.Context(), data: t.TempDir(), st: st,
		clock:  gluetest.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)),
		remote: &Reader{DataDir: t.TempDir(), Store: st}}
}

func (s *shipTest) shipper(chunk int) *Shipper {
	return New(Config{DataDir: s.data, Store: s.st, Clock: s.clock, ChunkBytes: chunk})
}

// write appends data to a run's stream as the output relay does: a stamp
// for the first line the write starts (when stamp is set), then the data.
func (s *shipTest) write(id, stream, data string, at int64, stamp bool) {
	s.t.Helper()
	dir := executor.LogDir(s.data, id)
	require.NoError(s.t, os.MkdirAll(dir, 0o700))
	if stamp {
		s.appendFile(filepath.Join(dir, executor.TimesFile(stream)), fmt.Sprintf("%d %d\n", s.size(id, stream), at))
	}
	s.appendFile(filepath.Join(dir, stream), data)
}

func (s *shipTest) appendFile(path, data string) {
	s.t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	require.NoError(s.t, err)
	_, err = f.WriteString(data)
	require.NoError(s.t, err)
	require.NoError(s.t, f.Close())
}

func (s *shipTest) size(id, stream string) int64 {
	fi, err := os.Stat(filepath.Join(executor.LogDir(s.data, id), stream))
	if err != nil {
		return 0
	}
	return fi.Size()
}

// end marks the run's process ended, as the executor does.
func (s *shipTest) end(id string) {
	s.t.Helper()
	require.NoError(s.t, os.MkdirAll(executor.RunDir(s.data, id), 0o700))
	require.NoError(s.t, os.WriteFile(executor.EndedFile(s.data, id), []byte("0\n"), 0o600))
}

// lines renders a stream's lines as "offset millis text", read by r.
func (s *shipTest) lines(r *Reader, id, stream string) []string {
	s.t.Helper()
	var out []string
	require.NoError(s.t, r.Lines(s.ctx, id, stream, func(l executor.LogLine) bool {
		out = append(out, fmt.Sprintf("%d %d %s", l.Offset, l.Time.UnixMilli(), l.Text))
		return true
	}))
	return out
}

// requireShipped asserts that the shipped copy reads exactly as the local
// files do, line by line with their times.
func (s *shipTest) requireShipped(id, stream string) {
	s.t.Helper()
	local := s.lines(&Reader{DataDir: s.data}, id, stream)
	require.NotEmpty(s.t, local)
	require.Equal(s.t, local, s.lines(s.remote, id, stream))
}

// chunks returns the chunks of a stream, checking that they are
// contiguous and that each has its stamps in its range, the first at its
// start.
func (s *shipTest) chunks(id, stream string) []*store.LogChunk {
	s.t.Helper()
	var out []*store.LogChunk
	require.NoError(s.t, s.st.View(s.ctx, func(tx store.Tx) error {
		var err error
		out, err = tx.Logs().Read(s.ctx, id, stream, 0, 1<<20)
		return err
	}))
	var off int64
	for _, c := range out {
		require.Equal(s.t, off, c.Offset, "chunks are contiguous")
		off = c.End()
		if len(c.Data) > 0 {
			require.Equal(s.t, c.Offset, c.Stamps[0].Offset, "a chunk is timed from its start")
		}
		for _, st := range c.Stamps {
			require.True(s.t, st.Offset >= c.Offset && st.Offset < max(c.End(), c.Offset+1), "stamp %d in [%d, %d)", st.Offset, c.Offset, c.End())
		}
	}
	return out
}

func (s *shipTest) info(id, stream string) Info {
	s.t.Helper()
	info, err := s.remote.Info(s.ctx, id, stream)
	require.NoError(s.t, err)
	return info
}

// Ensure a pass ships what a running job printed, with the relay's times,
// and the pass after the run ended ships the rest and marks both streams
// final; a run that printed nothing to stderr has an empty final stderr.
func TestShipper_ShipsRunningAndEndedRuns(t *testing.T) {
	t.Parallel()
	s := newShipTest(t)
	sh := s.shipper(0)
	s.write("jr_1", "stdout", "one\ntwo\n", 1000, true)
	s.write("jr_1", "stdout", "three", 2000, true)
	require.NoError(t, sh.RunOnce(s.ctx))
	s.requireShipped("jr_1", "stdout")
	require.Equal(t, Info{Size: 13}, s.info("jr_1", "stdout"), "a running job's output is not final")

	s.write("jr_1", "stdout", " and more\nfour\n", 3000, false)
	s.end("jr_1")
	require.NoError(t, sh.RunOnce(s.ctx))
	s.requireShipped("jr_1", "stdout")
	require.Equal(t, []string{"0 1000 one", "4 1000 two", "8 2000 three and more", "23 2000 four"}, s.lines(s.remote, "jr_1", "stdout"))
	require.Equal(t, Info{Size: 28, Ended: true}, s.info("jr_1", "stdout"))
	require.Equal(t, Info{Ended: true}, s.info("jr_1", "stderr"))

	require.NoError(t, sh.RunOnce(s.ctx))
	require.Len(t, s.chunks("jr_1", "stdout"), 2, "nothing is shipped twice")
}

// Ensure no transaction ships more than ChunkBytes, a job printing many
// chunks' worth reads back whole, and a line longer than a chunk is one
// line.
func TestShipper_BoundedChunks(t *testing.T) {
	t.Parallel()
	s := newShipTest(t)
	var want strings.Builder
	for i := range 200 {
		fmt.Fprintf(&want, "line %03d\n", i)
	}
	long := strings.Repeat("x", 1000) + "\n"
	s.write("jr_many", "stdout", want.String(), 1000, true)
	s.write("jr_many", "stdout", long, 2000, true)
	s.end("jr_many")
	require.NoError(t, s.shipper(64).RunOnce(s.ctx))

	chunks := s.chunks("jr_many", "stdout")
	total := 0
	for _, c := range chunks {
		require.LessOrEqual(t, len(c.Data), 64)
		total += len(c.Data)
	}
	require.Equal(t, len(want.String())+len(long), total)
	require.Len(t, chunks, (total+63)/64, "chunks are full but the last")
	s.requireShipped("jr_many", "stdout")
	got := s.lines(s.remote, "jr_many", "stdout")
	require.Len(t, got, 201)
	require.Equal(t, fmt.Sprintf("1800 2000 %s", strings.TrimSuffix(long, "\n")), got[200], "a line longer than a chunk is one line")
	require.Equal(t, Info{Size: int64(total), Ended: true}, s.info("jr_many", "stdout"))
}

// Ensure a new shipper (a restarted node) resumes after what the store
// holds: nothing is stored twice or skipped, and a chunk starting inside a
// write keeps that write's time rather than the clock's.
func TestShipper_ResumesAfterRestart(t *testing.T) {
	t.Parallel()
	s := newShipTest(t)
	// The relay's write of a1..a4 is half on disk when the first shipper
	// passes; the rest, and more, when a restarted one does.
	s.write("jr_r", "stdout", "a1\na2\n", 1000, true)
	require.NoError(t, s.shipper(6).RunOnce(s.ctx))
	s.appendFile(filepath.Join(executor.LogDir(s.data, "jr_r"), "stdout"), "a3\na4\n")
	s.write("jr_r", "stdout", "b1\nb2\n", 2000, true)
	s.write("jr_r", "stderr", "oops\n", 2500, true)
	s.end("jr_r")
	require.NoError(t, s.shipper(6).RunOnce(s.ctx))
	s.requireShipped("jr_r", "stdout")
	s.requireShipped("jr_r", "stderr")
	require.Equal(t, []string{"0 1000 a1", "3 1000 a2", "6 1000 a3", "9 1000 a4", "12 2000 b1", "15 2000 b2"},
		s.lines(s.remote, "jr_r", "stdout"))
	chunks := s.chunks("jr_r", "stdout")
	require.Equal(t, s.size("jr_r", "stdout"), chunks[len(chunks)-1].End())
}

// Ensure output without the relay's stamps is timed by the shipper's
// clock, and a tampered time file (garbage, an overlong line, a stamp
// going backwards) times lines as the local reader does.
func TestShipper_StampsLikeTheLocalReader(t *testing.T) {
	t.Parallel()
	s := newShipTest(t)
	s.write("jr_plain", "stdout", "no stamp\n", 0, false)
	s.end("jr_plain")
	s.write("jr_odd", "stdout", "first\n", 5000, true)
	times := filepath.Join(executor.LogDir(s.data, "jr_odd"), executor.TimesFile("stdout"))
	s.appendFile(times, "garbage\n"+strings.Repeat("9", 10000)+"\n6 7000\n3 1\n")
	s.write("jr_odd", "stdout", "second\n", 0, false)
	s.write("jr_odd", "stdout", "third\n", 8000, true)
	s.end("jr_odd")
	require.NoError(t, s.shipper(0).RunOnce(s.ctx))

	require.Equal(t, []string{fmt.Sprintf("0 %d no stamp", s.clock.Now().UnixMilli())}, s.lines(s.remote, "jr_plain", "stdout"))
	s.requireShipped("jr_odd", "stdout")
	require.Equal(t, []string{"0 5000 first", "6 7000 second", "13 8000 third"}, s.lines(s.remote, "jr_odd", "stdout"))
}

// Ensure Stop makes a last pass: output of a run that ended after the
// background's first pass is shipped and final.
func TestShipper_StopShipsTheRest(t *testing.T) {
	t.Parallel()
	s := newShipTest(t)
	sh := New(Config{DataDir: s.data, Store: s.st, Clock: s.clock, Interval: time.Hour})
	require.NoError(t, sh.Start(s.ctx))
	s.write("jr_s", "stdout", "bye\n", 1000, true)
	s.end("jr_s")
	sh.Stop()
	s.requireShipped("jr_s", "stdout")
	require.True(t, s.info("jr_s", "stdout").Ended)
}

// hookStore calls after once each Update has returned.
type hookStore struct {
	store.Store
	after func()
}

func (h hookStore) Update(ctx context.Context, fn func(store.Tx) error) error {
	err := h.Store.Update(ctx, fn)
	h.after()
	return err
}

// Ensure a pass ships what a stream held when the pass reached it: a job
// printing a chunk's worth each time the store takes one does not keep the
// pass on its run; the next pass ships what it printed meanwhile.
func TestShipper_FastWriterDoesNotHoldThePass(t *testing.T) {
	t.Parallel()
	s := newShipTest(t)
	s.write("jr_fast", "stdout", strings.Repeat("0123456789abcde\n", 8), 1000, true)
	writes := 0
	fast := hookStore{Store: s.st, after: func() {
		if writes < 100 {
			writes++
			s.write("jr_fast", "stdout", strings.Repeat("more output ...\n", 4), 2000, true)
		}
	}}
	sh := New(Config{DataDir: s.data, Store: fast, Clock: s.clock, ChunkBytes: 64})
	require.NoError(t, sh.RunOnce(s.ctx))
	require.Len(t, s.chunks("jr_fast", "stdout"), 2, "the 128 bytes there when the pass began")
	require.NoError(t, sh.RunOnce(s.ctx))
	require.Len(t, s.chunks("jr_fast", "stdout"), 4, "the next pass ships what was printed meanwhile")
}
