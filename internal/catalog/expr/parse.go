package expr

import (
	"strings"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// Key is a partition key an expression may name: its position among the
// table's partition keys, its name, its declared type and its kind.
type Key struct {
	Pos  int
	Name string
	Type string
	Kind Kind
}

// Expr is a parsed expression: And, Or, Not or a Predicate.
type Expr interface{ isExpr() }

// And holds when both sides hold.
type And struct{ L, R Expr }

// Or holds when either side holds.
type Or struct{ L, R Expr }

// Not holds when X does not.
type Not struct{ X Expr }

// Op is a predicate's operator.
type Op string

// Predicate operators.
const (
	OpEq      Op = "="
	OpNe      Op = "<>"
	OpLt      Op = "<"
	OpLe      Op = "<="
	OpGt      Op = ">"
	OpGe      Op = ">="
	OpBetween Op = "BETWEEN"
	OpIn      Op = "IN"
	OpLike    Op = "LIKE"
)

// Predicate tests one key: Key Op Values[0] for comparisons and LIKE,
// BETWEEN Values[0] AND Values[1], IN Values. Values are canonical.
type Predicate struct {
	Key    Key
	Op     Op
	Values []string
}

func (And) isExpr()        {}
func (Or) isExpr()         {}
func (Not) isExpr()        {}
func (*Predicate) isExpr() {}

// Parse parses s against a table's partition keys. A blank s returns nil,
// which matches every partition. Errors are InvalidInputExceptions.
func Parse(s string, keys []glue.Column) (Expr, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, keys: keys}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, syntaxError(t.pos, "unexpected %q", t.text)
	}
	return e, nil
}

// parser is a recursive-descent parser over the tokens; precedence from
// loosest: OR, AND, NOT, predicates and parentheses.
type parser struct {
	toks []token
	i    int
	keys []glue.Column
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

// keyword consumes the next token when it is the keyword w.
func (p *parser) keyword(w string) bool {
	if t := p.peek(); t.kind == tokIdent && strings.EqualFold(t.text, w) {
		p.i++
		return true
	}
	return false
}

func (p *parser) or() (Expr, error) {
	l, err := p.and()
	for err == nil && p.keyword("OR") {
		var r Expr
		if r, err = p.and(); err == nil {
			l = Or{l, r}
		}
	}
	return l, err
}

func (p *parser) and() (Expr, error) {
	l, err := p.not()
	for err == nil && p.keyword("AND") {
		var r Expr
		if r, err = p.not(); err == nil {
			l = And{l, r}
		}
	}
	return l, err
}

func (p *parser) not() (Expr, error) {
	if p.keyword("NOT") {
		x, err := p.not()
		return Not{x}, err
	}
	return p.primary()
}

func (p *parser) primary() (Expr, error) {
	t := p.next()
	switch t.kind {
	case tokLParen:
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tokRParen {
			return nil, syntaxError(c.pos, "expected ) but found %q", c.text)
		}
		return e, nil
	case tokIdent:
		if isKeyword(t.text) {
			return nil, syntaxError(t.pos, "expected a partition key but found %s", t.text)
		}
		key, err := p.key(t.text)
		if err != nil {
			return nil, err
		}
		return p.predicate(key)
	}
	return nil, syntaxError(t.pos, "expected a partition key or ( but found %q", t.text)
}

func isKeyword(s string) bool {
	switch strings.ToUpper(s) {
	case "AND", "OR", "NOT", "BETWEEN", "IN", "LIKE":
		return true
	}
	return false
}

// key resolves a key name (case-insensitively, as Hive does).
func (p *parser) key(name string) (Key, error) {
	for i, c := range p.keys {
		if strings.EqualFold(c.Name, name) {
			kind, ok := kindOf(c.Type)
			if !ok {
				return Key{}, invalid("partition key %s has type %s, which expressions cannot filter on", c.Name, c.Type)
			}
			return Key{Pos: i, Name: c.Name, Type: c.Type, Kind: kind}, nil
		}
	}
	return Key{}, invalid("Unknown column '%s': the table's partition keys are %s", name, keyList(p.keys))
}

func keyList(keys []glue.Column) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.Name
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// predicate parses what follows a key.
func (p *parser) predicate(key Key) (Expr, error) {
	negate := p.keyword("NOT")
	var e Expr
	var err error
	switch {
	case p.keyword("BETWEEN"):
		e, err = p.between(key)
	case p.keyword("IN"):
		e, err = p.in(key)
	case p.keyword("LIKE"):
		e, err = p.like(key)
	case negate:
		t := p.peek()
		return nil, syntaxError(t.pos, "expected BETWEEN, IN or LIKE after NOT")
	default:
		e, err = p.compare(key)
	}
	if err != nil || !negate {
		return e, err
	}
	return Not{e}, nil
}

func (p *parser) compare(key Key) (Expr, error) {
	t := p.next()
	if t.kind != tokOp {
		return nil, syntaxError(t.pos, "expected an operator after %s but found %q", key.Name, t.text)
	}
	op := Op(t.text)
	switch t.text {
	case "=", "==":
		op = OpEq
	case "<>", "!=":
		op = OpNe
	case "<", "<=", ">", ">=":
	default:
		return nil, syntaxError(t.pos, "unknown operator %q", t.text)
	}
	v, err := p.value(key)
	if err != nil {
		return nil, err
	}
	return &Predicate{Key: key, Op: op, Values: []string{v}}, nil
}

func (p *parser) between(key Key) (Expr, error) {
	lo, err := p.value(key)
	if err != nil {
		return nil, err
	}
	if !p.keyword("AND") {
		return nil, syntaxError(p.peek().pos, "expected AND in BETWEEN")
	}
	hi, err := p.value(key)
	if err != nil {
		return nil, err
	}
	return &Predicate{Key: key, Op: OpBetween, Values: []string{lo, hi}}, nil
}

func (p *parser) in(key Key) (Expr, error) {
	if t := p.next(); t.kind != tokLParen {
		return nil, syntaxError(t.pos, "expected ( after IN")
	}
	var vs []string
	for {
		v, err := p.value(key)
		if err != nil {
			return nil, err
		}
		vs = append(vs, v)
		t := p.next()
		if t.kind == tokRParen {
			return &Predicate{Key: key, Op: OpIn, Values: vs}, nil
		}
		if t.kind != tokComma {
			return nil, syntaxError(t.pos, "expected , or ) in IN list but found %q", t.text)
		}
	}
}

func (p *parser) like(key Key) (Expr, error) {
	t := p.next()
	if t.kind != tokString {
		return nil, syntaxError(t.pos, "LIKE takes a quoted pattern")
	}
	return &Predicate{Key: key, Op: OpLike, Values: []string{t.text}}, nil
}

// value reads a literal and checks it against the key's kind.
func (p *parser) value(key Key) (string, error) {
	t := p.next()
	if t.kind != tokString && t.kind != tokNumber {
		return "", syntaxError(t.pos, "expected a literal for %s but found %q", key.Name, t.text)
	}
	return literal(key, t)
}
