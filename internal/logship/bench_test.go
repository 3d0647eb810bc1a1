package logship

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/executor"
	"github.com/epoxy-run/epoxy/internal/gluetest"
	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/epoxy-run/epoxy/internal/store/postgres"
	"github.com/epoxy-run/epoxy/internal/store/postgres/pgtest"
	"github.com/epoxy-run/epoxy/internal/store/sqlite"
)

// BenchmarkShip ships 16 MiB of job output (100-byte lines, a stamp every
// 10 lines) per iteration and reads it back line by line from another
// data directory, on SQLite and, with TEST_DATABASE_URL, PostgreSQL.
func BenchmarkShip(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		st, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "epoxy.db"))
		require.NoError(b, err)
		defer st.Close()
		benchShip(b, st)
	})
	b.Run("postgres", func(b *testing.B) {
		st, err := postgres.Open(b.Context(), pgtest.URL(b))
		require.NoError(b, err)
		defer st.Close()
		benchShip(b, st)
	})
}

func benchShip(b *testing.B, st store.Store) {
	const total = 16 << 20
	s := &shipTest{t: b, ctx: context.Background(), st: st}
	line := strings.Repeat("x", 99) + "\n"
	var block strings.Builder
	for range 10 {
		block.WriteString(line)
	}
	b.SetBytes(total)
	for i := range b.N {
		s.data = b.TempDir()
		id := fmt.Sprintf("jr_%d", i)
		for off := 0; off < total; off += block.Len() * 100 {
			var chunk strings.Builder
			for range 100 {
				chunk.WriteString(block.String())
			}
			s.write(id, "stdout", chunk.String(), int64(off), true)
		}
		s.end(id)
		sh := New(Config{DataDir: s.data, Store: st, Clock: gluetest.NewClock(time.Unix(0, 0))})
		start := time.Now()
		require.NoError(b, sh.RunOnce(s.ctx))
		shipped := time.Since(start)
		n := 0
		start = time.Now()
		require.NoError(b, (&Reader{DataDir: b.TempDir(), Store: st}).Lines(s.ctx, id, "stdout", func(executor.LogLine) bool { n++; return true }))
		b.ReportMetric(float64(shipped.Milliseconds()), "ship-ms")
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "read-ms")
		require.Positive(b, n)
	}
}
