package infer

import (
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"
)

// Classifications Glue writes in a table's "classification" parameter.
const (
	CSV  = "csv"
	JSON = "json"
)

// Schema is what a file, or files merged, look like to the crawler.
type Schema struct {
	// Classification is CSV, JSON or Parquet for the built-in
	// classifiers, and a custom classifier's Classification.
	Classification string
	// Format is how a custom classifier read the data (CSV, JSON, Grok
	// or XML); "" for the built-in classifiers, whose Classification is
	// their format.
	Format string
	// Options are the settings a custom classifier read the data with,
	// which a reader of the table needs too: "jsonPath", "rowTag",
	// "input.format" and "input.grokCustomPatterns", "serde" and
	// "quoteChar".
	Options map[string]string
	// Compression is "none", "gzip" or "bzip2".
	Compression string
	// Delimiter is a CSV file's field separator.
	Delimiter string
	// Header reports whether a CSV file's first row names its columns.
	Header bool
	// Quoted reports whether a CSV file quotes fields.
	Quoted bool
	// Columns are the inferred columns, in file order.
	Columns []Field
	// Records counts the records read; Bytes the uncompressed bytes they
	// took.
	Records int64
	Bytes   int64
}

// ErrUnknown is returned for a file no classifier recognises.
var ErrUnknown = errors.New("no classifier recognises the file")

// Reader is the format the schema's data was read as: its Format, or its
// Classification when a built-in classifier read it.
func (s *Schema) Reader() string {
	if s.Format != "" {
		return s.Format
	}
	return s.Classification
}

// Classifier is a custom classifier: it recognises a file's data (the
// sample, decompressed) with certainty and returns its schema, or returns
// an error wrapping ErrUnknown.
type Classifier interface {
	Classify(data []byte) (*Schema, error)
}

// Classify reads a file's sample (its first bytes; complete reports
// whether the sample is the whole file) and returns its schema. The
// compression is detected by name suffix (.gz, .bz2) or magic bytes; a
// truncated sample's last, partial record is ignored (as is the rest of a
// compressed stream that cannot be read to its end). JSON is tried first,
// then CSV. Every error wraps ErrUnknown.
func Classify(name string, sample []byte, complete bool) (*Schema, error) {
	return ClassifyWith(name, sample, complete, nil)
}

// ClassifyWith classifies as Classify does, trying the custom classifiers
// first, in order: the first that recognises the data decides.
func ClassifyWith(name string, sample []byte, complete bool, custom []Classifier) (*Schema, error) {
	data, compression, err := decompress(name, sample)
	if err != nil {
		return nil, err
	}
	if !complete || compression != "none" && len(data) == sampleLimit {
		if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
			data = data[:i+1]
		}
	}
	s, err := firstOf(data, custom)
	if errors.Is(err, ErrUnknown) {
		s, err = classifyJSON(data)
	}
	if errors.Is(err, ErrUnknown) {
		s, err = classifyCSV(data)
	}
	if err != nil {
		return nil, err
	}
	s.Compression = compression
	return s, nil
}

// firstOf returns the schema of the first classifier that recognises
// data.
func firstOf(data []byte, custom []Classifier) (*Schema, error) {
	for _, c := range custom {
		s, err := c.Classify(data)
		if !errors.Is(err, ErrUnknown) {
			return s, err
		}
	}
	return nil, ErrUnknown
}

// sampleLimit caps the uncompressed bytes read from a compressed sample.
const sampleLimit = 8 << 20

func decompress(name string, sample []byte) ([]byte, string, error) {
	var r io.Reader
	compression := "none"
	switch {
	case strings.HasSuffix(name, ".gz") || bytes.HasPrefix(sample, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(bytes.NewReader(sample))
		if err != nil {
			return nil, "", fmt.Errorf("%w: %v", ErrUnknown, err)
		}
		r, compression = zr, "gzip"
	case strings.HasSuffix(name, ".bz2") || bytes.HasPrefix(sample, []byte("BZh")):
		r, compression = bzip2.NewReader(bytes.NewReader(sample)), "bzip2"
	default:
		return sample, compression, nil
	}
	data, err := io.ReadAll(io.LimitReader(r, sampleLimit))
	if err != nil && len(data) == 0 {
		return nil, "", fmt.Errorf("%w: %s: %v", ErrUnknown, compression, err)
	}
	return data, compression, nil
}

// Compatible reports whether two schemas can be one table: the same
// classification, compression and delimiter, and at least 70% of their
// column names shared (Glue's similarity threshold).
func Compatible(a, b *Schema) bool {
	if !SameFormat(a, b) {
		return false
	}
	names := map[string]bool{}
	for _, f := range a.Columns {
		names[f.Name] = true
	}
	shared := 0
	for _, f := range b.Columns {
		if names[f.Name] {
			shared++
		}
	}
	union := len(a.Columns) + len(b.Columns) - shared
	return union == 0 || float64(shared)/float64(union) >= 0.7
}

// SameFormat reports whether two schemas have the same classification,
// format, options, compression and delimiter.
func SameFormat(a, b *Schema) bool {
	return a.Classification == b.Classification && a.Format == b.Format && maps.Equal(a.Options, b.Options) &&
		a.Compression == b.Compression && a.Delimiter == b.Delimiter
}

// Merge returns a schema holding both a and b (a compatible with b): their
// columns merged by name with widened types, records and bytes summed.
func Merge(a, b *Schema) *Schema {
	out := *a
	out.Columns = MergeFields(a.Columns, b.Columns)
	out.Header = a.Header || b.Header
	out.Quoted = a.Quoted || b.Quoted
	out.Records += b.Records
	out.Bytes += b.Bytes
	return &out
}
