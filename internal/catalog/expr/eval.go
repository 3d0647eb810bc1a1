package expr

import (
	"regexp"
	"slices"
	"strings"
)

// Match reports whether a partition with the given values (in key order)
// satisfies e. A nil e matches every partition.
func Match(e Expr, values []string) bool {
	switch x := e.(type) {
	case nil:
		return true
	case And:
		return Match(x.L, values) && Match(x.R, values)
	case Or:
		return Match(x.L, values) || Match(x.R, values)
	case Not:
		return !Match(x.X, values)
	case *Predicate:
		if x.Key.Pos >= len(values) {
			return false
		}
		return x.holds(values[x.Key.Pos])
	}
	return false
}

func (p *Predicate) holds(v string) bool {
	switch p.Op {
	case OpLike:
		return likeRegexp(p.Values[0]).MatchString(v)
	case OpIn:
		return slices.ContainsFunc(p.Values, func(w string) bool { c, ok := p.Key.compare(v, w); return ok && c == 0 })
	case OpBetween:
		lo, ok1 := p.Key.compare(v, p.Values[0])
		hi, ok2 := p.Key.compare(v, p.Values[1])
		return ok1 && ok2 && lo >= 0 && hi <= 0
	}
	c, ok := p.Key.compare(v, p.Values[0])
	if !ok {
		return false
	}
	switch p.Op {
	case OpEq:
		return c == 0
	case OpNe:
		return c != 0
	case OpLt:
		return c < 0
	case OpLe:
		return c <= 0
	case OpGt:
		return c > 0
	}
	return c >= 0 // OpGe
}

// compare compares a partition value with a literal as the key's kind
// does; ok is false when the value is not a number of a numeric key.
func (k Key) compare(v, lit string) (int, bool) {
	if !k.Kind.Numeric() {
		return strings.Compare(v, lit), true
	}
	a, b := rat(v), rat(lit)
	if a == nil || b == nil {
		return 0, false
	}
	return a.Cmp(b), true
}

// likeRegexp translates a LIKE pattern (% any run, _ one character) to an
// anchored regular expression.
func likeRegexp(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for _, r := range pattern {
		switch r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}
