package expr

import (
	"strconv"
	"strings"
)

// Dialect is the SQL flavour a translation is written in.
type Dialect int

const (
	// SQLite writes ? placeholders, LIKE as a case-sensitive GLOB and an
	// empty condition as 1.
	SQLite Dialect = iota
	// PostgreSQL writes numbered placeholders ($n), LIKE as LIKE with no
	// escape character (case-sensitive on a column of a deterministic
	// collation such as "C") and an empty condition as TRUE.
	PostgreSQL
)

// KeyCondition wraps a condition on one key's indexed columns into a
// condition on partitions. The backend indexes each partition value twice:
// as text in column str and, when it is a number, in column num. cond uses
// those column names and the dialect's placeholders.
type KeyCondition func(pos int, cond string) string

// SQL translates e to an SQL condition in dialect d and returns it with
// args and its own arguments appended; PostgreSQL placeholders number the
// arguments after those already in args. Every predicate becomes one
// KeyCondition, so a backend can answer each from an index on (key
// position, value). A nil e translates to the dialect's true.
func SQL(e Expr, d Dialect, args []any, wrap KeyCondition) (string, []any) {
	t := &translator{d: d, args: args, wrap: wrap}
	t.write(e)
	return t.b.String(), t.args
}

// translator writes one expression's SQL.
type translator struct {
	b    strings.Builder
	d    Dialect
	args []any
	wrap KeyCondition
}

// arg adds an argument and returns its placeholder.
func (t *translator) arg(v any) string {
	t.args = append(t.args, v)
	if t.d == PostgreSQL {
		return "$" + strconv.Itoa(len(t.args))
	}
	return "?"
}

func (t *translator) write(e Expr) {
	switch x := e.(type) {
	case nil:
		if t.d == PostgreSQL {
			t.b.WriteString("TRUE")
		} else {
			t.b.WriteString("1")
		}
	case And:
		t.binary(x.L, " AND ", x.R)
	case Or:
		t.binary(x.L, " OR ", x.R)
	case Not:
		t.b.WriteString("NOT (")
		t.write(x.X)
		t.b.WriteString(")")
	case *Predicate:
		t.b.WriteString(t.wrap(x.Key.Pos, t.predicate(x)))
	}
}

func (t *translator) binary(l Expr, op string, r Expr) {
	t.b.WriteString("(")
	t.write(l)
	t.b.WriteString(op)
	t.write(r)
	t.b.WriteString(")")
}

// predicate returns p as a condition on str or num.
func (t *translator) predicate(p *Predicate) string {
	col := "str"
	arg := func(v string) string { return t.arg(v) }
	if p.Key.Kind.Numeric() {
		col = "num"
		arg = func(v string) string { return t.arg(Number(v)) }
	}
	switch p.Op {
	case OpLike:
		if t.d == PostgreSQL {
			return "str LIKE " + t.arg(p.Values[0]) + " ESCAPE ''"
		}
		return "str GLOB " + t.arg(likeGlob(p.Values[0]))
	case OpIn:
		ps := make([]string, len(p.Values))
		for i, v := range p.Values {
			ps[i] = arg(v)
		}
		return col + " IN (" + strings.Join(ps, ", ") + ")"
	case OpBetween:
		return col + " BETWEEN " + arg(p.Values[0]) + " AND " + arg(p.Values[1])
	}
	return col + " " + string(p.Op) + " " + arg(p.Values[0])
}

// likeGlob translates a LIKE pattern to a case-sensitive GLOB pattern,
// bracketing GLOB's own special characters.
func likeGlob(pattern string) string {
	var b strings.Builder
	for _, r := range pattern {
		switch r {
		case '%':
			b.WriteByte('*')
		case '_':
			b.WriteByte('?')
		case '*', '?', '[':
			b.WriteString("[" + string(r) + "]")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Conjuncts splits e at its top-level ANDs: e holds exactly when every
// conjunct does. A nil e has none.
func Conjuncts(e Expr) []Expr {
	switch x := e.(type) {
	case nil:
		return nil
	case And:
		return append(Conjuncts(x.L), Conjuncts(x.R)...)
	}
	return []Expr{e}
}
