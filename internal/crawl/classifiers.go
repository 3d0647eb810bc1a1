package crawl

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/epoxy-run/epoxy/internal/crawl/infer"
	"github.com/epoxy-run/epoxy/internal/glue"
)

// Classifiers reads the custom classifiers crawlers name.
type Classifiers interface {
	GetClassifier(ctx context.Context, name string) (*glue.Classifier, error)
}

// customOf returns the custom classifiers a crawler names, in its order.
// A classifier that does not exist, or whose settings cannot be used (a
// grok pattern that does not compile, a bad JsonPath), fails the crawl.
func (cr *Crawler) customOf(ctx context.Context, c *glue.Crawler) ([]infer.Classifier, error) {
	if len(c.Classifiers) == 0 {
		return nil, nil
	}
	if cr.Classifiers == nil {
		return nil, fmt.Errorf("crawler %s names classifiers, and this server cannot read them", c.Name)
	}
	out := make([]infer.Classifier, 0, len(c.Classifiers))
	for _, name := range c.Classifiers {
		def, err := cr.Classifiers.GetClassifier(ctx, name)
		if glue.IsCode(err, glue.EntityNotFound) {
			return nil, fmt.Errorf("classifier %s does not exist", name)
		}
		if err != nil {
			return nil, err
		}
		ic, err := toInfer(def)
		if err != nil {
			return nil, fmt.Errorf("classifier %s: %w", name, err)
		}
		out = append(out, ic)
	}
	return out, nil
}

// toInfer makes the classifier that applies a stored definition.
func toInfer(def *glue.Classifier) (infer.Classifier, error) {
	switch {
	case def.CsvClassifier != nil:
		return csvOf(def.CsvClassifier), nil
	case def.JsonClassifier != nil:
		return infer.NewJSONClassifier(def.JsonClassifier.JsonPath)
	case def.GrokClassifier != nil:
		g := def.GrokClassifier
		return infer.NewGrokClassifier(g.Classification, g.GrokPattern, deref(g.CustomPatterns))
	case def.XMLClassifier != nil:
		return &infer.XMLClassifier{Classification: def.XMLClassifier.Classification, RowTag: deref(def.XMLClassifier.RowTag)}, nil
	}
	return nil, fmt.Errorf("no classifier variant is set")
}

func csvOf(c *glue.CsvClassifier) *infer.CSVClassifier {
	out := &infer.CSVClassifier{Delimiter: firstRune(c.Delimiter), Quote: firstRune(c.QuoteSymbol),
		ContainsHeader: deref(c.ContainsHeader), Header: c.Header, NoTrim: deref(c.DisableValueTrimming),
		SingleColumn: deref(c.AllowSingleColumn), SerDe: deref(c.Serde)}
	if deref(c.CustomDatatypeConfigured) {
		out.Types = append([]string{}, c.CustomDatatypes...)
	}
	return out
}

func firstRune(s *string) rune {
	if s == nil || *s == "" {
		return 0
	}
	r, _ := utf8.DecodeRuneInString(*s)
	return r
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
