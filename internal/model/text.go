package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// checkText refuses a JSON body whose text is not Unicode: bytes that are
// not UTF-8, and \u escapes of a UTF-16 surrogate without its other half.
// encoding/json would silently turn both into U+FFFD; AWS refuses them.
// body must already be known to be valid JSON, so a backslash can only
// appear inside a string.
func checkText(body []byte) *Error {
	at, problem := badText(body)
	if problem == "" {
		return nil
	}
	path, isKey := pathAt(body, at)
	where := fmt.Sprintf("member '%s'", path)
	switch {
	case isKey && path == "":
		where = "a member name"
	case isKey:
		where = fmt.Sprintf("a member name in '%s'", path)
	}
	return &Error{Kind: KindSerialization, Message: fmt.Sprintf("%s %s (byte %d of the request body)", where, problem, at)}
}

// badText returns the offset and a description of the first text that is
// not Unicode, or "" when there is none.
func badText(body []byte) (int, string) {
	for i := 0; i < len(body); {
		switch c := body[i]; {
		case c == '\\' && i+1 < len(body) && body[i+1] == 'u':
			n, lone := surrogateEscape(body[i:])
			if lone {
				return i, fmt.Sprintf("contains a lone UTF-16 surrogate %s", body[i:i+6])
			}
			i += n
		case c == '\\':
			i += 2
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(body[i:])
			if r == utf8.RuneError && size == 1 {
				return i, fmt.Sprintf("is not valid UTF-8: it has the byte 0x%02X", c)
			}
			i += size
		}
	}
	return 0, ""
}

// surrogateEscape reads the \uXXXX escape at the start of p (valid JSON
// guarantees four hex digits) and reports its length, joined with a
// following low surrogate escape when it is a high surrogate, and whether
// it is a surrogate without its pair.
func surrogateEscape(p []byte) (int, bool) {
	r := escapeAt(p)
	switch {
	case !utf16.IsSurrogate(r):
		return 6, false
	case r >= 0xDC00:
		return 6, true // a low surrogate first
	}
	if lo := escapeAt(p[6:]); lo >= 0xDC00 && lo <= 0xDFFF {
		return 12, false
	}
	return 6, true
}

// escapeAt returns the code unit of a \uXXXX escape at the start of p, or
// -1 when there is none.
func escapeAt(p []byte) rune {
	if len(p) < 6 || p[0] != '\\' || p[1] != 'u' {
		return -1
	}
	n, err := strconv.ParseUint(string(p[2:6]), 16, 16)
	if err != nil {
		return -1
	}
	return rune(n)
}

// frame is one open JSON object or array while pathAt walks a body.
type frame struct {
	object  bool
	wantKey bool // the object's next token is a member name
	key     string
	index   int
}

// pathAt returns the member path ("Actions[0].Arguments.k") of the JSON
// string that holds byte offset at, and whether that string is a member
// name rather than a value. It walks the body token by token, which is
// slow, so it only explains an error already found.
func pathAt(body []byte, at int) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	var stack []frame
	for {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return pathOf(stack), false
		}
		var top *frame
		if len(stack) > 0 {
			top = &stack[len(stack)-1]
		}
		s, isString := tok.(string)
		isKey := isString && top != nil && top.object && top.wantKey
		if isString && at >= int(before) && at < int(dec.InputOffset()) {
			return pathOf(stack), isKey
		}
		switch {
		case tok == json.Delim('{'):
			stack = append(stack, frame{object: true, wantKey: true})
		case tok == json.Delim('['):
			stack = append(stack, frame{})
		case tok == json.Delim('}') || tok == json.Delim(']'):
			stack = stack[:len(stack)-1]
			advance(stack)
		case isKey:
			top.key, top.wantKey = s, false
		default:
			advance(stack)
		}
	}
}

// advance moves the innermost open object or array past a value.
func advance(stack []frame) {
	if len(stack) == 0 {
		return
	}
	f := &stack[len(stack)-1]
	if f.object {
		f.wantKey = true
	} else {
		f.index++
	}
}

// pathOf renders the path of the value the walk is at.
func pathOf(stack []frame) string {
	var b strings.Builder
	for _, f := range stack {
		switch {
		case f.object && f.wantKey:
			// At a member name: the path is the object's.
		case f.object:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(f.key)
		default:
			fmt.Fprintf(&b, "[%d]", f.index)
		}
	}
	return b.String()
}
