package expr

import (
	"strings"
)

// KeyCondition wraps a condition on one key's indexed columns into a
// condition on partitions. The backend indexes each partition value twice:
// as text in column str and, when it is a number, in column num. cond uses
// those column names and ? placeholders.
type KeyCondition func(pos int, cond string) string

// SQL translates e to an SQL condition and its arguments. Every predicate
// becomes one KeyCondition, so a backend can answer each from an index on
// (key position, value). A nil e translates to "1".
func SQL(e Expr, wrap KeyCondition) (string, []any) {
	var b strings.Builder
	var args []any
	writeSQL(&b, &args, e, wrap)
	return b.String(), args
}

func writeSQL(b *strings.Builder, args *[]any, e Expr, wrap KeyCondition) {
	switch x := e.(type) {
	case nil:
		b.WriteString("1")
	case And:
		writeBinary(b, args, x.L, " AND ", x.R, wrap)
	case Or:
		writeBinary(b, args, x.L, " OR ", x.R, wrap)
	case Not:
		b.WriteString("NOT (")
		writeSQL(b, args, x.X, wrap)
		b.WriteString(")")
	case *Predicate:
		cond, a := x.sql()
		b.WriteString(wrap(x.Key.Pos, cond))
		*args = append(*args, a...)
	}
}

func writeBinary(b *strings.Builder, args *[]any, l Expr, op string, r Expr, wrap KeyCondition) {
	b.WriteString("(")
	writeSQL(b, args, l, wrap)
	b.WriteString(op)
	writeSQL(b, args, r, wrap)
	b.WriteString(")")
}

// sql returns the predicate as a condition on str or num.
func (p *Predicate) sql() (string, []any) {
	col := "str"
	arg := func(v string) any { return v }
	if p.Key.Kind.Numeric() {
		col = "num"
		arg = Number
	}
	switch p.Op {
	case OpLike:
		return "str GLOB ?", []any{likeGlob(p.Values[0])}
	case OpIn:
		args := make([]any, len(p.Values))
		for i, v := range p.Values {
			args[i] = arg(v)
		}
		return col + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ") + ")", args
	case OpBetween:
		return col + " BETWEEN ? AND ?", []any{arg(p.Values[0]), arg(p.Values[1])}
	}
	return col + " " + string(p.Op) + " ?", []any{arg(p.Values[0])}
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
