package model

import (
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// Ensure every pattern in the embedded subset compiles as a Go regular
// expression, so no constraint is silently skipped at request time.
func TestGlue_PatternsCompile(t *testing.T) {
	t.Parallel()
	m, err := Glue()
	require.NoError(t, err)
	patterns := 0
	for name, s := range m.shapes {
		if s.pattern == "" {
			continue
		}
		patterns++
		re, err := s.regexp()
		require.NoError(t, err, "shape %s: pattern %q (as Go: %q)", name, s.pattern, javaToGo(s.pattern))
		require.NotNil(t, re, "shape %s", name)
	}
	require.Greater(t, patterns, 20, "the subset carries the model's patterns")
}

// Ensure the single-line name pattern accepts what Glue accepts (tab,
// astral characters) and rejects line breaks and non-characters, and that
// patterns match whole values.
func TestShape_Regexp(t *testing.T) {
	t.Parallel()
	m, err := Glue()
	require.NoError(t, err)
	name, err := m.Shape("NameString").regexp()
	require.NoError(t, err)
	for _, ok := range []string{"", "a", "a\tb", "😀", "a😀b", "\U0010FFFD", "\uFFFD", "\uE000", "\uD7FF", "ñ é ü"} {
		require.True(t, name.MatchString(ok), "%q", ok)
	}
	for _, bad := range []string{"a\nb", "a\rb", "\x00", "\x1f", "\uFFFE", "\uFFFF", "\n"} {
		require.False(t, name.MatchString(bad), "%q", bad)
	}
	glueVersion, err := m.Shape("GlueVersionString").regexp()
	require.NoError(t, err)
	require.True(t, glueVersion.MatchString("4.0"))
	require.False(t, glueVersion.MatchString("x4.0 "), "anchored at both ends")

	none, err := m.Shape("GenericString").regexp()
	require.NoError(t, err)
	require.Nil(t, none, "shapes without a pattern have no regexp")
}

// Ensure Java escapes are rewritten for Go's regexp syntax.
func TestJavaToGo(t *testing.T) {
	t.Parallel()
	require.Equal(t, `[\x{0020}-\x{D7FF}\x{10000}-\x{10FFFF}]`, javaToGo(`[\u0020-\uD7FF\uD800\uDC00-\uDBFF\uDFFF]`))
	require.Equal(t, `[\x{0009}\x{000B}a-z]`, javaToGo(`[\u0009\u000Ba-z]`))
	require.Equal(t, `^[A-Za-z0-9]+$`, javaToGo(`^[A-Za-z0-9]+$`))
}

// Ensure \s, \S and . mean what they mean in Java, inside and outside
// brackets, and escaped or bracketed dots stay literal.
func TestJavaToGo_Classes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		java  string
		match []string
		miss  []string
	}{
		{`.`, []string{"a", "\t", "\x0B", "\f", "\u0084", "\u2027", "😀"}, []string{"\n", "\r", "\u0085", "\u2028", "\u2029"}},
		{`a.*b`, []string{"ab", "a b", "a\u00a0b"}, []string{"a\nb", "a\u2028b"}},
		{`[.]`, []string{"."}, []string{"a", "\n"}},
		{`\.`, []string{"."}, []string{"a"}},
		{`\s`, []string{" ", "\t", "\n", "\x0B", "\f", "\r"}, []string{"a", "\u0085", "\u00a0", "\u2028", "\x1c"}},
		{`[\s]`, []string{" ", "\x0B"}, []string{"a", "\u00a0"}},
		{`[a\s]+`, []string{"a \x0Ba"}, []string{"b"}},
		{`\S`, []string{"a", "\u00a0", "\u0085", "\x00", "\x1f", "😀"}, []string{" ", "\t", "\n", "\x0B", "\f", "\r"}},
		{`[\s\S]*`, []string{"", "any\nthing\x0B\u2028😀"}, nil},
		{`[^\s]`, []string{"a"}, []string{"\x0B", " "}},
		{`\\s`, []string{`\s`}, []string{" "}},
		{`[\u0020-\u007E\r\s\n]*`, []string{"a b\x0B\r\n"}, []string{"\u0085", "\x1f"}},
	}
	for _, tt := range tests {
		re := regexp.MustCompile("^(?:" + javaToGo(tt.java) + ")$")
		for _, in := range tt.match {
			require.True(t, re.MatchString(in), "%s should match %q (Go: %s)", tt.java, in, javaToGo(tt.java))
		}
		for _, in := range tt.miss {
			require.False(t, re.MatchString(in), "%s should not match %q (Go: %s)", tt.java, in, javaToGo(tt.java))
		}
	}
}

