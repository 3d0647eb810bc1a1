// Package infer classifies data files as Glue's built-in classifiers do
// (CSV and JSON, plain or gzip/bzip2 compressed; Parquet and Avro) and as
// its custom CSV, JSON, Grok and XML classifiers do, and infers their schemas
// in Glue's types: bigint, double, boolean, string, date, timestamp,
// struct<...> and array<...>. Its functions are pure: they read bytes.
package infer

import "strings"

// Glue's primitive column types.
const (
	Bigint    = "bigint"
	Double    = "double"
	Boolean   = "boolean"
	String    = "string"
	Date      = "date"
	Timestamp = "timestamp"
	Int       = "int"
	Smallint  = "smallint"
	Tinyint   = "tinyint"
	Float     = "float"
	Decimal   = "decimal"
	Binary    = "binary"
	Struct    = "struct"
	Array     = "array"
	Map       = "map"
)

// Type is a column type: a primitive, a struct with fields or an array
// with an element type.
type Type struct {
	Kind   string
	Fields []Field // Struct; Map: the key and the value
	Elem   *Type   // Array; nil when every element seen was null
}

// Field is a named type: a column or a struct member.
type Field struct {
	Name string
	Type *Type
}

// String renders the type as Glue writes it in a column's Type.
func (t *Type) String() string {
	switch {
	case t == nil:
		return String
	case t.Kind == Struct:
		parts := make([]string, len(t.Fields))
		for i, f := range t.Fields {
			parts[i] = f.Name + ":" + f.Type.String()
		}
		return "struct<" + strings.Join(parts, ",") + ">"
	case t.Kind == Array:
		return "array<" + t.Elem.String() + ">"
	case t.Kind == Map && len(t.Fields) == 2:
		return "map<" + t.Fields[0].Type.String() + "," + t.Fields[1].Type.String() + ">"
	}
	return t.Kind
}

// Widen returns the type that holds values of both a and b: equal types
// stay, bigint and double widen to double, date and timestamp to
// timestamp, structs merge their fields (a's order first), arrays widen
// their elements, and anything else becomes string. A nil type (only
// nulls seen) yields the other.
func Widen(a, b *Type) *Type {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	case a.Kind == Struct && b.Kind == Struct:
		return &Type{Kind: Struct, Fields: MergeFields(a.Fields, b.Fields)}
	case a.Kind == Array && b.Kind == Array:
		return &Type{Kind: Array, Elem: Widen(a.Elem, b.Elem)}
	case a.Kind == b.Kind && a.Kind != Struct && a.Kind != Array:
		return a
	case pair(a, b, Bigint, Double):
		return &Type{Kind: Double}
	case pair(a, b, Date, Timestamp):
		return &Type{Kind: Timestamp}
	}
	return &Type{Kind: String}
}

func pair(a, b *Type, x, y string) bool {
	return (a.Kind == x && b.Kind == y) || (a.Kind == y && b.Kind == x)
}

// MergeFields unions two field lists by name: a's fields in order, each
// widened with b's of the same name, then b's new fields in order.
func MergeFields(a, b []Field) []Field {
	out := make([]Field, 0, len(a)+len(b))
	at := map[string]int{}
	for _, f := range a {
		at[f.Name] = len(out)
		out = append(out, f)
	}
	for _, f := range b {
		if i, ok := at[f.Name]; ok {
			out[i].Type = Widen(out[i].Type, f.Type)
			continue
		}
		at[f.Name] = len(out)
		out = append(out, f)
	}
	return out
}
