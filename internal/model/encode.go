package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// EncodeOutput marshals v, a typed response whose JSON field names are the
// model's member names, as the operation's output shape on the wire:
// timestamps become epoch seconds with millisecond precision. The typed
// responses use omitempty/omitzero, so absent members are never sent as null.
func (op *Operation) EncodeOutput(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %s output: %w", op.Name, err)
	}
	if op.Output == nil || !op.Output.hasTime {
		return b, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return nil, fmt.Errorf("encode %s output: %w", op.Name, err)
	}
	return json.Marshal(convertTimes(op.Output, generic))
}

// convertTimes rewrites RFC 3339 strings at timestamp members to epoch
// seconds, walking only the parts of the shape that can hold timestamps.
func convertTimes(s *Shape, v any) any {
	if s == nil || !s.hasTime || v == nil {
		return v
	}
	switch s.Type {
	case "timestamp":
		if str, ok := v.(string); ok {
			if t, err := time.Parse(time.RFC3339Nano, str); err == nil {
				return EpochSeconds(t)
			}
		}
	case "structure":
		if obj, ok := v.(map[string]any); ok {
			for k, mv := range obj {
				if ms, ok := s.Members[k]; ok {
					obj[k] = convertTimes(ms, mv)
				}
			}
		}
	case "list":
		if arr, ok := v.([]any); ok {
			for i := range arr {
				arr[i] = convertTimes(s.Member, arr[i])
			}
		}
	case "map":
		if obj, ok := v.(map[string]any); ok {
			for k := range obj {
				obj[k] = convertTimes(s.Value, obj[k])
			}
		}
	}
	return v
}

// EpochSeconds renders t as AWS JSON timestamps are sent: seconds since the
// epoch as a plain decimal number with millisecond precision.
func EpochSeconds(t time.Time) json.Number {
	ms := t.UnixMilli()
	sign := ""
	if ms < 0 {
		sign, ms = "-", -ms
	}
	sec, frac := ms/1000, ms%1000
	if frac == 0 {
		return json.Number(sign + strconv.FormatInt(sec, 10))
	}
	return json.Number(fmt.Sprintf("%s%d.%03d", sign, sec, frac))
}
