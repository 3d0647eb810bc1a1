package store

import (
	"encoding/json"
	"fmt"
)

// DocVersion is the storage format this Epoxy writes documents in; every
// backend records, beside each stored document, the version it was written
// in (the doc_version column).
//
// Version 1 is encoding/json's encoding of the glue types: the member names,
// omissions and RFC 3339 timestamps their JSON tags give them as of this
// version. Those tags also shape the wire, so the format is pinned byte for
// byte by the golden documents in store/sqlite's testdata/documents: a
// change to a glue tag, an omitempty or the timestamp format that would
// alter what is stored fails TestDocuments_Golden. Such a change must then
// either keep the stored form (decoding version 1 as before) or introduce
// version 2, written from then on, while DecodeDoc keeps reading version 1
// rows.
const DocVersion = 1

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
	if version != DocVersion {
		return nil, fmt.Errorf("decode stored document: format version %d is not one this Epoxy reads (%d); was the database written by a newer Epoxy?",
			version, DocVersion)
	}
	v := new(T)
	if err := json.Unmarshal([]byte(doc), v); err != nil {
		return nil, fmt.Errorf("decode stored document: %w", err)
	}
	return v, nil
}
