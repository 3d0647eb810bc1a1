package store

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/epoxy-run/epoxy/internal/catalog/expr"
	"github.com/epoxy-run/epoxy/internal/glue"
)

// Catalog stores the Data Catalog of the account: databases, tables with
// their versions, partitions and partition indexes. Names are stored as
// given; the service lower-cases them first.
type Catalog interface {
	// InsertDatabase stores a new database or fails with glue.AlreadyExists.
	InsertDatabase(ctx context.Context, db *glue.Database) error
	// GetDatabase returns a database or glue.EntityNotFound.
	GetDatabase(ctx context.Context, name string) (*glue.Database, error)
	// ReplaceDatabase overwrites a database.
	ReplaceDatabase(ctx context.Context, db *glue.Database) error
	// DeleteDatabase deletes a database with its tables, their versions,
	// partitions and partition indexes.
	DeleteDatabase(ctx context.Context, name string) error
	// Databases returns databases in name order after opts.After, at most
	// opts.Limit of them.
	Databases(ctx context.Context, opts glue.ListOptions) ([]*glue.Database, error)

	// InsertTable stores a new table as its version t.VersionId or fails
	// with glue.AlreadyExists.
	InsertTable(ctx context.Context, t *glue.Table) error
	// GetTable returns the current version of a table or glue.EntityNotFound.
	GetTable(ctx context.Context, db, name string) (*glue.Table, error)
	// UpdateTable makes t, with a new VersionId, the table's current
	// version and keeps it among its versions.
	UpdateTable(ctx context.Context, t *glue.Table) error
	// DeleteTable deletes a table with its versions, partitions and
	// partition indexes.
	DeleteTable(ctx context.Context, db, name string) error
	// Tables returns the current versions of a database's tables in name
	// order after q.After whose names q.Match accepts (every name when
	// Match is nil), at most q.Limit of them.
	Tables(ctx context.Context, db string, q TableQuery) ([]*glue.Table, error)
	// AllTables is Tables across databases, in (database, name) order;
	// q.After and the keys it returns are TableKey values.
	AllTables(ctx context.Context, q TableQuery) ([]*glue.Table, error)

	// TableVersion returns one version of a table or glue.EntityNotFound.
	TableVersion(ctx context.Context, db, table, version string) (*glue.TableVersion, error)
	// TableVersions returns a table's versions newest first, below version
	// before (0: from the newest), at most limit of them.
	TableVersions(ctx context.Context, db, table string, before int64, limit int) ([]*glue.TableVersion, error)
	// DeleteTableVersion deletes a version of a table or fails with
	// glue.EntityNotFound.
	DeleteTableVersion(ctx context.Context, db, table, version string) error

	// InsertPartition stores a new partition of a table or fails with
	// glue.AlreadyExists.
	InsertPartition(ctx context.Context, p *glue.Partition) error
	// GetPartition returns a partition by its values or glue.EntityNotFound.
	GetPartition(ctx context.Context, db, table string, values []string) (*glue.Partition, error)
	// ReplacePartition replaces the partition with the given values by p,
	// whose values may differ.
	ReplacePartition(ctx context.Context, values []string, p *glue.Partition) error
	// DeletePartition deletes a partition or fails with glue.EntityNotFound.
	DeletePartition(ctx context.Context, db, table string, values []string) error
	// Partitions returns a table's partitions that q selects, in the order
	// of their PartitionKey.
	Partitions(ctx context.Context, db, table string, q PartitionQuery) ([]*glue.Partition, error)

	// InsertPartitionIndex stores a partition index of a table or fails
	// with glue.AlreadyExists.
	InsertPartitionIndex(ctx context.Context, db, table string, ix *glue.PartitionIndexDescriptor) error
	// PartitionIndexes returns a table's partition indexes in name order.
	PartitionIndexes(ctx context.Context, db, table string) ([]*glue.PartitionIndexDescriptor, error)
	// DeletePartitionIndex deletes a partition index or fails with
	// glue.EntityNotFound.
	DeletePartitionIndex(ctx context.Context, db, table, name string) error
}

// TableQuery selects a page of tables.
type TableQuery struct {
	// After is the key of the last table of the previous page.
	After string
	// Limit caps the number of tables; 0 means no limit.
	Limit int
	// Match, when set, keeps only the tables it accepts.
	Match func(*glue.Table) bool
}

// TableKey is the key AllTables pages on: database and name.
func TableKey(t *glue.Table) string { return t.DatabaseName + "\x00" + t.Name }

// PartitionQuery selects a page of partitions.
type PartitionQuery struct {
	// Where keeps the partitions the expression matches; nil keeps all.
	Where expr.Expr
	// Segment, when set, keeps only the partitions of that segment.
	Segment *glue.Segment
	// After is the PartitionKey of the last partition of the previous page.
	After string
	// Limit caps the number of partitions; 0 means no limit.
	Limit int
}

// PartitionKey is the key a partition is stored and paged under: its
// values as a JSON array, which keeps them apart whatever they contain.
func PartitionKey(values []string) string {
	if values == nil {
		values = []string{}
	}
	b, _ := json.Marshal(values)
	return string(b)
}

// DatabaseNotFound is the glue.EntityNotFound of a missing database.
func DatabaseNotFound(name string) error {
	return glue.Errorf(glue.EntityNotFound, "Database %s not found.", name)
}

// TableNotFound is the glue.EntityNotFound of a missing table.
func TableNotFound(name string) error {
	return glue.Errorf(glue.EntityNotFound, "Table %s not found.", name)
}

// TableVersionNotFound is the glue.EntityNotFound of a missing version of
// a table.
func TableVersionNotFound(version, table string) error {
	return glue.Errorf(glue.EntityNotFound, "Version %s of table %s not found.", version, table)
}

// PartitionNotFound is the glue.EntityNotFound of a missing partition.
func PartitionNotFound(values []string) error {
	return glue.Errorf(glue.EntityNotFound, "Partition not found: values %s", PartitionKey(values))
}

// TableVersionNumber parses a table VersionId, a positive integer, into
// the number versions are stored and ordered by.
func TableVersionNumber(v string) (int64, bool) {
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil && n > 0
}
