// Package model holds the subset of the AWS Glue API model that Epoxy serves
// and uses it at the edge: to validate and clean requests exactly as the model
// constrains them, and to encode responses in the AWS JSON 1.1 wire format.
//
// The subset (glue-subset.json) is generated from the botocore model in
// ../shared/aws-model by `go generate`; it is the single source of truth for
// required members, lengths, patterns, ranges, enums and list/map limits, so
// none of those rules is written by hand.
package model

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"github.com/epoxy-run/epoxy/internal/glue"
	"regexp"
	"slices"
	"sync"
)

//go:generate go run ./gen -model ../../../shared/aws-model/glue-service-2.json -out glue-subset.json

//go:embed glue-subset.json
var subset []byte

// Model is the parsed API model: operations and the shapes they use.
type Model struct {
	TargetPrefix string
	operations   map[string]*Operation
	shapes       map[string]*Shape
	unserved     []string // the Glue model's other operations, sorted
}

// Operation is one API operation with its resolved input and output shapes.
type Operation struct {
	Name   string
	Input  *Shape
	Output *Shape
	Errors []string
}

// Shape is one model shape with its constraints resolved.
type Shape struct {
	Name     string
	Type     string
	Members  map[string]*Shape
	Required []string
	Member   *Shape
	Key      *Shape
	Value    *Shape
	Min      *float64
	Max      *float64
	Enum     []string
	Box      bool
	Document bool

	order      []string // member names, sorted: the order violations are reported in
	pattern    string
	also       *regexp.Regexp // values matching it pass the pattern too (Epoxy extensions)
	patternRE  *regexp.Regexp
	patternErr error
	once       sync.Once
	maxBytes   int // total bytes of a map's keys and values (Epoxy limits); 0 means none
}

type rawModel struct {
	Metadata struct {
		TargetPrefix string `json:"targetPrefix"`
	} `json:"metadata"`
	Operations map[string]struct {
		Input  *struct{ Shape string }  `json:"input"`
		Output *struct{ Shape string }  `json:"output"`
		Errors []struct{ Shape string } `json:"errors"`
	} `json:"operations"`
	Shapes   map[string]rawShape `json:"shapes"`
	Unserved []string            `json:"unservedOperations"`
}

type rawShape struct {
	Type     string                            `json:"type"`
	Members  map[string]struct{ Shape string } `json:"members"`
	Required []string                          `json:"required"`
	Member   *struct{ Shape string }           `json:"member"`
	Key      *struct{ Shape string }           `json:"key"`
	Value    *struct{ Shape string }           `json:"value"`
	Min      *float64                          `json:"min"`
	Max      *float64                          `json:"max"`
	Pattern  string                            `json:"pattern"`
	Enum     []string                          `json:"enum"`
	Box      bool                              `json:"box"`
	Document bool                              `json:"document"`
}

var (
	loadOnce sync.Once
	loaded   *Model
	loadErr  error
)

// Glue returns the embedded Glue model, parsed once.
func Glue() (*Model, error) {
	loadOnce.Do(func() { loaded, loadErr = parse(subset) })
	return loaded, loadErr
}

func parse(b []byte) (*Model, error) {
	var raw rawModel
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("parse model: %w", err)
	}
	m := &Model{TargetPrefix: raw.Metadata.TargetPrefix, operations: map[string]*Operation{}, shapes: map[string]*Shape{},
		unserved: slices.Sorted(slices.Values(raw.Unserved))}
	for name, rs := range raw.Shapes {
		m.shapes[name] = &Shape{Name: name, Type: rs.Type, Required: rs.Required, Min: rs.Min, Max: rs.Max,
			Enum: rs.Enum, Box: rs.Box, Document: rs.Document, pattern: rs.Pattern}
	}
	ref := func(r *struct{ Shape string }) (*Shape, error) {
		if r == nil {
			return nil, nil
		}
		s, ok := m.shapes[r.Shape]
		if !ok {
			return nil, fmt.Errorf("parse model: unknown shape %s", r.Shape)
		}
		return s, nil
	}
	for name, rs := range raw.Shapes {
		s := m.shapes[name]
		var err error
		if s.Member, err = ref(rs.Member); err != nil {
			return nil, err
		}
		if s.Key, err = ref(rs.Key); err != nil {
			return nil, err
		}
		if s.Value, err = ref(rs.Value); err != nil {
			return nil, err
		}
		if rs.Members != nil {
			s.Members = make(map[string]*Shape, len(rs.Members))
			for mn, mr := range rs.Members {
				if s.Members[mn], err = ref(&mr); err != nil {
					return nil, err
				}
				s.order = append(s.order, mn)
			}
			slices.Sort(s.order)
		}
	}
	for name, ro := range raw.Operations {
		op := &Operation{Name: name}
		var err error
		if op.Input, err = ref(ro.Input); err != nil {
			return nil, err
		}
		if op.Output, err = ref(ro.Output); err != nil {
			return nil, err
		}
		for _, e := range ro.Errors {
			op.Errors = append(op.Errors, e.Shape)
		}
		m.operations[name] = op
	}
	for name, re := range extensions {
		if s, ok := m.shapes[name]; ok {
			s.also = re
		}
	}
	for name, l := range limits {
		if s, ok := m.shapes[name]; ok {
			s.Max, s.maxBytes = &l.count, l.bytes
		}
	}
	return m, nil
}

// limit bounds a map shape the model leaves unbounded.
type limit struct {
	count float64 // entries
	bytes int     // keys and values together, in UTF-8 bytes
}

// limits are Epoxy's bounds on map shapes, enforced on every request member
// of the shape like the model's own constraints.
var limits = map[string]limit{
	"WorkflowRunProperties": {count: glue.MaxRunProperties, bytes: glue.MaxRunPropertyBytes},
}

// extensions widen a few model patterns for local use. Blueprint archives
// may be given as file:// URIs or absolute paths as well as s3:// locations.
var extensions = map[string]*regexp.Regexp{
	"OrchestrationS3Location": regexp.MustCompile(`^(file://)?/.+$`),
}

// Operation returns the named operation, or false when Epoxy does not serve it.
func (m *Model) Operation(name string) (*Operation, bool) {
	op, ok := m.operations[name]
	return op, ok
}

// Operations returns the names of every served operation.
func (m *Model) Operations() []string {
	names := make([]string, 0, len(m.operations))
	for n := range m.operations {
		names = append(names, n)
	}
	return names
}

// Unserved returns, sorted, the operations of the full Glue model that are
// not in the served subset.
func (m *Model) Unserved() []string { return slices.Clone(m.unserved) }

// IsUnserved reports whether name is an operation of the full Glue model
// that Epoxy does not serve.
func (m *Model) IsUnserved(name string) bool {
	_, found := slices.BinarySearch(m.unserved, name)
	return found
}

// Shape returns the named shape, or nil.
func (m *Model) Shape(name string) *Shape { return m.shapes[name] }

// regexp returns the shape's pattern compiled for Go, or nil when it has
// none. Model patterns are Java regular expressions matched against the whole
// value; surrogate-pair ranges are rewritten to the astral code point range.
func (s *Shape) regexp() (*regexp.Regexp, error) {
	s.once.Do(func() {
		if s.pattern == "" {
			return
		}
		s.patternRE, s.patternErr = regexp.Compile("^(?:" + javaToGo(s.pattern) + ")$")
	})
	return s.patternRE, s.patternErr
}
