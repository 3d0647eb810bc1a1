package blueprint_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/blueprint"
	"github.com/epoxy-run/epoxy/internal/glue"
)

// definition parses a parameterSpec for a generator that is never run.
func definition(t *testing.T, spec string) *blueprint.Definition {
	t.Helper()
	d, err := blueprint.ParseDefinition("bp.layout.generate", spec)
	require.NoError(t, err)
	return d
}

// Ensure each type coerces the accepted JSON forms to its Python-ready Go
// type and refuses the others, naming the parameter.
func TestResolveParameters_Types(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ   string
		value string
		want  any
		err   string
	}{
		{"String", `"x"`, "x", ""},
		{"String", `""`, "", ""},
		{"String", `5`, nil, "P: must be a string (String), got number 5"},
		{"Integer", `7`, int64(7), ""},
		{"Integer", `-7`, int64(-7), ""},
		{"Integer", `"42"`, int64(42), ""},
		{"Integer", `5.0`, int64(5), ""},
		{"Integer", `1e3`, int64(1000), ""},
		{"Integer", `9007199254740993`, int64(9007199254740993), ""},
		{"Integer", `5.5`, nil, "P: must be an integer, got number 5.5"},
		{"Integer", `"five"`, nil, `P: must be an integer, got "five"`},
		{"Integer", `true`, nil, "P: must be an integer, got true"},
		{"Integer", `1e30`, nil, "P: must be an integer, got number 1e30"},
		{"Double", `0.5`, 0.5, ""},
		{"Double", `128`, float64(128), ""},
		{"Double", `"2.25"`, 2.25, ""},
		{"Double", `"NaN"`, nil, `P: must be a finite number, got "NaN"`},
		{"Double", `"Infinity"`, nil, `P: must be a finite number, got "Infinity"`},
		{"Double", `false`, nil, "P: must be a finite number, got false"},
		{"Boolean", `true`, true, ""},
		{"Boolean", `false`, false, ""},
		{"Boolean", `"true"`, true, ""},
		{"Boolean", `"False"`, false, ""},
		{"Boolean", `"yes"`, nil, `P: must be true or false, got "yes"`},
		{"Boolean", `1`, nil, "P: must be true or false, got number 1"},
		{"S3Uri", `"s3://bucket/prefix/"`, "s3://bucket/prefix/", ""},
		{"S3Uri", `"s3://bucket"`, "s3://bucket", ""},
		{"S3Uri", `"s3://"`, nil, `P: must be an S3 URI like s3://bucket/prefix, got "s3://"`},
		{"S3Uri", `"/local/path"`, nil, `P: must be an S3 URI like s3://bucket/prefix, got "/local/path"`},
		{"S3Uri", `"S3://bucket"`, nil, "P: must be an S3 URI"},
		{"S3Bucket", `"my-bucket"`, "my-bucket", ""},
		{"S3Bucket", `["b"]`, nil, "P: must be a string (S3Bucket), got a list"},
		{"IAMRoleArn", `"arn:aws:iam::123456789012:role/R"`, "arn:aws:iam::123456789012:role/R", ""},
		{"IAMRoleName", `"GlueRole"`, "GlueRole", ""},
		{"IAMRoleName", `{"a": 1}`, nil, "P: must be a string (IAMRoleName), got an object"},
	}
	for _, tt := range tests {
		t.Run(tt.typ+" "+tt.value, func(t *testing.T) {
			t.Parallel()
			d := definition(t, `{"P": {"type": "`+tt.typ+`"}}`)
			got, err := d.ResolveParameters(`{"P": ` + tt.value + `}`)
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				require.Equal(t, glue.InvalidInput, glue.CodeOf(err))
				return
			}
			require.NoError(t, err)
			require.Equal(t, map[string]any{"P": tt.want}, got)
		})
	}
}

// Ensure collections are lists of the element type, each element coerced
// and checked.
func TestResolveParameters_Collections(t *testing.T) {
	t.Parallel()
	d := definition(t, `{
		"Paths": {"type": "S3Uri", "collection": true},
		"Sizes": {"type": "Integer", "collection": true, "defaultValue": [1, "2"]},
		"Flags": {"type": "Boolean", "collection": true, "defaultValue": []},
		"Formats": {"type": "String", "collection": true, "defaultValue": ["csv"], "allowedValues": ["csv", "json"]}
	}`)
	got, err := d.ResolveParameters(`{"Paths": ["s3://a/x", "s3://b"], "Flags": [true, "false"], "Formats": ["json", "csv"]}`)
	require.NoError(t, err)
	require.Equal(t, map[string]any{
		"Paths":   []any{"s3://a/x", "s3://b"},
		"Sizes":   []any{int64(1), int64(2)},
		"Flags":   []any{true, false},
		"Formats": []any{"json", "csv"},
	}, got)

	// A default list is copied, never shared between runs.
	got["Sizes"].([]any)[0] = int64(99)
	again, err := d.ResolveParameters(`{"Paths": []}`)
	require.NoError(t, err)
	require.Equal(t, []any{int64(1), int64(2)}, again["Sizes"])
	require.Equal(t, []any{}, again["Paths"])

	for params, want := range map[string]string{
		`{"Paths": "s3://a"}`:                      `Paths: must be a list of S3Uri values, got "s3://a"`,
		`{"Paths": ["s3://a", "http://b"]}`:        `Paths: element 1: must be an S3 URI like s3://bucket/prefix, got "http://b"`,
		`{"Paths": [], "Sizes": [1, 2.5]}`:         "Sizes: element 1: must be an integer, got number 2.5",
		`{"Paths": [], "Formats": ["csv", "xml"]}`: `Formats: "xml" is not one of the allowed values ["csv","json"]`,
	} {
		_, err := d.ResolveParameters(params)
		require.ErrorContains(t, err, want, params)
	}
}

