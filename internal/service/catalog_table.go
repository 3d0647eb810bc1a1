package service

import (
	"context"
	"regexp"
	"strconv"
	"strings"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// CreateTable stores a new table as its version 1, with the partition
// indexes given.
func (s *Service) CreateTable(ctx context.Context, catalogID, db string, t *glue.Table, indexes []glue.PartitionIndex) error {
	if err := validateTable(t); err != nil {
		return err
	}
	now := s.now()
	t.Name, t.DatabaseName = glue.CatalogName(t.Name), glue.CatalogName(db)
	t.CreateTime, t.UpdateTime, t.VersionId, t.CatalogId = glue.At(now), glue.At(now), "1", s.account
	if t.PartitionKeys == nil {
		t.PartitionKeys = []glue.Column{}
	}
	return s.catalogUpdate(ctx, catalogID, func(c store.Catalog) error {
		if err := c.InsertTable(ctx, t); err != nil {
			return err
		}
		for _, ix := range indexes {
			if err := insertPartitionIndex(ctx, c, t, ix); err != nil {
				return err
			}
		}
		return nil
	})
}

// validateTable checks what the model cannot: partition keys are named
// once each.
func validateTable(t *glue.Table) error {
	seen := map[string]bool{}
	for _, k := range t.PartitionKeys {
		n := strings.ToLower(k.Name)
		if seen[n] {
			return glue.Errorf(glue.InvalidInput, "TableInput.PartitionKeys: key %s is given twice", k.Name)
		}
		seen[n] = true
	}
	return nil
}

// UpdateTable replaces a table's definition with a new version, keeping
// the previous one among its versions unless SkipArchive.
func (s *Service) UpdateTable(ctx context.Context, catalogID, db string, u glue.TableUpdate) error {
	t := u.Table
	if err := validateTable(t); err != nil {
		return err
	}
	t.Name, t.DatabaseName = glue.CatalogName(t.Name), glue.CatalogName(db)
	return s.catalogUpdate(ctx, catalogID, func(c store.Catalog) error {
		old, err := c.GetTable(ctx, t.DatabaseName, t.Name)
		if err != nil {
			return err
		}
		if u.VersionId != "" && u.VersionId != old.VersionId {
			return glue.Errorf(glue.ConcurrentModification, "VersionId %s is not the current version %s of table %s", u.VersionId, old.VersionId, t.Name)
		}
		n, _ := strconv.ParseInt(old.VersionId, 10, 64)
		t.CreateTime, t.CreatedBy, t.CatalogId = old.CreateTime, old.CreatedBy, old.CatalogId
		t.UpdateTime, t.VersionId = glue.At(s.now()), strconv.FormatInt(n+1, 10)
		if t.PartitionKeys == nil {
			t.PartitionKeys = []glue.Column{}
		}
		if err := c.UpdateTable(ctx, t); err != nil {
			return err
		}
		if u.SkipArchive {
			return c.DeleteTableVersion(ctx, t.DatabaseName, t.Name, old.VersionId)
		}
		return nil
	})
}

// GetTable returns the current version of a table.
func (s *Service) GetTable(ctx context.Context, catalogID, db, name string) (*glue.Table, error) {
	var out *glue.Table
	err := s.catalogView(ctx, catalogID, func(c store.Catalog) (err error) {
		out, err = c.GetTable(ctx, glue.CatalogName(db), glue.CatalogName(name))
		return err
	})
	return out, err
}

// GetTables returns a page of a database's tables in name order. A
// non-empty expression keeps the tables whose whole name matches it as a
// regular expression, case-insensitively; "*" alone matches every name.
func (s *Service) GetTables(ctx context.Context, catalogID, db, expression string, opts glue.ListOptions) ([]*glue.Table, error) {
	match, err := tableNameMatcher(expression)
	if err != nil {
		return nil, err
	}
	var out []*glue.Table
	err = s.catalogView(ctx, catalogID, func(c store.Catalog) (err error) {
		out, err = c.Tables(ctx, glue.CatalogName(db), store.TableQuery{After: opts.After, Limit: opts.Limit, Match: match})
		return err
	})
	return out, err
}

// tableNameMatcher compiles GetTables' Expression.
func tableNameMatcher(expression string) (func(*glue.Table) bool, error) {
	match, err := nameMatcher("Expression", expression)
	if match == nil {
		return nil, err
	}
	return func(t *glue.Table) bool { return match(t.Name) }, nil
}

// nameMatcher compiles a name pattern as Glue reads GetTables' Expression:
// a regular expression the whole name must match, case-insensitively; ""
// and "*" alone match every name (nil). member names the request member in
// the error for a bad pattern.
func nameMatcher(member, expression string) (func(string) bool, error) {
	if expression == "" || expression == "*" {
		return nil, nil
	}
	re, err := regexp.Compile(`(?i)^(?:` + expression + `)$`)
	if err != nil {
		return nil, glue.Errorf(glue.InvalidInput, "%s %q is not a valid regular expression: %s", member, expression, err.Error())
	}
	return re.MatchString, nil
}

// DeleteTable deletes a table with its versions and partitions.
func (s *Service) DeleteTable(ctx context.Context, catalogID, db, name string) error {
	return s.catalogUpdate(ctx, catalogID, func(c store.Catalog) error {
		return c.DeleteTable(ctx, glue.CatalogName(db), glue.CatalogName(name))
	})
}

// BatchDeleteTable deletes tables, reporting each one that could not be
// deleted.
func (s *Service) BatchDeleteTable(ctx context.Context, catalogID, db string, names []string) ([]glue.TableError, error) {
	var errs []glue.TableError
	err := s.catalogUpdate(ctx, catalogID, func(c store.Catalog) error {
		errs = nil
		if _, err := c.GetDatabase(ctx, glue.CatalogName(db)); err != nil {
			return err
		}
		for _, n := range names {
			err := c.DeleteTable(ctx, glue.CatalogName(db), glue.CatalogName(n))
			if err := itemError(err, func(d *glue.ErrorDetail) {
				errs = append(errs, glue.TableError{TableName: n, ErrorDetail: d})
			}); err != nil {
				return err
			}
		}
		return nil
	})
	return errs, err
}

// GetTableVersion returns one version of a table; an empty version is the
// current one.
func (s *Service) GetTableVersion(ctx context.Context, catalogID, db, table, version string) (*glue.TableVersion, error) {
	var out *glue.TableVersion
	err := s.catalogView(ctx, catalogID, func(c store.Catalog) error {
		db, table := glue.CatalogName(db), glue.CatalogName(table)
		if version == "" {
			t, err := c.GetTable(ctx, db, table)
			if err != nil {
				return err
			}
			version = t.VersionId
		}
		var err error
		out, err = c.TableVersion(ctx, db, table, version)
		return err
	})
	return out, err
}

// GetTableVersions returns a page of a table's versions, newest first,
// below version before (0: from the newest).
func (s *Service) GetTableVersions(ctx context.Context, catalogID, db, table string, before int64, limit int) ([]*glue.TableVersion, error) {
	var out []*glue.TableVersion
	err := s.catalogView(ctx, catalogID, func(c store.Catalog) (err error) {
		out, err = c.TableVersions(ctx, glue.CatalogName(db), glue.CatalogName(table), before, limit)
		return err
	})
	return out, err
}

// DeleteTableVersion deletes one version of a table.
func (s *Service) DeleteTableVersion(ctx context.Context, catalogID, db, table, version string) error {
	return s.catalogUpdate(ctx, catalogID, func(c store.Catalog) error {
		return c.DeleteTableVersion(ctx, glue.CatalogName(db), glue.CatalogName(table), version)
	})
}

// BatchDeleteTableVersion deletes versions of a table, reporting each one
// that could not be deleted.
func (s *Service) BatchDeleteTableVersion(ctx context.Context, catalogID, db, table string, versions []string) ([]glue.TableVersionError, error) {
	var errs []glue.TableVersionError
	err := s.catalogUpdate(ctx, catalogID, func(c store.Catalog) error {
		errs = nil
		for _, v := range versions {
			err := c.DeleteTableVersion(ctx, glue.CatalogName(db), glue.CatalogName(table), v)
			if err := itemError(err, func(d *glue.ErrorDetail) {
				errs = append(errs, glue.TableVersionError{TableName: table, VersionId: v, ErrorDetail: d})
			}); err != nil {
				return err
			}
		}
		return nil
	})
	return errs, err
}
