package blueprint_test

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/gluetest"

	"github.com/epoxy-run/epoxy/internal/blueprint"
)

const folderCfg = `{
  "layoutGenerator": "conv.layout.generate_layout",
  "parameterSpec": {
    "WorkflowName": {"type": "String", "collection": false, "description": "Name for the workflow."},
    "NumberOfWorkers": {"type": "Integer", "description": "Workers <G.1X> & more", "defaultValue": 5},
    "DesiredFileSizeMB": {"type": "Double", "defaultValue": 128},
    "Frequency": {"type": "String", "defaultValue": "", "allowedValues": ["Hourly", "Daily", ""]},
    "PartitionKeys": {"type": "String", "collection": true, "defaultValue": [""], "extra": 1},
    "Enabled": {"type": "Boolean", "defaultValue": null, "description": null}
  }
}`

// Ensure Inspect accepts the usual layout (one top-level folder holding
// blueprint.cfg, layout.py and scripts) and re-serialises the spec as Glue
// does: all five keys, Glue's order, nulls, collection defaulted, parameter
// order kept.
func TestInspect_FolderLayout(t *testing.T) {
	t.Parallel()
	archive := gluetest.BlueprintZip(t, "conv", folderCfg, map[string]string{
		"layout.py":     "def generate_layout(u, s): pass\n",
		"conversion.py": "print('etl')\n",
	})
	d, err := blueprint.Inspect(archive)
	require.NoError(t, err)
	require.Equal(t, "conv.layout.generate_layout", d.LayoutGenerator)
	require.Equal(t, "conv", d.Root)
	require.Equal(t, `{`+
		`"WorkflowName":{"type":"String","collection":false,"description":"Name for the workflow.","defaultValue":null,"allowedValues":null},`+
		`"NumberOfWorkers":{"type":"Integer","collection":false,"description":"Workers <G.1X> & more","defaultValue":5,"allowedValues":null},`+
		`"DesiredFileSizeMB":{"type":"Double","collection":false,"description":null,"defaultValue":128,"allowedValues":null},`+
		`"Frequency":{"type":"String","collection":false,"description":null,"defaultValue":"","allowedValues":["Hourly","Daily",""]},`+
		`"PartitionKeys":{"type":"String","collection":true,"description":null,"defaultValue":[""],"allowedValues":null},`+
		`"Enabled":{"type":"Boolean","collection":false,"description":null,"defaultValue":null,"allowedValues":null}`+
		`}`, d.ParameterSpec)

	names := make([]string, len(d.Params))
	for i, p := range d.Params {
		names[i] = p.Name
	}
	require.Equal(t, []string{"WorkflowName", "NumberOfWorkers", "DesiredFileSizeMB", "Frequency", "PartitionKeys", "Enabled"}, names)
	require.True(t, d.Params[0].Mandatory())
	require.Equal(t, int64(5), d.Params[1].Default)
	require.Equal(t, float64(128), d.Params[2].Default)
	require.Equal(t, []any{"Hourly", "Daily", ""}, d.Params[3].AllowedValues)
	require.Equal(t, []any{""}, d.Params[4].Default)
	require.True(t, d.Params[4].Collection)
	require.True(t, d.Params[5].Mandatory(), "a null defaultValue is absent")
	require.Nil(t, d.Params[5].Description)

	// The re-serialised spec reads back to the same definition.
	again, err := blueprint.ParseDefinition(d.LayoutGenerator, d.ParameterSpec)
	require.NoError(t, err)
	require.Equal(t, d.ParameterSpec, again.ParameterSpec)
	require.Equal(t, d.Params, again.Params)
}

// Ensure Inspect accepts blueprint.cfg at the archive root, a generator in
// a package's __init__.py, a missing parameterSpec, a BOM, and macOS-style
// "./" names.
func TestInspect_RootLayout(t *testing.T) {
	t.Parallel()
	d, err := blueprint.Inspect(gluetest.Zip(t,
		gluetest.File("./blueprint.cfg", "\ufeff"+`{"layoutGenerator": "layout.generate_layout"}`),
		gluetest.File("layout.py", "def generate_layout(u, s): pass\n"),
	))
	require.NoError(t, err)
	require.Equal(t, "", d.Root)
	require.Equal(t, "layout.generate_layout", d.LayoutGenerator)
	require.Equal(t, "{}", d.ParameterSpec)
	require.Empty(t, d.Params)

	d, err = blueprint.Inspect(gluetest.Zip(t,
		gluetest.File("blueprint.cfg", `{"layoutGenerator": "pkg.gen.make", "parameterSpec": null}`),
		gluetest.File("pkg/gen/__init__.py", "def make(u, s): pass\n"),
	))
	require.NoError(t, err)
	require.Equal(t, "pkg.gen.make", d.LayoutGenerator)
}

