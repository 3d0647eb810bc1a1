package expr

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// Kind is how a partition key's values compare.
type Kind int

// The kinds of partition keys an expression can filter on.
const (
	KindString Kind = iota
	KindInteger
	KindDecimal
	KindDate
	KindTimestamp
)

// Numeric reports whether values of the kind compare as numbers.
func (k Kind) Numeric() bool { return k == KindInteger || k == KindDecimal }

// kindOf maps a Hive column type to the kind its values compare as.
func kindOf(colType string) (Kind, bool) {
	t := strings.ToLower(strings.TrimSpace(colType))
	base, _, _ := strings.Cut(t, "(")
	switch base {
	case "string", "char", "varchar":
		return KindString, true
	case "int", "integer", "bigint", "long", "smallint", "tinyint":
		return KindInteger, true
	case "decimal":
		return KindDecimal, true
	case "date":
		return KindDate, true
	case "timestamp":
		return KindTimestamp, true
	}
	return 0, false
}

// Number returns a partition value's numeric form as a backend should
// index it: an int64 when the value is an integer that fits, a float64
// when it is another number, nil otherwise. A value is a number exactly
// when the evaluator compares it as one (so NaN and Inf are not); a
// float64 beyond its range is clamped to ±math.MaxFloat64, which keeps it
// above or below every other number without storing an infinity.
func Number(v string) any {
	r := rat(v)
	if r == nil {
		return nil
	}
	if r.IsInt() && r.Num().IsInt64() {
		return r.Num().Int64()
	}
	f, _ := r.Float64()
	if math.IsInf(f, 0) {
		return math.Copysign(math.MaxFloat64, f)
	}
	return f
}

// rat returns v as an exact number, or nil when it is not one.
func rat(v string) *big.Rat {
	r, ok := new(big.Rat).SetString(strings.TrimSpace(v))
	if !ok {
		return nil
	}
	return r
}

// literal checks a literal against a key's kind and returns it in the form
// comparisons use: the canonical text of a date or timestamp, the text of
// anything else.
func literal(key Key, tok token) (string, error) {
	v := tok.text
	switch key.Kind {
	case KindInteger:
		if _, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err != nil {
			return "", invalid("value %q is not a valid %s for partition key %s", v, key.Type, key.Name)
		}
	case KindDecimal:
		if rat(v) == nil {
			return "", invalid("value %q is not a valid %s for partition key %s", v, key.Type, key.Name)
		}
	case KindDate:
		d, err := time.Parse(time.DateOnly, strings.TrimSpace(v))
		if err != nil {
			return "", invalid("value %q is not a valid date (yyyy-mm-dd) for partition key %s", v, key.Name)
		}
		return d.Format(time.DateOnly), nil
	case KindTimestamp:
		return canonicalTimestamp(key, v)
	}
	return v, nil
}

// timestampLayouts are the timestamp forms a literal may take.
var timestampLayouts = []string{"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04", "2006-01-02"}

func canonicalTimestamp(key Key, v string) (string, error) {
	for _, l := range timestampLayouts {
		if t, err := time.Parse(l, strings.TrimSpace(v)); err == nil {
			return t.Format("2006-01-02 15:04:05.999999999"), nil
		}
	}
	return "", invalid("value %q is not a valid timestamp (yyyy-mm-dd hh:mm:ss[.fffffffff]) for partition key %s", v, key.Name)
}

// invalid returns the InvalidInputException of a bad expression.
func invalid(format string, args ...any) error {
	return glue.Errorf(glue.InvalidInput, "Expression: "+format, args...)
}

// syntaxError returns the InvalidInputException of an expression that
// does not parse, naming the offset where parsing stopped.
func syntaxError(pos int, format string, args ...any) error {
	return glue.Errorf(glue.InvalidInput, "Expression: syntax error at position %d: %s", pos, fmt.Sprintf(format, args...))
}
