package service

import (
	"context"
	"strings"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// User-defined functions are definitions keyed "<database>/<function>" in
// the generic resources store, both names in lower case as the catalog
// stores them. DeleteDatabase deletes its functions by that prefix.

// functionScan is how many functions a listing reads per store call.
const functionScan = 200

// CreateUserDefinedFunction stores a new function in an existing database.
func (s *Service) CreateUserDefinedFunction(ctx context.Context, catalogID, db string, fn *glue.UserDefinedFunction) error {
	if fn.FunctionName == "" {
		return glue.Errorf(glue.InvalidInput, "FunctionInput.FunctionName is required")
	}
	fn.DatabaseName, fn.FunctionName = glue.CatalogName(db), glue.CatalogName(fn.FunctionName)
	fn.CreateTime, fn.CatalogId = glue.At(s.now()), s.account
	return s.functionUpdate(ctx, catalogID, fn.DatabaseName, func(tx store.Tx) error {
		err := tx.Functions().Insert(ctx, fn.Key(), fn)
		if glue.IsCode(err, glue.AlreadyExists) {
			return glue.Errorf(glue.AlreadyExists, "Function %s already exists in database %s", fn.FunctionName, fn.DatabaseName)
		}
		return err
	})
}

// UpdateUserDefinedFunction replaces a function's definition, keeping its
// creation time. A FunctionInput naming another function renames it, as
// Hive's ALTER FUNCTION does; one without a name keeps the name.
func (s *Service) UpdateUserDefinedFunction(ctx context.Context, catalogID, db, name string, fn *glue.UserDefinedFunction) error {
	db, name = glue.CatalogName(db), glue.CatalogName(name)
	if fn.FunctionName == "" {
		fn.FunctionName = name
	}
	fn.DatabaseName, fn.FunctionName = db, glue.CatalogName(fn.FunctionName)
	return s.functionUpdate(ctx, catalogID, db, func(tx store.Tx) error {
		old, err := getFunction(ctx, tx, db, name)
		if err != nil {
			return err
		}
		fn.CreateTime, fn.CatalogId = old.CreateTime, old.CatalogId
		if fn.FunctionName == name {
			return tx.Functions().Replace(ctx, fn.Key(), fn)
		}
		if _, err := tx.Functions().Delete(ctx, old.Key()); err != nil {
			return err
		}
		err = tx.Functions().Insert(ctx, fn.Key(), fn)
		if glue.IsCode(err, glue.AlreadyExists) {
			return glue.Errorf(glue.AlreadyExists, "Function %s already exists in database %s", fn.FunctionName, db)
		}
		return err
	})
}

// DeleteUserDefinedFunction deletes a function; a missing one is
// EntityNotFoundException.
func (s *Service) DeleteUserDefinedFunction(ctx context.Context, catalogID, db, name string) error {
	db, name = glue.CatalogName(db), glue.CatalogName(name)
	return s.functionUpdate(ctx, catalogID, db, func(tx store.Tx) error {
		existed, err := tx.Functions().Delete(ctx, glue.FunctionKey(db, name))
		if err == nil && !existed {
			return functionNotFound(db, name)
		}
		return err
	})
}

// GetUserDefinedFunction returns one function of a database.
func (s *Service) GetUserDefinedFunction(ctx context.Context, catalogID, db, name string) (*glue.UserDefinedFunction, error) {
	db, name = glue.CatalogName(db), glue.CatalogName(name)
	var out *glue.UserDefinedFunction
	err := s.functionView(ctx, catalogID, db, func(tx store.Tx) (err error) {
		out, err = getFunction(ctx, tx, db, name)
		return err
	})
	return out, err
}

// GetUserDefinedFunctions returns a page of the functions q selects, in
// database then function name order, starting after the key opts.After.
// A named database must exist; without one every database's functions
// are listed.
func (s *Service) GetUserDefinedFunctions(ctx context.Context, catalogID string, q glue.FunctionQuery, opts glue.ListOptions) ([]*glue.UserDefinedFunction, error) {
	match, err := nameMatcher("Pattern", q.Pattern)
	if err != nil {
		return nil, err
	}
	q.Database = glue.CatalogName(q.Database)
	keep := func(f *glue.UserDefinedFunction) bool {
		return (q.Database == "" || f.DatabaseName == q.Database) &&
			(q.FunctionType == "" || f.FunctionType == q.FunctionType) && (match == nil || match(f.FunctionName))
	}
	var out []*glue.UserDefinedFunction
	err = s.functionView(ctx, catalogID, q.Database, func(tx store.Tx) (err error) {
		out, err = scanFunctions(ctx, tx, functionPrefix(q.Database), opts, keep)
		return err
	})
	return out, err
}

// scanFunctions reads functions in key order from after opts.After while
// their keys start with prefix, keeping those keep accepts, until it has
// opts.Limit of them (0: all).
func scanFunctions(ctx context.Context, tx store.Tx, prefix string, opts glue.ListOptions, keep func(*glue.UserDefinedFunction) bool) ([]*glue.UserDefinedFunction, error) {
	after := max(opts.After, prefix)
	var out []*glue.UserDefinedFunction
	for {
		batch, err := tx.Functions().List(ctx, glue.ListOptions{After: after, Limit: functionScan})
		if err != nil {
			return nil, err
		}
		for _, f := range batch {
			if !strings.HasPrefix(f.Key(), prefix) {
				return out, nil
			}
			if keep(f) {
				out = append(out, f)
			}
			if opts.Limit > 0 && len(out) == opts.Limit {
				return out, nil
			}
		}
		if len(batch) < functionScan {
			return out, nil
		}
		after = batch[len(batch)-1].Key()
	}
}

// deleteFunctions deletes every function of a database.
func deleteFunctions(ctx context.Context, tx store.Tx, db string) error {
	fns, err := scanFunctions(ctx, tx, functionPrefix(db), glue.ListOptions{}, func(f *glue.UserDefinedFunction) bool { return f.DatabaseName == db })
	if err != nil {
		return err
	}
	for _, f := range fns {
		if _, err := tx.Functions().Delete(ctx, f.Key()); err != nil {
			return err
		}
	}
	return nil
}

// functionPrefix is the key prefix of a database's functions; "" (every
// database) has none.
func functionPrefix(db string) string {
	if db == "" {
		return ""
	}
	return glue.FunctionKey(db, "")
}

// functionView runs fn in a read transaction after checking the CatalogId
// and, when db is not "", that the database exists.
func (s *Service) functionView(ctx context.Context, catalogID, db string, fn func(store.Tx) error) error {
	if err := s.checkCatalog(catalogID); err != nil {
		return err
	}
	return s.store.View(ctx, func(tx store.Tx) error { return inDatabase(ctx, tx, db, fn) })
}

// functionUpdate runs fn in a write transaction after checking the
// CatalogId and that the database exists.
func (s *Service) functionUpdate(ctx context.Context, catalogID, db string, fn func(store.Tx) error) error {
	if err := s.checkCatalog(catalogID); err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx store.Tx) error { return inDatabase(ctx, tx, db, fn) })
}

func inDatabase(ctx context.Context, tx store.Tx, db string, fn func(store.Tx) error) error {
	if db != "" {
		if _, err := tx.Catalog().GetDatabase(ctx, db); err != nil {
			return err
		}
	}
	return fn(tx)
}

func getFunction(ctx context.Context, tx store.Tx, db, name string) (*glue.UserDefinedFunction, error) {
	f, err := tx.Functions().Get(ctx, glue.FunctionKey(db, name))
	if glue.IsCode(err, glue.EntityNotFound) {
		return nil, functionNotFound(db, name)
	}
	return f, err
}

func functionNotFound(db, name string) error {
	return glue.Errorf(glue.EntityNotFound, "Function %s not found in database %s", name, db)
}
