package infer

import (
	"bytes"
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"
)

// Parquet is the classification of Parquet files.
const Parquet = "parquet"

// parquetMagic starts (and ends) every Parquet file.
var parquetMagic = []byte("PAR1")

// IsParquet reports whether a file's first bytes are Parquet's magic.
func IsParquet(head []byte) bool { return bytes.HasPrefix(head, parquetMagic) }

// ClassifyParquet reads a Parquet file's schema and row count from its
// footer. Columns are typed as Glue types them: boolean, int (INT32,
// and tinyint/smallint for 8/16-bit ints), bigint, float, double,
// string (UTF8, ENUM, JSON), binary, date, timestamp (INT96 and
// timestamp-annotated INT64), decimal(p,s), struct, array (LIST groups and
// repeated fields) and map<k,v>.
func ClassifyParquet(r io.ReaderAt, size int64) (*Schema, error) {
	f, err := parquet.OpenFile(r, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnknown, err)
	}
	elems := f.Metadata().Schema
	if len(elems) == 0 {
		return nil, ErrUnknown
	}
	root, _ := parquetNode(elems, 0)
	return &Schema{Classification: Parquet, Compression: "none", Columns: root.Type.Fields,
		Records: f.NumRows(), Bytes: size}, nil
}

// parquetNode types the schema element at i (with its children, which
// follow it depth first) and returns the index after them.
func parquetNode(elems []format.SchemaElement, i int) (Field, int) {
	e := elems[i]
	n, group := e.NumChildren.Get()
	var t *Type
	next := i + 1
	if group {
		var fields []Field
		for range n {
			var f Field
			f, next = parquetNode(elems, next)
			fields = append(fields, f)
		}
		t = parquetGroup(e, fields)
	} else {
		t = parquetPrimitive(e)
	}
	if rep, ok := e.RepetitionType.Get(); ok && rep == format.Repeated && i > 0 {
		t = &Type{Kind: Array, Elem: t}
	}
	return Field{Name: e.Name, Type: t}, next
}

// parquetGroup types a group: a LIST is the array of its element, a MAP
// the map of its key_value's key and value, any other group a struct.
func parquetGroup(e format.SchemaElement, fields []Field) *Type {
	conv, _ := e.ConvertedType.Get()
	lt := e.LogicalType.Value
	_, isList := lt.(*format.ListType)
	_, isMap := lt.(*format.MapType)
	switch {
	case (isList || e.ConvertedType.Bool() && conv == deprecated.List) && len(fields) == 1:
		return &Type{Kind: Array, Elem: unwrapSingle(elemOf(fields[0].Type))}
	case (isMap || e.ConvertedType.Bool() && (conv == deprecated.Map || conv == deprecated.MapKeyValue)) && len(fields) == 1:
		kv := elemOf(fields[0].Type)
		if kv.Kind == Struct && len(kv.Fields) == 2 {
			return &Type{Kind: Map, Fields: kv.Fields}
		}
	}
	return &Type{Kind: Struct, Fields: fields}
}

// elemOf returns the element type of a repeated field's array.
func elemOf(t *Type) *Type {
	if t.Kind == Array {
		return t.Elem
	}
	return t
}

// unwrapSingle returns the only field's type of a one-field struct (the
// "element" of a three-level list), else t.
func unwrapSingle(t *Type) *Type {
	if t != nil && t.Kind == Struct && len(t.Fields) == 1 {
		return t.Fields[0].Type
	}
	return t
}

// parquetPrimitive types a leaf by its physical type and annotation.
func parquetPrimitive(e format.SchemaElement) *Type {
	phys, _ := e.Type.Get()
	conv, hasConv := e.ConvertedType.Get()
	switch lt := e.LogicalType.Value.(type) {
	case *format.StringType, *format.EnumType, *format.JsonType:
		return &Type{Kind: String}
	case *format.DateType:
		return &Type{Kind: Date}
	case *format.TimestampType:
		return &Type{Kind: Timestamp}
	case *format.DecimalType:
		return &Type{Kind: fmt.Sprintf("decimal(%d,%d)", lt.Precision, lt.Scale)}
	case *format.IntType:
		return intType(lt.BitWidth)
	}
	if hasConv {
		switch conv {
		case deprecated.UTF8, deprecated.Enum, deprecated.Json:
			return &Type{Kind: String}
		case deprecated.Date:
			return &Type{Kind: Date}
		case deprecated.TimestampMillis, deprecated.TimestampMicros:
			return &Type{Kind: Timestamp}
		case deprecated.Decimal:
			p, _ := e.Precision.Get()
			s, _ := e.Scale.Get()
			return &Type{Kind: fmt.Sprintf("decimal(%d,%d)", p, s)}
		case deprecated.Int8, deprecated.Uint8:
			return intType(8)
		case deprecated.Int16, deprecated.Uint16:
			return intType(16)
		}
	}
	return &Type{Kind: map[format.Type]string{format.Boolean: Boolean, format.Int32: "int", format.Int64: Bigint,
		format.Int96: Timestamp, format.Float: "float", format.Double: Double, format.ByteArray: "binary",
		format.FixedLenByteArray: "binary"}[phys]}
}

func intType(bits int8) *Type {
	switch bits {
	case 8:
		return &Type{Kind: "tinyint"}
	case 16:
		return &Type{Kind: "smallint"}
	case 32:
		return &Type{Kind: "int"}
	}
	return &Type{Kind: Bigint}
}