// testModel is a small model with the constraint kinds the Glue subset does
// not exercise: a map with a minimum size, longs, input timestamps, blobs,
// documents and timestamps inside maps and recursive shapes.
const testModel = `{
  "metadata": {"targetPrefix": "Test"},
  "operations": {
    "Op": {"input": {"shape": "In"}, "output": {"shape": "Out"}, "errors": [{"shape": "Bad"}]},
    "NoInput": {"output": {"shape": "Plain"}}
  },
  "shapes": {
    "In": {"type": "structure", "members": {
      "M": {"shape": "SmallMap"}, "L": {"shape": "Long"}, "T": {"shape": "Time"},
      "B": {"shape": "Blob"}, "D": {"shape": "Doc"}, "F": {"shape": "Fraction"}}},
    "SmallMap": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Str"}, "min": 1, "max": 2},
    "Str": {"type": "string"},
    "Long": {"type": "long", "min": 0},
    "Time": {"type": "timestamp"},
    "Blob": {"type": "blob"},
    "Doc": {"type": "structure", "document": true},
    "Fraction": {"type": "double", "min": 0, "max": 1},
    "Out": {"type": "structure", "members": {
      "Times": {"shape": "TimeMap"}, "Runs": {"shape": "RunMap"}, "Child": {"shape": "Out"}, "At": {"shape": "Time"}, "Label": {"shape": "Str"}}},
    "TimeMap": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Time"}},
    "RunMap": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "RunList"}},
    "RunList": {"type": "list", "member": {"shape": "Run"}},
    "Run": {"type": "structure", "members": {"StartedOn": {"shape": "Time"}}},
    "Plain": {"type": "structure", "members": {"Label": {"shape": "Str"}}},
    "Bad": {"type": "structure", "members": {}}
  }
}`

func testOp(t *testing.T, name string) *Operation {
	t.Helper()
	m, err := parse([]byte(testModel))
	require.NoError(t, err)
	op, ok := m.Operation(name)
	require.True(t, ok)
	return op
}

// Ensure an operation's modeled errors are read.
func TestParse_Errors(t *testing.T) {
	t.Parallel()
	m, err := parse([]byte(testModel))
	require.NoError(t, err)
	op, _ := m.Operation("Op")
	require.Equal(t, []string{"Bad"}, op.Errors)
	noInput, _ := m.Operation("NoInput")
	require.Nil(t, noInput.Input)
}

// Ensure a model that references an unknown shape is rejected.
func TestParse_UnknownShape(t *testing.T) {
	t.Parallel()
	_, err := parse([]byte(`{"operations":{"Op":{"input":{"shape":"Missing"}}},"shapes":{}}`))
	require.ErrorContains(t, err, "unknown shape Missing")
	_, err = parse([]byte(`{"shapes":{"L":{"type":"list","member":{"shape":"Gone"}}}}`))
	require.ErrorContains(t, err, "unknown shape Gone")
	_, err = parse([]byte(`not json`))
	require.ErrorContains(t, err, "parse model")
}

