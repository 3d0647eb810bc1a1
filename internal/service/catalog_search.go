package service

import (
	"context"
	"strings"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// SearchTables returns a page of the tables of every database that match
// the search text and all the filters, in (database, name) order.
//
// The search text matches, case-insensitively, a part of a table's name,
// database name, description, owner, column or partition key names, or
// parameter values; in double quotes it must match one of them whole.
// A filter's Key is DatabaseName, Name (or TableName), Description, Owner
// or TableType, or else a key of the table's Parameters; its Comparator
// (EQUALS when absent, GREATER_THAN, LESS_THAN, GREATER_THAN_EQUALS,
// LESS_THAN_EQUALS) compares the property's text with Value.
func (s *Service) SearchTables(ctx context.Context, catalogID string, q glue.TableSearch) ([]*glue.Table, error) {
	for _, f := range q.Filters {
		if _, ok := comparators[f.Comparator]; !ok {
			return nil, glue.Errorf(glue.InvalidInput, "Filters: unknown Comparator %q", f.Comparator)
		}
	}
	match := func(t *glue.Table) bool { return matchesText(t, q.SearchText) && matchesFilters(t, q.Filters) }
	var out []*glue.Table
	err := s.catalogView(ctx, catalogID, func(c store.Catalog) (err error) {
		out, err = c.AllTables(ctx, store.TableQuery{After: q.After, Limit: q.Limit, Match: match})
		return err
	})
	return out, err
}

// comparators are SearchTables' comparators, by the sign of the
// comparison they accept.
var comparators = map[string]func(int) bool{
	"":                    func(c int) bool { return c == 0 },
	"EQUALS":              func(c int) bool { return c == 0 },
	"GREATER_THAN":        func(c int) bool { return c > 0 },
	"LESS_THAN":           func(c int) bool { return c < 0 },
	"GREATER_THAN_EQUALS": func(c int) bool { return c >= 0 },
	"LESS_THAN_EQUALS":    func(c int) bool { return c <= 0 },
}

func matchesFilters(t *glue.Table, fs []glue.PropertyPredicate) bool {
	for _, f := range fs {
		v, ok := tableProperty(t, f.Key)
		if !ok || !comparators[f.Comparator](strings.Compare(v, f.Value)) {
			return false
		}
	}
	return true
}

func tableProperty(t *glue.Table, key string) (string, bool) {
	deref := func(p *string) (string, bool) {
		if p == nil {
			return "", false
		}
		return *p, true
	}
	switch key {
	case "DatabaseName":
		return t.DatabaseName, true
	case "Name", "TableName":
		return t.Name, true
	case "Description":
		return deref(t.Description)
	case "Owner":
		return deref(t.Owner)
	case "TableType":
		return deref(t.TableType)
	}
	v, ok := t.Parameters[key]
	return v, ok
}

func matchesText(t *glue.Table, text string) bool {
	text = strings.TrimSpace(text)
	if text == "" {
		return true
	}
	exact := len(text) >= 2 && strings.HasPrefix(text, `"`) && strings.HasSuffix(text, `"`)
	needle := strings.ToLower(strings.Trim(text, `"`))
	for _, f := range searchableText(t) {
		f = strings.ToLower(f)
		if (exact && f == needle) || (!exact && strings.Contains(f, needle)) {
			return true
		}
	}
	return false
}

// searchableText returns the texts of a table that SearchText looks in.
func searchableText(t *glue.Table) []string {
	out := []string{t.Name, t.DatabaseName}
	for _, p := range []*string{t.Description, t.Owner} {
		if p != nil {
			out = append(out, *p)
		}
	}
	for _, k := range t.PartitionKeys {
		out = append(out, k.Name)
	}
	if t.StorageDescriptor != nil {
		for _, c := range t.StorageDescriptor.Columns {
			out = append(out, c.Name)
		}
	}
	for _, v := range t.Parameters {
		out = append(out, v)
	}
	return out
}
