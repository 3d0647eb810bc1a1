package model

import (
	"encoding/json"
	"fmt"
)

// EncodeOutput marshals v, a typed response whose JSON field names are the
// model's member names, as the operation's output shape on the wire. The
// typed responses use omitempty/omitzero, so absent members are never sent
// as null, and glue.Timestamp, so timestamps are epoch seconds with
// millisecond precision without any rewriting here.
func (op *Operation) EncodeOutput(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %s output: %w", op.Name, err)
	}
	return b, nil
}
