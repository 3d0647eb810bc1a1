package model_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/model"
)

// operation returns the named operation of the embedded Glue model.
func operation(t *testing.T, name string) *model.Operation {
	t.Helper()
	m, err := model.Glue()
	require.NoError(t, err)
	op, ok := m.Operation(name)
	require.True(t, ok, "operation %s is not in the model", name)
	return op
}

// js marshals v for a table entry; it panics because tables are built
// before any *testing.T is at hand.
func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// requireModelError asserts that err is a *model.Error of the given kind
// whose message contains every fragment.
func requireModelError(t *testing.T, err error, kind string, fragments ...string) *model.Error {
	t.Helper()
	require.Error(t, err)
	var me *model.Error
	require.True(t, errors.As(err, &me), "not a *model.Error: %T %v", err, err)
	require.Equal(t, kind, me.Kind, "message: %s", me.Message)
	for _, f := range fragments {
		require.Contains(t, me.Message, f)
	}
	return me
}

func tagsOf(n int) map[string]string {
	tags := make(map[string]string, n)
	for i := range n {
		tags[fmt.Sprintf("k%02d", i)] = "v"
	}
	return tags
}

// javaMap renders a map as AWS's messages do: {k1=v1, k2=v2}, keys sorted.
func javaMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pairs := make([]string, len(keys))
	for i, k := range keys {
		pairs[i] = k + "=" + m[k]
	}
	return "{" + strings.Join(pairs, ", ") + "}"
}

func names(n int, name string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = name
	}
	return out
}

