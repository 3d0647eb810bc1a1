package infer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// JSONClassifier is a custom JSON classifier: its JsonPath selects the
// records of each JSON document (a file of one document, or of JSON lines).
type JSONClassifier struct {
	path  string
	steps []pathStep
}

// pathStep is one step of a JsonPath: a member by name, an array element
// by index, or every member or element (wildcard).
type pathStep struct {
	name     string
	index    int // -1: not an index step
	wildcard bool
}

// NewJSONClassifier parses a JsonPath of Glue's subset: $ then steps .name,
// ['name'], [n], .* and [*].
func NewJSONClassifier(path string) (*JSONClassifier, error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(path), "$")
	if !ok {
		return nil, fmt.Errorf("JsonPath %q must start with $", path)
	}
	c := &JSONClassifier{path: path}
	for rest != "" {
		step, n, err := parseStep(rest)
		if err != nil {
			return nil, fmt.Errorf("JsonPath %q: %w", path, err)
		}
		c.steps, rest = append(c.steps, step), rest[n:]
	}
	return c, nil
}

// parseStep reads the step that s starts with and how many bytes it took.
func parseStep(s string) (pathStep, int, error) {
	switch {
	case strings.HasPrefix(s, ".."):
		return pathStep{}, 0, errors.New("recursive descent (..) is not supported")
	case strings.HasPrefix(s, ".*"):
		return pathStep{index: -1, wildcard: true}, 2, nil
	case strings.HasPrefix(s, "."):
		end := strings.IndexAny(s[1:], ".[")
		if end < 0 {
			end = len(s) - 1
		}
		if end == 0 {
			return pathStep{}, 0, errors.New("an empty member name")
		}
		return pathStep{name: s[1 : 1+end], index: -1}, 1 + end, nil
	case strings.HasPrefix(s, "["):
		return parseBracket(s)
	}
	return pathStep{}, 0, fmt.Errorf("unexpected %q", s)
}

func parseBracket(s string) (pathStep, int, error) {
	end := strings.IndexByte(s, ']')
	if end < 0 {
		return pathStep{}, 0, errors.New("an unclosed [")
	}
	in := strings.TrimSpace(s[1:end])
	switch {
	case in == "*":
		return pathStep{index: -1, wildcard: true}, end + 1, nil
	case len(in) >= 2 && (in[0] == '\'' || in[0] == '"') && in[len(in)-1] == in[0]:
		return pathStep{name: in[1 : len(in)-1], index: -1}, end + 1, nil
	}
	i, err := strconv.Atoi(in)
	if err != nil || i < 0 {
		return pathStep{}, 0, fmt.Errorf("[%s] is neither a quoted name, an index nor *", in)
	}
	return pathStep{index: i}, end + 1, nil
}

// Classify recognises data when its JsonPath selects at least one record
// and every record selected is an object; the records' members are the
// columns.
func (c *JSONClassifier) Classify(data []byte) (*Schema, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	s := &Schema{Classification: JSON, Format: JSON, Bytes: int64(len(data)), Options: map[string]string{"jsonPath": c.path}}
	for {
		var doc json.RawMessage
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrUnknown, err)
		}
		if err := selectPath(doc, c.steps, s.addRecord); err != nil {
			return nil, err
		}
	}
	if s.Records == 0 {
		return nil, fmt.Errorf("%w: JsonPath %s selects no record", ErrUnknown, c.path)
	}
	return s, nil
}

// addRecord types a record and merges its members into the columns.
func (s *Schema) addRecord(raw json.RawMessage) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	t, err := readValue(dec)
	if err != nil || t == nil || t.Kind != Struct {
		return fmt.Errorf("%w: a record that is not an object", ErrUnknown)
	}
	s.Columns = MergeFields(s.Columns, t.Fields)
	s.Records++
	return nil
}

// selectPath calls fn with each value the steps select in raw.
func selectPath(raw json.RawMessage, steps []pathStep, fn func(json.RawMessage) error) error {
	if len(steps) == 0 {
		return fn(raw)
	}
	st := steps[0]
	i := 0
	return eachChild(raw, func(name string, v json.RawMessage) error {
		defer func() { i++ }()
		switch {
		case st.wildcard, st.index < 0 && name == st.name && name != "", st.index >= 0 && name == "" && i == st.index:
			return selectPath(v, steps[1:], fn)
		}
		return nil
	})
}

// eachChild calls fn with each member (name, value) of an object or each
// element ("", value) of an array; a scalar has no children.
func eachChild(raw json.RawMessage, fn func(name string, v json.RawMessage) error) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	for dec.More() {
		name := ""
		if d == '{' {
			key, err := dec.Token()
			if err != nil {
				return err
			}
			name = key.(string)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return err
		}
		if err := fn(name, v); err != nil {
			return err
		}
	}
	return nil
}
