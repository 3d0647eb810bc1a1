package store

import (
	"encoding/json"
	"fmt"
)

// DocVersion is the storage format this Epoxy writes documents in; every
// backend records, beside each stored document, the version it was written
// in (the doc_version column).
//
// Documents are encoding/json's encoding of the glue types: the member
// names and omissions their JSON tags give them. Those tags also shape the
// wire, so the format is pinned byte for byte by the golden documents in
// store/sqlite's testdata/documents: a change to a glue tag, an omitempty
// or the timestamp format that would alter what is stored fails
// TestDocuments_Golden, and must then either keep the stored form or
// introduce a new version, written from then on, while DecodeDoc keeps
// reading the older ones.
//
//   - Version 1 wrote times as RFC 3339 strings with nanoseconds.
//   - Version 2 writes every time as glue.Timestamp does: epoch seconds with
//     millisecond precision, a JSON number, as the wire has them. The glue
//     types decode both forms (glue.Timestamp reads RFC 3339 strings too), so
//     version 1 rows read as they always did; a time they held below the
//     millisecond is dropped on reading, as it would be on the wire.
const DocVersion = 2

// readable are the format versions DecodeDoc reads.
var readable = map[int]bool{1: true, 2: true}

// EncodeDoc returns v's stored form in format DocVersion.
func EncodeDoc(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode document: %w", err)
	}
	return string(b), nil
}

// DecodeDoc reads a stored document written in format version.
func DecodeDoc[T any](doc string, version int) (*T, error) {
	if !readable[version] {
		return nil, fmt.Errorf("decode stored document: format version %d is not one this Epoxy reads (1 to %d); was the database written by a newer Epoxy?",
			version, DocVersion)
	}
	v := new(T)
	if err := json.Unmarshal([]byte(doc), v); err != nil {
		return nil, fmt.Errorf("decode stored document: %w", err)
	}
	return v, nil
}