// zeros returns n zero bytes: they deflate about 1000:1.
func zeros(n int) string { return string(make([]byte, n)) }

// hostileArchives are refused both by Inspect and by Extract.
func hostileArchives(t *testing.T) map[string]struct {
	archive []byte
	want    string
} {
	layout := gluetest.File("conv/layout.py", "def generate_layout(u, s): pass\n")
	cfg := gluetest.File("conv/blueprint.cfg", minimalCfg)
	random := make([]byte, blueprint.MaxArchiveSize)
	_, _ = rand.Read(random)
	sixMB := make([]gluetest.Entry, 0, 8)
	sixMB = append(sixMB, cfg, layout)
	for i := range 6 {
		sixMB = append(sixMB, gluetest.File("conv/data"+string(rune('a'+i))+".bin", zeros(1<<20)))
	}
	type tc = struct {
		archive []byte
		want    string
	}
	return map[string]tc{
		"too big compressed": {gluetest.Zip(t, cfg, layout, gluetest.Entry{Name: "conv/noise.bin", Body: random}),
			"larger than the limit of 1048576 bytes (1 MB) compressed"},
		"zip bomb":              {gluetest.Zip(t, cfg, layout, gluetest.File("conv/bomb.bin", zeros(6<<20))), "unpacks to more than 5242880 bytes (5 MB)"},
		"bomb across entries":   {gluetest.Zip(t, sixMB...), "unpacks to more than 5242880 bytes (5 MB)"},
		"lying sizes":           {gluetest.LyingBomb(t, "conv/bomb.bin", cfg), `entry "conv/bomb.bin"`},
		"dot-dot":               {gluetest.Zip(t, cfg, layout, gluetest.File("../evil", "x")), `entry "../evil": ".." path elements are not allowed`},
		"nested dot-dot":        {gluetest.Zip(t, cfg, layout, gluetest.File("conv/../../evil", "x")), `entry "conv/../../evil": ".." path elements are not allowed`},
		"absolute":              {gluetest.Zip(t, cfg, layout, gluetest.File("/abs", "x")), `entry "/abs": absolute paths are not allowed`},
		"drive letter":          {gluetest.Zip(t, cfg, layout, gluetest.File("C:/evil", "x")), `entry "C:/evil": absolute paths (drive letters) are not allowed`},
		"backslash":             {gluetest.Zip(t, cfg, layout, gluetest.File(`..\evil`, "x")), `entry "..\\evil": backslashes are not allowed`},
		"symlink":               {gluetest.Zip(t, cfg, layout, gluetest.Symlink("conv/link", "/etc/passwd")), `entry "conv/link" is a symbolic link`},
		"duplicate":             {gluetest.Zip(t, cfg, layout, layout), `duplicate entries "conv/layout.py" and "conv/layout.py"`},
		"duplicate after clean": {gluetest.Zip(t, cfg, layout, gluetest.File("conv//layout.py", "x")), `duplicate entries "conv/layout.py" and "conv//layout.py"`},
		"file inside a file":    {gluetest.Zip(t, cfg, layout, gluetest.File("conv/layout.py/x", "x")), `entry "conv/layout.py/x" is inside "conv/layout.py", which is a file`},
	}
}

// Ensure Inspect refuses hostile and oversized archives, saying which entry
// and why.
func TestInspect_Hostile(t *testing.T) {
	t.Parallel()
	for name, tt := range hostileArchives(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := blueprint.Inspect(tt.archive)
			require.ErrorContains(t, err, tt.want)
		})
	}
}

