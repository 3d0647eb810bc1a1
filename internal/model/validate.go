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
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// Error kinds, named after the AWS exceptions a server returns for them.
const (
	// KindSerialization is malformed JSON or a member of the wrong JSON type.
	KindSerialization = "SerializationException"
	// KindValidation is a well-typed value that breaks a model constraint
	// (required, length, pattern, range, enum), which AWS checks before the
	// service sees the request.
	KindValidation = "ValidationException"
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
// json.Number) with nulls and members unknown to the model removed.
func (op *Operation) DecodeInput(body []byte) (map[string]any, error) {
	obj, _, err := op.check(body)
	if err != nil {
		return nil, err
	}
	if op.Input == nil {
		return map[string]any{}, nil
	}
	return clean(op.Input, obj).(map[string]any), nil
}

// Decode checks a request body against the operation's input shape and
// unmarshals it into dst, a pointer to the operation's typed input. The body
// is unmarshalled as sent unless it has members the model does not know:
// those are dropped first, so that encoding/json's case-insensitive field
// matching cannot let an unknown "name" stand in for "Name".
func (op *Operation) Decode(body []byte, dst any) error {
	obj, unknown, err := op.check(body)
	if err != nil {
		return err
	}
	if op.Input == nil {
		return nil
	}
	if unknown || len(bytes.TrimSpace(body)) == 0 {
		if body, err = json.Marshal(clean(op.Input, obj)); err != nil {
			return err
		}
	}
	if err := json.Unmarshal(body, dst); err != nil {
		return &Error{Kind: KindSerialization, Message: "cannot decode request: " + err.Error()}
	}
	return nil
}

// check parses body and checks it against the input shape. It returns the
// parsed object and whether it has members the model does not know.
func (op *Operation) check(body []byte) (map[string]any, bool, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false, &Error{Kind: KindSerialization, Message: "request body is not valid JSON: " + err.Error()}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, false, &Error{Kind: KindSerialization, Message: "request body has data after the JSON object"}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, false, &Error{Kind: KindSerialization, Message: "request body must be a JSON object"}
	}
	if err := checkText(body); err != nil {
		return nil, false, err
	}
	if op.Input == nil {
		return obj, false, nil
	}
	var c checker
	c.structure(op.Input, nil, obj)
	if c.typeErr != nil {
		return nil, false, c.typeErr
	}
	if len(c.violations) > 0 {
		return nil, false, c.err()
	}
	return obj, c.unknown, nil
}

// clean returns v with nulls and members unknown to shape s removed.
func clean(s *Shape, v any) any {
	if s.Document {
		return v
	}
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			child := s.Value
			if s.Type == "structure" {
				child = s.Members[k]
			}
			if child != nil && e != nil {
				out[k] = clean(child, e)
			}
		}
		return out
	case []any:
		out := make([]any, 0, len(t))
		for _, e := range t {
			if e != nil {
				out = append(out, clean(s.Member, e))
			}
		}
		return out
	}
	return v
}

// step is one link of a member path, built as the checker descends and
// rendered only when a message needs it.
type step struct {
	up     *step
	member string // a structure member, or
	index  int    // a list element (0-based), or
	key    string // a map value
	kind   byte   // 'm', 'i' or 'k'
}

func (p *step) child(name string) *step { return &step{up: p, member: name, kind: 'm'} }

// aws renders the path as AWS does in ValidationException messages: members
// in lowerCamelCase joined by dots, list elements as .N.member (1-based), map
// values as .<key>.
func (p *step) aws() string {
	if p == nil {
		return ""
	}
	var seg string
	switch p.kind {
	case 'm':
		seg = lowerFirst(p.member)
	case 'i':
		seg = strconv.Itoa(p.index+1) + ".member"
	default:
		seg = p.key
	}
	if p.up == nil {
		return seg
	}
	return p.up.aws() + "." + seg
}

// String renders the path as Epoxy's SerializationException messages name
// members: Name.List[0].Map["key"].
func (p *step) String() string {
	if p == nil {
		return ""
	}
	switch p.kind {
	case 'i':
		return fmt.Sprintf("%s[%d]", p.up, p.index)
	case 'k':
		return fmt.Sprintf("%s[%q]", p.up, p.key)
	}
	if p.up == nil {
		return p.member
	}
	return p.up.String() + "." + p.member
}

func lowerFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[size:]
}

// checker walks a value against a shape, collecting violations.
type checker struct {
	typeErr    *Error
	violations []string
	total      int
	unknown    bool // a structure had a member the model does not know
}

