package infer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// delimiters are the separators the CSV classifier tries, in order of
// preference on a tie: comma, pipe, tab, semicolon.
var delimiters = []rune{',', '|', '\t', ';'}

// maxHeaderCell is the length every header cell but the last must stay
// below, as Glue's CSV classifier requires.
const maxHeaderCell = 150

// classifyCSV tries each delimiter and keeps the one that splits every row
// into the same number (at least two) of fields, preferring more fields;
// the file needs at least two rows. The header is detected as Glue does:
// the first row is a header when every cell of it types as string, every
// cell but the last is shorter than 150 characters and non-empty, and at
// least one later row has a cell typing as something other than string.
// Without a header the columns are named col0, col1, ...; a last column
// blank throughout (a trailing delimiter) is dropped.
func classifyCSV(data []byte) (*Schema, error) {
	var best [][]string
	var bestDelim rune
	for _, d := range delimiters {
		rows, ok := splitRows(data, d)
		if ok && (best == nil || len(rows[0]) > len(best[0])) {
			best, bestDelim = rows, d
		}
	}
	if best == nil {
		return nil, ErrUnknown
	}
	s := &Schema{Classification: CSV, Delimiter: string(bestDelim), Quoted: bytes.ContainsRune(data, '"'),
		Bytes: int64(len(data))}
	header := hasHeader(best)
	data0 := best
	if header {
		data0 = best[1:]
	}
	s.Header = header
	s.Records = int64(len(data0))
	n := len(best[0])
	if emptyColumn(best, n-1) {
		n-- // a trailing delimiter
	}
	s.Columns = make([]Field, n)
	for i := range s.Columns {
		name := "col" + strconv.Itoa(i)
		if h := strings.ToLower(strings.TrimSpace(best[0][i])); header && h != "" {
			name = h
		}
		var t *Type
		for _, row := range data0 {
			t = Widen(t, cellType(row[i]))
		}
		s.Columns[i] = Field{Name: name, Type: t}
	}
	return s, nil
}

// emptyColumn reports whether column i is blank in every row.
func emptyColumn(rows [][]string, i int) bool {
	for _, row := range rows {
		if strings.TrimSpace(row[i]) != "" {
			return false
		}
	}
	return true
}

// splitRows parses data with delimiter d; ok when there are at least two
// rows, all with the same number of fields, at least two.
func splitRows(data []byte, d rune) ([][]string, bool) {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma, r.LazyQuotes, r.FieldsPerRecord, r.ReuseRecord = d, true, 0, false
	var rows [][]string
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, false
		}
		rows = append(rows, row)
	}
	return rows, len(rows) >= 2 && len(rows[0]) >= 2
}

func hasHeader(rows [][]string) bool {
	first := rows[0]
	for i, c := range first {
		if cellType(c) != nil && cellType(c).Kind != String {
			return false
		}
		if i < len(first)-1 && (strings.TrimSpace(c) == "" || len(c) >= maxHeaderCell) {
			return false
		}
	}
	for _, row := range rows[1:] {
		for _, c := range row {
			if t := cellType(c); t != nil && t.Kind != String {
				return true
			}
		}
	}
	return false
}

var (
	dateRe      = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	timestampRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,9})?$`)
)

// cellType types a CSV cell: empty is nil (null), then bigint, double,
// boolean (true/false, any case), date (yyyy-MM-dd), timestamp
// (yyyy-MM-dd HH:mm:ss[.fff]), else string.
func cellType(c string) *Type { return valueType(strings.TrimSpace(c)) }

// valueType types a value as cellType does, without trimming it.
func valueType(c string) *Type {
	switch {
	case c == "":
		return nil
	case isInt(c):
		return &Type{Kind: Bigint}
	case isFloat(c):
		return &Type{Kind: Double}
	case strings.EqualFold(c, "true") || strings.EqualFold(c, "false"):
		return &Type{Kind: Boolean}
	case dateRe.MatchString(c):
		return &Type{Kind: Date}
	case timestampRe.MatchString(c):
		return &Type{Kind: Timestamp}
	}
	return &Type{Kind: String}
}

func isInt(c string) bool {
	_, err := strconv.ParseInt(c, 10, 64)
	return err == nil
}

func isFloat(c string) bool {
	_, err := strconv.ParseFloat(c, 64)
	return err == nil && !strings.ContainsAny(c, "xXpP") && !strings.EqualFold(strings.TrimLeft(c, "+-"), "inf") &&
		!strings.EqualFold(strings.TrimLeft(c, "+-"), "infinity") && !strings.EqualFold(c, "nan")
}