// Ensure every other reason for a FAILED registration has a precise message.
func TestInspect_Failures(t *testing.T) {
	t.Parallel()
	layout := map[string]string{"layout.py": "def generate_layout(u, s): pass\n"}
	withCfg := func(cfg string) []byte { return gluetest.BlueprintZip(t, "conv", cfg, layout) }
	withParam := func(param string) []byte {
		return withCfg(`{"layoutGenerator": "conv.layout.generate_layout", "parameterSpec": {"P": ` + param + `}}`)
	}
	tests := []struct {
		name    string
		archive []byte
		want    string
	}{
		{"not a zip", []byte("hello, I am not a zip"), "blueprint archive is not a readable ZIP file"},
		{"empty input", nil, "blueprint archive is not a readable ZIP file"},
		{"no blueprint.cfg", gluetest.Zip(t, gluetest.File("conv/layout.py", "")), "no blueprint.cfg at its root or directly inside a top-level folder"},
		{"blueprint.cfg too deep", gluetest.Zip(t, gluetest.File("a/b/blueprint.cfg", minimalCfg)), "(a/b/blueprint.cfg is nested too deeply)"},
		{"two configs", gluetest.Zip(t, gluetest.File("a/blueprint.cfg", minimalCfg), gluetest.File("b/blueprint.cfg", minimalCfg)),
			"blueprint.cfg in several top-level folders (a/blueprint.cfg, b/blueprint.cfg)"},
		{"invalid JSON", withCfg("{\n  \"layoutGenerator\": ,\n}"), "conv/blueprint.cfg: invalid JSON at line 2, column 22"},
		{"not an object", withCfg(`["conv.layout.generate_layout"]`), "conv/blueprint.cfg: must be a JSON object, got a list"},
		{"missing layoutGenerator", withCfg(`{"parameterSpec": {}}`), "conv/blueprint.cfg: layoutGenerator is missing"},
		{"layoutGenerator not a string", withCfg(`{"layoutGenerator": 5}`), "layoutGenerator must be a string, got 5"},
		{"layoutGenerator without module", withCfg(`{"layoutGenerator": "generate_layout"}`), `layoutGenerator "generate_layout" must be a dotted name module.function`},
		{"layoutGenerator with empty part", withCfg(`{"layoutGenerator": "conv..generate"}`), "has an empty name between dots"},
		{"module file missing", withCfg(`{"layoutGenerator": "conv.missing.generate_layout"}`),
			`the module of layoutGenerator "conv.missing.generate_layout" is not in the archive: expected conv/missing.py`},
		{"module relative to the folder", withCfg(`{"layoutGenerator": "layout.generate_layout"}`),
			"the generator is probably conv.layout.generate_layout"},
		{"parameterSpec not an object", withCfg(`{"layoutGenerator": "conv.layout.generate_layout", "parameterSpec": []}`),
			"parameterSpec must be an object of parameter name to parameter, got a list"},
		{"parameter not an object", withParam(`"String"`), `parameterSpec.P must be an object with a type, got "String"`},
		{"missing type", withParam(`{"description": "x"}`), "parameterSpec.P.type is missing"},
		{"bad type", withParam(`{"type": "Float"}`), `parameterSpec.P.type must be one of String, Integer, Double, Boolean, S3Uri, S3Bucket, IAMRoleArn, IAMRoleName, got "Float"`},
		{"collection not a bool", withParam(`{"type": "String", "collection": "yes"}`), `parameterSpec.P.collection must be true or false, got "yes"`},
		{"description not a string", withParam(`{"type": "String", "description": 3}`), "parameterSpec.P.description must be a string, got number 3"},
		{"Integer default of wrong type", withParam(`{"type": "Integer", "defaultValue": "five"}`), `parameterSpec.P.defaultValue: must be an integer, got "five"`},
		{"Integer default with fraction", withParam(`{"type": "Integer", "defaultValue": 2.5}`), "parameterSpec.P.defaultValue: must be an integer, got number 2.5"},
		{"Boolean default of wrong type", withParam(`{"type": "Boolean", "defaultValue": 1}`), "parameterSpec.P.defaultValue: must be true or false, got number 1"},
		{"String default of wrong type", withParam(`{"type": "String", "defaultValue": 1}`), "parameterSpec.P.defaultValue: must be a string (String), got number 1"},
		{"S3Uri default not s3", withParam(`{"type": "S3Uri", "defaultValue": "http://x"}`), `parameterSpec.P.defaultValue: must be an S3 URI like s3://bucket/prefix, got "http://x"`},
		{"collection default not a list", withParam(`{"type": "String", "collection": true, "defaultValue": "a"}`), `parameterSpec.P.defaultValue: must be a list of String values, got "a"`},
		{"collection default element", withParam(`{"type": "Integer", "collection": true, "defaultValue": [1, "x"]}`), `parameterSpec.P.defaultValue: element 1: must be an integer, got "x"`},
		{"allowedValues not a list", withParam(`{"type": "String", "allowedValues": "a"}`), `parameterSpec.P.allowedValues must be a list, got "a"`},
		{"allowedValues of wrong type", withParam(`{"type": "Integer", "allowedValues": [1, "two"]}`), `parameterSpec.P.allowedValues[1]: must be an integer, got "two"`},
		{"default not allowed", withParam(`{"type": "String", "defaultValue": "c", "allowedValues": ["a", "b"]}`), `parameterSpec.P.defaultValue: "c" is not one of the allowed values ["a","b"]`},
		{"duplicate parameter", withCfg(`{"layoutGenerator": "conv.layout.generate_layout", "parameterSpec": {"P": {"type": "String"}, "P": {"type": "String"}}}`),
			"parameterSpec declares parameter P twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := blueprint.Inspect(tt.archive)
			require.ErrorContains(t, err, tt.want)
		})
	}
}