func (c *checker) violate(v any, path *step, rule string) {
	c.total++
	if len(c.violations) < maxReported {
		c.violations = append(c.violations, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", render(v), path.aws(), rule))
	}
}

func (c *checker) wrongType(path *step, want string, v any) {
	if c.typeErr == nil {
		c.typeErr = &Error{Kind: KindSerialization, Message: fmt.Sprintf("member '%s' must be %s, got %s", path, want, jsonType(v))}
	}
}

func (c *checker) err() *Error {
	noun := "error"
	if c.total > 1 {
		noun = "errors"
	}
	return &Error{Kind: KindValidation, Message: fmt.Sprintf("%d validation %s detected: %s", c.total, noun, strings.Join(c.violations, "; "))}
}

// value dispatches on the shape type. v is never nil here.
func (c *checker) value(s *Shape, path *step, v any) {
	switch s.Type {
	case "structure":
		c.structure(s, path, v)
	case "list":
		c.list(s, path, v)
	case "map":
		c.mapping(s, path, v)
	default:
		if !c.scalarType(s, path, v) {
			return
		}
		for _, rule := range scalarRules(s, v) {
			c.violate(v, path, rule)
		}
	}
}

func (c *checker) structure(s *Shape, path *step, v any) {
	if s.Document {
		return
	}
	obj, ok := v.(map[string]any)
	if !ok {
		c.wrongType(path, "a JSON object", v)
		return
	}
	for _, name := range s.order {
		mv := obj[name]
		if mv == nil {
			if slices.Contains(s.Required, name) {
				c.violate(nil, path.child(name), "Member must not be null")
			}
			continue
		}
		c.value(s.Members[name], path.child(name), mv)
	}
	if len(obj) > len(s.Members) {
		c.unknown = true
		return
	}
	for name := range obj {
		if _, known := s.Members[name]; !known {
			c.unknown = true
			return
		}
	}
}

func (c *checker) list(s *Shape, path *step, v any) {
	arr, ok := v.([]any)
	if !ok {
		c.wrongType(path, "a JSON array", v)
		return
	}
	if rule := lengthRule(s, len(arr)); rule != "" {
		c.violate(v, path, rule)
	}
	for i, e := range arr {
		at := &step{up: path, index: i, kind: 'i'}
		if e == nil {
			c.violate(nil, at, "Member must not be null")
			continue
		}
		c.value(s.Member, at, e)
	}
}

// mapping checks a map. As AWS does, the rules its keys and scalar values
// break are reported once each for the whole map: "Map keys must satisfy
// constraint: [...]" and "Map value must satisfy constraint: [...]".
func (c *checker) mapping(s *Shape, path *step, v any) {
	obj, ok := v.(map[string]any)
	if !ok {
		c.wrongType(path, "a JSON object", v)
		return
	}
	if rule := lengthRule(s, len(obj)); rule != "" {
		c.violate(v, path, rule)
	}
	c.totalSize(s, path, v, obj)
	var keyRules, valueRules []string
	for _, k := range sortedKeys(obj) {
		keyRules = appendNew(keyRules, scalarRules(s.Key, k)...)
		e := obj[k]
		switch {
		case e == nil:
			valueRules = appendNew(valueRules, "Member must not be null")
		case isScalar(s.Value):
			if c.scalarType(s.Value, &step{up: path, key: k, kind: 'k'}, e) {
				valueRules = appendNew(valueRules, scalarRules(s.Value, e)...)
			}
		default:
			c.value(s.Value, &step{up: path, key: k, kind: 'k'}, e)
		}
	}
	if len(keyRules) > 0 {
		c.violate(v, path, "Map keys must satisfy constraint: ["+strings.Join(keyRules, ", ")+"]")
	}
	if len(valueRules) > 0 {
		c.violate(v, path, "Map value must satisfy constraint: ["+strings.Join(valueRules, ", ")+"]")
	}
}

func isScalar(s *Shape) bool {
	return s.Type != "structure" && s.Type != "list" && s.Type != "map"
}

func appendNew(to []string, rules ...string) []string {
	for _, r := range rules {
		if !slices.Contains(to, r) {
			to = append(to, r)
		}
	}
	return to
}

func sortedKeys(obj map[string]any) []string {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func lengthRule(s *Shape, n int) string {
	if s.Min != nil && float64(n) < *s.Min {
		return "Member must have length greater than or equal to " + num(*s.Min)
	}
	if s.Max != nil && float64(n) > *s.Max {
		return "Member must have length less than or equal to " + num(*s.Max)
	}
	return ""
}

// scalarType reports whether v has the JSON type scalar shape s needs,
// recording a SerializationException when it does not.
func (c *checker) scalarType(s *Shape, path *step, v any) bool {
	switch s.Type {
	case "string":
		if _, ok := v.(string); !ok {
			c.wrongType(path, "a string", v)
			return false
		}
	case "integer", "long":
		return c.integer(s, path, v)
	case "double", "float":
		return c.double(path, v)
	case "boolean":
		if _, ok := v.(bool); !ok {
			c.wrongType(path, "a boolean", v)
			return false
		}
	case "timestamp":
		return c.timestamp(path, v)
	case "blob":
		return c.blob(path, v)
	}
	return true
}

// scalarRules returns the model rules a well-typed scalar value breaks, in
// AWS's words.
func scalarRules(s *Shape, v any) []string {
	var rules []string
	if s.Type == "blob" || s.Type == "timestamp" {
		return nil
	}
	switch t := v.(type) {
	case string:
		if rule := lengthRule(s, utf16Len(t)); rule != "" {
			rules = append(rules, rule)
		}
		if len(s.Enum) > 0 && !slices.Contains(s.Enum, t) {
			rules = append(rules, fmt.Sprintf("Member must satisfy enum value set: [%s]", strings.Join(s.Enum, ", ")))
		}
		if re, err := s.regexp(); err == nil && re != nil && !re.MatchString(t) && (s.also == nil || !s.also.MatchString(t)) {
			rules = append(rules, "Member must satisfy regular expression pattern: "+s.pattern)
		}
	case json.Number:
		f, _ := t.Float64()
		if s.Min != nil && f < *s.Min {
			rules = append(rules, "Member must have value greater than or equal to "+num(*s.Min))
		}
		if s.Max != nil && f > *s.Max {
			rules = append(rules, "Member must have value less than or equal to "+num(*s.Max))
		}
	}
	return rules
}

// totalSize enforces an Epoxy limit on the bytes of a string map's keys and
// values together (see limits in model.go).
func (c *checker) totalSize(s *Shape, path *step, v any, obj map[string]any) {
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

func (c *checker) integer(s *Shape, path *step, v any) bool {
	n, ok := v.(json.Number)
	if !ok {
		c.wrongType(path, "an integer", v)
		return false
	}
	i, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil || (s.Type == "integer" && (i > math.MaxInt32 || i < math.MinInt32)) {
		c.wrongType(path, "an integer within range", v)
		return false
	}
	return true
}

func (c *checker) double(path *step, v any) bool {
	n, ok := v.(json.Number)
	if ok {
		if _, err := n.Float64(); err == nil {
			return true
		}
	}
	c.wrongType(path, "a number", v)
	return false
}

// timestamp accepts what glue.Timestamp reads: epoch seconds up to the end
// of year 9999, or RFC 3339 text.
func (c *checker) timestamp(path *step, v any) bool {
	var raw []byte
	switch t := v.(type) {
	case json.Number:
		raw = []byte(t)
	case string:
		raw, _ = json.Marshal(t)
	}
	var ts glue.Timestamp
	if raw != nil && ts.UnmarshalJSON(raw) == nil {
		return true
	}
	c.wrongType(path, "a timestamp (epoch seconds)", v)
	return false
}

func (c *checker) blob(path *step, v any) bool {
	s, ok := v.(string)
	if ok {
		if _, err := base64.StdEncoding.DecodeString(s); err == nil {
			return true
		}
	}
	c.wrongType(path, "a base64-encoded string", v)
	return false
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

// render writes a value as AWS does in a violation message: null bare,
// anything else between single quotes as Java prints it (lists as [a, b],
// maps as {k=v}).
func render(v any) string {
	if v == nil {
		return "null"
	}
	var b strings.Builder
	b.WriteByte('\'')
	javaString(&b, v)
	b.WriteByte('\'')
	return b.String()
}

func javaString(b *strings.Builder, v any) {
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		b.WriteString(t)
	case json.Number:
		b.WriteString(string(t))
	case []any:
		b.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				b.WriteString(", ")
			}
			javaString(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteByte('{')
		for i, k := range sortedKeys(t) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k + "=")
			javaString(b, t[k])
		}
		b.WriteByte('}')
	default:
		fmt.Fprint(b, v)
	}
}