// Ensure the constraint kinds missing from the Glue subset are enforced.
func TestDecodeInput_OtherShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		body      string
		kind      string // "" for valid
		fragments []string
	}{
		{"map below min", `{"M":{}}`, KindValidation, []string{"1 validation error detected: Value '{}' at 'm' failed to satisfy constraint: Member must have length greater than or equal to 1"}},
		{"map above max", `{"M":{"a":"1","b":"2","c":"3"}}`, KindValidation, []string{"Member must have length less than or equal to 2"}},
		{"map null value", `{"M":{"a":null}}`, KindValidation, []string{"1 validation error detected: Value '{a=null}' at 'm' failed to satisfy constraint: Map value must satisfy constraint: [Member must not be null]"}},
		{"long beyond int32", `{"L":9007199254740993}`, "", nil},
		{"long below min", `{"L":-1}`, KindValidation, []string{"1 validation error detected: Value '-1' at 'l' failed to satisfy constraint: Member must have value greater than or equal to 0"}},
		{"long overflow", `{"L":9223372036854775808}`, KindSerialization, []string{"member 'L' must be an integer within range"}},
		{"double range", `{"F":1.5}`, KindValidation, []string{"1 validation error detected: Value '1.5' at 'f' failed to satisfy constraint: Member must have value less than or equal to 1"}},
		{"double ok", `{"F":0.25}`, "", nil},
		{"timestamp epoch", `{"T":1700000000.5}`, "", nil},
		{"timestamp rfc3339", `{"T":"2024-01-01T00:00:00Z"}`, "", nil},
		{"timestamp text", `{"T":"yesterday"}`, KindSerialization, []string{"member 'T' must be a timestamp (epoch seconds), got a string"}},
		{"timestamp boolean", `{"T":true}`, KindSerialization, []string{"member 'T' must be a timestamp"}},
		{"timestamp beyond year 9999", `{"T":1e300}`, KindSerialization, []string{"member 'T' must be a timestamp (epoch seconds), got a number"}},
		{"blob", `{"B":"aGVsbG8="}`, "", nil},
		{"blob not base64", `{"B":"not base64!"}`, KindSerialization, []string{"member 'B' must be a base64-encoded string, got a string"}},
		{"blob number", `{"B":1}`, KindSerialization, []string{"member 'B' must be a base64-encoded string, got a number"}},
		{"document any value", `{"D":[1,"two",null,{"x":null}]}`, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := testOp(t, "Op").DecodeInput([]byte(tt.body))
			if tt.kind == "" {
				require.NoError(t, err)
				return
			}
			var me *Error
			require.ErrorAs(t, err, &me)
			require.Equal(t, tt.kind, me.Kind, me.Message)
			for _, f := range tt.fragments {
				require.Contains(t, me.Message, f)
			}
		})
	}
}

// Ensure documents are passed through untouched, nulls included, and an
// operation without input accepts any object.
func TestDecodeInput_Document(t *testing.T) {
	t.Parallel()
	out, err := testOp(t, "Op").DecodeInput([]byte(`{"D":{"a":null,"b":[1,null]}}`))
	require.NoError(t, err)
	require.Equal(t, map[string]any{"D": map[string]any{"a": nil, "b": []any{json.Number("1"), nil}}}, out)

	out, err = testOp(t, "NoInput").DecodeInput([]byte(`{"Anything":1}`))
	require.NoError(t, err)
	require.Equal(t, map[string]any{}, out)
}

// Ensure glue timestamps are epoch seconds inside maps, lists in maps and
// recursive structures, whatever shape holds them.
func TestEncodeOutput_TimesInMaps(t *testing.T) {
	t.Parallel()
	at := glue.At(time.Date(2023, 11, 14, 22, 13, 20, 5_000_000, time.UTC))
	later := func(d time.Duration) glue.Timestamp { return glue.At(at.Add(d)) }
	type run struct {
		StartedOn glue.Timestamp `json:"StartedOn"`
	}
	type out struct {
		Times map[string]glue.Timestamp `json:"Times,omitempty"`
		Runs  map[string][]run          `json:"Runs,omitempty"`
		Child *out                      `json:"Child,omitempty"`
		At    glue.Timestamp            `json:"At,omitzero"`
		Label string                    `json:"Label,omitempty"`
	}
	v := out{
		Times: map[string]glue.Timestamp{"a": at, "b": later(995 * time.Millisecond)},
		Runs:  map[string][]run{"r": {{StartedOn: at}, {StartedOn: later(time.Second)}}},
		Child: &out{At: at, Label: "2023-11-14T22:13:20Z", Child: &out{Times: map[string]glue.Timestamp{"deep": at}}},
	}
	b, err := testOp(t, "Op").EncodeOutput(v)
	require.NoError(t, err)
	require.JSONEq(t, `{
		"Times": {"a": 1700000000.005, "b": 1700000001},
		"Runs": {"r": [{"StartedOn": 1700000000.005}, {"StartedOn": 1700000001.005}]},
		"Child": {"At": 1700000000.005, "Label": "2023-11-14T22:13:20Z", "Child": {"Times": {"deep": 1700000000.005}}}
	}`, string(b))
	require.Contains(t, string(b), `"a":1700000000.005`, "numbers are written as plain decimals")
}
