// Package migration reads the numbered schema migrations a store backend
// embeds, and reports which of them a database has applied. Each backend
// applies them in its own SQL dialect and records them in its own
// schema_migrations table.
package migration

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Migration is one numbered schema change: the file NNNN_name.sql in a
// migrations directory moves the schema up to version NNNN, and
// NNNN_name.down.sql moves it back to the version before.
type Migration struct {
	Version int
	// Name is the file name without .sql: "0002_runs".
	Name string
	// Up and Down are the paths of the files within the directory's FS.
	Up, Down string
}

// Load returns the migrations in dir of fsys in version order. Every
// migration must have a down file, and no two may share a version.
func Load(fsys fs.FS, dir string) ([]Migration, error) {
	files, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []Migration
	for _, f := range files {
		if strings.HasSuffix(f, ".down.sql") {
			continue
		}
		m, err := parse(dir, f)
		if err != nil {
			return nil, err
		}
		if _, err := fs.Stat(fsys, m.Down); err != nil {
			return nil, fmt.Errorf("migration %s has no down file %s", m.Name, m.Down)
		}
		if len(out) > 0 && out[len(out)-1].Version == m.Version {
			return nil, fmt.Errorf("migrations %s and %s share version %d", out[len(out)-1].Name, m.Name, m.Version)
		}
		out = append(out, m)
	}
	return out, nil
}

func parse(dir, file string) (Migration, error) {
	name := strings.TrimSuffix(path.Base(file), ".sql")
	num, _, _ := strings.Cut(name, "_")
	version, err := strconv.Atoi(num)
	if err != nil {
		return Migration{}, fmt.Errorf("%s: file name must start with a number", file)
	}
	return Migration{Version: version, Name: name, Up: file, Down: path.Join(dir, name+".down.sql")}, nil
}

// Applied is one row of a schema_migrations table.
type Applied struct {
	Version   int
	Name      string
	AppliedAt time.Time
}

// State is a migration and whether a database has applied it.
type State struct {
	Version int
	Name    string
	// Applied is false for a migration this Epoxy has that the database
	// has not applied.
	Applied   bool
	AppliedAt time.Time
	// Unknown marks a migration the database applied that this Epoxy does
	// not have: the database was migrated by a newer Epoxy.
	Unknown bool
}

// Status merges the migrations this Epoxy has with those a database
// applied, in version order.
func Status(have []Migration, applied []Applied) []State {
	byVersion := map[int]*State{}
	for _, m := range have {
		byVersion[m.Version] = &State{Version: m.Version, Name: m.Name}
	}
	for _, a := range applied {
		s, ok := byVersion[a.Version]
		if !ok {
			s = &State{Version: a.Version, Name: a.Name, Unknown: true}
			byVersion[a.Version] = s
		}
		s.Applied, s.AppliedAt = true, a.AppliedAt
	}
	out := make([]State, 0, len(byVersion))
	for _, s := range byVersion {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out
}
