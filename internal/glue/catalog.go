package glue

import (
	"encoding/json"
	"strings"
)

// Database is a Data Catalog database.
type Database struct {
	Name                          string            `json:"Name"`
	Description                   *string           `json:"Description,omitempty"`
	LocationUri                   *string           `json:"LocationUri,omitempty"`
	Parameters                    map[string]string `json:"Parameters,omitempty"`
	CreateTime                    Timestamp         `json:"CreateTime,omitzero"`
	CreateTableDefaultPermissions json.RawMessage   `json:"CreateTableDefaultPermissions,omitempty"`
	TargetDatabase                json.RawMessage   `json:"TargetDatabase,omitempty"`
	FederatedDatabase             json.RawMessage   `json:"FederatedDatabase,omitempty"`
	CatalogId                     string            `json:"CatalogId,omitempty"`
}

// Column is a column of a table or one of its partition keys.
type Column struct {
	Name       string            `json:"Name"`
	Type       string            `json:"Type,omitempty"`
	Comment    *string           `json:"Comment,omitempty"`
	Parameters map[string]string `json:"Parameters,omitempty"`
}

// SerDeInfo names the serialisation library of a storage descriptor.
type SerDeInfo struct {
	Name                 *string           `json:"Name,omitempty"`
	SerializationLibrary *string           `json:"SerializationLibrary,omitempty"`
	Parameters           map[string]string `json:"Parameters,omitempty"`
}

// StorageDescriptor describes where and how a table's or a partition's data
// is stored.
type StorageDescriptor struct {
	Columns                []Column          `json:"Columns,omitempty"`
	Location               *string           `json:"Location,omitempty"`
	AdditionalLocations    []string          `json:"AdditionalLocations,omitempty"`
	InputFormat            *string           `json:"InputFormat,omitempty"`
	OutputFormat           *string           `json:"OutputFormat,omitempty"`
	Compressed             bool              `json:"Compressed"`
	NumberOfBuckets        int32             `json:"NumberOfBuckets"`
	SerdeInfo              *SerDeInfo        `json:"SerdeInfo,omitempty"`
	BucketColumns          []string          `json:"BucketColumns,omitempty"`
	SortColumns            json.RawMessage   `json:"SortColumns,omitempty"`
	Parameters             map[string]string `json:"Parameters,omitempty"`
	SkewedInfo             json.RawMessage   `json:"SkewedInfo,omitempty"`
	StoredAsSubDirectories bool              `json:"StoredAsSubDirectories"`
	SchemaReference        json.RawMessage   `json:"SchemaReference,omitempty"`
}

// Table is a Data Catalog table: the members of Glue's TableInput plus
// those the catalog maintains (times, database, version).
type Table struct {
	Name                          string             `json:"Name"`
	DatabaseName                  string             `json:"DatabaseName,omitempty"`
	Description                   *string            `json:"Description,omitempty"`
	Owner                         *string            `json:"Owner,omitempty"`
	CreateTime                    Timestamp          `json:"CreateTime,omitzero"`
	UpdateTime                    Timestamp          `json:"UpdateTime,omitzero"`
	LastAccessTime                *Timestamp         `json:"LastAccessTime,omitempty"`
	LastAnalyzedTime              *Timestamp         `json:"LastAnalyzedTime,omitempty"`
	Retention                     int32              `json:"Retention"`
	StorageDescriptor             *StorageDescriptor `json:"StorageDescriptor,omitempty"`
	PartitionKeys                 []Column           `json:"PartitionKeys"`
	ViewOriginalText              *string            `json:"ViewOriginalText,omitempty"`
	ViewExpandedText              *string            `json:"ViewExpandedText,omitempty"`
	TableType                     *string            `json:"TableType,omitempty"`
	Parameters                    map[string]string  `json:"Parameters,omitempty"`
	CreatedBy                     *string            `json:"CreatedBy,omitempty"`
	IsRegisteredWithLakeFormation bool               `json:"IsRegisteredWithLakeFormation"`
	TargetTable                   json.RawMessage    `json:"TargetTable,omitempty"`
	CatalogId                     string             `json:"CatalogId,omitempty"`
	VersionId                     string             `json:"VersionId,omitempty"`
}

// TableVersion is one stored version of a table.
type TableVersion struct {
	Table     *Table `json:"Table"`
	VersionId string `json:"VersionId"`
}

