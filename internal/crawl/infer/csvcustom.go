package infer

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Values of a custom CSV classifier's ContainsHeader.
const (
	HeaderPresent = "PRESENT"
	HeaderAbsent  = "ABSENT"
)

// CSVClassifier is a custom CSV classifier: it recognises delimited text
// whose rows all split, with its delimiter and quote, into the same number
// of fields (at least two unless SingleColumn).
type CSVClassifier struct {
	// Delimiter separates fields (',' when zero); Quote quotes them ('"'
	// when zero).
	Delimiter, Quote rune
	// ContainsHeader is PRESENT (the first row names the columns), ABSENT
	// or anything else (detected as the built-in classifier does).
	ContainsHeader string
	// Header names the columns, overriding the first row's names.
	Header []string
	// NoTrim types each value as it is, spaces included.
	NoTrim bool
	// SingleColumn accepts rows of one field.
	SingleColumn bool
	// Types, when not nil, are the custom datatypes the columns may have
	// (BINARY, BOOLEAN, DATE, DECIMAL, DOUBLE, FLOAT, INT, LONG, SHORT,
	// STRING, TIMESTAMP); any other column is a string.
	Types []string
	// SerDe is the classifier's Serde (OpenCSVSerDe, LazySimpleSerDe or
	// None).
	SerDe string
}

// Classify recognises data as the classifier's delimited text.
func (c *CSVClassifier) Classify(data []byte) (*Schema, error) {
	delim, quote := orRune(c.Delimiter, ','), orRune(c.Quote, '"')
	rows, err := splitQuoted(data, delim, quote)
	if err != nil {
		return nil, err
	}
	width := 2
	if c.SingleColumn {
		width = 1
	}
	if len(rows) == 0 || len(rows[0]) < width || !sameWidth(rows) {
		return nil, fmt.Errorf("%w: rows of different numbers of fields", ErrUnknown)
	}
	header := c.hasHeader(rows)
	body := rows
	if header {
		body = rows[1:]
	}
	s := &Schema{Classification: CSV, Format: CSV, Delimiter: string(delim), Header: header,
		Quoted: bytes.ContainsRune(data, quote), Records: int64(len(body)), Bytes: int64(len(data)),
		Options: map[string]string{"quoteChar": string(quote)}}
	if c.SerDe != "" {
		s.Options["serde"] = c.SerDe
	}
	s.Columns = make([]Field, len(rows[0]))
	for i := range s.Columns {
		s.Columns[i] = Field{Name: c.columnName(rows[0], i, header), Type: c.columnType(body, i)}
	}
	return s, nil
}

func orRune(r, def rune) rune {
	if r == 0 {
		return def
	}
	return r
}

func sameWidth(rows [][]string) bool {
	for _, r := range rows[1:] {
		if len(r) != len(rows[0]) {
			return false
		}
	}
	return true
}

func (c *CSVClassifier) hasHeader(rows [][]string) bool {
	switch c.ContainsHeader {
	case HeaderPresent:
		return true
	case HeaderAbsent:
		return false
	}
	return len(rows) >= 2 && hasHeader(rows)
}

// columnName is the Header's name for column i, else the first row's
// when it is a header, else col<i>; lower case.
func (c *CSVClassifier) columnName(first []string, i int, header bool) string {
	switch {
	case i < len(c.Header) && strings.TrimSpace(c.Header[i]) != "":
		return strings.ToLower(strings.TrimSpace(c.Header[i]))
	case header && strings.TrimSpace(first[i]) != "":
		return strings.ToLower(strings.TrimSpace(first[i]))
	}
	return "col" + strconv.Itoa(i)
}

// columnType types column i of the rows: as the built-in classifier does,
// or, with custom datatypes, the first of them (narrowest first) that every
// non-empty value parses as, else string.
func (c *CSVClassifier) columnType(rows [][]string, i int) *Type {
	var t *Type
	if c.Types == nil {
		for _, row := range rows {
			t = Widen(t, valueType(c.value(row[i])))
		}
		return t
	}
	for _, ct := range customTypes {
		if !c.allows(ct.name) {
			continue
		}
		if all(rows, func(row []string) bool { v := c.value(row[i]); return v == "" || ct.parses(v) }) {
			return &Type{Kind: ct.kind}
		}
	}
	return &Type{Kind: String}
}

func (c *CSVClassifier) value(v string) string {
	if c.NoTrim {
		return v
	}
	return strings.TrimSpace(v)
}

func (c *CSVClassifier) allows(name string) bool {
	for _, t := range c.Types {
		if strings.EqualFold(strings.TrimSpace(t), name) {
			return true
		}
	}
	return false
}

func all(rows [][]string, ok func([]string) bool) bool {
	for _, r := range rows {
		if !ok(r) {
			return false
		}
	}
	return true
}

// customType is a custom CSV datatype: its name, its Glue type and what
// parses as it.
type customType struct {
	name, kind string
	parses     func(string) bool
}

// customTypes are the custom datatypes, narrowest first.
var customTypes = []customType{
	{"SHORT", Smallint, intOf(16)},
	{"INT", Int, intOf(32)},
	{"LONG", Bigint, intOf(64)},
	{"FLOAT", Float, isFloat},
	{"DOUBLE", Double, isFloat},
	{"DECIMAL", Decimal, isDecimal},
	{"BOOLEAN", Boolean, func(v string) bool { return strings.EqualFold(v, "true") || strings.EqualFold(v, "false") }},
	{"DATE", Date, func(v string) bool { _, err := time.Parse(time.DateOnly, v); return err == nil }},
	{"TIMESTAMP", Timestamp, timestampRe.MatchString},
	{"BINARY", Binary, func(string) bool { return false }},
	{"STRING", String, func(string) bool { return true }},
}

func intOf(bits int) func(string) bool {
	return func(v string) bool {
		_, err := strconv.ParseInt(v, 10, bits)
		return err == nil
	}
}

var decimalRe = regexp.MustCompile(`^[+-]?(\d+(\.\d*)?|\.\d+)$`)

func isDecimal(v string) bool { return decimalRe.MatchString(v) }

// splitQuoted splits delimited text into rows of fields: a field may be
// quoted, a doubled quote in it standing for one; a quoted field may hold
// delimiters and line breaks. Blank lines are skipped; an unclosed quote
// is not delimited text.
func splitQuoted(data []byte, delim, quote rune) ([][]string, error) {
	var rows [][]string
	var row []string
	var field strings.Builder
	inQuote, quoted := false, false
	text := []rune(string(data))
	for i := 0; i < len(text); i++ {
		r := text[i]
		switch {
		case inQuote && r == quote && i+1 < len(text) && text[i+1] == quote:
			field.WriteRune(quote)
			i++
		case r == quote && (inQuote || field.Len() == 0 && !quoted):
			inQuote, quoted = !inQuote, true
		case inQuote:
			field.WriteRune(r)
		case r == delim:
			row = append(row, field.String())
			field.Reset()
			quoted = false
		case r == '\n' || r == '\r':
			if r == '\r' && i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			if row != nil || field.Len() > 0 || quoted { // blank lines are skipped
				rows = append(rows, append(row, field.String()))
			}
			row, quoted = nil, false
			field.Reset()
		default:
			field.WriteRune(r)
		}
	}
	if inQuote {
		return nil, fmt.Errorf("%w: an unclosed quote", ErrUnknown)
	}
	if field.Len() > 0 || quoted || len(row) > 0 {
		rows = append(rows, append(row, field.String()))
	}
	return rows, nil
}
