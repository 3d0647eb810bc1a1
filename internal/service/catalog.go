package service

import (
	"context"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// Epoxy serves one Data Catalog, the account's: a request naming another
// CatalogId is answered EntityNotFoundException.

// checkCatalog refuses a CatalogId other than the account's.
func (s *Service) checkCatalog(catalogID string) error {
	if catalogID != "" && catalogID != s.account {
		return glue.Errorf(glue.EntityNotFound, "Catalog %s not found: Epoxy serves one Data Catalog, account %s's", catalogID, s.account)
	}
	return nil
}

// catalogView runs fn in a read transaction on the catalog, after checking
// the CatalogId.
func (s *Service) catalogView(ctx context.Context, catalogID string, fn func(store.Catalog) error) error {
	if err := s.checkCatalog(catalogID); err != nil {
		return err
	}
	return s.store.View(ctx, func(tx store.Tx) error { return fn(tx.Catalog()) })
}

// catalogUpdate runs fn in a write transaction on the catalog, after
// checking the CatalogId.
func (s *Service) catalogUpdate(ctx context.Context, catalogID string, fn func(store.Catalog) error) error {
	if err := s.checkCatalog(catalogID); err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx store.Tx) error { return fn(tx.Catalog()) })
}

// CreateDatabase stores a new database; its name is stored in lower case.
func (s *Service) CreateDatabase(ctx context.Context, catalogID string, db *glue.Database) error {
	db.Name = glue.CatalogName(db.Name)
	db.CreateTime, db.CatalogId = glue.At(s.now()), s.account
	return s.catalogUpdate(ctx, catalogID, func(c store.Catalog) error { return c.InsertDatabase(ctx, db) })
}

// GetDatabase returns a database.
func (s *Service) GetDatabase(ctx context.Context, catalogID, name string) (*glue.Database, error) {
	var out *glue.Database
	err := s.catalogView(ctx, catalogID, func(c store.Catalog) (err error) {
		out, err = c.GetDatabase(ctx, glue.CatalogName(name))
		return err
	})
	return out, err
}

// GetDatabases returns a page of databases in name order.
func (s *Service) GetDatabases(ctx context.Context, catalogID string, opts glue.ListOptions) ([]*glue.Database, error) {
	var out []*glue.Database
	err := s.catalogView(ctx, catalogID, func(c store.Catalog) (err error) {
		out, err = c.Databases(ctx, opts)
		return err
	})
	return out, err
}

// UpdateDatabase replaces a database's definition, keeping its creation
// time. A database cannot be renamed.
func (s *Service) UpdateDatabase(ctx context.Context, catalogID, name string, in *glue.Database) error {
	name = glue.CatalogName(name)
	if glue.CatalogName(in.Name) != name {
		return glue.Errorf(glue.InvalidInput, "DatabaseInput.Name %s differs from Name %s: a database cannot be renamed", in.Name, name)
	}
	return s.catalogUpdate(ctx, catalogID, func(c store.Catalog) error {
		old, err := c.GetDatabase(ctx, name)
		if err != nil {
			return err
		}
		in.Name, in.CreateTime, in.CatalogId = name, old.CreateTime, old.CatalogId
		return c.ReplaceDatabase(ctx, in)
	})
}

// DeleteDatabase deletes a database with all its tables, partitions and
// user-defined functions.
func (s *Service) DeleteDatabase(ctx context.Context, catalogID, name string) error {
	name = glue.CatalogName(name)
	if err := s.checkCatalog(catalogID); err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx store.Tx) error {
		if err := tx.Catalog().DeleteDatabase(ctx, name); err != nil {
			return err
		}
		return deleteFunctions(ctx, tx, name)
	})
}
