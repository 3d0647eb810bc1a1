package infer

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/hamba/avro/v2"
	"github.com/hamba/avro/v2/ocf"
)

// Avro is the classification of Avro object container files.
const Avro = "avro"

// avroMagic starts every Avro object container file.
var avroMagic = []byte("Obj\x01")

// IsAvro reports whether a file's first bytes are Avro's magic.
func IsAvro(head []byte) bool { return bytes.HasPrefix(head, avroMagic) }

// ClassifyAvro reads an Avro object container file's schema from its
// header (with github.com/hamba/avro/v2) and counts the records of the
// sample (a truncated sample's partial last block is not counted). The
// schema must be a record; its fields are the columns.
func ClassifyAvro(sample []byte) (*Schema, error) {
	dec, err := ocf.NewDecoder(bytes.NewReader(sample))
	if err != nil {
		return nil, fmt.Errorf("%w: avro: %v", ErrUnknown, err)
	}
	rec, ok := dec.Schema().(*avro.RecordSchema)
	if !ok {
		return nil, fmt.Errorf("%w: avro: the schema is a %s, not a record", ErrUnknown, dec.Schema().Type())
	}
	s := &Schema{Classification: Avro, Compression: "none", Columns: avroFields(rec, map[string]bool{}),
		Bytes: int64(len(sample))}
	for dec.HasNext() {
		var v any
		if dec.Decode(&v) != nil {
			break
		}
		s.Records++
	}
	return s, nil
}

// avroFields types a record's fields; seen holds the records being typed,
// so that a recursive one ends as a string.
func avroFields(rec *avro.RecordSchema, seen map[string]bool) []Field {
	seen[rec.FullName()] = true
	defer delete(seen, rec.FullName())
	out := make([]Field, len(rec.Fields()))
	for i, f := range rec.Fields() {
		out[i] = Field{Name: f.Name(), Type: avroType(f.Type(), seen)}
	}
	return out
}

// avroType types an Avro schema as Glue does: records structs, arrays
// arrays, maps map<string,V>, a union with one non-null branch that
// branch (several: uniontype<...>), enums strings, fixed and bytes binary
// (or decimal(p,s)), int int (date: date), long bigint (timestamps:
// timestamp), float, double, boolean and string as they are.
func avroType(s avro.Schema, seen map[string]bool) *Type {
	switch s := s.(type) {
	case *avro.RefSchema:
		return avroType(s.Schema(), seen)
	case *avro.RecordSchema:
		if seen[s.FullName()] {
			return &Type{Kind: String}
		}
		return &Type{Kind: Struct, Fields: avroFields(s, seen)}
	case *avro.ArraySchema:
		return &Type{Kind: Array, Elem: avroType(s.Items(), seen)}
	case *avro.MapSchema:
		return &Type{Kind: Map, Fields: []Field{{Name: "key", Type: &Type{Kind: String}}, {Name: "value", Type: avroType(s.Values(), seen)}}}
	case *avro.UnionSchema:
		return avroUnion(s, seen)
	case *avro.EnumSchema:
		return &Type{Kind: String}
	case *avro.FixedSchema:
		return logicalOr(s.Logical(), Binary)
	case *avro.PrimitiveSchema:
		return logicalOr(s.Logical(), avroPrimitives[s.Type()])
	}
	return &Type{Kind: String}
}

// avroPrimitives are the Glue types of Avro's primitive types.
var avroPrimitives = map[avro.Type]string{avro.Boolean: Boolean, avro.Int: Int, avro.Long: Bigint, avro.Float: Float,
	avro.Double: Double, avro.Bytes: Binary, avro.String: String, avro.Null: String}

// logicalOr types a logical type (date, timestamps, decimal), else kind.
func logicalOr(l avro.LogicalSchema, kind string) *Type {
	if l == nil {
		return &Type{Kind: kind}
	}
	switch l.Type() {
	case avro.Date:
		return &Type{Kind: Date}
	case avro.TimestampMillis, avro.TimestampMicros, avro.LocalTimestampMillis, avro.LocalTimestampMicros:
		return &Type{Kind: Timestamp}
	case avro.Decimal:
		if d, ok := l.(*avro.DecimalLogicalSchema); ok {
			return &Type{Kind: fmt.Sprintf("decimal(%d,%d)", d.Precision(), d.Scale())}
		}
	case avro.UUID:
		return &Type{Kind: String}
	}
	return &Type{Kind: kind}
}

func avroUnion(u *avro.UnionSchema, seen map[string]bool) *Type {
	var branches []*Type
	for _, b := range u.Types() {
		if b.Type() != avro.Null {
			branches = append(branches, avroType(b, seen))
		}
	}
	switch len(branches) {
	case 0:
		return &Type{Kind: String}
	case 1:
		return branches[0]
	}
	names := make([]string, len(branches))
	for i, b := range branches {
		names[i] = b.String()
	}
	return &Type{Kind: "uniontype<" + strings.Join(names, ",") + ">"}
}