// Ensure DecodeInput enforces every constraint kind the model carries and
// reports a breach as InvalidInputException naming the member path and rule.
func TestDecodeInput_Constraints(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		op        string
		body      string
		fragments []string // empty: the body is valid
	}{
		// Required members.
		{"required missing", "CreateWorkflow", `{}`,
			[]string{"1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null"}},
		{"required null", "CreateWorkflow", `{"Name":null}`,
			[]string{"Value null at 'name' failed to satisfy constraint: Member must not be null"}},
		{"required nested", "CreateTrigger", `{"Name":"t","Type":"EVENT","Actions":[],"EventBatchingCondition":{"BatchWindow":5}}`,
			[]string{"1 validation error detected", "'eventBatchingCondition.batchSize' failed to satisfy constraint: Member must not be null"}},
		{"required in list element", "CreateCrawler", `{"Name":"c","Role":"r","Targets":{"CatalogTargets":[{"DatabaseName":"db"}]}}`,
			[]string{"'targets.catalogTargets.1.member.tables' failed to satisfy constraint: Member must not be null"}},
		{"required all missing", "CreateTrigger", `{}`,
			[]string{"3 validation errors detected", "'name'", "'type'", "'actions'"}},

		// String lengths count UTF-16 code units, as AWS does: a character
		// outside the Basic Multilingual Plane counts 2.
		{"length min", "CreateWorkflow", `{"Name":""}`,
			[]string{`Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1`}},
		{"length max ascii", "CreateWorkflow", js(map[string]string{"Name": strings.Repeat("n", 256)}),
			[]string{"at 'name' failed to satisfy constraint: Member must have length less than or equal to 255"}},
		{"length max ascii at limit", "CreateWorkflow", js(map[string]string{"Name": strings.Repeat("n", 255)}), nil},
		{"length two-byte chars at limit", "CreateWorkflow", js(map[string]string{"Name": strings.Repeat("é", 255)}), nil},
		{"length two-byte chars over", "CreateWorkflow", js(map[string]string{"Name": strings.Repeat("é", 256)}),
			[]string{"Member must have length less than or equal to 255"}},
		{"length three-byte chars at limit", "CreateWorkflow", js(map[string]string{"Name": strings.Repeat("ጀ", 255)}), nil},
		{"length astral chars at limit", "CreateWorkflow", js(map[string]string{"Name": strings.Repeat("😀", 127) + "a"}), nil},
		{"length astral chars over", "CreateWorkflow", js(map[string]string{"Name": strings.Repeat("😀", 128)}),
			[]string{"Member must have length less than or equal to 255"}},
		{"length astral char straddles limit", "CreateWorkflow", js(map[string]string{"Name": strings.Repeat("a", 254) + "😀"}),
			[]string{"Member must have length less than or equal to 255"}},
		{"length astral char escaped at limit", "CreateWorkflow", `{"Name":"` + strings.Repeat("a", 253) + `\ud83d\ude00"}`, nil},
		{"length astral min", "CreateWorkflow", `{"Name":"😀"}`, nil},
		{"length map key", "TagResource", `{"ResourceArn":"arn:aws:glue:us-east-1:1:job/j","TagsToAdd":{"":"v"}}`,
			[]string{"1 validation error detected: Value '{=v}' at 'tagsToAdd' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length greater than or equal to 1]"}},
		{"length map value", "TagResource", js(map[string]any{"ResourceArn": "arn:aws:glue:us-east-1:1:job/j", "TagsToAdd": map[string]string{"k": strings.Repeat("v", 257)}}),
			[]string{"1 validation error detected: Value '{k=" + strings.Repeat("v", 257) + "}' at 'tagsToAdd' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 256]"}},

		// The single-line name pattern.
		{"pattern newline", "CreateWorkflow", `{"Name":"a\nb"}`,
			[]string{"1 validation error detected: Value 'a\nb' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*"}},
		{"pattern carriage return", "CreateWorkflow", `{"Name":"a\rb"}`, []string{"regular expression pattern"}},
		{"pattern control char", "CreateWorkflow", `{"Name":"a\u0001b"}`, []string{"regular expression pattern"}},
		{"pattern noncharacter", "CreateWorkflow", `{"Name":"a\ufffeb"}`, []string{"regular expression pattern"}},
		{"pattern tab", "CreateWorkflow", `{"Name":"a\tb"}`, nil},
		{"pattern astral", "CreateWorkflow", `{"Name":"party 😀 time"}`, nil},
		{"pattern astral escaped", "CreateWorkflow", `{"Name":"\ud83d\ude00"}`, nil},
		{"pattern multiline description", "CreateTrigger", `{"Name":"t","Type":"ON_DEMAND","Actions":[],"Description":"line1\nline2"}`, nil},
		{"pattern anchored", "CreateJob", `{"Name":"j","Role":"r","Command":{},"GlueVersion":"4.0 "}`,
			[]string{"'glueVersion' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(\\w+\\.)+\\w+$"}},
		{"pattern anchored ok", "CreateJob", `{"Name":"j","Role":"r","Command":{},"GlueVersion":"4.0"}`, nil},

		// Java's "." excludes every line terminator Java knows.
		{"java dot line feed", "CreateJob", `{"Name":"j","Role":"r","Command":{"Runtime":"a\nb"}}`, []string{"'command.runtime' failed to satisfy constraint: Member must satisfy regular expression pattern: .*"}},
		{"java dot carriage return", "CreateJob", `{"Name":"j","Role":"r","Command":{"Runtime":"a\rb"}}`, []string{"'command.runtime'", "regular expression pattern"}},
		{"java dot next line", "CreateJob", `{"Name":"j","Role":"r","Command":{"Runtime":"a\u0085b"}}`, []string{"'command.runtime'", "regular expression pattern"}},
		{"java dot line separator", "CreateJob", `{"Name":"j","Role":"r","Command":{"Runtime":"a\u2028b"}}`, []string{"'command.runtime'", "regular expression pattern"}},
		{"java dot paragraph separator", "CreateJob", `{"Name":"j","Role":"r","Command":{"Runtime":"a\u2029b"}}`, []string{"'command.runtime'", "regular expression pattern"}},
		{"java dot tab and astral", "CreateJob", `{"Name":"j","Role":"r","Command":{"Runtime":"a\tb\u000B😀\u0084"}}`, nil},
		{"java dot in arn", "TagResource", `{"ResourceArn":"arn:aws:glue:us-east-1:1:job/j\u2028","TagsToAdd":{"k":"v"}}`, []string{"'resourceArn'", "regular expression pattern"}},

		// Null list elements and map values are refused, not dropped.
		{"null list element", "BatchGetWorkflows", `{"Names":["a",null]}`,
			[]string{"1 validation error detected: Value null at 'names.2.member' failed to satisfy constraint: Member must not be null"}},
		{"null structure element", "CreateTrigger", `{"Name":"t","Type":"ON_DEMAND","Actions":[null,{"JobName":"j"}]}`,
			[]string{"Value null at 'actions.1.member' failed to satisfy constraint: Member must not be null"}},
		{"null nested list element", "CreateTrigger", `{"Name":"t","Type":"CONDITIONAL","Actions":[],"Predicate":{"Conditions":[{"JobName":"a"},null]}}`,
			[]string{"Value null at 'predicate.conditions.2.member' failed to satisfy constraint: Member must not be null"}},
		{"null map value", "CreateWorkflow", `{"Name":"w","DefaultRunProperties":{"k":"v","gone":null}}`,
			[]string{"1 validation error detected: Value '{gone=null, k=v}' at 'defaultRunProperties' failed to satisfy constraint: Map value must satisfy constraint: [Member must not be null]"}},
		{"null nested map value", "CreateTrigger", `{"Name":"t","Type":"ON_DEMAND","Actions":[{"JobName":"b","Arguments":{"--gone":null}}]}`,
			[]string{"1 validation error detected: Value '{--gone=null}' at 'actions.1.member.arguments' failed to satisfy constraint: Map value must satisfy constraint: [Member must not be null]"}},

		// Run properties are bounded in count and total size.
		{"run properties at count limit", "StartWorkflowRun", js(map[string]any{"Name": "w", "RunProperties": tagsOf(glue.MaxRunProperties)}), nil},
		{"run properties over count", "StartWorkflowRun", js(map[string]any{"Name": "w", "RunProperties": tagsOf(glue.MaxRunProperties + 1)}),
			[]string{"1 validation error detected: Value '" + javaMap(tagsOf(glue.MaxRunProperties+1)) + "' at 'runProperties' failed to satisfy constraint: Member must have length less than or equal to 1000"}},
		{"run properties at size limit", "CreateWorkflow", js(map[string]any{"Name": "w", "DefaultRunProperties": map[string]string{"k": strings.Repeat("v", glue.MaxRunPropertyBytes-1)}}), nil},
		{"run properties over size", "UpdateWorkflow", js(map[string]any{"Name": "w", "DefaultRunProperties": map[string]string{"k": strings.Repeat("v", glue.MaxRunPropertyBytes)}}),
			[]string{"Value '{k=" + strings.Repeat("v", glue.MaxRunPropertyBytes) + "}' at 'defaultRunProperties' failed to satisfy constraint: Member must have a total size of keys and values less than or equal to 131072 bytes"}},
		{"run properties size counts bytes", "PutWorkflowRunProperties", js(map[string]any{"Name": "w", "RunId": "r", "RunProperties": map[string]string{"k": strings.Repeat("é", glue.MaxRunPropertyBytes/2)}}),
			[]string{"at 'runProperties' failed to satisfy constraint: Member must have a total size"}},

		// Enums.
		{"enum", "CreateTrigger", `{"Name":"t","Type":"WEEKLY","Actions":[]}`,
			[]string{`Value 'WEEKLY' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SCHEDULED, CONDITIONAL, ON_DEMAND, EVENT]`}},
		{"enum case sensitive", "CreateTrigger", `{"Name":"t","Type":"on_demand","Actions":[]}`, []string{"enum value set"}},
		{"enum nested", "CreateTrigger", `{"Name":"t","Type":"CONDITIONAL","Actions":[],"Predicate":{"Logical":"OR"}}`,
			[]string{"'predicate.logical' failed to satisfy constraint: Member must satisfy enum value set: [AND, ANY]"}},

		// Integer ranges.
		{"integer below min", "CreateTrigger", `{"Name":"t","Type":"EVENT","Actions":[],"EventBatchingCondition":{"BatchSize":0}}`,
			[]string{"Value '0' at 'eventBatchingCondition.batchSize' failed to satisfy constraint: Member must have value greater than or equal to 1"}},
		{"integer above max", "CreateTrigger", `{"Name":"t","Type":"EVENT","Actions":[],"EventBatchingCondition":{"BatchSize":101}}`,
			[]string{"Value '101' at 'eventBatchingCondition.batchSize' failed to satisfy constraint: Member must have value less than or equal to 100"}},
		{"integer at bounds", "CreateTrigger", `{"Name":"t","Type":"EVENT","Actions":[],"EventBatchingCondition":{"BatchSize":100,"BatchWindow":1}}`, nil},
		{"integer page size", "ListWorkflows", `{"MaxResults":26}`, []string{"'maxResults' failed to satisfy constraint: Member must have value less than or equal to 25"}},
		{"integer negative", "CreateJob", `{"Name":"j","Role":"r","Command":{},"Timeout":-5}`,
			[]string{"Value '-5' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1"}},
		{"integer in list element", "CreateTrigger", `{"Name":"t","Type":"ON_DEMAND","Actions":[{"JobName":"j"},{"JobName":"k","Timeout":0}]}`,
			[]string{"'actions.2.member.timeout' failed to satisfy constraint: Member must have value greater than or equal to 1"}},
		{"integer int32 max", "CreateWorkflow", `{"Name":"w","MaxConcurrentRuns":2147483647}`, nil},
		{"integer int32 min", "CreateWorkflow", `{"Name":"w","MaxConcurrentRuns":-2147483648}`, nil},

		// List and map sizes.
		{"list min", "BatchGetWorkflows", `{"Names":[]}`,
			[]string{"Value '[]' at 'names' failed to satisfy constraint: Member must have length greater than or equal to 1"}},
		{"list max", "BatchGetWorkflows", js(map[string]any{"Names": names(26, "w")}),
			[]string{"1 validation error detected: Value '[w" + strings.Repeat(", w", 25) + "]' at 'names' failed to satisfy constraint: Member must have length less than or equal to 25"}},
		{"list at max", "BatchGetWorkflows", js(map[string]any{"Names": names(25, "w")}), nil},
		{"list member constraint", "BatchGetWorkflows", `{"Names":["ok","a\nb"]}`, []string{"'names.2.member'", "regular expression pattern"}},
		{"map max", "CreateWorkflow", js(map[string]any{"Name": "w", "Tags": tagsOf(51)}),
			[]string{"1 validation error detected: Value '" + javaMap(tagsOf(51)) + "' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"}},
		{"map at max", "CreateWorkflow", js(map[string]any{"Name": "w", "Tags": tagsOf(50)}), nil},
		{"map empty allowed", "CreateWorkflow", `{"Name":"w","Tags":{}}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := operation(t, tt.op).DecodeInput([]byte(tt.body))
			if len(tt.fragments) == 0 {
				require.NoError(t, err)
				require.NotNil(t, out)
				return
			}
			require.Nil(t, out)
			requireModelError(t, err, model.KindValidation, tt.fragments...)
		})
	}
}

// Ensure a member of the wrong JSON type, malformed JSON and numbers that
// do not fit their shape are SerializationException, naming the member's
// full path.
func TestDecodeInput_Serialization(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		op        string
		body      string
		fragments []string
	}{
		{"integer as string in list element", "CreateTrigger", `{"Name":"t","Type":"ON_DEMAND","Actions":[{"JobName":"j","Timeout":"10"}]}`,
			[]string{"member 'Actions[0].Timeout' must be an integer, got a string"}},
		{"map value wrong type", "CreateJob", `{"Name":"j","Role":"r","Command":{},"DefaultArguments":{"k":1}}`,
			[]string{`member 'DefaultArguments["k"]' must be a string, got a number`}},
		{"map value object", "CreateJob", `{"Name":"j","Role":"r","Command":{},"DefaultArguments":{"k":{"a":"b"}}}`,
			[]string{`member 'DefaultArguments["k"]' must be a string, got an object`}},
		{"map in list element", "CreateTrigger", `{"Name":"t","Type":"ON_DEMAND","Actions":[{"JobName":"j","Arguments":{"--x":true}}]}`,
			[]string{`member 'Actions[0].Arguments["--x"]' must be a string, got a boolean`}},
		{"deep nested", "CreateTrigger", `{"Name":"t","Type":"CONDITIONAL","Actions":[],"Predicate":{"Conditions":[{"JobName":"j"},{"JobName":7}]}}`,
			[]string{"member 'Predicate.Conditions[1].JobName' must be a string, got a number"}},
		{"string as number", "CreateWorkflow", `{"Name":42}`, []string{"member 'Name' must be a string, got a number"}},
		{"list as object", "CreateTrigger", `{"Name":"t","Type":"ON_DEMAND","Actions":{}}`, []string{"member 'Actions' must be a JSON array, got an object"}},
		{"structure as array", "CreateTrigger", `{"Name":"t","Type":"CONDITIONAL","Actions":[],"Predicate":[]}`,
			[]string{"member 'Predicate' must be a JSON object, got an array"}},
		{"map as string", "CreateWorkflow", `{"Name":"w","Tags":"a=b"}`, []string{"member 'Tags' must be a JSON object, got a string"}},
		{"boolean as string", "CreateTrigger", `{"Name":"t","Type":"ON_DEMAND","Actions":[],"StartOnCreation":"true"}`,
			[]string{"member 'StartOnCreation' must be a boolean, got a string"}},
		{"double as string", "CreateJob", `{"Name":"j","Role":"r","Command":{},"MaxCapacity":"2"}`, []string{"member 'MaxCapacity' must be a number, got a string"}},
		{"double overflow", "CreateJob", `{"Name":"j","Role":"r","Command":{},"MaxCapacity":1e400}`, []string{"member 'MaxCapacity' must be a number"}},
		{"integer fraction", "CreateWorkflow", `{"Name":"w","MaxConcurrentRuns":1.5}`, []string{"member 'MaxConcurrentRuns' must be an integer within range"}},
		{"integer exponent", "CreateWorkflow", `{"Name":"w","MaxConcurrentRuns":1e3}`, []string{"member 'MaxConcurrentRuns' must be an integer within range"}},
		{"int32 overflow", "CreateWorkflow", `{"Name":"w","MaxConcurrentRuns":2147483648}`, []string{"member 'MaxConcurrentRuns' must be an integer within range, got a number"}},
		{"int32 underflow", "CreateWorkflow", `{"Name":"w","MaxConcurrentRuns":-2147483649}`, []string{"member 'MaxConcurrentRuns' must be an integer within range"}},
		{"int64 overflow", "CreateWorkflow", `{"Name":"w","MaxConcurrentRuns":99999999999999999999}`, []string{"must be an integer within range"}},
		{"int32 overflow nested", "CreateTrigger", `{"Name":"t","Type":"ON_DEMAND","Actions":[{"JobName":"j","Timeout":4294967296}]}`,
			[]string{"member 'Actions[0].Timeout' must be an integer within range"}},
		{"type error wins over violations", "CreateWorkflow", `{"Name":"","MaxConcurrentRuns":"1"}`, []string{"member 'MaxConcurrentRuns' must be an integer"}},

		// Text that is not Unicode is refused, not replaced with U+FFFD.
		{"lone high surrogate", "CreateWorkflow", `{"Name":"a\ud800"}`,
			[]string{`member 'Name' contains a lone UTF-16 surrogate \ud800 (byte 10 of the request body)`}},
		{"lone low surrogate", "CreateWorkflow", `{"Name":"\uDC00b"}`, []string{`member 'Name' contains a lone UTF-16 surrogate \uDC00`}},
		{"high surrogate then other escape", "CreateWorkflow", `{"Name":"\ud83d\u0041"}`, []string{`member 'Name' contains a lone UTF-16 surrogate \ud83d`}},
		{"reversed pair", "CreateWorkflow", `{"Name":"\ude00\ud83d"}`, []string{`contains a lone UTF-16 surrogate \ude00`}},
		{"lone surrogate in list", "BatchGetWorkflows", `{"Names":["ok","x\ud800"]}`, []string{`member 'Names[1]' contains a lone UTF-16 surrogate`}},
		{"lone surrogate in map value", "CreateTrigger", `{"Name":"t","Type":"ON_DEMAND","Actions":[{"JobName":"j","Arguments":{"--k":"\udfff"}}]}`,
			[]string{`member 'Actions[0].Arguments.--k' contains a lone UTF-16 surrogate \udfff`}},
		{"lone surrogate in map key", "CreateWorkflow", `{"Name":"w","Tags":{"\ud800":"v"}}`, []string{`a member name in 'Tags' contains a lone UTF-16 surrogate`}},
		{"lone surrogate in member name", "CreateWorkflow", `{"Name":"w","\ud800":1}`, []string{`a member name contains a lone UTF-16 surrogate`}},
		{"lone surrogate in unknown member", "CreateWorkflow", `{"Name":"w","Junk":{"a":["\ud800"]}}`, []string{`member 'Junk.a[0]' contains a lone UTF-16 surrogate`}},
		{"invalid byte", "CreateWorkflow", "{\"Name\":\"a\xffb\"}", []string{"member 'Name' is not valid UTF-8: it has the byte 0xFF (byte 10 of the request body)"}},
		{"truncated sequence", "CreateWorkflow", "{\"Name\":\"a\xe2\x82\"}", []string{"member 'Name' is not valid UTF-8: it has the byte 0xE2"}},
		{"overlong encoding", "CreateWorkflow", "{\"Name\":\"\xc0\xaf\"}", []string{"member 'Name' is not valid UTF-8: it has the byte 0xC0"}},
		{"encoded surrogate", "CreateWorkflow", "{\"Name\":\"\xed\xa0\x80\"}", []string{"member 'Name' is not valid UTF-8: it has the byte 0xED"}},
		{"invalid byte in key", "CreateWorkflow", "{\"Name\":\"w\",\"DefaultRunProperties\":{\"k\xff\":\"v\"}}", []string{"a member name in 'DefaultRunProperties' is not valid UTF-8"}},

		// Bodies that are not one JSON object.
		{"not json", "CreateWorkflow", `{"Name":`, []string{"request body is not valid JSON"}},
		{"array body", "CreateWorkflow", `[]`, []string{"request body must be a JSON object"}},
		{"string body", "ListWorkflows", `"x"`, []string{"request body must be a JSON object"}},
		{"null body", "ListWorkflows", `null`, []string{"request body must be a JSON object"}},
		{"trailing garbage", "CreateWorkflow", `{"Name":"w"} x`, []string{"request body has data after the JSON object"}},
		{"trailing object", "CreateWorkflow", `{"Name":"w"}{}`, []string{"request body has data after the JSON object"}},
		{"trailing brace", "CreateWorkflow", `{"Name":"w"}}`, []string{"request body has data after the JSON object"}},
		{"trailing number", "ListWorkflows", `{} 1`, []string{"request body has data after the JSON object"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := operation(t, tt.op).DecodeInput([]byte(tt.body))
			require.Nil(t, out)
			requireModelError(t, err, model.KindSerialization, tt.fragments...)
		})
	}
}

// Ensure the cleaned request drops null members at every depth and members the
// model does not know, and keeps numbers as json.Number.
func TestDecodeInput_Cleans(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		op   string
		body string
		want map[string]any
	}{
		{"empty body", "ListWorkflows", ``, map[string]any{}},
		{"blank body", "ListWorkflows", " \n\t ", map[string]any{}},
		{"empty object", "ListWorkflows", `{}`, map[string]any{}},
		{"trailing whitespace", "ListWorkflows", "{}\n  ", map[string]any{}},
		{"top-level nulls", "ListWorkflows", `{"MaxResults":null,"NextToken":null}`, map[string]any{}},
		{"unknown members", "CreateWorkflow", `{"Name":"w","Bogus":{"x":[1,2]},"name":"lowercase is another member"}`,
			map[string]any{"Name": "w"}},
		{"numbers kept exact", "CreateJob", `{"Name":"j","Role":"r","Command":{"Name":"glueetl"},"MaxCapacity":0.0625,"Timeout":2880,"MaxRetries":0}`,
			map[string]any{"Name": "j", "Role": "r", "Command": map[string]any{"Name": "glueetl"},
				"MaxCapacity": json.Number("0.0625"), "Timeout": json.Number("2880"), "MaxRetries": json.Number("0")}},
		{"nested nulls and unknowns", "CreateTrigger", `{
			"Name": "t", "Type": "CONDITIONAL", "Description": null, "Schedule": null, "Extra": 1,
			"Predicate": {"Logical": null, "Conditions": [{"JobName": "a", "State": "SUCCEEDED", "CrawlerName": null, "Junk": "x"}]},
			"Actions": [{"JobName": "b", "Arguments": {"--k": "v"}, "Timeout": null, "Unknown": {}}],
			"Tags": {"team": "data"}
		}`, map[string]any{
			"Name": "t", "Type": "CONDITIONAL",
			"Predicate": map[string]any{"Conditions": []any{map[string]any{"JobName": "a", "State": "SUCCEEDED"}}},
			"Actions":   []any{map[string]any{"JobName": "b", "Arguments": map[string]any{"--k": "v"}}},
			"Tags":      map[string]any{"team": "data"},
		}},
		{"empty collections kept", "CreateTrigger", `{"Name":"t","Type":"ON_DEMAND","Actions":[],"Tags":{}}`,
			map[string]any{"Name": "t", "Type": "ON_DEMAND", "Actions": []any{}, "Tags": map[string]any{}}},
		{"multi-byte strings kept", "CreateWorkflow", `{"Name":"wf 😀\té"}`, map[string]any{"Name": "wf 😀\té"}},
		{"surrogate pair escape kept", "CreateWorkflow", `{"Name":"\ud83d\ude00\uFFFD"}`, map[string]any{"Name": "😀\uFFFD"}},
		{"escaped backslash before u", "CreateWorkflow", `{"Name":"\\ud800"}`, map[string]any{"Name": `\ud800`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := operation(t, tt.op).DecodeInput([]byte(tt.body))
			require.NoError(t, err)
			require.Equal(t, tt.want, out)
		})
	}
}

// Ensure an empty body is an empty request: fine when nothing is required,
// a missing-member violation when something is.
func TestDecodeInput_EmptyBodyRequired(t *testing.T) {
	t.Parallel()
	_, err := operation(t, "GetWorkflow").DecodeInput(nil)
	requireModelError(t, err, model.KindValidation, "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null")
}

// Ensure every violation is counted, the message lists at most ten, and the
// singular is used for one.
func TestDecodeInput_CountsViolations(t *testing.T) {
	t.Parallel()
	t.Run("two", func(t *testing.T) {
		t.Parallel()
		body := js(map[string]any{"Name": "", "Tags": tagsOf(51)})
		err := requireModelError(t, errorOf(operation(t, "CreateWorkflow").DecodeInput([]byte(body))), model.KindValidation,
			"2 validation errors detected: Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '"+javaMap(tagsOf(51))+"' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50")
		require.Equal(t, 2, strings.Count(err.Message, "failed to satisfy constraint"))
		require.Equal(t, 1, strings.Count(err.Message, "; "))
	})
	t.Run("two on one member", func(t *testing.T) {
		t.Parallel()
		// Too long and off-pattern: both rules are reported.
		body := js(map[string]any{"Name": strings.Repeat("\n", 256)})
		requireModelError(t, errorOf(operation(t, "CreateWorkflow").DecodeInput([]byte(body))), model.KindValidation,
			"2 validation errors detected", "less than or equal to 255", "regular expression pattern")
	})
	t.Run("capped at ten", func(t *testing.T) {
		t.Parallel()
		body := js(map[string]any{"Names": names(12, "")})
		err := requireModelError(t, errorOf(operation(t, "BatchGetWorkflows").DecodeInput([]byte(body))), model.KindValidation,
			"12 validation errors detected")
		require.Equal(t, 10, strings.Count(err.Message, "failed to satisfy constraint"))
	})
	t.Run("long value whole", func(t *testing.T) {
		t.Parallel()
		// AWS quotes the whole value, however long.
		body := js(map[string]any{"Name": strings.Repeat("x", 300)})
		err := requireModelError(t, errorOf(operation(t, "CreateWorkflow").DecodeInput([]byte(body))), model.KindValidation)
		require.Equal(t, "1 validation error detected: Value '"+strings.Repeat("x", 300)+"' at 'name' failed to satisfy constraint: Member must have length less than or equal to 255", err.Message)
	})
}

func errorOf(_ map[string]any, err error) error { return err }

// Ensure the model lists the operations Epoxy serves and nothing else.
func TestGlue_Operations(t *testing.T) {
	t.Parallel()
	m, err := model.Glue()
	require.NoError(t, err)
	require.Equal(t, "AWSGlue", m.TargetPrefix)
	ops := m.Operations()
	require.Contains(t, ops, "CreateWorkflow")
	require.Contains(t, ops, "GetWorkflow")
	require.Contains(t, ops, "CreateTrigger")
	for _, name := range ops {
		op, ok := m.Operation(name)
		require.True(t, ok)
		require.Equal(t, name, op.Name)
	}
	_, ok := m.Operation("CreateConnection")
	require.False(t, ok, "connections are not served")
	require.NotNil(t, m.Shape("NameString"))
	require.Nil(t, m.Shape("NoSuchShape"))

	again, err := model.Glue()
	require.NoError(t, err)
	require.Same(t, m, again, "the model is parsed once")
}

// createWorkflowIn is a typed CreateWorkflow request, as the API decodes it.
type createWorkflowIn struct {
	Name                 string
	Description          *string
	DefaultRunProperties map[string]string
	Tags                 map[string]string
	MaxConcurrentRuns    *int32
}

const createWorkflowBody = `{"Name":"nightly","Description":"loads the warehouse","DefaultRunProperties":{"env":"prod","date":"2024-01-01"},"Tags":{"team":"data"},"MaxConcurrentRuns":2}`

// Ensure Decode fills the typed request exactly as the cleaned map would.
func TestDecode_Typed(t *testing.T) {
	t.Parallel()
	var in createWorkflowIn
	require.NoError(t, operation(t, "CreateWorkflow").Decode([]byte(createWorkflowBody), &in))
	require.Equal(t, "nightly", in.Name)
	require.Equal(t, "loads the warehouse", *in.Description)
	require.Equal(t, map[string]string{"env": "prod", "date": "2024-01-01"}, in.DefaultRunProperties)
	require.Equal(t, int32(2), *in.MaxConcurrentRuns)

	var odd createWorkflowIn
	require.NoError(t, operation(t, "CreateWorkflow").Decode([]byte(`{"Name":"w","name":"other","Description":null}`), &odd))
	require.Equal(t, createWorkflowIn{Name: "w"}, odd)
	var list struct{ MaxResults *int32 }
	require.NoError(t, operation(t, "ListWorkflows").Decode(nil, &list), "an empty body is an empty request")
	require.Nil(t, list.MaxResults)

	err := operation(t, "CreateWorkflow").Decode([]byte(`{"Name":""}`), &odd)
	requireModelError(t, err, model.KindValidation)
}

// BenchmarkDecodeCreateWorkflow measures checking and decoding a typed
// CreateWorkflow request: "once" is Decode (check the raw JSON, unmarshal it
// once); "roundtrip" is the former path (check, build a cleaned map,
// marshal it, unmarshal that).
func BenchmarkDecodeCreateWorkflow(b *testing.B) {
	m, err := model.Glue()
	require.NoError(b, err)
	op, _ := m.Operation("CreateWorkflow")
	body := []byte(createWorkflowBody)
	b.Run("once", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var in createWorkflowIn
			if err := op.Decode(body, &in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("roundtrip", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			clean, err := op.DecodeInput(body)
			if err != nil {
				b.Fatal(err)
			}
			raw, _ := json.Marshal(clean)
			var in createWorkflowIn
			if err := json.Unmarshal(raw, &in); err != nil {
				b.Fatal(err)
			}
		}
	})
}
