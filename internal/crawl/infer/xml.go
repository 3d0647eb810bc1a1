package infer

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// XML is the Format of a schema an XML classifier read.
const XML = "xml"

// XMLClassifier is a custom XML classifier: each element named RowTag is a
// record; its attributes (named with a leading underscore) and child
// elements are the columns.
type XMLClassifier struct {
	Classification, RowTag string
}

// Classify recognises data holding at least one RowTag element. A
// truncated sample's last, partial record is left out.
func (c *XMLClassifier) Classify(data []byte) (*Schema, error) {
	if c.RowTag == "" {
		return nil, fmt.Errorf("%w: no RowTag", ErrUnknown)
	}
	s := &Schema{Classification: c.Classification, Format: XML, Bytes: int64(len(data)),
		Options: map[string]string{"rowTag": c.RowTag}}
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err != nil {
			if s.Records > 0 && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || isSyntax(err)) {
				return s, nil
			}
			return nil, fmt.Errorf("%w: %v", ErrUnknown, err)
		}
		start, ok := tok.(xml.StartElement)
		if !ok || start.Name.Local != c.RowTag {
			continue
		}
		t, err := readElement(dec, start)
		if err != nil {
			continue // a partial last record
		}
		if t.Kind == Struct {
			s.Columns = MergeFields(s.Columns, t.Fields)
		}
		s.Records++
	}
}

func isSyntax(err error) bool {
	var se *xml.SyntaxError
	return errors.As(err, &se)
}

// readElement types an element whose start was read: a struct of its
// attributes and children (a child repeated becomes an array) when it has
// any, else its text typed as a CSV cell is.
func readElement(dec *xml.Decoder, start xml.StartElement) (*Type, error) {
	var fields []Field
	for _, a := range start.Attr {
		fields = append(fields, Field{Name: "_" + strings.ToLower(a.Name.Local), Type: cellType(a.Value)})
	}
	seen := map[string]int{}
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.CharData:
			text.Write(tok)
		case xml.StartElement:
			t, err := readElement(dec, tok)
			if err != nil {
				return nil, err
			}
			fields = addChild(fields, seen, strings.ToLower(tok.Name.Local), t)
		case xml.EndElement:
			if len(fields) == 0 {
				return cellType(text.String()), nil
			}
			return &Type{Kind: Struct, Fields: fields}, nil
		}
	}
}

// addChild adds a child element's field; a second child of the same name
// makes the field an array of their widened types.
func addChild(fields []Field, seen map[string]int, name string, t *Type) []Field {
	i, ok := seen[name]
	switch {
	case !ok:
		seen[name] = len(fields)
		return append(fields, Field{Name: name, Type: t})
	case fields[i].Type != nil && fields[i].Type.Kind == Array:
		fields[i].Type = &Type{Kind: Array, Elem: Widen(fields[i].Type.Elem, t)}
	default:
		fields[i].Type = &Type{Kind: Array, Elem: Widen(fields[i].Type, t)}
	}
	return fields
}
