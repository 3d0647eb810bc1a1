package glue

// Classifier is a custom classifier: exactly one of its variants is set.
// Crawlers name classifiers to try before the built-in ones.
type Classifier struct {
	GrokClassifier *GrokClassifier `json:"GrokClassifier,omitempty"`
	XMLClassifier  *XMLClassifier  `json:"XMLClassifier,omitempty"`
	JsonClassifier *JsonClassifier `json:"JsonClassifier,omitempty"`
	CsvClassifier  *CsvClassifier  `json:"CsvClassifier,omitempty"`
}

// ClassifierMeta is what every classifier variant carries beside its
// settings.
type ClassifierMeta struct {
	Name         string    `json:"Name"`
	CreationTime Timestamp `json:"CreationTime,omitzero"`
	LastUpdated  Timestamp `json:"LastUpdated,omitzero"`
	Version      int64     `json:"Version"`
}

// GrokClassifier classifies text lines with a grok pattern.
type GrokClassifier struct {
	ClassifierMeta
	Classification string  `json:"Classification"`
	GrokPattern    string  `json:"GrokPattern"`
	CustomPatterns *string `json:"CustomPatterns,omitempty"`
}

// XMLClassifier classifies XML documents by their row tag.
type XMLClassifier struct {
	ClassifierMeta
	Classification string  `json:"Classification"`
	RowTag         *string `json:"RowTag,omitempty"`
}

// JsonClassifier classifies JSON documents by a JSON path to their records.
type JsonClassifier struct {
	ClassifierMeta
	JsonPath string `json:"JsonPath"`
}

// CsvClassifier classifies delimited text with the given settings.
type CsvClassifier struct {
	ClassifierMeta
	Delimiter                *string  `json:"Delimiter,omitempty"`
	QuoteSymbol              *string  `json:"QuoteSymbol,omitempty"`
	ContainsHeader           *string  `json:"ContainsHeader,omitempty"`
	Header                   []string `json:"Header,omitempty"`
	DisableValueTrimming     *bool    `json:"DisableValueTrimming,omitempty"`
	AllowSingleColumn        *bool    `json:"AllowSingleColumn,omitempty"`
	CustomDatatypeConfigured *bool    `json:"CustomDatatypeConfigured,omitempty"`
	CustomDatatypes          []string `json:"CustomDatatypes,omitempty"`
	Serde                    *string  `json:"Serde,omitempty"`
}

// Meta returns the set variant's common members, or nil when no variant
// is set.
func (c *Classifier) Meta() *ClassifierMeta {
	switch {
	case c.GrokClassifier != nil:
		return &c.GrokClassifier.ClassifierMeta
	case c.XMLClassifier != nil:
		return &c.XMLClassifier.ClassifierMeta
	case c.JsonClassifier != nil:
		return &c.JsonClassifier.ClassifierMeta
	case c.CsvClassifier != nil:
		return &c.CsvClassifier.ClassifierMeta
	}
	return nil
}

// Variant names the set variant as the request member that carries it
// ("CsvClassifier"), or "" when none is.
func (c *Classifier) Variant() string {
	switch {
	case c.GrokClassifier != nil:
		return "GrokClassifier"
	case c.XMLClassifier != nil:
		return "XMLClassifier"
	case c.JsonClassifier != nil:
		return "JsonClassifier"
	case c.CsvClassifier != nil:
		return "CsvClassifier"
	}
	return ""
}

// variants counts the set variants.
func (c *Classifier) variants() int {
	n := 0
	for _, set := range []bool{c.GrokClassifier != nil, c.XMLClassifier != nil, c.JsonClassifier != nil, c.CsvClassifier != nil} {
		if set {
			n++
		}
	}
	return n
}

// CheckOneVariant refuses a request that sets no variant or more than one,
// as Glue does.
func (c *Classifier) CheckOneVariant() error {
	if c.variants() != 1 {
		return Errorf(InvalidInput, "exactly one of GrokClassifier, XMLClassifier, JsonClassifier or CsvClassifier must be given")
	}
	if c.CsvClassifier != nil {
		return c.CsvClassifier.validate()
	}
	return nil
}

// validate refuses a CSV classifier whose delimiter and quote symbol are
// the same character, which could not be parsed.
func (c *CsvClassifier) validate() error {
	if c.Delimiter != nil && c.QuoteSymbol != nil && *c.Delimiter == *c.QuoteSymbol {
		return Errorf(InvalidInput, "CsvClassifier.QuoteSymbol must differ from CsvClassifier.Delimiter")
	}
	return nil
}

// ApplyUpdate merges an update of the same variant into c: members the
// update sets replace the stored ones, the others are kept. It fails with
// InvalidInputException when the update is of another variant.
func (c *Classifier) ApplyUpdate(u *Classifier) error {
	if u.Variant() != c.Variant() {
		return Errorf(InvalidInput, "Classifier %s is a %s, not a %s: an update cannot change a classifier's type", c.Meta().Name, c.Variant(), u.Variant())
	}
	switch {
	case u.GrokClassifier != nil:
		c.GrokClassifier.merge(u.GrokClassifier)
	case u.XMLClassifier != nil:
		c.XMLClassifier.merge(u.XMLClassifier)
	case u.JsonClassifier != nil:
		setIf(&c.JsonClassifier.JsonPath, u.JsonClassifier.JsonPath)
	case u.CsvClassifier != nil:
		c.CsvClassifier.merge(u.CsvClassifier)
		return c.CsvClassifier.validate()
	}
	return nil
}

func (g *GrokClassifier) merge(u *GrokClassifier) {
	setIf(&g.Classification, u.Classification)
	setIf(&g.GrokPattern, u.GrokPattern)
	keep(&g.CustomPatterns, u.CustomPatterns)
}

func (x *XMLClassifier) merge(u *XMLClassifier) {
	setIf(&x.Classification, u.Classification)
	keep(&x.RowTag, u.RowTag)
}

func (c *CsvClassifier) merge(u *CsvClassifier) {
	keep(&c.Delimiter, u.Delimiter)
	keep(&c.QuoteSymbol, u.QuoteSymbol)
	keep(&c.ContainsHeader, u.ContainsHeader)
	keep(&c.DisableValueTrimming, u.DisableValueTrimming)
	keep(&c.AllowSingleColumn, u.AllowSingleColumn)
	keep(&c.CustomDatatypeConfigured, u.CustomDatatypeConfigured)
	keep(&c.Serde, u.Serde)
	if u.Header != nil {
		c.Header = u.Header
	}
	if u.CustomDatatypes != nil {
		c.CustomDatatypes = u.CustomDatatypes
	}
}

func setIf(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

func keep[T any](dst **T, v *T) {
	if v != nil {
		*dst = v
	}
}
