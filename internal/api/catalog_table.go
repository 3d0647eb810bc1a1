package api

import (
	"context"
	"strconv"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

type tableIn struct {
	catalogIn
	DatabaseName string
	Name         string
}

type createTableIn struct {
	catalogIn
	DatabaseName     string
	Name             string
	TableInput       *glue.Table
	PartitionIndexes []glue.PartitionIndex
}

type updateTableIn struct {
	createTableIn
	SkipArchive bool
	VersionId   string
}

type tableOut struct {
	Table *glue.Table `json:"Table"`
}

type getTablesIn struct {
	catalogIn
	DatabaseName string
	Expression   string
	NextToken    *string
	MaxResults   *int32
}

type tablesOut struct {
	TableList []*glue.Table `json:"TableList"`
	NextToken *string       `json:"NextToken,omitempty"`
}

type batchDeleteTableIn struct {
	catalogIn
	DatabaseName   string
	TablesToDelete []string
}

type batchDeleteTableOut struct {
	Errors []glue.TableError `json:"Errors,omitempty"`
}

type searchTablesIn struct {
	catalogIn
	SearchText string
	Filters    []glue.PropertyPredicate
	NextToken  *string
	MaxResults *int32
}

type tableVersionIn struct {
	catalogIn
	DatabaseName string
	TableName    string
	VersionId    string
}

type tableVersionOut struct {
	TableVersion *glue.TableVersion `json:"TableVersion"`
}

type getTableVersionsIn struct {
	catalogIn
	DatabaseName string
	TableName    string
	NextToken    *string
	MaxResults   *int32
}

type tableVersionsOut struct {
	TableVersions []*glue.TableVersion `json:"TableVersions"`
	NextToken     *string              `json:"NextToken,omitempty"`
}

type batchDeleteTableVersionIn struct {
	catalogIn
	DatabaseName string
	TableName    string
	VersionIds   []string
}

type batchDeleteTableVersionOut struct {
	Errors []glue.TableVersionError `json:"Errors,omitempty"`
}

func tableName(t *glue.Table) string { return t.Name }

// tableInput returns the request's TableInput, named by the request's Name
// when TableInput leaves it out.
func (in *createTableIn) tableInput() (*glue.Table, error) {
	if in.TableInput == nil {
		return nil, glue.Errorf(glue.InvalidInput, "TableInput is required")
	}
	if in.TableInput.Name == "" {
		in.TableInput.Name = in.Name
	}
	if in.TableInput.Name == "" {
		return nil, glue.Errorf(glue.InvalidInput, "TableInput.Name is required")
	}
	return in.TableInput, nil
}

func (s *Server) registerTables(svc CatalogService) {
	handle(s, "CreateTable", func(ctx context.Context, in *createTableIn) (*empty, error) {
		t, err := in.tableInput()
		if err != nil {
			return nil, err
		}
		return &empty{}, svc.CreateTable(ctx, in.CatalogId, in.DatabaseName, t, in.PartitionIndexes)
	})
	handle(s, "UpdateTable", func(ctx context.Context, in *updateTableIn) (*empty, error) {
		t, err := in.tableInput()
		if err != nil {
			return nil, err
		}
		return &empty{}, svc.UpdateTable(ctx, in.CatalogId, in.DatabaseName, glue.TableUpdate{Table: t, VersionId: in.VersionId, SkipArchive: in.SkipArchive})
	})
	handle(s, "GetTable", func(ctx context.Context, in *tableIn) (*tableOut, error) {
		t, err := svc.GetTable(ctx, in.CatalogId, in.DatabaseName, in.Name)
		return &tableOut{t}, err
	})
	handle(s, "GetTables", func(ctx context.Context, in *getTablesIn) (*tablesOut, error) {
		p, err := s.newPager("GetTables", in.NextToken, in.MaxResults, 100, []string{in.CatalogId, glue.CatalogName(in.DatabaseName), in.Expression})
		if err != nil {
			return nil, err
		}
		list := func(ctx context.Context, opts glue.ListOptions) ([]*glue.Table, error) {
			return svc.GetTables(ctx, in.CatalogId, in.DatabaseName, in.Expression, opts)
		}
		ts, next, err := listPage(ctx, s, p, glue.ListOptions{}, list, tableName)
		return &tablesOut{TableList: nonNil(ts), NextToken: next}, err
	})
	handle(s, "DeleteTable", func(ctx context.Context, in *tableIn) (*empty, error) {
		return &empty{}, svc.DeleteTable(ctx, in.CatalogId, in.DatabaseName, in.Name)
	})
	handle(s, "BatchDeleteTable", func(ctx context.Context, in *batchDeleteTableIn) (*batchDeleteTableOut, error) {
		errs, err := svc.BatchDeleteTable(ctx, in.CatalogId, in.DatabaseName, in.TablesToDelete)
		return &batchDeleteTableOut{errs}, err
	})
	handle(s, "SearchTables", func(ctx context.Context, in *searchTablesIn) (*tablesOut, error) {
		p, err := s.newPager("SearchTables", in.NextToken, in.MaxResults, 100, []any{in.CatalogId, in.SearchText, in.Filters})
		if err != nil {
			return nil, err
		}
		list := func(ctx context.Context, opts glue.ListOptions) ([]*glue.Table, error) {
			return svc.SearchTables(ctx, in.CatalogId, glue.TableSearch{SearchText: in.SearchText, Filters: in.Filters, After: opts.After, Limit: opts.Limit})
		}
		ts, next, err := listPage(ctx, s, p, glue.ListOptions{}, list, store.TableKey)
		return &tablesOut{TableList: nonNil(ts), NextToken: next}, err
	})
}

func tableVersionKey(v *glue.TableVersion) string { return v.VersionId }

func (s *Server) registerTableVersions(svc CatalogService) {
	handle(s, "GetTableVersion", func(ctx context.Context, in *tableVersionIn) (*tableVersionOut, error) {
		v, err := svc.GetTableVersion(ctx, in.CatalogId, in.DatabaseName, in.TableName, in.VersionId)
		return &tableVersionOut{v}, err
	})
	handle(s, "GetTableVersions", func(ctx context.Context, in *getTableVersionsIn) (*tableVersionsOut, error) {
		p, err := s.newPager("GetTableVersions", in.NextToken, in.MaxResults, 100,
			[]string{in.CatalogId, glue.CatalogName(in.DatabaseName), glue.CatalogName(in.TableName)})
		if err != nil {
			return nil, err
		}
		before, _ := strconv.ParseInt(p.after, 10, 64)
		vs, err := svc.GetTableVersions(ctx, in.CatalogId, in.DatabaseName, in.TableName, before, p.limit+1)
		if err != nil {
			return nil, err
		}
		vs, next := page(s, p, vs, tableVersionKey)
		return &tableVersionsOut{TableVersions: nonNil(vs), NextToken: next}, nil
	})
	handle(s, "DeleteTableVersion", func(ctx context.Context, in *tableVersionIn) (*empty, error) {
		return &empty{}, svc.DeleteTableVersion(ctx, in.CatalogId, in.DatabaseName, in.TableName, in.VersionId)
	})
	handle(s, "BatchDeleteTableVersion", func(ctx context.Context, in *batchDeleteTableVersionIn) (*batchDeleteTableVersionOut, error) {
		errs, err := svc.BatchDeleteTableVersion(ctx, in.CatalogId, in.DatabaseName, in.TableName, in.VersionIds)
		return &batchDeleteTableVersionOut{errs}, err
	})
}
