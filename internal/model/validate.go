package model

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Error kinds, named after the AWS exceptions a server returns for them.
const (
	// KindSerialization is malformed JSON or a member of the wrong JSON type.
	KindSerialization = "SerializationException"
	// KindInvalidInput is a well-typed value that breaks a model constraint.
	KindInvalidInput = "InvalidInputException"
)

// maxReported caps how many constraint violations one message lists.
const maxReported = 10

// Error is a request that does not fit the model. Kind is the AWS exception
// name to return; Message says which member broke which rule.
type Error struct {
	Kind    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// DecodeInput parses a request body and checks it against the operation's
// input shape. It returns the request as generic JSON values (numbers as
// json.Number) with nulls and members unknown to the model removed, ready to
// be unmarshalled into a typed struct.
func (op *Operation) DecodeInput(body []byte) (map[string]any, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, &Error{Kind: KindSerialization, Message: "request body is not valid JSON: " + err.Error()}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &Error{Kind: KindSerialization, Message: "request body has data after the JSON object"}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{Kind: KindSerialization, Message: "request body must be a JSON object"}
	}
	if err := checkText(body); err != nil {
		return nil, err
	}
	if op.Input == nil {
		return map[string]any{}, nil
	}
	var c checker
	out := c.structure(op.Input, "", obj)
	if c.typeErr != nil {
		return nil, c.typeErr
	}
	if len(c.violations) > 0 {
		return nil, c.err()
	}
	return out.(map[string]any), nil
}

// checker walks a value against a shape, collecting violations.
type checker struct {
	typeErr    *Error
	violations []string
	total      int
}

func (c *checker) violate(v any, path, rule string) {
	c.total++
	if len(c.violations) < maxReported {
		c.violations = append(c.violations, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", render(v), path, rule))
	}
}

func (c *checker) wrongType(path, want string, v any) {
	if c.typeErr == nil {
		c.typeErr = &Error{Kind: KindSerialization, Message: fmt.Sprintf("member '%s' must be %s, got %s", path, want, jsonType(v))}
	}
}

func (c *checker) err() *Error {
	noun := "error"
	if c.total > 1 {
		noun = "errors"
	}
	return &Error{Kind: KindInvalidInput, Message: fmt.Sprintf("%d validation %s detected: %s", c.total, noun, strings.Join(c.violations, "; "))}
}

func join(path, member string) string {
	if path == "" {
		return member
	}
	return path + "." + member
}

// value dispatches on the shape type. v is never nil here.
func (c *checker) value(s *Shape, path string, v any) any {
	switch s.Type {
	case "structure":
		return c.structure(s, path, v)
	case "list":
		return c.list(s, path, v)
	case "map":
		return c.mapping(s, path, v)
	case "string":
		return c.str(s, path, v)
	case "integer", "long":
		return c.integer(s, path, v)
	case "double", "float":
		return c.double(s, path, v)
	case "boolean":
		if _, ok := v.(bool); !ok {
			c.wrongType(path, "a boolean", v)
		}
		return v
	case "timestamp":
		return c.timestamp(path, v)
	case "blob":
		return c.blob(path, v)
	}
	return v
}

func (c *checker) structure(s *Shape, path string, v any) any {
	if s.Document {
		return v
	}
	obj, ok := v.(map[string]any)
	if !ok {
		c.wrongType(path, "a JSON object", v)
		return nil
	}
	out := make(map[string]any, len(obj))
	for name, mv := range obj {
		ms, known := s.Members[name]
		if !known || mv == nil {
			continue // unknown members are ignored, as AWS does; null means absent
		}
		if cv := c.value(ms, join(path, name), mv); cv != nil {
			out[name] = cv
		}
	}
	for _, req := range s.Required {
		if _, ok := out[req]; !ok {
			if _, present := obj[req]; !present || obj[req] == nil {
				c.violate(nil, join(path, req), "Member must not be null")
			}
		}
	}
	return out
}

func (c *checker) list(s *Shape, path string, v any) any {
	arr, ok := v.([]any)
	if !ok {
		c.wrongType(path, "a JSON array", v)
		return nil
	}
	c.length(s, path, v, len(arr))
	out := make([]any, 0, len(arr))
	for i, e := range arr {
		if e == nil {
			c.violate(nil, fmt.Sprintf("%s[%d]", path, i), "Member must not be null")
			continue
		}
		if cv := c.value(s.Member, fmt.Sprintf("%s[%d]", path, i), e); cv != nil {
			out = append(out, cv)
		}
	}
	return out
}

func (c *checker) mapping(s *Shape, path string, v any) any {
	obj, ok := v.(map[string]any)
	if !ok {
		c.wrongType(path, "a JSON object", v)
		return nil
	}
	c.length(s, path, v, len(obj))
	c.totalSize(s, path, v, obj)
	out := make(map[string]any, len(obj))
	for k, e := range obj {
		c.str(s.Key, fmt.Sprintf("%s (key %q)", path, k), k)
		vpath := fmt.Sprintf("%s[%q]", path, k)
		if e == nil {
			c.violate(nil, vpath, "Member must not be null")
			continue
		}
		if cv := c.value(s.Value, vpath, e); cv != nil {
			out[k] = cv
		}
	}
	return out
}

func (c *checker) length(s *Shape, path string, v any, n int) {
	if s.Min != nil && float64(n) < *s.Min {
		c.violate(v, path, fmt.Sprintf("Member must have length greater than or equal to %s", num(*s.Min)))
	}
	if s.Max != nil && float64(n) > *s.Max {
		c.violate(v, path, fmt.Sprintf("Member must have length less than or equal to %s", num(*s.Max)))
	}
}

func (c *checker) str(s *Shape, path string, v any) any {
	str, ok := v.(string)
	if !ok {
		c.wrongType(path, "a string", v)
		return nil
	}
	c.length(s, path, v, utf16Len(str))
	if len(s.Enum) > 0 && !slices.Contains(s.Enum, str) {
		c.violate(v, path, fmt.Sprintf("Member must satisfy enum value set: [%s]", strings.Join(s.Enum, ", ")))
	}
	if re, err := s.regexp(); err == nil && re != nil && !re.MatchString(str) && (s.also == nil || !s.also.MatchString(str)) {
		c.violate(v, path, "Member must satisfy regular expression pattern: "+s.pattern)
	}
	return str
}

// totalSize enforces an Epoxy limit on the bytes of a string map's keys and
// values together (see limits in model.go).
func (c *checker) totalSize(s *Shape, path string, v any, obj map[string]any) {
	if s.maxBytes == 0 {
		return
	}
	n := 0
	for k, e := range obj {
		str, _ := e.(string)
		n += len(k) + len(str)
	}
	if n > s.maxBytes {
		c.violate(v, path, fmt.Sprintf("Member must have a total size of keys and values less than or equal to %d bytes", s.maxBytes))
	}
}

// utf16Len is a string's length as AWS counts it: in UTF-16 code units, so
// a character outside the Basic Multilingual Plane counts 2.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func (c *checker) integer(s *Shape, path string, v any) any {
	n, ok := v.(json.Number)
	if !ok {
		c.wrongType(path, "an integer", v)
		return nil
	}
	i, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil || (s.Type == "integer" && (i > math.MaxInt32 || i < math.MinInt32)) {
		c.wrongType(path, "an integer within range", v)
		return nil
	}
	c.rangeCheck(s, path, v, float64(i))
	return n
}

