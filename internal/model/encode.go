package model

import (
	"bytes"
	"encoding/json"
	"errors"
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
	r := &timeRewriter{in: b, out: make([]byte, 0, len(b))}
	if err := r.value(op.Output); err != nil {
		return nil, fmt.Errorf("encode %s output: %w", op.Name, err)
	}
	return r.out, nil
}

// timeRewriter copies JSON produced by encoding/json (compact and valid),
// replacing the RFC 3339 strings found at timestamp members of the shape
// with epoch seconds, in one pass. Parts of the shape that hold no
// timestamp are copied without being looked at.
type timeRewriter struct {
	in  []byte
	pos int
	out []byte
}

func (r *timeRewriter) value(s *Shape) error {
	if r.pos >= len(r.in) {
		return errors.New("unexpected end of JSON")
	}
	if s == nil || !s.hasTime {
		return r.copyValue()
	}
	switch c := r.in[r.pos]; {
	case c == '{' && s.Type == "structure":
		return r.object(func(key string) *Shape { return s.Members[key] })
	case c == '{' && s.Type == "map":
		return r.object(func(string) *Shape { return s.Value })
	case c == '[' && s.Type == "list":
		return r.list(s.Member)
	case c == '"' && s.Type == "timestamp":
		return r.timestamp()
	}
	return r.copyValue()
}

func (r *timeRewriter) object(member func(key string) *Shape) error {
	r.out = append(r.out, '{')
	r.pos++
	for r.pos < len(r.in) && r.in[r.pos] != '}' {
		start := r.pos
		if err := r.skipString(); err != nil {
			return err
		}
		key := string(r.in[start+1 : r.pos-1])
		r.out = append(r.out, r.in[start:r.pos]...)
		if r.pos >= len(r.in) || r.in[r.pos] != ':' {
			return errors.New("expected ':' after object key")
		}
		r.out = append(r.out, ':')
		r.pos++
		if err := r.value(member(key)); err != nil {
			return err
		}
		if r.pos < len(r.in) && r.in[r.pos] == ',' {
			r.out = append(r.out, ',')
			r.pos++
		}
	}
	return r.closing('}')
}

func (r *timeRewriter) list(member *Shape) error {
	r.out = append(r.out, '[')
	r.pos++
	for r.pos < len(r.in) && r.in[r.pos] != ']' {
		if err := r.value(member); err != nil {
			return err
		}
		if r.pos < len(r.in) && r.in[r.pos] == ',' {
			r.out = append(r.out, ',')
			r.pos++
		}
	}
	return r.closing(']')
}

func (r *timeRewriter) closing(c byte) error {
	if r.pos >= len(r.in) || r.in[r.pos] != c {
		return fmt.Errorf("expected %q", c)
	}
	r.out = append(r.out, c)
	r.pos++
	return nil
}

// timestamp replaces an RFC 3339 string with epoch seconds; any other
// string is copied as it is.
func (r *timeRewriter) timestamp() error {
	start := r.pos
	if err := r.skipString(); err != nil {
		return err
	}
	raw := r.in[start:r.pos]
	if t, err := time.Parse(time.RFC3339Nano, string(raw[1:len(raw)-1])); err == nil {
		r.out = append(r.out, EpochSeconds(t)...)
		return nil
	}
	r.out = append(r.out, raw...)
	return nil
}

// copyValue copies one value, whatever it is, unchanged.
func (r *timeRewriter) copyValue() error {
	start := r.pos
	if err := r.skipValue(); err != nil {
		return err
	}
	r.out = append(r.out, r.in[start:r.pos]...)
	return nil
}

func (r *timeRewriter) skipValue() error {
	switch r.in[r.pos] {
	case '"':
		return r.skipString()
	case '{', '[':
		depth := 0
		for r.pos < len(r.in) {
			switch r.in[r.pos] {
			case '"':
				if err := r.skipString(); err != nil {
					return err
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			r.pos++
			if depth == 0 {
				return nil
			}
		}
		return errors.New("unterminated object or array")
	}
	for r.pos < len(r.in) && !bytes.ContainsRune([]byte(",}]"), rune(r.in[r.pos])) {
		r.pos++
	}
	return nil
}

// skipString moves past a JSON string starting at pos, escapes included.
func (r *timeRewriter) skipString() error {
	if r.in[r.pos] != '"' {
		return errors.New("expected a string")
	}
	for i := r.pos + 1; i < len(r.in); i++ {
		switch r.in[i] {
		case '\\':
			i++
		case '"':
			r.pos = i + 1
			return nil
		}
	}
	return errors.New("unterminated string")
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
