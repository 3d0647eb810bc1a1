package main

import (
	"context"
	"maps"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/gluetest"
)

// paramsCfg declares a parameter of every type, collections, defaults and
// allowedValues. paramsLayout raises unless every user_params value has
// the Python type its declaration implies and system_params is exactly
// {region, accountId}; it reports what it received (repr of the sorted
// items) as the workflow's DefaultRunProperties["seen"].
const paramsCfg = `{
  "layoutGenerator": "params.layout.generate_layout",
  "parameterSpec": {
    "WorkflowName": {"type": "String"},
    "Str": {"type": "String", "defaultValue": "dflt"},
    "Int": {"type": "Integer"},
    "Dbl": {"type": "Double"},
    "Bool": {"type": "Boolean"},
    "Uri": {"type": "S3Uri"},
    "Bucket": {"type": "S3Bucket"},
    "RoleArn": {"type": "IAMRoleArn"},
    "RoleName": {"type": "IAMRoleName"},
    "Ints": {"type": "Integer", "collection": true},
    "Paths": {"type": "S3Uri", "collection": true, "defaultValue": ["s3://b/x"]},
    "DblDefault": {"type": "Double", "defaultValue": 128},
    "Mode": {"type": "String", "allowedValues": ["fast", "slow"], "defaultValue": "fast"},
    "Flags": {"type": "Boolean", "collection": true, "defaultValue": [true, false]}
  }
}`

const paramsLayout = bpPrelude + `

EXPECTED = {
    "WorkflowName": str, "Str": str, "Int": int, "Dbl": float, "Bool": bool, "Uri": str, "Bucket": str,
    "RoleArn": str, "RoleName": str, "Ints": list, "Paths": list, "DblDefault": float, "Mode": str,
    "Flags": list,
}
ELEMENTS = {"Ints": int, "Paths": str, "Flags": bool}


def generate_layout(user_params, system_params):
    if sorted(user_params) != sorted(EXPECTED):
        raise KeyError("user_params has keys %r" % sorted(user_params))
    for name, typ in EXPECTED.items():
        if type(user_params[name]) is not typ:
            raise TypeError("%s should be %s, got %r" % (name, typ.__name__, user_params[name]))
    for name, typ in ELEMENTS.items():
        for v in user_params[name]:
            if type(v) is not typ:
                raise TypeError("%s elements should be %s, got %r" % (name, typ.__name__, v))
    if system_params != {"region": "us-east-1", "accountId": "123456789012"}:
        raise ValueError("system_params is %r" % (system_params,))
    noop = Job(Name="noop", Role=user_params["RoleArn"], Command={"Name": "pythonshell", "ScriptLocation": "/nonexistent.py"})
    return Workflow(Name=user_params["WorkflowName"], Entities=Entities(Jobs=[noop]),
                    DefaultRunProperties={"seen": repr(sorted(user_params.items()))})
`

