package glue

// KindUserDefinedFunction keys user-defined functions in the definitions
// store, under "<database>/<function>". Epoxy does not tag them, so it is
// not among Kinds.
const KindUserDefinedFunction Kind = "userDefinedFunction"

// UserDefinedFunction is a function of a catalog database (Hive's
// CREATE FUNCTION): the class implementing it and the resources it needs.
type UserDefinedFunction struct {
	FunctionName string        `json:"FunctionName"`
	DatabaseName string        `json:"DatabaseName,omitempty"`
	ClassName    string        `json:"ClassName,omitempty"`
	OwnerName    string        `json:"OwnerName,omitempty"`
	FunctionType string        `json:"FunctionType,omitempty"`
	OwnerType    string        `json:"OwnerType,omitempty"`
	CreateTime   Timestamp     `json:"CreateTime,omitzero"`
	ResourceUris []ResourceURI `json:"ResourceUris,omitzero"`
	CatalogId    string        `json:"CatalogId,omitempty"`
}

// ResourceURI is a resource a function needs (a JAR, file or archive).
type ResourceURI struct {
	ResourceType string `json:"ResourceType,omitempty"`
	Uri          string `json:"Uri,omitempty"`
}

// FunctionKey is the store key of a database's function.
func FunctionKey(db, name string) string { return db + "/" + name }

// Key returns the function's store key.
func (f *UserDefinedFunction) Key() string { return FunctionKey(f.DatabaseName, f.FunctionName) }

// FunctionQuery selects the functions GetUserDefinedFunctions returns.
type FunctionQuery struct {
	// Database keeps one database's functions; "" keeps every database's.
	Database string
	// Pattern matches function names as GetTables' Expression does.
	Pattern string
	// FunctionType keeps functions of this type; "" keeps all.
	FunctionType string
}