// Ensure Extract writes the archive's files and folders with the expected
// permissions.
func TestExtract(t *testing.T) {
	t.Parallel()
	archive := gluetest.BlueprintZip(t, "conv", minimalCfg, map[string]string{
		"layout.py":         "def generate_layout(u, s): pass\n",
		"scripts/etl.py":    "print('etl')\n",
		"data/./lookup.csv": "a,b\n",
	})
	dir := filepath.Join(t.TempDir(), "new", "root")
	require.NoError(t, blueprint.Extract(archive, dir))
	require.Equal(t, []string{"conv", "conv/blueprint.cfg", "conv/data", "conv/data/lookup.csv", "conv/layout.py", "conv/scripts", "conv/scripts/etl.py"}, treeOf(t, dir))

	b, err := os.ReadFile(filepath.Join(dir, "conv", "scripts", "etl.py"))
	require.NoError(t, err)
	require.Equal(t, "print('etl')\n", string(b))
	for _, p := range []string{"conv/layout.py", "conv/data/lookup.csv"} {
		info, err := os.Stat(filepath.Join(dir, p))
		require.NoError(t, err)
		require.True(t, info.Mode().IsRegular())
		require.Zero(t, info.Mode().Perm()&^0o644, "%s: %v", p, info.Mode())
	}
	info, err := os.Stat(filepath.Join(dir, "conv", "scripts"))
	require.NoError(t, err)
	require.True(t, info.IsDir())
	require.Zero(t, info.Mode().Perm()&^0o755)

	// Extracting again into the same directory refuses to overwrite.
	require.ErrorContains(t, blueprint.Extract(archive, dir), "file exists")
}

// Ensure Extract refuses every hostile archive and never writes outside the
// extraction directory.
func TestExtract_Hostile(t *testing.T) {
	t.Parallel()
	for name, tt := range hostileArchives(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			parent := t.TempDir()
			dir := filepath.Join(parent, "a", "b")
			err := blueprint.Extract(tt.archive, dir)
			require.ErrorContains(t, err, tt.want)
			for _, p := range treeOf(t, parent) {
				require.True(t, p == "a" || p == "a/b" || strings.HasPrefix(p, "a/b/"), "written outside the extraction directory: %s", p)
			}
		})
	}
}

// Ensure a link already present in the extraction directory cannot carry
// files outside it.
func TestExtract_ExistingLinkInDirectory(t *testing.T) {
	t.Parallel()
	outside := t.TempDir()
	dir := t.TempDir()
	require.NoError(t, os.Symlink(outside, filepath.Join(dir, "conv")))

	archive := gluetest.BlueprintZip(t, "conv", minimalCfg, map[string]string{"layout.py": "x"})
	require.Error(t, blueprint.Extract(archive, dir))
	require.Empty(t, treeOf(t, outside))
}
