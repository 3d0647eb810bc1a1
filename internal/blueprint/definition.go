package blueprint

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Definition is what registration learns from a blueprint archive.
type Definition struct {
	// LayoutGenerator is the dotted name of the generator function,
	// "module.path.function".
	LayoutGenerator string
	// ParameterSpec is the parameterSpec re-serialised as Glue shows it
	// (see the package documentation); "{}" when there is none.
	ParameterSpec string
	// Params are the parameters in their order in blueprint.cfg.
	Params []ParamSpec
	// Root is the top-level folder holding blueprint.cfg, or "" when it is
	// at the archive root. The runner's root is always the extraction
	// directory itself, not this folder.
	Root string
}

// ParamType is the declared type of a blueprint parameter.
type ParamType string

// The parameter types of blueprint.cfg. The last four are strings for which
// the console offers a picker.
const (
	TypeString      ParamType = "String"
	TypeInteger     ParamType = "Integer"
	TypeDouble      ParamType = "Double"
	TypeBoolean     ParamType = "Boolean"
	TypeS3Uri       ParamType = "S3Uri"
	TypeS3Bucket    ParamType = "S3Bucket"
	TypeIAMRoleArn  ParamType = "IAMRoleArn"
	TypeIAMRoleName ParamType = "IAMRoleName"
)

// ParamTypes lists every parameter type, in documentation order, in a new
// slice on each call.
func ParamTypes() []ParamType {
	return []ParamType{TypeString, TypeInteger, TypeDouble, TypeBoolean, TypeS3Uri, TypeS3Bucket, TypeIAMRoleArn, TypeIAMRoleName}
}

// ParamSpec is one declared parameter.
type ParamSpec struct {
	Name        string
	Type        ParamType
	Collection  bool
	Description *string
	// Default is the coerced defaultValue (string, int64, float64, bool, or
	// []any of those for a collection); nil when the parameter has none and
	// is therefore mandatory.
	Default any
	// AllowedValues are the coerced allowed values (element values for a
	// collection); nil or empty means unrestricted.
	AllowedValues []any
}

// Mandatory reports whether a run must give the parameter.
func (p *ParamSpec) Mandatory() bool { return p.Default == nil }

// ParseDefinition rebuilds a Definition from a stored layoutGenerator and
// ParameterSpec (as produced by Inspect; an original parameterSpec object is
// accepted too, "" means none). The generator's module is not checked
// against an archive and Root is left empty.
func ParseDefinition(layoutGenerator, parameterSpec string) (*Definition, error) {
	if _, _, err := splitGenerator(layoutGenerator); err != nil {
		return nil, err
	}
	d := &Definition{LayoutGenerator: layoutGenerator}
	raw := json.RawMessage(parameterSpec)
	if strings.TrimSpace(parameterSpec) == "" {
		raw = nil
	} else if !json.Valid(raw) {
		var v any
		return nil, fmt.Errorf("ParameterSpec: %s", jsonError(raw, json.Unmarshal(raw, &v)))
	}
	var err error
	if d.Params, d.ParameterSpec, err = parseParameterSpec(raw); err != nil {
		return nil, fmt.Errorf("ParameterSpec: %w", err)
	}
	return d, nil
}

