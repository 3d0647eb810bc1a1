package infer

import (
	"bytes"
	"encoding/json"
)

// classifyJSON reads JSON lines (one object per line, or several
// concatenated) or a top-level array of objects. Every record must be an
// object; its members become columns in first-seen order.
func classifyJSON(data []byte) (*Schema, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || (trimmed[0] != '{' && trimmed[0] != '[') {
		return nil, ErrUnknown
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	s := &Schema{Classification: JSON, Bytes: int64(len(trimmed))}
	inArray := trimmed[0] == '['
	if inArray {
		if _, err := dec.Token(); err != nil {
			return nil, ErrUnknown
		}
	}
	for dec.More() {
		t, err := readValue(dec)
		if err != nil || t == nil || t.Kind != Struct {
			return nil, ErrUnknown
		}
		s.Columns = MergeFields(s.Columns, t.Fields)
		s.Records++
	}
	if s.Records == 0 {
		return nil, ErrUnknown
	}
	return s, nil
}

// readValue reads one JSON value and types it: integers bigint, other
// numbers double, booleans boolean, strings string, objects struct (members
// in file order), arrays array of their widened elements; null nil
// (unknown yet).
func readValue(dec *json.Decoder) (*Type, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			return readObject(dec)
		}
		return readArray(dec)
	case json.Number:
		if _, err := v.Int64(); err == nil {
			return &Type{Kind: Bigint}, nil
		}
		return &Type{Kind: Double}, nil
	case bool:
		return &Type{Kind: Boolean}, nil
	case string:
		return &Type{Kind: String}, nil
	}
	return nil, nil
}

func readObject(dec *json.Decoder) (*Type, error) {
	t := &Type{Kind: Struct}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, err
		}
		ft, err := readValue(dec)
		if err != nil {
			return nil, err
		}
		t.Fields = MergeFields(t.Fields, []Field{{Name: key.(string), Type: ft}})
	}
	_, err := dec.Token()
	return t, err
}

func readArray(dec *json.Decoder) (*Type, error) {
	t := &Type{Kind: Array}
	for dec.More() {
		et, err := readValue(dec)
		if err != nil {
			return nil, err
		}
		t.Elem = Widen(t.Elem, et)
	}
	_, err := dec.Token()
	return t, err
}
