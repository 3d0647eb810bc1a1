package infer

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// Grok is the Format of a schema a Grok classifier read.
const Grok = "grok"

// GrokClassifier is a custom Grok classifier: it recognises text whose
// every non-blank line matches its pattern whole; each named field of the
// pattern, %{PATTERN:name} or %{PATTERN:name:type}, is a column.
type GrokClassifier struct {
	classification  string
	pattern, custom string
	re              *regexp.Regexp
	fields          []grokField
}

// grokField is a named field of a grok pattern: its column's name and
// type.
type grokField struct {
	name, kind string
}

// grokRef matches a reference to a named pattern: %{NAME}, %{NAME:field}
// or %{NAME:field:type}.
var grokRef = regexp.MustCompile(`%\{(\w+)(?::([^:}]+))?(?::(\w+))?\}`)

// grokTypes are the Glue types of a field's type suffix.
var grokTypes = map[string]string{"byte": Tinyint, "boolean": Boolean, "double": Double, "short": Smallint,
	"int": Int, "long": Bigint, "float": Float, "string": String}

var patternName = regexp.MustCompile(`^\w+$`)

// maxGrokDepth bounds the nesting of named patterns (and so cycles).
const maxGrokDepth = 32

// NewGrokClassifier compiles a Grok classifier's pattern with its custom
// patterns (one a line: a name, spaces, then its pattern) and the built-in
// ones.
func NewGrokClassifier(classification, pattern, custom string) (*GrokClassifier, error) {
	defs, err := parseCustomPatterns(custom)
	if err != nil {
		return nil, err
	}
	g := &GrokClassifier{classification: classification, pattern: pattern, custom: custom}
	expr, err := g.expand(pattern, defs, 0)
	if err != nil {
		return nil, err
	}
	if g.re, err = regexp.Compile(`^(?:` + expr + `)$`); err != nil {
		return nil, fmt.Errorf("GrokPattern: %w", err)
	}
	return g, nil
}

// parseCustomPatterns reads CustomPatterns: "NAME pattern" lines; blank
// lines and lines starting with # are skipped.
func parseCustomPatterns(custom string) (map[string]string, error) {
	defs := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(custom))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, def, ok := strings.Cut(line, " ")
		if !ok || !patternName.MatchString(name) {
			return nil, fmt.Errorf("CustomPatterns: %q is not a pattern name followed by a pattern", line)
		}
		defs[name] = strings.TrimSpace(def)
	}
	return defs, nil
}

// expand replaces each %{...} reference of a pattern by its expression,
// a named field becoming a capture group.
func (g *GrokClassifier) expand(pattern string, defs map[string]string, depth int) (string, error) {
	if depth > maxGrokDepth {
		return "", fmt.Errorf("GrokPattern: patterns nest more than %d deep (a cycle?)", maxGrokDepth)
	}
	var err error
	out := grokRef.ReplaceAllStringFunc(pattern, func(ref string) string {
		if err != nil {
			return ""
		}
		m := grokRef.FindStringSubmatch(ref)
		def, ok := defs[m[1]]
		if !ok {
			def, ok = grokBuiltins[m[1]]
		}
		if !ok {
			err = fmt.Errorf("GrokPattern: no pattern named %s", m[1])
			return ""
		}
		var inner string
		if inner, err = g.expand(def, defs, depth+1); err != nil || m[2] == "" {
			return "(?:" + inner + ")"
		}
		var kind string
		if kind, err = fieldKind(m[2], m[3]); err != nil {
			return ""
		}
		g.fields = append(g.fields, grokField{name: m[2], kind: kind})
		return "(?:" + inner + ")"
	})
	return out, err
}

func fieldKind(field, suffix string) (string, error) {
	if suffix == "" {
		return String, nil
	}
	kind, ok := grokTypes[strings.ToLower(suffix)]
	if !ok {
		return "", fmt.Errorf("GrokPattern: field %s has type %s; Glue casts to byte, boolean, double, short, int, long or float", field, suffix)
	}
	return kind, nil
}

// maxGrokLines is how many lines of a sample the pattern must match (the
// others are counted as records): regular expressions are slow enough
// that matching a whole sample of every file would make a crawl slow.
const maxGrokLines = 1000

// Classify recognises data when its first maxGrokLines non-blank lines
// match the pattern.
func (g *GrokClassifier) Classify(data []byte) (*Schema, error) {
	s := &Schema{Classification: g.classification, Format: Grok, Bytes: int64(len(data)),
		Options: map[string]string{"input.format": g.pattern}}
	if g.custom != "" {
		s.Options["input.grokCustomPatterns"] = g.custom
	}
	for line := range bytes.Lines(data) {
		line = bytes.TrimRight(line, "\r\n")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if s.Records < maxGrokLines && !g.re.Match(line) {
			return nil, fmt.Errorf("%w: a line does not match the grok pattern", ErrUnknown)
		}
		s.Records++
	}
	if s.Records == 0 {
		return nil, fmt.Errorf("%w: no line to match", ErrUnknown)
	}
	for _, f := range g.fields {
		s.Columns = MergeFields(s.Columns, []Field{{Name: strings.ToLower(f.name), Type: &Type{Kind: f.kind}}})
	}
	return s, nil
}
