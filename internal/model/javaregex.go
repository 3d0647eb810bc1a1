package model

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Java's predefined classes where RE2 means something else. Java's \s is
// [ \t\n\x0B\f\r] (RE2's lacks \x0B); Java's . excludes every line
// terminator Java knows (RE2's excludes only \n). \S is spelled as ranges so
// that it stays exact inside a bracketed class too.
const (
	javaSpaceSet    = `\t\n\x0B\f\r `
	javaNonSpaceSet = `\x00-\x08\x0E-\x1F\x21-\x{10FFFF}`
	javaDot         = `[^\n\r\x{85}\x{2028}\x{2029}]`
)

// javaToGo rewrites a model pattern, written for java.util.regex, into Go's
// RE2 syntax with the same meaning: \uXXXX escapes become \x{...} (a
// surrogate pair becomes its astral code point, so the model's
// \uD800\uDC00-\uDBFF\uDFFF range is U+10000-U+10FFFF), and \s, \S and .
// outside a class are spelled as Java defines them. Other escapes pass
// through: Java's \w, \d and \b agree with RE2 for the model's patterns.
func javaToGo(p string) string {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			i += writeEscape(&b, p[i:], inClass)
			continue
		case c == '[' && !inClass:
			inClass = true
		case c == ']' && inClass:
			inClass = false
		case c == '.' && !inClass:
			b.WriteString(javaDot)
			i++
			continue
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

// writeEscape translates the escape sequence at the start of p and returns
// how many bytes of p it consumed.
func writeEscape(b *strings.Builder, p string, inClass bool) int {
	switch p[1] {
	case 'u':
		if r, n, ok := javaCodePoint(p); ok {
			fmt.Fprintf(b, `\x{%04X}`, r)
			return n
		}
	case 's':
		b.WriteString(bracket(javaSpaceSet, inClass))
		return 2
	case 'S':
		b.WriteString(bracket(javaNonSpaceSet, inClass))
		return 2
	}
	b.WriteString(p[:2])
	return 2
}

// bracket wraps a class body in brackets unless it is already inside one.
func bracket(set string, inClass bool) string {
	if inClass {
		return set
	}
	return "[" + set + "]"
}

// javaCodePoint reads a \uXXXX escape at the start of p, joining a high
// surrogate escape with a following low surrogate escape. It returns the
// code point and the bytes consumed.
func javaCodePoint(p string) (rune, int, bool) {
	hi, ok := hex4(p)
	if !ok {
		return 0, 0, false
	}
	if utf16.IsSurrogate(hi) && hi < 0xDC00 {
		if lo, ok := hex4(p[min(6, len(p)):]); ok && lo >= 0xDC00 && lo <= 0xDFFF {
			return utf16.DecodeRune(hi, lo), 12, true
		}
	}
	return hi, 6, true
}

// hex4 parses a \uXXXX escape at the start of p.
func hex4(p string) (rune, bool) {
	if len(p) < 6 || p[0] != '\\' || p[1] != 'u' {
		return 0, false
	}
	n, err := strconv.ParseUint(p[2:6], 16, 16)
	return rune(n), err == nil
}
