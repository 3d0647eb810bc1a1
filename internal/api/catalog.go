package api

import (
	"context"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// CatalogService is what the Data Catalog operations need.
type CatalogService interface {
	CreateDatabase(ctx context.Context, catalogID string, db *glue.Database) error
	GetDatabase(ctx context.Context, catalogID, name string) (*glue.Database, error)
	GetDatabases(ctx context.Context, catalogID string, opts glue.ListOptions) ([]*glue.Database, error)
	UpdateDatabase(ctx context.Context, catalogID, name string, db *glue.Database) error
	DeleteDatabase(ctx context.Context, catalogID, name string) error

	CreateTable(ctx context.Context, catalogID, db string, t *glue.Table, indexes []glue.PartitionIndex) error
	UpdateTable(ctx context.Context, catalogID, db string, u glue.TableUpdate) error
	GetTable(ctx context.Context, catalogID, db, name string) (*glue.Table, error)
	GetTables(ctx context.Context, catalogID, db, expression string, opts glue.ListOptions) ([]*glue.Table, error)
	DeleteTable(ctx context.Context, catalogID, db, name string) error
	BatchDeleteTable(ctx context.Context, catalogID, db string, names []string) ([]glue.TableError, error)
	SearchTables(ctx context.Context, catalogID string, q glue.TableSearch) ([]*glue.Table, error)
	GetTableVersion(ctx context.Context, catalogID, db, table, version string) (*glue.TableVersion, error)
	GetTableVersions(ctx context.Context, catalogID, db, table string, before int64, limit int) ([]*glue.TableVersion, error)
	DeleteTableVersion(ctx context.Context, catalogID, db, table, version string) error
	BatchDeleteTableVersion(ctx context.Context, catalogID, db, table string, versions []string) ([]glue.TableVersionError, error)

	CreatePartition(ctx context.Context, catalogID string, ref glue.PartitionRef, p *glue.Partition) error
	BatchCreatePartition(ctx context.Context, catalogID string, ref glue.PartitionRef, ps []*glue.Partition) ([]glue.PartitionError, error)
	GetPartition(ctx context.Context, catalogID string, ref glue.PartitionRef) (*glue.Partition, error)
	BatchGetPartition(ctx context.Context, catalogID string, ref glue.PartitionRef, values [][]string) ([]*glue.Partition, error)
	GetPartitions(ctx context.Context, catalogID string, ref glue.PartitionRef, f glue.PartitionFilter) ([]*glue.Partition, error)
	UpdatePartition(ctx context.Context, catalogID string, ref glue.PartitionRef, p *glue.Partition) error
	BatchUpdatePartition(ctx context.Context, catalogID string, ref glue.PartitionRef, us []glue.PartitionUpdate) ([]glue.PartitionError, error)
	DeletePartition(ctx context.Context, catalogID string, ref glue.PartitionRef) error
	BatchDeletePartition(ctx context.Context, catalogID string, ref glue.PartitionRef, values [][]string) ([]glue.PartitionError, error)

	CreatePartitionIndex(ctx context.Context, catalogID, db, table string, ix glue.PartitionIndex) error
	GetPartitionIndexes(ctx context.Context, catalogID, db, table string) ([]*glue.PartitionIndexDescriptor, error)
	DeletePartitionIndex(ctx context.Context, catalogID, db, table, name string) error
}

// catalogIn is the CatalogId every catalog request may carry.
type catalogIn struct {
	CatalogId string
}

type createDatabaseIn struct {
	catalogIn
	DatabaseInput glue.Database
	Tags          map[string]string
}

type databaseNameIn struct {
	catalogIn
	Name string
}

type updateDatabaseIn struct {
	catalogIn
	Name          string
	DatabaseInput glue.Database
}

type databaseOut struct {
	Database *glue.Database `json:"Database"`
}

type getDatabasesIn struct {
	catalogIn
	NextToken  *string
	MaxResults *int32
}

type getDatabasesOut struct {
	DatabaseList []*glue.Database `json:"DatabaseList"`
	NextToken    *string          `json:"NextToken,omitempty"`
}

func databaseName(d *glue.Database) string { return d.Name }

func (s *Server) registerCatalog(svc CatalogService) {
	s.registerDatabases(svc)
	s.registerTables(svc)
	s.registerTableVersions(svc)
	s.registerPartitions(svc)
	s.registerPartitionBatches(svc)
	s.registerPartitionIndexes(svc)
}

func (s *Server) registerDatabases(svc CatalogService) {
	handle(s, "CreateDatabase", func(ctx context.Context, in *createDatabaseIn) (*empty, error) {
		return &empty{}, svc.CreateDatabase(ctx, in.CatalogId, &in.DatabaseInput)
	})
	handle(s, "GetDatabase", func(ctx context.Context, in *databaseNameIn) (*databaseOut, error) {
		d, err := svc.GetDatabase(ctx, in.CatalogId, in.Name)
		return &databaseOut{d}, err
	})
	handle(s, "GetDatabases", func(ctx context.Context, in *getDatabasesIn) (*getDatabasesOut, error) {
		p, err := s.newPager("GetDatabases", in.NextToken, in.MaxResults, 100, in.CatalogId)
		if err != nil {
			return nil, err
		}
		list := func(ctx context.Context, opts glue.ListOptions) ([]*glue.Database, error) {
			return svc.GetDatabases(ctx, in.CatalogId, opts)
		}
		ds, next, err := listPage(ctx, s, p, glue.ListOptions{}, list, databaseName)
		return &getDatabasesOut{DatabaseList: nonNil(ds), NextToken: next}, err
	})
	handle(s, "UpdateDatabase", func(ctx context.Context, in *updateDatabaseIn) (*empty, error) {
		return &empty{}, svc.UpdateDatabase(ctx, in.CatalogId, in.Name, &in.DatabaseInput)
	})
	handle(s, "DeleteDatabase", func(ctx context.Context, in *databaseNameIn) (*empty, error) {
		return &empty{}, svc.DeleteDatabase(ctx, in.CatalogId, in.Name)
	})
}
