package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/epoxy-run/epoxy/internal/safefs"
	"github.com/epoxy-run/epoxy/internal/store/migration"
)

// migrateCmd reports on or moves the schema of a store: `epoxy migrate
// [--store URL] [--data DIR] [status|up|down N]`.
func migrateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	storeText := fs.String("store", envOr("EPOXY_STORE", ""), "postgres://... or sqlite:///path/epoxy.db; empty: SQLite in --data (env EPOXY_STORE)")
	data := fs.String("data", envOr("EPOXY_DATA", "./epoxy-data"), "data directory holding the SQLite database (env EPOXY_DATA)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, `Usage: epoxy migrate [--store URL] [--data DIR] [status|up|down N]

Report on or move the store's schema. status (the default) lists every
migration and whether it is applied; up applies those that are not (as
serve does on start); down N rolls back to version N (0: everything),
dropping what later versions added. PostgreSQL migrations run under an
advisory lock, so replicas starting at once migrate once.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage{err.Error()}
	}
	action, down, err := parseMigrateArgs(fs.Args())
	if err != nil {
		return err
	}
	loc, err := parseStore(*storeText)
	if err != nil {
		return errUsage{err.Error()}
	}
	return runMigrate(ctx, loc, *data, action, down, stdout)
}

// parseMigrateArgs reads the action and, for down, its version.
func parseMigrateArgs(args []string) (string, int, error) {
	if len(args) == 0 {
		return "status", 0, nil
	}
	switch {
	case (args[0] == "status" || args[0] == "up") && len(args) == 1:
		return args[0], 0, nil
	case args[0] == "down" && len(args) == 2:
		n, err := strconv.Atoi(args[1])
		if err != nil || n < 0 {
			return "", 0, errUsage{fmt.Sprintf("down needs the version to roll back to (a number, 0 for none), got %q", args[1])}
		}
		return "down", n, nil
	}
	return "", 0, errUsage{"expected status, up or down N"}
}

// runMigrate opens the store without migrating it, applies the action and
// prints the resulting status. A SQLite database in a data directory is
// moved only while no server holds that directory.
func runMigrate(ctx context.Context, loc storeLocation, dataDir, action string, down int, stdout io.Writer) error {
	var files *safefs.Root
	if loc.Postgres == "" && loc.SQLitePath == "" {
		var err error
		if files, err = safefs.OpenRoot(dataDir); err != nil {
			return fmt.Errorf("open data directory: %w", err)
		}
		defer files.Close()
		lock, err := lockDataDir(files.Path(""), "epoxy migrate")
		if err != nil {
			return err
		}
		defer lock.Release()
	}
	st, err := openDatabase(ctx, loc, files, false)
	if err != nil {
		return err
	}
	defer st.Close()
	switch action {
	case "up":
		err = st.Migrate(ctx)
	case "down":
		err = st.MigrateDown(ctx, down)
	}
	if err != nil {
		return err
	}
	states, err := st.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	printMigrations(stdout, states)
	return nil
}

// printMigrations writes one line per migration: version, name, and when
// it was applied or "pending".
func printMigrations(w io.Writer, states []migration.State) {
	for _, s := range states {
		status := "pending"
		if s.Applied {
			status = "applied " + s.AppliedAt.UTC().Format(time.RFC3339)
		}
		if s.Unknown {
			status += " (unknown to this Epoxy: the database was migrated by a newer one)"
		}
		fmt.Fprintf(w, "%04d  %-24s %s\n", s.Version, s.Name, status)
	}
}
