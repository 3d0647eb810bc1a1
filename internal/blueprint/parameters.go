package blueprint

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// MaxParametersSize is the longest Parameters JSON a run accepts, in bytes
// (128 KB, the model's limit).
const MaxParametersSize = 128 << 10

// ResolveParameters checks a run's Parameters (a JSON object as a string;
// "" and "null" mean {}) against the parameterSpec and returns the typed
// user_params for the generator: every declared parameter, given or
// defaulted, coerced as the package documentation describes. Mandatory
// parameters that are missing (or null), values of the wrong type, values
// outside allowedValues and undeclared parameters are all reported in one
// InvalidInputException naming each parameter.
func (d *Definition) ResolveParameters(paramsJSON string) (map[string]any, error) {
	given, err := decodeParameters(paramsJSON)
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(d.Params))
	var problems []string
	declared := make(map[string]bool, len(d.Params))
	for i := range d.Params {
		p := &d.Params[i]
		declared[p.Name] = true
		v, ok := given[p.Name]
		if !ok || v == nil {
			if p.Mandatory() {
				problems = append(problems, fmt.Sprintf("%s is mandatory (it has no defaultValue) and was not given", p.Name))
			} else {
				out[p.Name] = cloneValue(p.Default)
			}
			continue
		}
		c, err := p.coerce(v)
		if err == nil {
			err = p.checkAllowed(c)
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", p.Name, err))
			continue
		}
		out[p.Name] = c
	}
	if unknown := unknownNames(given, declared); len(unknown) > 0 {
		problems = append(problems, fmt.Sprintf("unknown parameter(s) %s; the blueprint declares %s",
			strings.Join(unknown, ", "), d.declaredList()))
	}
	if len(problems) > 0 {
		return nil, glue.Errorf(glue.InvalidInput, "Parameters: %s", strings.Join(problems, "; "))
	}
	return out, nil
}

func decodeParameters(paramsJSON string) (map[string]any, error) {
	if len(paramsJSON) > MaxParametersSize {
		return nil, glue.Errorf(glue.InvalidInput, "Parameters is %d bytes; the limit is %d", len(paramsJSON), MaxParametersSize)
	}
	if strings.TrimSpace(paramsJSON) == "" {
		return map[string]any{}, nil
	}
	data := []byte(paramsJSON)
	if !json.Valid(data) {
		var v any
		return nil, glue.Errorf(glue.InvalidInput, "Parameters: %s", jsonError(data, json.Unmarshal(data, &v)))
	}
	v := decodeValue(data)
	if v == nil {
		return map[string]any{}, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, glue.Errorf(glue.InvalidInput, "Parameters must be a JSON object of parameter name to value, got %s", describe(v))
	}
	return m, nil
}

func unknownNames(given map[string]any, declared map[string]bool) []string {
	var unknown []string
	for name := range given {
		if !declared[name] {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	return unknown
}

func (d *Definition) declaredList() string {
	if len(d.Params) == 0 {
		return "no parameters"
	}
	names := make([]string, len(d.Params))
	for i, p := range d.Params {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}

// coerce converts a decoded JSON value (numbers as json.Number) to the
// parameter's type.
func (p *ParamSpec) coerce(v any) (any, error) {
	if !p.Collection {
		return coerceScalar(p.Type, v)
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("must be a list of %s values, got %s", p.Type, describe(v))
	}
	out := make([]any, len(list))
	for i, e := range list {
		c, err := coerceScalar(p.Type, e)
		if err != nil {
			return nil, fmt.Errorf("element %d: %w", i, err)
		}
		out[i] = c
	}
	return out, nil
}

// coerceScalar converts one value to type t: int64, float64, bool or string.
func coerceScalar(t ParamType, v any) (any, error) {
	switch t {
	case TypeInteger:
		return toInteger(v)
	case TypeDouble:
		return toDouble(v)
	case TypeBoolean:
		return toBoolean(v)
	}
	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("must be a string (%s), got %s", t, describe(v))
	}
	if t == TypeS3Uri {
		rest, found := strings.CutPrefix(s, "s3://")
		if !found || rest == "" || strings.HasPrefix(rest, "/") {
			return nil, fmt.Errorf("must be an S3 URI like s3://bucket/prefix, got %s", describe(v))
		}
	}
	return s, nil
}

// numberText returns the text of a JSON number or of a string, or false.
func numberText(v any) (string, bool) {
	switch x := v.(type) {
	case json.Number:
		return x.String(), true
	case string:
		return strings.TrimSpace(x), true
	}
	return "", false
}

func toInteger(v any) (any, error) {
	if n, ok := v.(int64); ok {
		return n, nil
	}
	text, ok := numberText(v)
	if ok {
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return n, nil
		}
		// Integral values written with a fraction or exponent (5.0, 1e3).
		f, err := strconv.ParseFloat(text, 64)
		if err == nil && f == math.Trunc(f) && f >= math.MinInt64 && f < math.MaxInt64 {
			return int64(f), nil
		}
	}
	return nil, fmt.Errorf("must be an integer, got %s", describe(v))
}

func toDouble(v any) (any, error) {
	switch x := v.(type) {
	case float64:
		if !math.IsInf(x, 0) && !math.IsNaN(x) {
			return x, nil
		}
	case int64:
		return float64(x), nil
	}
	if text, ok := numberText(v); ok {
		f, err := strconv.ParseFloat(text, 64)
		if err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return f, nil
		}
	}
	return nil, fmt.Errorf("must be a finite number, got %s", describe(v))
}

func toBoolean(v any) (any, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		switch {
		case strings.EqualFold(x, "true"):
			return true, nil
		case strings.EqualFold(x, "false"):
			return false, nil
		}
	}
	return nil, fmt.Errorf("must be true or false, got %s", describe(v))
}

// checkAllowed checks a coerced value (each element of a collection)
// against allowedValues.
func (p *ParamSpec) checkAllowed(v any) error {
	if len(p.AllowedValues) == 0 {
		return nil
	}
	values := []any{v}
	if p.Collection {
		values, _ = v.([]any)
	}
	for _, x := range values {
		if !slices.Contains(p.AllowedValues, x) {
			return fmt.Errorf("%s is not one of the allowed values %s", describe(x), mustMarshal(p.AllowedValues))
		}
	}
	return nil
}

func cloneValue(v any) any {
	if list, ok := v.([]any); ok {
		return slices.Clone(list)
	}
	return v
}

// describe renders a decoded JSON value for an error message.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		if len(x) > 80 {
			return strconv.Quote(x[:80]) + "..."
		}
		return strconv.Quote(x)
	case json.Number:
		return "number " + x.String()
	case bool:
		return strconv.FormatBool(x)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	case float64:
		return "number " + strconv.FormatFloat(x, 'g', -1, 64)
	case int64:
		return "number " + strconv.FormatInt(x, 10)
	}
	return fmt.Sprintf("%v", v)
}
