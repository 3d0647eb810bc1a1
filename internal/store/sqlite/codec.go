package sqlite

import "github.com/epoxy-run/epoxy/internal/store"

// docVersion is the storage format documents are written in (see
// store.DocVersion).
const docVersion = store.DocVersion

// encodeDoc returns v's stored form in format docVersion.
func encodeDoc(v any) (string, error) { return store.EncodeDoc(v) }

// decodeDoc reads a stored document written in format version.
func decodeDoc[T any](doc string, version int) (*T, error) { return store.DecodeDoc[T](doc, version) }
