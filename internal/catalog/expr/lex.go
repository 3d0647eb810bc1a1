package expr

import (
	"strings"
	"unicode"
)

// tokenKind classifies a token.
type tokenKind int

const (
	tokEOF tokenKind = iota
	tokIdent
	tokString
	tokNumber
	tokOp
	tokLParen
	tokRParen
	tokComma
)

// token is one lexical unit of an expression, with its offset.
type token struct {
	kind tokenKind
	text string
	pos  int
}

// lex splits an expression into tokens.
func lex(s string) ([]token, error) {
	var out []token
	for i := 0; i < len(s); {
		c := rune(s[i])
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '(' || c == ')' || c == ',':
			out = append(out, token{kind: map[rune]tokenKind{'(': tokLParen, ')': tokRParen, ',': tokComma}[c], text: string(c), pos: i})
			i++
		case c == '\'' || c == '"':
			t, n, err := lexString(s, i)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
			i = n
		case c == '`':
			end := strings.IndexByte(s[i+1:], '`')
			if end < 0 {
				return nil, syntaxError(i, "unterminated quoted identifier")
			}
			out = append(out, token{kind: tokIdent, text: s[i+1 : i+1+end], pos: i})
			i += end + 2
		case strings.ContainsRune("=<>!", c):
			n := i + 1
			for n < len(s) && strings.ContainsRune("=<>", rune(s[n])) {
				n++
			}
			out = append(out, token{kind: tokOp, text: s[i:n], pos: i})
			i = n
		case c == '-' || c == '+' || c == '.' || unicode.IsDigit(c):
			n := i + 1
			for n < len(s) && (unicode.IsDigit(rune(s[n])) || s[n] == '.' || s[n] == 'e' || s[n] == 'E') {
				n++
			}
			out = append(out, token{kind: tokNumber, text: s[i:n], pos: i})
			i = n
		case c == '_' || unicode.IsLetter(c):
			n := i + 1
			for n < len(s) && (s[n] == '_' || s[n] == '$' || unicode.IsLetter(rune(s[n])) || unicode.IsDigit(rune(s[n]))) {
				n++
			}
			out = append(out, token{kind: tokIdent, text: s[i:n], pos: i})
			i = n
		default:
			return nil, syntaxError(i, "unexpected character %q", c)
		}
	}
	return append(out, token{kind: tokEOF, pos: len(s)}), nil
}

// lexString reads a string literal quoted by s[i]; a doubled quote stands
// for itself and a backslash escapes the next character.
func lexString(s string, i int) (token, int, error) {
	q := s[i]
	var b strings.Builder
	for n := i + 1; n < len(s); n++ {
		switch {
		case s[n] == '\\' && n+1 < len(s):
			n++
			b.WriteByte(s[n])
		case s[n] == q && n+1 < len(s) && s[n+1] == q:
			n++
			b.WriteByte(q)
		case s[n] == q:
			return token{kind: tokString, text: b.String(), pos: i}, n + 1, nil
		default:
			b.WriteByte(s[n])
		}
	}
	return token{}, 0, syntaxError(i, "unterminated string literal")
}