// Ensure parameters reach the generator typed, with defaults filled in, and
// that every invalid StartBlueprintRun is refused synchronously with an
// InvalidInputException naming the problem, recording no run.
func TestBlueprintRun_Parameters(t *testing.T) {
	t.Parallel()
	b := setup(t)
	registerBlueprint(t, b, "params", gluetest.BlueprintZip(t, "params", paramsCfg, map[string]string{"layout.py": paramsLayout}))
	role := "arn:aws:iam::123456789012:role/r"
	base := map[string]any{"WorkflowName": "typed", "Int": 7, "Dbl": 2.5, "Bool": true, "Uri": "s3://data/in/",
		"Bucket": "my-bucket", "RoleArn": role, "RoleName": "r", "Ints": []int{1, 2, 3}}

	// JSON-typed values; optional parameters from their defaults (the
	// Double default 128 arrives as 128.0).
	run := runBlueprint(t, b, "params", base, types.BlueprintRunStateSucceeded)
	wf := requireBlueprintDetails(t, b, "typed", "params", aws.ToString(run.RunId))
	require.Equal(t, "[('Bool', True), ('Bucket', 'my-bucket'), ('Dbl', 2.5), ('DblDefault', 128.0), ('Flags', [True, False]), "+
		"('Int', 7), ('Ints', [1, 2, 3]), ('Mode', 'fast'), ('Paths', ['s3://b/x']), ('RoleArn', '"+role+"'), ('RoleName', 'r'), "+
		"('Str', 'dflt'), ('Uri', 's3://data/in/'), ('WorkflowName', 'typed')]", wf.DefaultRunProperties["seen"])

	// Values given as text or as integral numbers are coerced; every
	// optional parameter overridden.
	coerced := maps.Clone(base)
	maps.Copy(coerced, map[string]any{"WorkflowName": "coerced", "Int": "8", "Dbl": 3, "Bool": "FALSE", "Ints": []any{"4", 5.0},
		"Str": "given", "Paths": []string{}, "DblDefault": 1, "Mode": "slow", "Flags": []any{"true"}})
	run = runBlueprint(t, b, "params", coerced, types.BlueprintRunStateSucceeded)
	wf = requireBlueprintDetails(t, b, "coerced", "params", aws.ToString(run.RunId))
	require.Equal(t, "[('Bool', False), ('Bucket', 'my-bucket'), ('Dbl', 3.0), ('DblDefault', 1.0), ('Flags', [True]), "+
		"('Int', 8), ('Ints', [4, 5]), ('Mode', 'slow'), ('Paths', []), ('RoleArn', '"+role+"'), ('RoleName', 'r'), "+
		"('Str', 'given'), ('Uri', 's3://data/in/'), ('WorkflowName', 'coerced')]", wf.DefaultRunProperties["seen"])

	with := func(k string, v any) string {
		p := maps.Clone(base)
		p[k] = v
		return bpParams(t, p)
	}
	without := func(k string) string {
		p := maps.Clone(base)
		delete(p, k)
		return bpParams(t, p)
	}
	for _, c := range []struct {
		desc, params string
		fragments    []string
	}{
		{"missing mandatory parameter", without("Int"), []string{"Int", "mandatory"}},
		{"mandatory parameter given as null", with("Bucket", nil), []string{"Bucket", "mandatory"}},
		{"Integer from text that is no number", with("Int", "seven"), []string{"Int"}},
		{"Integer with a fraction", with("Int", 5.5), []string{"Int"}},
		{"Double from a bool", with("Dbl", true), []string{"Dbl"}},
		{"Boolean from other text", with("Bool", "yes"), []string{"Bool"}},
		{"String from a number", with("RoleName", 5), []string{"RoleName"}},
		{"S3Uri without s3://", with("Uri", "http://data/in/"), []string{"Uri"}},
		{"collection given a scalar", with("Ints", 5), []string{"Ints"}},
		{"collection element of the wrong type", with("Ints", []any{1, "x"}), []string{"Ints"}},
		{"value outside allowedValues", with("Mode", "medium"), []string{"Mode", "medium"}},
		{"collection element outside allowedValues", with("Flags", []any{"maybe"}), []string{"Flags"}},
		{"unknown parameter", with("Nope", 1), []string{"Nope"}},
		{"Parameters a JSON list", `[1, 2]`, []string{"Parameters"}},
		{"Parameters a JSON string", `"WorkflowName"`, []string{"Parameters"}},
		{"Parameters not JSON", `{"WorkflowName": `, []string{"Parameters"}},
	} {
		t.Logf("case: %s", c.desc)
		requireCode(t, startBlueprintRunErr(b, "params", c.params), "InvalidInputException", c.fragments...)
	}

	ctx := context.Background()
	_, err := b.client.StartBlueprintRun(ctx, &glue.StartBlueprintRunInput{BlueprintName: aws.String("params"),
		Parameters: aws.String(bpParams(t, base)), RoleArn: aws.String("not-a-role-arn")})
	requireValidation(t, err, "1 validation error detected: Value 'not-a-role-arn' at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws[^:]*:iam::[0-9]*:role/.+")
	_, err = b.client.StartBlueprintRun(ctx, &glue.StartBlueprintRunInput{BlueprintName: aws.String("no-such-blueprint"),
		Parameters: aws.String(bpParams(t, base)), RoleArn: aws.String(bpRole)})
	requireCode(t, err, "EntityNotFoundException", "no-such-blueprint")
	_, err = b.client.StartBlueprintRun(ctx, &glue.StartBlueprintRunInput{BlueprintName: aws.String("bad name"),
		Parameters: aws.String(bpParams(t, base)), RoleArn: aws.String(bpRole)})
	requireValidation(t, err, "1 validation error detected: Value 'bad name' at 'blueprintName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+")

	runs, err := b.client.GetBlueprintRuns(ctx, &glue.GetBlueprintRunsInput{BlueprintName: aws.String("params")})
	require.NoError(t, err)
	require.Len(t, runs.BlueprintRuns, 2, "refused runs are not recorded")
	require.Equal(t, []string{"coerced", "typed"}, []string{aws.ToString(runs.BlueprintRuns[0].WorkflowName),
		aws.ToString(runs.BlueprintRuns[1].WorkflowName)}, "newest first")
}