// parseConfig parses blueprint.cfg (at cfgPath in the archive) and checks
// that the generator's module is among files.
func parseConfig(data []byte, cfgPath, root string, files map[string]bool) (*Definition, error) {
	fail := func(format string, args ...any) (*Definition, error) {
		return nil, fmt.Errorf("%s: %s", cfgPath, fmt.Sprintf(format, args...))
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var top any
	if err := json.Unmarshal(data, &top); err != nil {
		return fail("%s", jsonError(data, err))
	}
	if _, ok := top.(map[string]any); !ok {
		return fail("must be a JSON object, got %s", describe(top))
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return fail("%s", jsonError(data, err))
	}
	gen, err := parseGeneratorField(fields["layoutGenerator"])
	if err != nil {
		return fail("%s", err)
	}
	if err := checkModule(gen, root, files); err != nil {
		return fail("%s", err)
	}
	params, spec, err := parseParameterSpec(fields["parameterSpec"])
	if err != nil {
		return fail("%s", err)
	}
	return &Definition{LayoutGenerator: gen, ParameterSpec: spec, Params: params, Root: root}, nil
}

func parseGeneratorField(raw json.RawMessage) (string, error) {
	if isAbsent(raw) {
		return "", errors.New("layoutGenerator is missing")
	}
	var gen string
	if err := json.Unmarshal(raw, &gen); err != nil {
		return "", fmt.Errorf("layoutGenerator must be a string, got %s", string(raw))
	}
	if _, _, err := splitGenerator(gen); err != nil {
		return "", err
	}
	return gen, nil
}

// splitGenerator splits "a.b.fn" into module "a.b" and function "fn".
func splitGenerator(gen string) (module, function string, err error) {
	parts := strings.Split(gen, ".")
	if len(parts) < 2 {
		return "", "", fmt.Errorf("layoutGenerator %q must be a dotted name module.function (for example folder.layout.generate_layout)", gen)
	}
	for _, p := range parts {
		if p == "" {
			return "", "", fmt.Errorf("layoutGenerator %q has an empty name between dots", gen)
		}
		if strings.ContainsAny(p, `/\`) || strings.ContainsFunc(p, unicode.IsSpace) {
			return "", "", fmt.Errorf("layoutGenerator %q must not contain slashes or spaces", gen)
		}
	}
	i := strings.LastIndexByte(gen, '.')
	return gen[:i], gen[i+1:], nil
}

// checkModule checks that the generator's module file is in the archive.
func checkModule(gen, root string, files map[string]bool) error {
	module, function, _ := splitGenerator(gen)
	base := strings.ReplaceAll(module, ".", "/")
	if files[base+".py"] || files[base+"/__init__.py"] {
		return nil
	}
	msg := fmt.Sprintf("the module of layoutGenerator %q is not in the archive: expected %s.py (paths are relative to the archive root)", gen, base)
	if root != "" && !strings.HasPrefix(base, root+"/") && files[root+"/"+base+".py"] {
		msg += fmt.Sprintf("; %s/%s.py exists, so the generator is probably %s.%s.%s", root, base, root, module, function)
	}
	return errors.New(msg)
}

// member is one key of a JSON object, in document order.
type member struct {
	key   string
	value json.RawMessage
}

// objectMembers returns the members of a JSON object in document order.
func objectMembers(raw json.RawMessage) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not an object")
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, member{key: tok.(string), value: v})
	}
	return out, nil
}

// parseParameterSpec parses the parameterSpec object (nil or null: no
// parameters) and returns the parameters and their re-serialisation.
func parseParameterSpec(raw json.RawMessage) ([]ParamSpec, string, error) {
	if isAbsent(raw) {
		return nil, "{}", nil
	}
	members, err := objectMembers(raw)
	if err != nil {
		return nil, "", fmt.Errorf("parameterSpec must be an object of parameter name to parameter, got %s", describeRaw(raw))
	}
	params := make([]ParamSpec, 0, len(members))
	var out bytes.Buffer
	out.WriteByte('{')
	seen := map[string]bool{}
	for i, m := range members {
		if m.key == "" {
			return nil, "", errors.New("parameterSpec has a parameter with an empty name")
		}
		if seen[m.key] {
			return nil, "", fmt.Errorf("parameterSpec declares parameter %s twice", m.key)
		}
		seen[m.key] = true
		p, text, err := parseParam(m.key, m.value)
		if err != nil {
			return nil, "", err
		}
		if i > 0 {
			out.WriteByte(',')
		}
		out.Write(mustMarshal(m.key))
		out.WriteByte(':')
		out.Write(text)
		params = append(params, p)
	}
	out.WriteByte('}')
	return params, out.String(), nil
}

// paramKeys are the keys of a parameter object, in Glue's output order.
type paramKeys struct {
	Type, Collection, Description, DefaultValue, AllowedValues json.RawMessage
}

// parseParam parses one parameter object and returns it with its
// re-serialisation. Keys match exactly; other keys are ignored.
func parseParam(name string, raw json.RawMessage) (ParamSpec, []byte, error) {
	where := "parameterSpec." + name
	p := ParamSpec{Name: name}
	members, err := objectMembers(raw)
	if err != nil {
		return p, nil, fmt.Errorf("%s must be an object with a type, got %s", where, describeRaw(raw))
	}
	var k paramKeys
	for _, m := range members {
		switch m.key {
		case "type":
			k.Type = m.value
		case "collection":
			k.Collection = m.value
		case "description":
			k.Description = m.value
		case "defaultValue":
			k.DefaultValue = m.value
		case "allowedValues":
			k.AllowedValues = m.value
		}
	}
	if err := p.parseTypeKeys(where, k); err != nil {
		return p, nil, err
	}
	if err := p.parseValueKeys(where, k); err != nil {
		return p, nil, err
	}
	out := struct {
		Type          ParamType       `json:"type"`
		Collection    bool            `json:"collection"`
		Description   *string         `json:"description"`
		DefaultValue  json.RawMessage `json:"defaultValue"`
		AllowedValues json.RawMessage `json:"allowedValues"`
	}{p.Type, p.Collection, p.Description, compactOrNull(k.DefaultValue), compactOrNull(k.AllowedValues)}
	return p, mustMarshal(out), nil
}

func (p *ParamSpec) parseTypeKeys(where string, k paramKeys) error {
	if isAbsent(k.Type) {
		return fmt.Errorf("%s.type is missing (one of %s)", where, typeList())
	}
	var typ string
	if err := json.Unmarshal(k.Type, &typ); err != nil || !slices.Contains(ParamTypes(), ParamType(typ)) {
		return fmt.Errorf("%s.type must be one of %s, got %s", where, typeList(), string(k.Type))
	}
	p.Type = ParamType(typ)
	if !isAbsent(k.Collection) {
		if err := json.Unmarshal(k.Collection, &p.Collection); err != nil {
			return fmt.Errorf("%s.collection must be true or false, got %s", where, string(k.Collection))
		}
	}
	if !isAbsent(k.Description) {
		var s string
		if err := json.Unmarshal(k.Description, &s); err != nil {
			return fmt.Errorf("%s.description must be a string, got %s", where, describeRaw(k.Description))
		}
		p.Description = &s
	}
	return nil
}

func (p *ParamSpec) parseValueKeys(where string, k paramKeys) error {
	if !isAbsent(k.AllowedValues) {
		var list []json.RawMessage
		if err := json.Unmarshal(k.AllowedValues, &list); err != nil {
			return fmt.Errorf("%s.allowedValues must be a list, got %s", where, describeRaw(k.AllowedValues))
		}
		p.AllowedValues = make([]any, len(list))
		for i, raw := range list {
			v, err := coerceScalar(p.Type, decodeValue(raw))
			if err != nil {
				return fmt.Errorf("%s.allowedValues[%d]: %w", where, i, err)
			}
			p.AllowedValues[i] = v
		}
	}
	if !isAbsent(k.DefaultValue) {
		v, err := p.coerce(decodeValue(k.DefaultValue))
		if err != nil {
			return fmt.Errorf("%s.defaultValue: %w", where, err)
		}
		if err := p.checkAllowed(v); err != nil {
			return fmt.Errorf("%s.defaultValue: %w", where, err)
		}
		p.Default = v
	}
	return nil
}

func typeList() string {
	types := ParamTypes()
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

// isAbsent reports whether a raw member is missing or JSON null.
func isAbsent(raw json.RawMessage) bool {
	return len(raw) == 0 || string(bytes.TrimSpace(raw)) == "null"
}

func compactOrNull(raw json.RawMessage) json.RawMessage {
	if isAbsent(raw) {
		return json.RawMessage("null")
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return json.RawMessage("null")
	}
	return b.Bytes()
}

// decodeValue decodes raw JSON keeping numbers as json.Number.
func decodeValue(raw json.RawMessage) any {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil
	}
	return v
}

// marshalJSON encodes v as compact JSON without HTML escaping.
func marshalJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// mustMarshal is marshalJSON for values that are always encodable.
func mustMarshal(v any) []byte {
	b, err := marshalJSON(v)
	if err != nil {
		panic(fmt.Sprintf("blueprint: encode %T: %v", v, err))
	}
	return b
}

// jsonError describes a JSON decoding error with its line and column.
func jsonError(data []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		i := max(0, min(int(se.Offset)-1, len(data))) // index of the offending byte
		line := 1 + bytes.Count(data[:i], []byte("\n"))
		col := i - bytes.LastIndexByte(data[:i], '\n')
		return fmt.Sprintf("invalid JSON at line %d, column %d: %s", line, col, se.Error())
	}
	return "invalid JSON: " + err.Error()
}

// describeRaw describes a raw JSON value for an error message.
func describeRaw(raw json.RawMessage) string {
	if isAbsent(raw) {
		return "null"
	}
	return describe(decodeValue(raw))
}