// Partition is one partition of a table: the values of its partition keys,
// in key order, and where its data is.
type Partition struct {
	Values            []string           `json:"Values"`
	DatabaseName      string             `json:"DatabaseName,omitempty"`
	TableName         string             `json:"TableName,omitempty"`
	CreationTime      Timestamp          `json:"CreationTime,omitzero"`
	LastAccessTime    *Timestamp         `json:"LastAccessTime,omitempty"`
	StorageDescriptor *StorageDescriptor `json:"StorageDescriptor,omitempty"`
	Parameters        map[string]string  `json:"Parameters,omitempty"`
	LastAnalyzedTime  *Timestamp         `json:"LastAnalyzedTime,omitempty"`
	CatalogId         string             `json:"CatalogId,omitempty"`
}

// PartitionIndex is a partition index as requested: a name and the
// partition keys it covers, in order.
type PartitionIndex struct {
	IndexName string   `json:"IndexName"`
	Keys      []string `json:"Keys"`
}

// KeySchemaElement is a key of a partition index with its type.
type KeySchemaElement struct {
	Name string `json:"Name"`
	Type string `json:"Type"`
}

// PartitionIndexDescriptor is a partition index as GetPartitionIndexes
// describes it.
type PartitionIndexDescriptor struct {
	IndexName   string             `json:"IndexName"`
	Keys        []KeySchemaElement `json:"Keys"`
	IndexStatus string             `json:"IndexStatus"`
}

// ErrorDetail is the per-item error of Glue's batch operations.
type ErrorDetail struct {
	ErrorCode    string `json:"ErrorCode"`
	ErrorMessage string `json:"ErrorMessage"`
}

// DetailOf returns the ErrorDetail reporting err.
func DetailOf(err error) *ErrorDetail {
	return &ErrorDetail{ErrorCode: string(CodeOf(err)), ErrorMessage: err.Error()}
}

// Err returns the error the detail reports.
func (d *ErrorDetail) Err() error {
	return &Error{Code: ErrorCode(d.ErrorCode), Message: d.ErrorMessage}
}

// PartitionError is a batch partition operation's failure for one
// partition.
type PartitionError struct {
	PartitionValues []string     `json:"PartitionValues"`
	ErrorDetail     *ErrorDetail `json:"ErrorDetail"`
}

// TableError is a batch table operation's failure for one table.
type TableError struct {
	TableName   string       `json:"TableName"`
	ErrorDetail *ErrorDetail `json:"ErrorDetail"`
}

// TableVersionError is BatchDeleteTableVersion's failure for one version.
type TableVersionError struct {
	TableName   string       `json:"TableName"`
	VersionId   string       `json:"VersionId"`
	ErrorDetail *ErrorDetail `json:"ErrorDetail"`
}

// Segment selects one of TotalSegments disjoint parts of a table's
// partitions; together the parts hold every partition exactly once.
type Segment struct {
	SegmentNumber int `json:"SegmentNumber"`
	TotalSegments int `json:"TotalSegments"`
}

// CatalogName returns the form Glue stores database and table names in:
// lower case, for Hive compatibility.
func CatalogName(name string) string { return strings.ToLower(name) }

// PartitionKeyNames returns the names of a table's partition keys.
func (t *Table) PartitionKeyNames() []string {
	out := make([]string, len(t.PartitionKeys))
	for i, k := range t.PartitionKeys {
		out[i] = k.Name
	}
	return out
}

// TableUpdate is what UpdateTable changes.
type TableUpdate struct {
	// Table is the new definition (TableInput).
	Table *Table
	// VersionId, when set, must be the table's current version.
	VersionId string
	// SkipArchive replaces the current version instead of keeping it.
	SkipArchive bool
}

// PartitionRef names a partition of a table by its values.
type PartitionRef struct {
	Database, Table string
	Values          []string
}

// Names returns the database and table names as the catalog stores them.
func (r PartitionRef) Names() (string, string) {
	return CatalogName(r.Database), CatalogName(r.Table)
}

// PartitionUpdate replaces the partition with values Values by Partition.
type PartitionUpdate struct {
	Values    []string
	Partition *Partition
}

// PartitionFilter is what GetPartitions selects by.
type PartitionFilter struct {
	Expression          string
	Segment             *Segment
	ExcludeColumnSchema bool
	After               string
	Limit               int
}

// PropertyPredicate is a SearchTables filter: a table property (Key)
// compared with Value.
type PropertyPredicate struct {
	Key        string `json:"Key"`
	Value      string `json:"Value"`
	Comparator string `json:"Comparator"`
}

// TableSearch is what SearchTables selects by.
type TableSearch struct {
	SearchText string
	Filters    []PropertyPredicate
	After      string
	Limit      int
}
