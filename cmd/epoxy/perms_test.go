package main

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/stretchr/testify/require"
)

// Ensure what Epoxy itself keeps in the data directory is private to the
// user running it: the directory 0700 (made so if it existed with wider
// permissions), the database, its journals and the token key 0600, and
// the blueprint copies and shim 0600 in 0700 folders. (Job logs and the
// python runtime belong to the executor and are not checked here.)
func TestDataDir_Permissions(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	cfg.DataDir = filepath.Join(t.TempDir(), "data")
	require.NoError(t, os.Mkdir(cfg.DataDir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(cfg.DataDir, "token.key"), make([]byte, 32), 0o644))
	b := setupWith(t, cfg)
	_, err := b.client.CreateWorkflow(context.Background(), &glue.CreateWorkflowInput{Name: aws.String("wf")})
	require.NoError(t, err)
	registerBlueprint(t, b, "bp", lcArchive(t))

	want := map[string]fs.FileMode{".": 0o700, "epoxy.db": 0o600, "epoxy.db-wal": 0o600, "epoxy.db-shm": 0o600,
		"token.key": 0o600, "blueprints": 0o700, "blueprints/bp": 0o700, "blueprints/bp/v1.zip": 0o600}
	for rel, mode := range want {
		info, err := os.Stat(filepath.Join(cfg.DataDir, rel))
		require.NoError(t, err)
		require.Equal(t, mode, info.Mode().Perm(), rel)
	}
	shim := filepath.Join(cfg.DataDir, "runtime", "blueprint")
	var files int
	require.NoError(t, filepath.WalkDir(shim, func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		info, err := d.Info()
		require.NoError(t, err)
		if d.IsDir() {
			require.Equal(t, fs.FileMode(0o700), info.Mode().Perm(), p)
		} else {
			files++
			require.Equal(t, fs.FileMode(0o600), info.Mode().Perm(), p)
		}
		return nil
	}))
	require.Positive(t, files)
}