// Ensure defaults fill omitted (or null) optional parameters, typed as
// declared, and that allowedValues restricts given values.
func TestResolveParameters_DefaultsAndAllowedValues(t *testing.T) {
	t.Parallel()
	d := definition(t, `{
		"WorkflowName": {"type": "String"},
		"Workers": {"type": "Integer", "defaultValue": 5},
		"SizeMB": {"type": "Double", "defaultValue": 128},
		"Manifest": {"type": "Boolean", "defaultValue": true},
		"Frequency": {"type": "String", "defaultValue": "", "allowedValues": ["Hourly", "Daily", ""]},
		"Level": {"type": "Integer", "defaultValue": 1, "allowedValues": [1, 2, "3"]}
	}`)
	got, err := d.ResolveParameters(`{"WorkflowName": "wf", "Manifest": null}`)
	require.NoError(t, err)
	require.Equal(t, map[string]any{"WorkflowName": "wf", "Workers": int64(5), "SizeMB": float64(128),
		"Manifest": true, "Frequency": "", "Level": int64(1)}, got)

	got, err = d.ResolveParameters(`{"WorkflowName": "wf", "Frequency": "Daily", "Level": "3"}`)
	require.NoError(t, err)
	require.Equal(t, "Daily", got["Frequency"])
	require.Equal(t, int64(3), got["Level"])

	_, err = d.ResolveParameters(`{"WorkflowName": "wf", "Frequency": "Yearly"}`)
	require.ErrorContains(t, err, `Parameters: Frequency: "Yearly" is not one of the allowed values ["Hourly","Daily",""]`)
	_, err = d.ResolveParameters(`{"WorkflowName": "wf", "Level": 4}`)
	require.ErrorContains(t, err, `Level: number 4 is not one of the allowed values [1,2,3]`)
}

// Ensure missing mandatory parameters, unknown parameters and malformed
// Parameters are InvalidInputExceptions that name what is wrong, all
// problems at once.
func TestResolveParameters_Errors(t *testing.T) {
	t.Parallel()
	d := definition(t, `{"A": {"type": "String"}, "B": {"type": "Integer"}, "C": {"type": "String", "defaultValue": "c"}}`)
	tests := []struct {
		params string
		want   string
	}{
		{`{}`, "Parameters: A is mandatory (it has no defaultValue) and was not given; B is mandatory (it has no defaultValue) and was not given"},
		{``, "A is mandatory"},
		{`null`, "A is mandatory"},
		{`{"A": null, "B": 1}`, "Parameters: A is mandatory"},
		{`{"A": "a", "B": "x", "Zed": 1, "Alpha": 2}`, `Parameters: B: must be an integer, got "x"; unknown parameter(s) Alpha, Zed; the blueprint declares A, B, C`},
		{`[1]`, "Parameters must be a JSON object of parameter name to value, got a list"},
		{`"A"`, `Parameters must be a JSON object of parameter name to value, got "A"`},
		{`{"A": }`, "Parameters: invalid JSON at line 1, column 7"},
		{`{"A": "a"} {}`, "Parameters: invalid JSON"},
		{`{"A": "` + strings.Repeat("x", blueprint.MaxParametersSize) + `"}`, "Parameters is 131081 bytes; the limit is 131072"},
	}
	for _, tt := range tests {
		_, err := d.ResolveParameters(tt.params)
		require.ErrorContains(t, err, tt.want, tt.params)
		require.True(t, glue.IsCode(err, glue.InvalidInput), tt.params)
	}

	empty := definition(t, "")
	got, err := empty.ResolveParameters("")
	require.NoError(t, err)
	require.Empty(t, got)
	_, err = empty.ResolveParameters(`{"X": 1}`)
	require.ErrorContains(t, err, "unknown parameter(s) X; the blueprint declares no parameters")
}

// Ensure ParseDefinition validates what it is given.
func TestParseDefinition(t *testing.T) {
	t.Parallel()
	_, err := blueprint.ParseDefinition("nodots", "{}")
	require.ErrorContains(t, err, "must be a dotted name")
	_, err = blueprint.ParseDefinition("a.b", "{")
	require.ErrorContains(t, err, "ParameterSpec: invalid JSON")
	_, err = blueprint.ParseDefinition("a.b", `{"P": {"type": "Nope"}}`)
	require.ErrorContains(t, err, "ParameterSpec: parameterSpec.P.type must be one of")
}
