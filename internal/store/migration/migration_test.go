package migration

import (
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"
)

// Ensure Load returns the up files in version order with their down files,
// and refuses a migration without a down file, a name without a number and
// two migrations with one version.
func TestLoad(t *testing.T) {
	t.Parallel()
	file := &fstest.MapFile{Data: []byte("SELECT 1;")}
	ms, err := Load(fstest.MapFS{
		"m/0002_b.sql": file, "m/0002_b.down.sql": file, "m/0001_a.sql": file, "m/0001_a.down.sql": file,
	}, "m")
	require.NoError(t, err)
	require.Equal(t, []Migration{
		{Version: 1, Name: "0001_a", Up: "m/0001_a.sql", Down: "m/0001_a.down.sql"},
		{Version: 2, Name: "0002_b", Up: "m/0002_b.sql", Down: "m/0002_b.down.sql"},
	}, ms)

	for name, fsys := range map[string]fstest.MapFS{
		"no down file": {"m/0001_a.sql": file},
		"no number":    {"m/first.sql": file, "m/first.down.sql": file},
		"same version": {"m/0001_a.sql": file, "m/0001_a.down.sql": file, "m/1_b.sql": file, "m/1_b.down.sql": file},
	} {
		_, err := Load(fsys, "m")
		require.Error(t, err, name)
	}
}

// Ensure Status lists every migration in version order, applied or not,
// and marks one the database applied that the binary lacks as unknown.
func TestStatus(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	got := Status([]Migration{{Version: 2, Name: "0002_b"}, {Version: 1, Name: "0001_a"}},
		[]Applied{{Version: 3, Name: "0003_c", AppliedAt: at}, {Version: 1, Name: "0001_a", AppliedAt: at}})
	require.Equal(t, []State{
		{Version: 1, Name: "0001_a", Applied: true, AppliedAt: at},
		{Version: 2, Name: "0002_b"},
		{Version: 3, Name: "0003_c", Applied: true, AppliedAt: at, Unknown: true},
	}, got)
}