func (c *checker) double(s *Shape, path string, v any) any {
	n, ok := v.(json.Number)
	if !ok {
		c.wrongType(path, "a number", v)
		return nil
	}
	f, err := n.Float64()
	if err != nil {
		c.wrongType(path, "a number", v)
		return nil
	}
	c.rangeCheck(s, path, v, f)
	return n
}

func (c *checker) rangeCheck(s *Shape, path string, v any, f float64) {
	if s.Min != nil && f < *s.Min {
		c.violate(v, path, fmt.Sprintf("Member must have value greater than or equal to %s", num(*s.Min)))
	}
	if s.Max != nil && f > *s.Max {
		c.violate(v, path, fmt.Sprintf("Member must have value less than or equal to %s", num(*s.Max)))
	}
}

func (c *checker) timestamp(path string, v any) any {
	switch t := v.(type) {
	case json.Number:
		if _, err := t.Float64(); err == nil {
			return t
		}
	case string:
		if _, err := time.Parse(time.RFC3339Nano, t); err == nil {
			return t
		}
	}
	c.wrongType(path, "a timestamp (epoch seconds)", v)
	return nil
}

func (c *checker) blob(path string, v any) any {
	s, ok := v.(string)
	if ok {
		if _, err := base64.StdEncoding.DecodeString(s); err == nil {
			return s
		}
	}
	c.wrongType(path, "a base64-encoded string", v)
	return nil
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number, float64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// render quotes a value for a violation message, shortening long ones.
func render(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case string:
		if utf8.RuneCountInString(t) > 64 {
			r := []rune(t)
			t = string(r[:64]) + "..."
		}
		return strconv.Quote(t)
	case json.Number:
		return string(t)
	case []any:
		return fmt.Sprintf("(list of %d)", len(t))
	case map[string]any:
		return fmt.Sprintf("(map of %d)", len(t))
	}
	return fmt.Sprint(v)
}
